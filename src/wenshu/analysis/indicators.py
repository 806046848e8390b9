"""Indicators (指标) per project, and their aggregates per department, industry and district.

Every indicator is a ratio ``numerator ÷ denominator × scale`` (scale 100 for rates in %, 1 for
万元/亩). A project contributes a numerator and a denominator to every indicator (0 and 0 when it
does not apply), and an aggregate is **the sum of the numerators over the sum of the denominators**
of its projects, so aggregates always add up and a department's numbers can be traced to its
projects. A zero denominator gives ``value = None`` (shown "—": not applicable), never 0%.

Rounding: values keep full ``Decimal`` precision (28 significant digits); nothing is rounded here.
Display rounds half-up (ROUND_HALF_UP) to 0.1 percentage point (``fmt.percent``) or 0.01 万元/亩.

Dates after ``as_of`` are treated as not yet happened, so running an earlier ``as_of`` on today's
data gives the picture of that day.

The formulas are documented in docs/计算规则-指标与评分.md; ``SPECS`` holds the same text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from wenshu.analysis.deadlines import Status, appraisal_deadline, liangsuan_cycle_deadline
from wenshu.analysis.workdays import WorkdayCalendar, default_calendar
from wenshu.models.project import Library, Project
from wenshu.models.rules import RulesFile

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    name: str
    unit: str  # "%" or "万元/亩"
    scale: Decimal  # 100 for %, 1 otherwise
    dimension: str  # 效率 / 效能 / 效益 / 其他 (not scored)
    numerator: str  # Chinese description of the numerator
    denominator: str  # Chinese description of the denominator
    formula: str  # Chinese formula text
    applies_to: str = "全部"  # 全部 / 政府投资 / 社会投资


def _rate(key, name, dim, num, den, formula, applies="全部") -> IndicatorSpec:
    return IndicatorSpec(key, name, "%", HUNDRED, dim, num, den, formula, applies)


SPECS: dict[str, IndicatorSpec] = {s.key: s for s in [
    _rate("appraisal_on_time", "论证按时率", "效率",
          "在15个工作日内完成论证入库的次数", "已到期或已完成的论证入库次数",
          "论证按时率 = 在15个工作日内完成论证入库的次数 ÷ 已到期或已完成的论证入库次数 × 100%"
          "（论证入库指转入储备库和进入实施库两次，均自申请提交次日起算15个工作日；尚未到期且未完成的不计入）"),
    _rate("on_time_start", "按时开工率", "效率",
          "按时开工的项目数", "计划开工时间不晚于统计截止日的实施库项目数",
          "按时开工率 = 按时开工的项目数 ÷ 计划开工时间不晚于统计截止日的实施库项目数 × 100%"
          "（实际开工不晚于计划开工时间加宽限天数为按时）"),
    _rate("on_time_completion", "按时竣工率", "效率",
          "按时竣工的项目数", "计划竣工时间不晚于统计截止日的实施库项目数",
          "按时竣工率 = 按时竣工的项目数 ÷ 计划竣工时间不晚于统计截止日的实施库项目数 × 100%"
          "（实际竣工不晚于计划竣工时间加宽限天数为按时）"),
    _rate("investment_completion", "投资完成率", "效率",
          "截至统计年度累计完成投资（万元）", "截至统计年度累计计划投资（万元）",
          "投资完成率 = 截至统计年度累计完成投资（万元） ÷ 截至统计年度累计计划投资（万元） × 100%"
          "（按实施库“年度投资计划与完成”中统计年度及以前各年合计）"),
    _rate("funds_in_place", "资金到位率", "效率",
          "实际拨付资金（万元）", "计划到位资金（万元）",
          "资金到位率 = 实际拨付资金（万元） ÷ 计划到位资金（万元） × 100%（全部资金来源合计）"),
    _rate("liangsuan_on_time", "两算按时率", "效率",
          "竣工后11个月内完成决算备案的项目数", "“两算”已完成或已到期的已竣工政府投资项目数",
          "两算按时率 = 竣工后11个月内完成决算备案的项目数 ÷ “两算”已完成或已到期的已竣工政府投资项目数 × 100%"
          "（政府投资项目；自实际竣工次日起算11个月；尚未到期且未备案的不计入）", "政府投资"),
    _rate("settlement_rate", "结算率", "其他",
          "已完成竣工结算的项目数", "该年度竣工的政府投资项目数",
          "结算率 = 已完成竣工结算的项目数 ÷ 该年度竣工的政府投资项目数 × 100%（按竣工年度统计，截至统计截止日）", "政府投资"),
    _rate("final_accounts_rate", "决算率", "其他",
          "已完成竣工财务决算备案的项目数", "该年度竣工的政府投资项目数",
          "决算率 = 已完成竣工财务决算备案的项目数 ÷ 该年度竣工的政府投资项目数 × 100%（按竣工年度统计，截至统计截止日）", "政府投资"),
    _rate("function_standard", "功能建设达标率", "效能",
          "已达标的功能建设目标项数", "功能建设目标总项数",
          "功能建设达标率 = 已达标的功能建设目标项数 ÷ 功能建设目标总项数 × 100%（按运营情况中逐项列出的功能目标计）"),
    _rate("supply_utilisation", "供给能力利用率", "效能",
          "各项目实际能力 ÷ 设计能力之和", "参评项目数",
          "供给能力利用率 = 各项目实际能力 ÷ 设计能力之和 ÷ 参评项目数 × 100%"
          "（政府投资项目；各项目能力单位不同，汇总为各项目利用率的算术平均）", "政府投资"),
    _rate("capacity_utilisation", "产能利用率（服务能力）", "效能",
          "各项目实际产能（服务量） ÷ 设计产能之和", "参评项目数",
          "产能利用率（服务能力） = 各项目实际产能（服务量） ÷ 设计产能之和 ÷ 参评项目数 × 100%"
          "（社会投资项目；汇总为各项目利用率的算术平均）", "社会投资"),
    _rate("carbon_standard", "碳排放达标率", "效益",
          "实际碳排放强度不高于设计值的项目数", "填报了设计和实际碳排放强度的项目数",
          "碳排放达标率 = 实际碳排放强度不高于设计值的项目数 ÷ 填报了设计和实际碳排放强度的项目数 × 100%"),
    IndicatorSpec("tax_per_mu", "亩均税收", "万元/亩", ONE, "效益",
                  "年度实缴税收（万元）", "总用地面积（亩）",
                  "亩均税收 = 年度实缴税收（万元） ÷ 总用地面积（亩）（汇总为税收合计 ÷ 用地合计）"),
    IndicatorSpec("revenue_per_mu", "亩均营收", "万元/亩", ONE, "效益",
                  "年度营业收入（万元）", "总用地面积（亩）",
                  "亩均营收 = 年度营业收入（万元） ÷ 总用地面积（亩）（汇总为营收合计 ÷ 用地合计）"),
]}

def keys_of(dimension: str, investment_type: str = "全部") -> list[str]:
    """The indicators of a dimension (效率 / 效能 / 效益) that apply to an investment type, in order."""
    return [k for k, s in SPECS.items() if s.dimension == dimension
            and (investment_type == "全部" or s.applies_to in ("全部", investment_type))]


#: Indicators whose numerator counts a subset of what the denominator counts: always 0–100%.
COUNT_RATES = frozenset({
    "appraisal_on_time", "on_time_start", "on_time_completion", "liangsuan_on_time",
    "settlement_rate", "final_accounts_rate", "function_standard", "carbon_standard",
})


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator value: numerator ÷ denominator × scale, or None when the denominator is 0."""

    key: str
    name: str
    numerator: Decimal
    denominator: Decimal
    value: Decimal | None
    unit: str

    @classmethod
    def of(cls, key: str, numerator: Decimal | int, denominator: Decimal | int) -> Indicator:
        spec = SPECS[key]
        num, den = Decimal(numerator), Decimal(denominator)
        value = None if den == 0 else num / den * spec.scale
        return cls(key, spec.name, num, den, value, spec.unit)

    @property
    def applicable(self) -> bool:
        return self.value is not None


