"""督办考评: each department's monthly score and rank, and who qualifies for 通报表彰 / 通报批评.

The notice (二、（五）3) has the committee office check every department monthly and commend fast,
effective departments and criticise those who push poorly or miss stage targets; it gives no
scoring scheme. wenshu scores five items from the month's ``DeptMonthRecord`` (weights in
``rules.supervision.weights``, default 25/30/20/15/10):

* 平台登录: weeks with at least ``min_logins_per_week`` logins ÷ weeks listed;
* 事项办理: 按时办结数 ÷ 应办事项数;
* 预警处置: 已处置预警数 ÷ 收到预警数;
* 两算报送: the report of month M's 两算 progress is due on the 10th of month M+1 (任务清单
  "每月10日前调度上月进展"): on time 100%, late ``late_report_score`` %, not reported and past due 0.
  Only departments with the duty report: a role in ``report_roles`` and, for an industry department,
  at least one government investment project (两算 is a government-investment matter); the finance
  department reports to the committee office, every other department to the finance department;
* 评价报送: 已报评价数 ÷ 应报评价数.

An item with a zero denominator (nothing due, no warning received, report not yet due, or a
department not required to report) does not apply and its weight is redistributed in proportion
(same rule as project scoring). Score = Σ(item rate × weight) ÷ Σ(applicable weights), 0–100, full
precision; it is rounded half-up to 0.1 once, and ranks and the score thresholds use the rounded
score, so ties in print are ties in rank (competition ranking 1, 2, 2, 4).

A month is judged as of its bulletin date (``bulletin.issued_on``), or the analysis date when that is
earlier or there is no bulletin; facts dated after that day are treated as not yet happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from wenshu.analysis.deadlines import DeadlineResult, Status, monthly_report_deadline
from wenshu.analysis.facts import Fact, Number, Percent, Score, YearMonth, fact
from wenshu.analysis.indicators import HUNDRED, ZERO, by
from wenshu.analysis.scoring import round1
from wenshu.models.district import DeptRole, DistrictFile
from wenshu.models.rules import RulesFile
from wenshu.models.supervision import DeptMonthRecord, SupervisionFile

ITEMS = {
    "logins": "平台登录",
    "items": "事项办理",
    "warnings": "预警处置",
    "settlement_report": "两算报送",
    "evaluations": "评价报送",
}


@dataclass(frozen=True)
class SupervisionItem:
    key: str
    name: str
    rate: Decimal | None  # 0–100; None: not applicable this month
    weight: Decimal  # configured points
    detail: Fact  # what the rate comes from


@dataclass
class DeptMonthScore:
    department: str
    items: list[SupervisionItem]
    score: Decimal | None  # full precision, 0–100
    score_display: Decimal | None  # half-up to 0.1
    rank: int | None = None
    report: DeadlineResult | None = None  # the 两算 monthly report deadline
    weeks_below: list[int] = field(default_factory=list)  # 1-based weeks with too few logins
    unhandled_warnings: int = 0
    commended: bool = False
    criticised: bool = False
    commend_facts: list[Fact] = field(default_factory=list)
    criticise_facts: list[Fact] = field(default_factory=list)
    highlights: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)

    def item(self, key: str) -> SupervisionItem:
        return next(i for i in self.items if i.key == key)


@dataclass
class MonthSupervision:
    year: int
    month: int
    judged_on: date
    departments: list[DeptMonthScore]  # ranked order (unranked last)
    # When a criticised department must report its rectification (the month's 通报 + 15 working days).
    rectification_due: date | None = None

    @property
    def period(self) -> YearMonth:
        return YearMonth(self.year, self.month)

    @property
    def commended(self) -> list[DeptMonthScore]:
        return [d for d in self.departments if d.commended]

    @property
    def criticised(self) -> list[DeptMonthScore]:
        return [d for d in self.departments if d.criticised]

    def department(self, name: str) -> DeptMonthScore:
        return next(d for d in self.departments if d.department == name)


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _roles(district: DistrictFile | None, name: str) -> set[str]:
    if district is None:
        return set()
    d = district.department(name)
    return {r.value for r in d.roles} if d else set()


def report_recipient(district: DistrictFile | None, name: str) -> str | None:
    """Who receives a department's monthly 两算 report: the finance department, or — for the finance
    department itself — the committee office (任务清单). None when the district names neither."""
    if district is None:
        return None
    finance = district.first_with_role(DeptRole.FINANCE)
    office = district.first_with_role(DeptRole.COMMITTEE_OFFICE)
    if finance is not None and name in (finance.short, finance.name):
        return office.short if office else None
    return finance.short if finance else None


def has_report_duty(district: DistrictFile | None, name: str, rules: RulesFile,
                    government_departments: set[str] | None) -> bool:
    """Whether a department must report 两算 progress monthly (see the module docstring)."""
    if district is None:
        return True
    roles = _roles(district, name)
    if not roles & set(rules.supervision.report_roles):
        return False
    if DeptRole.FINANCE.value in roles or government_departments is None:
        return True
    return name in government_departments


def score_record(rec: DeptMonthRecord, year: int, month: int, judged_on: date,
                 rules: RulesFile, district: DistrictFile | None = None,
                 government_departments: set[str] | None = None) -> DeptMonthScore:
    sr = rules.supervision
    w = sr.weights
    items: list[SupervisionItem] = []

    # 平台登录
    need = sr.criticise.min_logins_per_week
    weeks = len(rec.weekly_logins)
    below = [i + 1 for i, n in enumerate(rec.weekly_logins) if n < need]
    ok = weeks - len(below)
    values = dict(weeks=weeks, ok=ok, need=need, total=sum(rec.weekly_logins))
    detail = fact("supervision.logins_below", below=below, **values) if below else fact("supervision.logins", **values)
    items.append(SupervisionItem("logins", ITEMS["logins"], Decimal(ok) / Decimal(weeks) * HUNDRED, w.logins, detail))

    # 事项办理
    if rec.items_due:
        rate = Decimal(rec.items_on_time) / Decimal(rec.items_due) * HUNDRED
        detail = fact("supervision.items", due=rec.items_due, on_time=rec.items_on_time, rate=Percent(rate))
    else:
        rate, detail = None, fact("supervision.items_none")
    items.append(SupervisionItem("items", ITEMS["items"], rate, w.items, detail))

    # 预警处置
    unhandled = rec.warnings_received - rec.warnings_handled
    if rec.warnings_received:
        rate = Decimal(rec.warnings_handled) / Decimal(rec.warnings_received) * HUNDRED
        if unhandled:
            detail = fact("supervision.warnings", received=rec.warnings_received, handled=rec.warnings_handled,
                          unhandled=unhandled)
        else:
            detail = fact("supervision.warnings_all", received=rec.warnings_received, handled=rec.warnings_handled)
    else:
        rate, detail = None, fact("supervision.warnings_none")
    items.append(SupervisionItem("warnings", ITEMS["warnings"], rate, w.warnings, detail))

    # 两算报送 (month M's progress, due the 10th of M+1)
    ny, nm = _next_month(year, month)
    must = has_report_duty(district, rec.department, rules, government_departments)
    report = None
    if must or rec.settlement_report_on is not None:
        report = monthly_report_deadline(ny, nm, by(rec.settlement_report_on, judged_on), judged_on)
        recipient = report_recipient(district, rec.department)
        to = fact("supervision.to", recipient=recipient) if recipient else fact("supervision.to_unknown")
        values = dict(month=YearMonth(year, month), due=report.due, to=to)
        if report.status is Status.ON_TIME:
            rate = HUNDRED
            detail = fact("supervision.report_on_time", done=report.done, **values)
        elif report.status is Status.LATE:
            rate = sr.late_report_score
            detail = fact("supervision.report_late", done=report.done, days=report.days_late, **values)
        elif report.status is Status.OVERDUE:
            rate = ZERO
            detail = fact("supervision.report_missing", as_of=judged_on, days=report.days_late, **values)
        else:
            rate = None
            detail = fact("supervision.report_pending", **values)
    else:
        rate, detail = None, fact("supervision.report_no_duty")
    items.append(SupervisionItem("settlement_report", ITEMS["settlement_report"], rate, w.settlement_report, detail))

    # 评价报送
    if rec.evaluations_due:
        rate = Decimal(rec.evaluations_submitted) / Decimal(rec.evaluations_due) * HUNDRED
        detail = fact("supervision.evaluations", due=rec.evaluations_due, submitted=rec.evaluations_submitted)
    else:
        rate, detail = None, fact("supervision.evaluations_none")
    items.append(SupervisionItem("evaluations", ITEMS["evaluations"], rate, w.evaluations, detail))

    live = sum((i.weight for i in items if i.rate is not None), ZERO)
    total = None if live == 0 else sum((i.rate * i.weight for i in items if i.rate is not None), ZERO) / live
    return DeptMonthScore(rec.department, items, total, round1(total), report=report,
                          weeks_below=below, unhandled_warnings=unhandled,
                          highlights=list(rec.highlights), issues=list(rec.issues))


def _rank(scores: list[DeptMonthScore]) -> list[DeptMonthScore]:
    ranked = sorted([s for s in scores if s.score_display is not None], key=lambda s: -s.score_display)
    for i, s in enumerate(ranked):
        s.rank = ranked[i - 1].rank if i and ranked[i - 1].score_display == s.score_display else i + 1
    return ranked + [s for s in scores if s.score_display is None]


def _judge(s: DeptMonthScore, n: int, period: YearMonth, rules: RulesFile) -> None:
    c, k = rules.supervision.criticise, rules.supervision.commend
    facts: list[Fact] = []
    if s.score_display is not None and s.score_display < c.below_score:
        facts.append(fact("supervision.low_score", month=period, score=Score(s.score_display),
                          threshold=Number(c.below_score)))
    if c.weeks_below_logins and len(s.weeks_below) >= c.weeks_below_logins:
        facts.append(fact("supervision.weeks_below", month=period, weeks=s.weeks_below,
                          need=c.min_logins_per_week, count=len(s.weeks_below)))
    if c.late_settlement_report and s.report is not None and s.report.status in (Status.LATE, Status.OVERDUE):
        facts.append(s.item("settlement_report").detail)
    if c.unhandled_warnings and s.unhandled_warnings >= c.unhandled_warnings:
        facts.append(s.item("warnings").detail)
    s.criticise_facts = facts
    s.criticised = bool(facts)
    if (s.score_display is not None and s.rank is not None and s.score_display >= k.min_score
            and s.rank <= k.top_n and not (k.require_no_flags and facts)):
        s.commended = True
        s.commend_facts = [fact("supervision.rank", month=period, score=Score(s.score_display), n=n, rank=s.rank)] + [
            i.detail for i in s.items if i.rate is not None and i.rate == HUNDRED
        ]


def judge_date(sf: SupervisionFile, as_of: date) -> date:
    if sf.bulletin is not None:
        return min(sf.bulletin.issued_on, as_of)
    return as_of


def month_supervision(sf: SupervisionFile, as_of: date, rules: RulesFile | None = None,
                      district: DistrictFile | None = None,
                      government_departments: set[str] | None = None) -> MonthSupervision:
    """Score, rank and judge one month's records. ``government_departments``: the departments that
    manage government investment projects (the others have no 两算 report to make)."""
    rules = rules or RulesFile()
    judged = judge_date(sf, as_of)
    scores = [score_record(r, sf.year, sf.month, judged, rules, district, government_departments) for r in sf.records]
    ranked = _rank(scores)
    n = sum(1 for s in ranked if s.rank is not None)
    for s in ranked:
        _judge(s, n, YearMonth(sf.year, sf.month), rules)
    return MonthSupervision(sf.year, sf.month, judged, ranked)


def supervision_results(files: list[SupervisionFile], as_of: date, rules: RulesFile | None = None,
                        district: DistrictFile | None = None,
                        government_departments: set[str] | None = None) -> list[MonthSupervision]:
    """Every month that has begun by ``as_of``, in order."""
    out = []
    for sf in sorted(files, key=lambda s: (s.year, s.month)):
        if date(sf.year, sf.month, 1) > as_of:
            continue
        out.append(month_supervision(sf, as_of, rules, district, government_departments))
    return out
