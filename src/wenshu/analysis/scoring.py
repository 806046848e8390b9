"""效率 / 效能 / 效益 scores out of 100 and the grade (优/良/中/差), from indicator values.

Method (目标比值法, ``rules.scoring``; the notice fixes none of it):

1. Indicator score = min(指标值 ÷ 目标值, 1) × 100 (0–100). A "lower is better" extra indicator
   scores min(目标值 ÷ 指标值, 1) × 100, and 100 when its value is 0.
2. Dimension score = Σ(indicator score × weight) ÷ Σ(weights of the applicable indicators). An
   indicator that does not apply (value None, "—") is dropped and its weight is redistributed in
   proportion among the remaining indicators of the same dimension.
3. Total = Σ(dimension score × dimension weight) ÷ Σ(weights of the applicable dimensions), so the
   total is out of 100. A dimension without any applicable indicator is dropped the same way.
4. Everything is computed at full Decimal precision; the total is rounded once, half-up
   (ROUND_HALF_UP) to 0.1 point, and the grade is taken from that rounded total so that the
   printed score and the printed grade always agree: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from wenshu.analysis.indicators import HUNDRED, SPECS, ZERO, Indicator
from wenshu.models.evaluation import ExtraIndicator
from wenshu.models.rules import RulesFile

DIMENSIONS = (("efficiency", "效率"), ("effectiveness", "效能"), ("benefit", "效益"))
DIM_NAME = dict(DIMENSIONS)
DIM_KEY = {v: k for k, v in DIMENSIONS}
TENTH = Decimal("0.1")


def round1(d: Decimal | None) -> Decimal | None:
    """Half-up to one decimal place (None stays None)."""
    return None if d is None else d.quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    key: str | None  # SPECS key; None for an extra indicator from evaluations.yaml
    name: str
    dimension: str  # 效率 / 效能 / 效益
    value: Decimal | None
    target: Decimal
    unit: str
    weight: Decimal  # configured weight within the dimension
    effective_weight: Decimal | None  # share of the dimension after redistribution, in % (None: dropped)
    score: Decimal | None  # 0–100, None when not applicable
    higher_is_better: bool = True


@dataclass(frozen=True, slots=True)
class DimensionScore:
    key: str
    name: str
    weight: Decimal  # configured points
    effective_weight: Decimal | None  # points after redistribution across dimensions (None: dropped)
    score: Decimal | None  # 0–100
    items: list[IndicatorScore]


@dataclass(frozen=True, slots=True)
class ScoreResult:
    dimensions: list[DimensionScore]
    total: Decimal | None  # full precision, 0–100
    total_display: Decimal | None  # rounded half-up to 0.1
    grade: str | None  # 优 / 良 / 中 / 差

    def dimension(self, name_or_key: str) -> DimensionScore:
        return next(d for d in self.dimensions if name_or_key in (d.key, d.name))


def indicator_score(value: Decimal | None, target: Decimal, higher_is_better: bool = True) -> Decimal | None:
    if value is None:
        return None
    if higher_is_better:
        ratio = value / target if target > 0 else Decimal(1)
    else:
        ratio = Decimal(1) if value == 0 else target / value
    return min(max(ratio, ZERO), Decimal(1)) * HUNDRED


def grade_of(score_display: Decimal | None, rules: RulesFile) -> str | None:
    if score_display is None:
        return None
    g = rules.scoring.grades
    if score_display >= g.excellent:
        return "优"
    if score_display >= g.good:
        return "良"
    if score_display >= g.fair:
        return "中"
    return "差"


def _weighted(pairs: list[tuple[Decimal | None, Decimal]]) -> tuple[Decimal | None, list[Decimal | None]]:
    """(weighted mean over applicable items, effective share % of each item)."""
    live = sum((w for s, w in pairs if s is not None), ZERO)
    if live == 0:
        return None, [None] * len(pairs)
    mean = sum((s * w for s, w in pairs if s is not None), ZERO) / live
    return mean, [(w / live * HUNDRED) if s is not None else None for s, w in pairs]


def score(indicators: dict[str, Indicator], rules: RulesFile | None = None,
          extras: Iterable[ExtraIndicator] = ()) -> ScoreResult:
    """Score a set of indicators (one project's, or an aggregate's) plus optional extra indicators."""
    rules = rules or RulesFile()
    sc = rules.scoring
    targets = rules.indicators.targets
    dims: list[DimensionScore] = []
    extras = list(extras)
    for dkey, dname in DIMENSIONS:
        weights = getattr(sc.weights, dkey)
        raw: list[tuple] = []
        for key in type(weights).model_fields:
            ind = indicators.get(key)
            value = ind.value if ind is not None else None
            target = getattr(targets, key)
            raw.append((key, SPECS[key].name, value, target, SPECS[key].unit, getattr(weights, key), True))
        for e in extras:
            if e.dimension == dname:
                raw.append((None, e.name, e.value, e.target, e.unit, sc.weights.extra, e.higher_is_better))
        scores = [indicator_score(v, t, hib) for _, _, v, t, _, _, hib in raw]
        mean, shares = _weighted([(s, r[5]) for s, r in zip(scores, raw)])
        items = [IndicatorScore(k, n, dname, v, t, u, w, sh, s, hib)
                 for (k, n, v, t, u, w, hib), s, sh in zip(raw, scores, shares)]
        dims.append(DimensionScore(dkey, dname, getattr(sc.dimensions, dkey), None, mean, items))
    total, shares = _weighted([(d.score, d.weight) for d in dims])
    dims = [DimensionScore(d.key, d.name, d.weight,
                           None if sh is None else sh * sum((x.weight for x in dims), ZERO) / HUNDRED,
                           d.score, d.items) for d, sh in zip(dims, shares)]
    shown = round1(total)
    return ScoreResult(dims, total, shown, grade_of(shown, rules))