def aggregate(parts: Iterable[dict[str, Indicator]]) -> dict[str, Indicator]:
    """Sum numerators and denominators key by key (every key of ``SPECS`` is present)."""
    nums = {k: ZERO for k in SPECS}
    dens = {k: ZERO for k in SPECS}
    for part in parts:
        for k, ind in part.items():
            nums[k] += ind.numerator
            dens[k] += ind.denominator
    return {k: Indicator.of(k, nums[k], dens[k]) for k in SPECS}


# ─── per project ─────────────────────────────────────────────────────────────────────────


def by(d: date | None, as_of: date) -> date | None:
    """``d`` if it happened on or before ``as_of``, else None (not yet happened as of that day)."""
    return d if d is not None and d <= as_of else None


@dataclass(frozen=True, slots=True)
class DateCheck:
    """A planned date against what happened by ``as_of``: ``done`` (None: not yet) and the days past
    the plan, counted to the actual date when done, else to ``as_of`` (0 or less: not yet due)."""

    planned: date
    done: date | None
    days_late: int


def date_check(planned: date, actual: date | None, as_of: date) -> DateCheck:
    """One way to judge 开工 and 竣工 against their plan (indicators and lights alike)."""
    done = by(actual, as_of)
    return DateCheck(planned, done, ((done or as_of) - planned).days)


def completion_date(p: Project, as_of: date) -> date | None:
    return by(p.implementation.actual_completion, as_of) if p.implementation else None


