"""End to end on data_examples as of 2025-10-31: facts checked by hand against the YAML."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from wenshu.analysis_output import format_text, to_json
from wenshu.analysis.indicators import SPECS
from wenshu.wording import Wording
from wenshu.analysis.lights import Colour
from wenshu.pipeline import Pipeline
from wenshu.wording import Wording

from conftest import EXAMPLES

AS_OF = date(2025, 10, 31)
W = Wording()


@pytest.fixture(scope="module")
def analysed():
    """The analysis, and every project's whole analysis as it passed (the analysis keeps a compact one)."""
    full = {}
    run = Pipeline([EXAMPLES], as_of=AS_OF, on_analysis=lambda p, pa: full.setdefault(p.id, pa))
    return run.finish()[1], full


@pytest.fixture(scope="module")
def analysis(analysed):
    return analysed[0]


@pytest.fixture(scope="module")
def detail(analysed):
    return analysed[1]


def test_not_started_project_is_red_with_day_count(analysis, detail):
    # HSG-2024-017 保障性租赁住房: planned start 2025-05-15, no actual_start → 169 days
    p = detail["HSG-2024-017"]
    assert analysis.project("HSG-2024-017").overall is Colour.RED  # the compact record says the same
    light = p.lights.get("start")
    assert light.colour is Colour.RED
    assert W.say(light.reason) == "计划于2025年5月15日开工，截至2025年10月31日已逾期169天未开工"
    assert p.overall is Colour.RED


def test_progress_and_liangsuan(detail):
    # HSG-2024-038 磁湖商业街区: 2025 plan 4,200 万元, 2,310 done (55.0%); 序时进度 83.3% → 28.3 pp behind → yellow
    p = detail["HSG-2024-038"]
    assert p.lights.get("progress").colour is Colour.YELLOW
    assert "落后28.3个百分点" in W.say(p.lights.get("progress").reason)
    assert p.overall is Colour.YELLOW
    # HSG-2023-010: completed 2023-05-20, 决算 never filed → cycle due 2024-04-20, 559 days over
    q = detail["HSG-2023-010"]
    assert q.lights.get("liangsuan").colour is Colour.RED
    assert "2024年4月20日" in W.say(q.lights.get("liangsuan").reason) and "已超期559天" in W.say(q.lights.get("liangsuan").reason)


def test_counts_and_libraries(analysis, detail):
    # 10 red: the social-investment 数字经济产业园 (HSG-2023-034) was red on 两算 alone, which applies to
    # government investment only.
    assert len(analysis.by_colour(Colour.RED)) == 10
    assert detail["HSG-2023-034"].lights.get("liangsuan").colour is None
    assert len(analysis.by_colour(Colour.YELLOW)) == 1
    lt = analysis.libraries
    # all 44 projects: 812020.84 万元 ÷ 452300 万元
    assert lt.line("catalogue").total == Decimal("812020.84")
    assert lt.line("catalogue").multiple == Decimal("812020.84") / Decimal("452300.00")
    assert lt.line("catalogue").met is False
    assert lt.line("reserve").projects == 36 and lt.line("reserve").total == Decimal("683100.00")


def test_aggregates_add_up(analysis, detail):
    d = analysis.district_total
    for key in SPECS:
        for split in ("全部", "政府投资", "社会投资"):
            ps = [p for p in detail.values() if split == "全部" or p.investment_type == split]
            assert d.splits[split].indicators[key].numerator == sum(p.indicators[key].numerator for p in ps)
            assert d.splits[split].indicators[key].denominator == sum(p.indicators[key].denominator for p in ps)
        assert sum(g.all.indicators[key].denominator for g in analysis.departments) == d.all.indicators[key].denominator
        assert sum(g.all.indicators[key].numerator for g in analysis.industries) == d.all.indicators[key].numerator
    assert d.splits["政府投资"].indicators["capacity_utilisation"].value is None
    assert sum(d.all.lights.values()) == len(analysis.projects)


def test_supervision_criticises_late_liangsuan_reports(analysis):
    aug, sep, oct_ = analysis.supervision
    # 区城执局 reported September's 两算 progress on 2025-10-14 (due 10-10): late 4 days
    cz = sep.department("区城执局")
    assert cz.criticised
    assert any("2025年10月14日才向区财政局报送2025年9月“两算”进展，超过2025年10月10日的期限4天" in W.say(f)
               for f in cz.criticise_facts)
    assert {d.department for d in sep.criticised} == {"区城执局", "区招商中心"}
    assert {d.department for d in sep.commended} == {"区发改局", "区建设局", "区教育局"}
    # October's reports are due 2025-11-10, after as_of: not judged yet
    assert oct_.department("区招商中心").item("settlement_report").rate is None
    assert oct_.departments[-1].department == "区招商中心"


def test_overdue_list(analysis):
    # One item per open filing (the cycle ends with the same filing, whose deadline it bounds), and only
    # for government investment projects.
    open_items = [o for o in analysis.overdue if o.open]
    assert [(o.project_id, o.deadline.key, o.deadline.due.isoformat()) for o in open_items] == [
        ("HSG-2023-010", "filing", "2024-04-20"), ("HSG-2024-002", "filing", "2024-05-20"),
        ("HSG-2024-020", "filing", "2024-07-20")]
    assert all(o.kind == "liangsuan" and o.deadline.bound_by_cycle for o in open_items)
    monthly = [o for o in analysis.overdue if o.kind == "monthly_report"]
    assert {(o.department, o.deadline.due.isoformat(), o.deadline.days_late) for o in monthly} >= {
        ("区城执局", "2025-10-10", 4), ("区招商中心", "2025-09-10", 6), ("区城执局", "2025-09-10", 6)}


def test_completed_projects_are_scored(analysis, detail):
    p = analysis.project("HSG-2024-029")  # 华新智造: completed social project
    assert p.score is not None and p.score.grade in ("优", "良", "中", "差")
    assert analysis.project("HSG-2024-017").score is None


def test_text_and_json(analysis, detail):
    t = format_text(analysis, Wording())
    for s in ("红灯项目10个，黄灯项目1个", "计划于2025年5月15日开工，截至2025年10月31日已逾期169天未开工",
              "目录库：44个项目", "为上年度投资规模的1.80倍，目标4倍，未达到", "1.51倍", "通报批评·区城执局",
              "2025年10月"):
        assert s in t
    j = to_json(analysis, Wording(), list(detail.values()))
    text = json.dumps(j, ensure_ascii=False)  # everything serialisable
    assert j["as_of"] == "2025-10-31"
    assert j["summary"] == {"red": 10, "yellow": 1, "green": 25, "overdue_open": 3}
    lib = j["libraries"]["lines"][0]
    assert lib["total"] == "812020.84"
    assert j["projects"][0]["indicators"]["on_time_start"]["value"] in (None, "0", "100")
    assert "Decimal(" not in text
