"""Indicators: hand-computed values, zero denominators, aggregates equal the sum of their parts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from wenshu.analysis.indicators import (
    COUNT_RATES,
    SPECS,
    Indicator,
    aggregate,
    library_totals,
    project_indicators,
)
from wenshu.models.project import Project
from wenshu.models.rules import RulesFile

D = date.fromisoformat
AS_OF = D("2025-10-31")


def make_project(pid="HSG-T-001", library="实施库", gov=True, **kw) -> Project:
    """A minimal valid project; ``kw`` overrides reserve/implementation fields."""
    reserve = {
        "owner": {"name": "测试业主单位", "legal_person": "张三", "credit_code": "91420202MA4KXXXX0X"},
        "nature": "新建",
        "estimated_investment": Decimal("1000"),
        "intended_funding": [{"source": "本级财政资金", "amount": Decimal("1000")}],
        "annual_plan": [{"year": 2025, "amount": Decimal("1000")}],
        "content_scale": "新建测试工程一座",
        "project_code": "2024-420202-48-01-123456",
        "planned_start": D("2025-03-01"),
        "planned_completion": D("2026-06-30"),
        "address": "黄石港区测试路1号",
        "land_area_mu": Decimal("10"),
        "objectives": ["建成测试工程"],
        "applied_on": D("2024-09-02"),
        "entered_on": D("2024-09-10"),
    }
    reserve.update(kw.pop("reserve", {}))
    data = {
        "id": pid, "name": "测试工程项目", "library": library,
        "investment_type": "政府投资" if gov else "社会投资",
        "department": "区建设局", "industry": "市政基础设施", "nic_code": "E4813",
        "intended_investment": Decimal("1000"), "source_basis": "测试规划", "summary": "测试工程建设内容",
        "location": "花湖街道",
    }
    if library != "目录库":
        data["reserve"] = reserve
    if library == "实施库":
        impl = {
            "total_investment": Decimal("1000"),
            "funding": [{"source": "本级财政资金", "amount": Decimal("1000")}],
            "applied_on": D("2024-10-08"),
            "entered_on": D("2024-10-15"),
        }
        impl.update(kw.pop("implementation", {}))
        data["implementation"] = impl
    data.update(kw)
    return Project.model_validate(_fix_credit(data))


def _fix_credit(data):
    from wenshu.models.codes import credit_check_char

    if "reserve" in data:
        body = "91420202MA4KXXXX0"
        data["reserve"]["owner"]["credit_code"] = body + credit_check_char(body)
    return data


def test_zero_denominators_are_none():
    p = make_project(library="目录库")
    inds = project_indicators(p, AS_OF)
    assert set(inds) == set(SPECS)
    for ind in inds.values():
        assert ind.denominator == 0
        assert ind.value is None


def test_on_time_start_late_and_not_started():
    late = make_project(implementation={"actual_start": D("2025-03-05")})
    i = project_indicators(late, AS_OF)["on_time_start"]
    assert (i.numerator, i.denominator, i.value) == (0, 1, 0)
    ok = make_project(implementation={"actual_start": D("2025-03-01")})
    assert project_indicators(ok, AS_OF)["on_time_start"].value == 100
    # grace days make the late start on time
    rules = RulesFile.model_validate({"indicators": {"start_grace_days": 4}})
    assert project_indicators(late, AS_OF, rules=rules)["on_time_start"].value == 100
    # planned start after as_of: not due, not counted
    assert project_indicators(late, D("2025-02-28"))["on_time_start"].value is None
    # not started
    ns = make_project()
    i = project_indicators(ns, AS_OF)["on_time_start"]
    assert (i.numerator, i.denominator) == (0, 1)


def test_start_after_as_of_is_ignored():
    p = make_project(implementation={"actual_start": D("2025-11-05")})
    i = project_indicators(p, AS_OF)["on_time_start"]
    assert (i.numerator, i.denominator) == (0, 1)


def test_investment_and_funds_ratios():
    p = make_project(implementation={
        "actual_start": D("2025-03-01"),
        "progress": [{"year": 2025, "planned": Decimal("800"), "completed": Decimal("300")},
                     {"year": 2026, "planned": Decimal("200"), "completed": Decimal("0")}],
        "funds": [{"source": "本级财政资金", "planned": Decimal("600"), "disbursed": Decimal("450")}],
    })
    inds = project_indicators(p, AS_OF)
    assert inds["investment_completion"].value == Decimal("37.5")  # 300 ÷ 800, 2026 not yet
    assert inds["funds_in_place"].value == Decimal(75)


def completed(pid="HSG-T-002", gov=True, filed=None, settled=None, report=None, **op):
    settlement = {}
    if settled:
        settlement["settled_on"] = settled
    if report:
        settlement["final_report_on"] = report
    if filed:
        settlement["filed_on"] = filed
    operation = {"year": 2025, "capacity_unit": "个学位", "design_capacity": Decimal(1000),
                 "actual_capacity": Decimal(600),
                 "functions": [{"name": "新增学位", "achieved": True}, {"name": "运动场", "achieved": False},
                               {"name": "教室", "achieved": True}]}
    operation.update(op)
    return make_project(pid, gov=gov, reserve={"planned_start": D("2023-03-01"), "planned_completion": D("2024-03-31")},
                        implementation={"actual_start": D("2023-03-01"), "actual_completion": D("2024-03-31"),
                                        "settlement": settlement or None, "operation": operation})


def test_liangsuan_cycle_and_cohort_rates():
    # completed 2024-03-31; the 11-month cycle ends 2025-02-28 (month-end clamp)
    on_time = completed(settled=D("2024-07-01"), report=D("2024-07-20"), filed=D("2025-02-28"))
    i = project_indicators(on_time, AS_OF)
    assert i["liangsuan_on_time"].value == 100
    assert i["settlement_rate"].value == 100 and i["final_accounts_rate"].value == 100
    late = completed(settled=D("2024-07-01"))
    i = project_indicators(late, AS_OF)
    assert (i["liangsuan_on_time"].numerator, i["liangsuan_on_time"].denominator) == (0, 1)
    assert i["settlement_rate"].value == 100 and i["final_accounts_rate"].value == 0
    # another cohort year: not counted
    assert project_indicators(late, AS_OF, cohort_year=2023)["settlement_rate"].value is None
    # cycle not yet due (as of 2024-12-31) and not filed: not judged
    assert project_indicators(late, D("2024-12-31"))["liangsuan_on_time"].value is None
    # 两算 is a government-investment duty: a social project is never counted
    social = completed("HSG-T-004", gov=False, settled=D("2024-07-01"))
    i = project_indicators(social, AS_OF)
    assert all(i[k].denominator == 0 for k in ("liangsuan_on_time", "settlement_rate", "final_accounts_rate"))


def test_function_capacity_carbon_per_mu():
    gov = completed()
    i = project_indicators(gov, AS_OF)
    assert (i["function_standard"].numerator, i["function_standard"].denominator) == (2, 3)
    assert i["supply_utilisation"].value == 60
    assert i["capacity_utilisation"].value is None
    soc = completed("HSG-T-003", gov=False, carbon_unit="吨二氧化碳/万元产值", carbon_design=Decimal("0.42"),
                    carbon_actual=Decimal("0.47"), tax=Decimal("150"), revenue=Decimal("3125"))
    i = project_indicators(soc, AS_OF)
    assert i["capacity_utilisation"].value == 60 and i["supply_utilisation"].value is None
    assert i["carbon_standard"].value == 0  # 0.47 > 0.42
    assert i["tax_per_mu"].value == 15  # 150 万元 ÷ 10 亩
    assert i["revenue_per_mu"].value == Decimal("312.5")
    assert i["tax_per_mu"].unit == "万元/亩"


def test_appraisal_on_time_counts_both_entries():
    # reserve: applied 2024-09-02, entered 2024-09-10 (on time);
    # implementation: applied 2024-10-08, entered 2024-11-05; the 15th working day after 10-08 is
    # 10-28 (Saturday 10-12 is a 调休 working day), so it is 8 calendar days late
    p = make_project(implementation={"entered_on": D("2024-11-05")})
    i = project_indicators(p, AS_OF)["appraisal_on_time"]
    assert (i.numerator, i.denominator) == (1, 2)


def test_aggregate_and_capacity_mean():
    a = completed("HSG-T-010")  # 600/1000
    b = completed("HSG-T-011", actual_capacity=Decimal(900))  # 900/1000
    agg = aggregate([project_indicators(a, AS_OF), project_indicators(b, AS_OF)])
    assert agg["supply_utilisation"].value == 75  # mean of 60% and 90%
    assert agg["function_standard"].denominator == 6
    assert agg["tax_per_mu"].value is None


def test_library_totals():
    ps = [make_project("HSG-T-020", library="目录库"), make_project("HSG-T-021", library="储备库"),
          make_project("HSG-T-022")]
    lt = library_totals(ps, Decimal(1000), AS_OF)
    assert lt.line("catalogue").total == 3000 and lt.line("catalogue").multiple == 3
    assert lt.line("catalogue").met is False
    assert lt.line("reserve").total == 2000 and lt.line("reserve").met is True
    assert lt.line("implementation").projects == 1
    assert library_totals(ps, Decimal(0), AS_OF).line("catalogue").multiple is None


# ─── properties ──────────────────────────────────────────────────────────────────────────

money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def projects(draw, i):
    start = draw(st.dates(D("2024-01-01"), D("2025-12-31")))
    started = draw(st.none() | st.dates(start, D("2026-06-30")))
    planned = draw(money)
    completed_ = draw(money.filter(lambda x: x <= planned))
    fplan = draw(money)
    fdone = draw(money.filter(lambda x: x <= fplan))
    return make_project(
        f"HSG-P-{i:03d}", gov=draw(st.booleans()),
        reserve={"planned_start": start, "planned_completion": D("2027-01-01")},
        implementation={"actual_start": started,
                        "progress": [{"year": 2025, "planned": planned, "completed": completed_}],
                        "funds": [{"source": "本级财政资金", "planned": fplan, "disbursed": fdone}]},
    )


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=6).flatmap(
    lambda xs: st.tuples(*[projects(i) for i in range(len(xs))])))
def test_property_rates_bounded_and_aggregates_add_up(ps):
    parts = [project_indicators(p, AS_OF) for p in ps]
    agg = aggregate(parts)
    for key in SPECS:
        assert agg[key].numerator == sum(x[key].numerator for x in parts)
        assert agg[key].denominator == sum(x[key].denominator for x in parts)
        for ind in [agg[key], *(x[key] for x in parts)]:
            if ind.denominator == 0:
                assert ind.value is None
            elif key in COUNT_RATES or key in ("investment_completion", "funds_in_place"):
                assert 0 <= ind.value <= 100


@given(st.integers(0, 50), st.integers(0, 50))
def test_property_indicator_of(num, den):
    if num > den:
        num, den = den, num
    ind = Indicator.of("on_time_start", num, den)
    assert (ind.value is None) == (den == 0)
    if den:
        assert 0 <= ind.value <= 100