def library_entries(p: Project) -> list[tuple[str, date, date | None]]:
    """The 论证入库 steps of a project: (deadline key, applied, entered)."""
    out = []
    if p.reserve is not None:
        out.append(("reserve_entry", p.reserve.applied_on, p.reserve.entered_on))
    if p.implementation is not None:
        out.append(("implementation_entry", p.implementation.applied_on, p.implementation.entered_on))
    return out


def project_indicators(p: Project, as_of: date, *, rules: RulesFile | None = None,
                       cal: WorkdayCalendar | None = None,
                       cohort_year: int | None = None) -> dict[str, Indicator]:
    """Every indicator of ``SPECS`` for one project (0 ÷ 0 where it does not apply).

    ``cohort_year`` is the completion year for 结算率/决算率 (default: the year before ``as_of``).
    """
    rules = rules or RulesFile()
    cal = cal or default_calendar()
    cohort_year = as_of.year - 1 if cohort_year is None else cohort_year
    grace_s = rules.indicators.start_grace_days
    grace_c = rules.indicators.completion_grace_days
    out: dict[str, Indicator] = {}
    impl, res = p.implementation, p.reserve

    # 论证按时率
    on_time = judged = 0
    for key, applied, entered in library_entries(p):
        if applied > as_of:
            continue
        r = appraisal_deadline(applied, by(entered, as_of), as_of, cal=cal, key=key)
        if r.status in (Status.ON_TIME, Status.LATE, Status.OVERDUE):
            judged += 1
            on_time += r.status is Status.ON_TIME
    out["appraisal_on_time"] = Indicator.of("appraisal_on_time", on_time, judged)

    # 按时开工率 / 按时竣工率 (implementation-library projects whose planned date has come)
    for key, planned, actual, grace in (
            ("on_time_start", res.planned_start if res else None, impl.actual_start if impl else None, grace_s),
            ("on_time_completion", res.planned_completion if res else None, completion_date(p, as_of), grace_c)):
        num = den = 0
        if impl is not None and planned is not None and planned <= as_of:
            c = date_check(planned, actual, as_of)
            den, num = 1, int(c.done is not None and c.days_late <= grace)
        out[key] = Indicator.of(key, num, den)

    # 投资完成率 / 资金到位率
    if impl is not None:
        rows = [r for r in impl.progress if r.year <= as_of.year]
        pl = sum((r.planned for r in rows), ZERO)
        co = sum((r.completed for r in rows), ZERO)
        out["investment_completion"] = Indicator.of("investment_completion", co, pl)
        fpl = sum((f.planned for f in impl.funds), ZERO)
        fdi = sum((f.disbursed for f in impl.funds), ZERO)
        out["funds_in_place"] = Indicator.of("funds_in_place", fdi, fpl)
    else:
        out["investment_completion"] = Indicator.of("investment_completion", 0, 0)
        out["funds_in_place"] = Indicator.of("funds_in_place", 0, 0)

    # 两算按时率, 结算率, 决算率: government investment only (notice 一、（三）, 二、（三）)
    done = completion_date(p, as_of)
    st = impl.settlement if impl is not None else None
    filed = by(st.filed_on, as_of) if st else None
    settled = by(st.settled_on, as_of) if st else None
    num = den = 0
    if done is not None and p.is_government:
        r = liangsuan_cycle_deadline(done, filed, as_of)
        if r.status in (Status.ON_TIME, Status.LATE, Status.OVERDUE):
            den, num = 1, int(r.status is Status.ON_TIME)
    out["liangsuan_on_time"] = Indicator.of("liangsuan_on_time", num, den)
    in_cohort = done is not None and done.year == cohort_year and p.is_government
    out["settlement_rate"] = Indicator.of("settlement_rate", int(in_cohort and settled is not None), int(in_cohort))
    out["final_accounts_rate"] = Indicator.of("final_accounts_rate", int(in_cohort and filed is not None), int(in_cohort))

    # 效能 and 效益 from operating data (completed projects only)
    op = impl.operation if (impl is not None and done is not None) else None
    funcs = op.functions if op else []
    achieved = sum(1 for f in funcs if f.achieved)
    out["function_standard"] = Indicator.of("function_standard", achieved, len(funcs))
    for key, applies in (("supply_utilisation", True), ("capacity_utilisation", False)):
        if op is not None and op.design_capacity > 0 and p.is_government == applies:
            out[key] = Indicator.of(key, op.actual_capacity / op.design_capacity, 1)
        else:
            out[key] = Indicator.of(key, 0, 0)
    if op is not None and op.carbon_design is not None and op.carbon_actual is not None:
        out["carbon_standard"] = Indicator.of("carbon_standard", int(op.carbon_actual <= op.carbon_design), 1)
    else:
        out["carbon_standard"] = Indicator.of("carbon_standard", 0, 0)
    area = res.land_area_mu if res is not None else ZERO
    for key, amount in (("tax_per_mu", op.tax if op else None), ("revenue_per_mu", op.revenue if op else None)):
        if amount is not None and area > 0:
            out[key] = Indicator.of(key, amount, area)
        else:
            out[key] = Indicator.of(key, 0, 0)
    return {k: out[k] for k in SPECS}


