"""Scoring: indicator scores, redistribution of weights, total, grade bands, rules loading."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wenshu.analysis.indicators import SPECS, Indicator
from wenshu.analysis.scoring import grade_of, indicator_score, score
from wenshu.errors import DataError
from wenshu.models.evaluation import ExtraIndicator
from wenshu.data.settings import default_rules_text, load_rules
from wenshu.models.rules import RulesFile
from wenshu.loading import load_yaml_text


def inds(**values) -> dict[str, Indicator]:
    """Indicators with the given (numerator, denominator); everything else 0 ÷ 0."""
    out = {k: Indicator.of(k, 0, 0) for k in SPECS}
    for k, (n, d) in values.items():
        out[k] = Indicator.of(k, n, d)
    return out


def test_indicator_score():
    assert indicator_score(Decimal(60), Decimal(80)) == 75
    assert indicator_score(Decimal(120), Decimal(80)) == 100
    assert indicator_score(None, Decimal(80)) is None
    assert indicator_score(Decimal(50), Decimal(40), higher_is_better=False) == 80
    assert indicator_score(Decimal(0), Decimal(40), higher_is_better=False) == 100


def test_redistribution_within_and_across_dimensions():
    # efficiency: on_time_start 100 (w20) and investment_completion 50 (w20) → 75
    # effectiveness: function_standard 2/4 = 50% → 50 (others not applicable)
    # benefit: nothing applicable → dropped; total = (75×30 + 50×30) ÷ 60 = 62.5
    r = score(inds(on_time_start=(1, 1), investment_completion=(50, 100), function_standard=(2, 4)))
    eff = r.dimension("效率")
    assert eff.score == 75
    shares = {i.key: i.effective_weight for i in eff.items if i.effective_weight is not None}
    assert shares == {"on_time_start": 50, "investment_completion": 50}
    assert r.dimension("效益").score is None and r.dimension("效益").effective_weight is None
    assert r.dimension("效能").effective_weight == 50
    assert r.total == Decimal("62.5") and r.grade == "中"


def test_extra_indicator_counts_in_its_dimension():
    extra = ExtraIndicator(name="服务对象满意度", dimension="效益", value=Decimal(81), target=Decimal(90))
    r = score(inds(on_time_start=(1, 1)), extras=[extra])
    assert r.dimension("效益").score == 90  # 81 ÷ 90
    # total = (100×30 + 90×40) ÷ 70
    assert r.total == (Decimal(3000) + Decimal(3600)) / Decimal(70)
    assert r.total_display == Decimal("94.3") and r.grade == "优"


def test_nothing_applicable():
    r = score(inds())
    assert r.total is None and r.grade is None


@pytest.mark.parametrize("s,g", [("90.0", "优"), ("89.9", "良"), ("80.0", "良"), ("79.9", "中"),
                                 ("60.0", "中"), ("59.9", "差")])
def test_grade_bands(s, g):
    assert grade_of(Decimal(s), RulesFile()) == g


def test_grade_uses_rounded_total():
    # 89.95 shows as 90.0 and is graded 优, so the printed score and grade agree
    r = score(inds(on_time_start=(8995, 10000)), RulesFile.model_validate(
        {"scoring": {"dimensions": {"effectiveness": 0, "benefit": 0}}}))
    assert r.total == Decimal("89.95") and r.total_display == Decimal("90.0") and r.grade == "优"


def test_method_context_takes_points_and_bands_from_the_rules():
    from wenshu.documents.common import method_ctx

    m = method_ctx(RulesFile())
    assert (m.efficiency, m.effectiveness, m.benefit, m.excellent, m.good, m.fair) == ("30", "30", "40", "90", "80", "60")
    assert m.basis == ""
    r = RulesFile.model_validate({"basis": "区投委会2025年第1次会议", "scoring": {"grades": {"excellent": 95}}})
    m = method_ctx(r)
    assert m.excellent == "95" and m.basis == "区投委会2025年第1次会议"


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=len(SPECS), max_size=len(SPECS)))
def test_property_total_within_0_100(pairs):
    values = {}
    for k, (a, b) in zip(SPECS, pairs):
        values[k] = (min(a, b), max(a, b)) if SPECS[k].unit == "%" else (a, b)
    r = score(inds(**values))
    if r.total is not None:
        assert 0 <= r.total <= 100
        assert r.grade in ("优", "良", "中", "差")


# ─── rules loading ───────────────────────────────────────────────────────────────────────


def test_shipped_defaults_equal_model_defaults():
    data = load_yaml_text(default_rules_text()).data
    assert RulesFile.model_validate(data) == RulesFile()
    assert load_rules(None) == RulesFile()


def test_district_overrides_only_what_it_lists(tmp_path: Path):
    (tmp_path / "rules.yaml").write_text(
        "kind: rules\nlights:\n  start:\n    red_over_days: 60\nscoring:\n  grades:\n    excellent: 95\n",
        encoding="utf-8")
    r = load_rules(tmp_path)
    assert r.lights.start.red_over_days == 60
    assert r.lights.start.yellow_over_days == 0  # kept
    assert r.scoring.grades.excellent == 95 and r.scoring.grades.good == 80
    assert r.scoring.dimensions.benefit == 40


def test_invalid_rules_are_located(tmp_path: Path):
    (tmp_path / "rules.yaml").write_text(
        "kind: rules\nlights:\n  start:\n    red_over_dayz: 60\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_rules(tmp_path)
    p = e.value.problems[0]
    assert p.line == 4 and "rules.yaml" in p.file
    (tmp_path / "rules.yaml").write_text(
        "kind: rules\nlights:\n  start:\n    yellow_over_days: 100\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_rules(tmp_path)
    assert "不能大于" in e.value.problems[0].message


def test_rules_name_exactly_the_scored_indicators():
    """The district's rules (targets, weights per dimension) and the analysis's indicators are one list:
    every scored indicator has a target and a weight in its dimension, and the rules name no other."""
    from wenshu.analysis.indicators import keys_of
    from wenshu.models.rules import RulesFile

    r = RulesFile()
    scored = [k for k, s in SPECS.items() if s.dimension in ("效率", "效能", "效益")]
    assert set(r.indicators.targets.model_dump()) == set(scored)
    w = r.scoring.weights
    for dim, attr in (("效率", "efficiency"), ("效能", "effectiveness"), ("效益", "benefit")):
        assert list(getattr(w, attr).model_dump()) == keys_of(dim), dim
        for k in keys_of(dim):
            assert type(getattr(w, attr)).model_fields[k].title == SPECS[k].name