# ─── 三库 ─────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class LibraryLine:
    key: str  # catalogue / reserve / implementation
    name: str  # 目录库 / 储备库 / 实施库
    basis: str  # Chinese: which projects count
    projects: int
    total: Decimal  # 万元
    multiple: Decimal | None  # total ÷ previous_year_investment; None if that is 0
    target: Decimal | None  # 4 / 2 / None
    met: bool | None  # None when there is no target or no base


@dataclass(frozen=True)
class LibraryTotals:
    previous_year_investment: Decimal
    lines: list[LibraryLine]
    formula: str

    def line(self, key: str) -> LibraryLine:
        return next(x for x in self.lines if x.key == key)


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """What the 三库 totals need of one project (so they can be summed while projects stream past)."""

    library: Library
    total_investment: Decimal
    completed_on: date | None

    def __reduce__(self):  # a tuple pickles at C speed (slots dataclasses go through Python)
        return (LibraryEntry, (self.library, self.total_investment, self.completed_on))


def library_at(p: Project, day: date) -> Library | None:
    """The library a project was in on ``day`` (from its entry dates), None if it was not yet on the
    platform. A library the data states without an entry date counts from the start."""
    if p.catalogue_entered_on is not None and p.catalogue_entered_on > day:
        return None
    if p.library == Library.IMPLEMENTATION:
        e = p.implementation.entered_on if p.implementation else None
        if e is None or e <= day:
            return Library.IMPLEMENTATION
    if p.library in (Library.IMPLEMENTATION, Library.RESERVE):
        e = p.reserve.entered_on if p.reserve else None
        if e is None or e <= day:
            return Library.RESERVE
    return Library.CATALOGUE


def library_entry(p: Project, as_of: date) -> LibraryEntry:
    return LibraryEntry(library_at(p, as_of) or p.library, p.total_investment, completion_date(p, as_of))


def library_totals(projects: Iterable[Project], previous_year_investment: Decimal, as_of: date,
                   rules: RulesFile | None = None) -> LibraryTotals:
    """三库 totals of a set of projects; see ``library_totals_from``."""
    return library_totals_from([library_entry(p, as_of) for p in projects], previous_year_investment, as_of, rules)


def library_totals_from(entries: Iterable[LibraryEntry], previous_year_investment: Decimal, as_of: date,
                        rules: RulesFile | None = None) -> LibraryTotals:
    """三库 totals and their multiples of last year's investment (notice 一、（一）: 4× and 2×).

    Which projects count (the notice does not say): every project passed through the 目录库, so the
    目录库 total is every project on the platform; the 储备库 total is the projects in the 储备库 and
    the 实施库 (every 实施库 project passed the 储备库); the 实施库 total is the 实施库 projects. Each
    project counts with its best known investment (``Project.total_investment``: approved total in the
    实施库, 投资匡算 in the 储备库, 意向总投资 in the 目录库). With ``libraries.include_completed: false``,
    projects completed before 1 January of the ``as_of`` year are left out.
    """
    rules = rules or RulesFile()
    lib_rules = rules.libraries
    cutoff = None if lib_rules.include_completed else date(as_of.year, 1, 1)
    # One pass of running sums: the entries may stream past (a generator over a large district).
    counts = {"catalogue": 0, "reserve": 0, "implementation": 0}
    totals = {k: ZERO for k in counts}
    for p in entries:
        if cutoff is not None and p.completed_on and p.completed_on < cutoff:
            continue
        for key, member in (("catalogue", True), ("reserve", p.library != Library.CATALOGUE),
                            ("implementation", p.library == Library.IMPLEMENTATION)):
            if member:
                counts[key] += 1
                totals[key] += p.total_investment
    base = Decimal(previous_year_investment)
    groups = [
        ("catalogue", "目录库", "平台上全部项目（目录库、储备库、实施库）", lib_rules.catalogue_multiple),
        ("reserve", "储备库", "储备库和实施库项目", lib_rules.reserve_multiple),
        ("implementation", "实施库", "实施库项目", None),
    ]
    lines = []
    for key, name, basis, target in groups:
        total = totals[key]
        mult = None if base == 0 else total / base
        met = None if (target is None or mult is None) else mult >= target
        lines.append(LibraryLine(key, name, basis, counts[key], total, mult, target, met))
    return LibraryTotals(base, lines, "倍数 = 该库项目总投资合计（万元） ÷ 上年度投资规模（万元）")
