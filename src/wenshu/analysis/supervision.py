"""督办考评: each department's monthly score and rank, and who qualifies for 通报表彰 / 通报批评.

The notice (二、（五）3) has the 区投委会办公室 check every department monthly and commend fast,
effective departments and criticise those who push poorly or miss stage targets; it gives no
scoring scheme. wenshu scores five items from the month's ``DeptMonthRecord`` (weights in
``rules.supervision.weights``, default 25/30/20/15/10):

* 平台登录: weeks with at least ``min_logins_per_week`` logins ÷ weeks listed;
* 事项办理: 按时办结数 ÷ 应办事项数;
* 预警处置: 已处置预警数 ÷ 收到预警数;
* 两算报送: the report of month M's 两算 progress is due on the 10th of month M+1 (任务清单
  "每月10日前调度上月进展"): on time 100%, late ``late_report_score`` %, not reported and past due 0;
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
from wenshu.analysis.indicators import HUNDRED, ZERO, by
from wenshu.analysis.scoring import round1
from wenshu.models.district import DistrictFile
from wenshu.models.rules import RulesFile
from wenshu.models.supervision import DeptMonthRecord, SupervisionFile
from wenshu.official.fmt import percent

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
    detail: str  # Chinese sentence with the numbers


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
    commend_facts: list[str] = field(default_factory=list)
    criticise_facts: list[str] = field(default_factory=list)
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
    rule_text: str

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

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


def score_record(rec: DeptMonthRecord, year: int, month: int, judged_on: date,
                 rules: RulesFile, district: DistrictFile | None = None) -> DeptMonthScore:
    sr = rules.supervision
    w = sr.weights
    m = f"{month}月"
    items: list[SupervisionItem] = []

    # 平台登录
    need = sr.criticise.min_logins_per_week
    weeks = len(rec.weekly_logins)
    below = [i + 1 for i, n in enumerate(rec.weekly_logins) if n < need]
    ok = weeks - len(below)
    detail = f"{m}{weeks}周中有{ok}周登录平台不少于每周{need}次（共登录{sum(rec.weekly_logins)}次）"
    if below:
        detail += "，第" + "、".join(map(str, below)) + f"周少于{need}次"
    items.append(SupervisionItem("logins", ITEMS["logins"], Decimal(ok) / Decimal(weeks) * HUNDRED, w.logins, detail))

    # 事项办理
    if rec.items_due:
        rate = Decimal(rec.items_on_time) / Decimal(rec.items_due) * HUNDRED
        detail = f"应办事项{rec.items_due}项，按时办结{rec.items_on_time}项（按时办结率{percent(rate)}）"
    else:
        rate, detail = None, "本月无应办事项"
    items.append(SupervisionItem("items", ITEMS["items"], rate, w.items, detail))

    # 预警处置
    unhandled = rec.warnings_received - rec.warnings_handled
    if rec.warnings_received:
        rate = Decimal(rec.warnings_handled) / Decimal(rec.warnings_received) * HUNDRED
        detail = f"收到红黄灯预警{rec.warnings_received}个，已处置{rec.warnings_handled}个" + (
            f"，{unhandled}个未处置" if unhandled else "，全部处置")
    else:
        rate, detail = None, "本月未收到红黄灯预警"
    items.append(SupervisionItem("warnings", ITEMS["warnings"], rate, w.warnings, detail))

    # 两算报送 (month M's progress, due the 10th of M+1)
    ny, nm = _next_month(year, month)
    roles = _roles(district, rec.department)
    recipient = "区投委会办公室" if "财政部门" in roles else "区财政局"
    must = bool(roles & set(sr.report_roles)) or district is None
    report = None
    if must or rec.settlement_report_on is not None:
        report = monthly_report_deadline(ny, nm, by(rec.settlement_report_on, judged_on), judged_on,
                                         recipient=recipient)
        due = f"{ny}年{nm}月10日"
        if report.status is Status.ON_TIME:
            rate = HUNDRED
            detail = f"{report.done.month}月{report.done.day}日报送{m}“两算”进展（{due}前，按时）"
        elif report.status is Status.LATE:
            rate = sr.late_report_score
            detail = f"{report.done.month}月{report.done.day}日才报送{m}“两算”进展，超过{due}时限{report.days_late}天"
        elif report.status is Status.OVERDUE:
            rate = ZERO
            detail = f"截至{judged_on.month}月{judged_on.day}日未报送{m}“两算”进展，已超过{due}时限{report.days_late}天"
        else:
            rate = None
            detail = f"{m}“两算”进展应于{due}前报送，尚未到期"
    else:
        rate, detail = None, "不承担“两算”进展报送任务"
    items.append(SupervisionItem("settlement_report", ITEMS["settlement_report"], rate, w.settlement_report, detail))

    # 评价报送
    if rec.evaluations_due:
        rate = Decimal(rec.evaluations_submitted) / Decimal(rec.evaluations_due) * HUNDRED
        detail = f"应报绩效评价报告{rec.evaluations_due}份，已报{rec.evaluations_submitted}份"
    else:
        rate, detail = None, "本月无应报绩效评价报告"
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


def _judge(s: DeptMonthScore, n: int, month: int, rules: RulesFile) -> None:
    c, k = rules.supervision.criticise, rules.supervision.commend
    facts = []
    if s.score_display is not None and s.score_display < c.below_score:
        facts.append(f"{month}月督办考评得分{s.score_display}分，低于{_n(c.below_score)}分")
    if c.weeks_below_logins and len(s.weeks_below) >= c.weeks_below_logins:
        facts.append(f"{month}月第" + "、".join(map(str, s.weeks_below))
                     + f"周登录平台少于每周{c.min_logins_per_week}次（共{len(s.weeks_below)}周）")
    if c.late_settlement_report and s.report is not None and s.report.status in (Status.LATE, Status.OVERDUE):
        facts.append(s.item("settlement_report").detail)
    if c.unhandled_warnings and s.unhandled_warnings >= c.unhandled_warnings:
        facts.append(s.item("warnings").detail)
    s.criticise_facts = facts
    s.criticised = bool(facts)
    if (s.score_display is not None and s.rank is not None and s.score_display >= k.min_score
            and s.rank <= k.top_n and not (k.require_no_flags and facts)):
        s.commended = True
        s.commend_facts = [f"{month}月督办考评得分{s.score_display}分，在{n}个部门中排名第{s.rank}"] + [
            i.detail for i in s.items if i.rate is not None and i.rate == HUNDRED
        ]


def _n(d: Decimal) -> str:
    return format(d.normalize(), "f")


def rule_text(rules: RulesFile) -> str:
    sr = rules.supervision
    w, c, k = sr.weights, sr.criticise, sr.commend
    return (
        f"月度督办考评满分100分：平台登录{_n(w.logins)}分（每周登录至少{c.min_logins_per_week}次的周数占比）、"
        f"事项办理{_n(w.items)}分（按时办结率）、预警处置{_n(w.warnings)}分（预警处置率）、"
        f"两算报送{_n(w.settlement_report)}分（每月10日前报送上月进展得满分，逾期报送得{_n(sr.late_report_score)}%，未报送不得分）、"
        f"评价报送{_n(w.evaluations)}分（报送率）；当月不适用的项目不计分，其分值按比例分配给其他项目。"
        f"得分四舍五入保留一位小数后排名，同分同名次。"
        f"通报表彰：得分不低于{_n(k.min_score)}分、排名前{k.top_n}名"
        + ("且无通报批评情形" if k.require_no_flags else "") + "。"
        f"通报批评（满足任一项）：得分低于{_n(c.below_score)}分"
        + (f"；当月有{c.weeks_below_logins}周及以上登录平台少于每周{c.min_logins_per_week}次" if c.weeks_below_logins else "")
        + ("；未在每月10日前报送上月“两算”进展" if c.late_settlement_report else "")
        + (f"；红黄灯预警未处置{c.unhandled_warnings}个及以上" if c.unhandled_warnings else "")
        + "。"
    )


def judge_date(sf: SupervisionFile, as_of: date) -> date:
    if sf.bulletin is not None:
        return min(sf.bulletin.issued_on, as_of)
    return as_of


def month_supervision(sf: SupervisionFile, as_of: date, rules: RulesFile | None = None,
                      district: DistrictFile | None = None) -> MonthSupervision:
    """Score, rank and judge one month's records."""
    rules = rules or RulesFile()
    judged = judge_date(sf, as_of)
    scores = [score_record(r, sf.year, sf.month, judged, rules, district) for r in sf.records]
    ranked = _rank(scores)
    n = sum(1 for s in ranked if s.rank is not None)
    for s in ranked:
        _judge(s, n, sf.month, rules)
    return MonthSupervision(sf.year, sf.month, judged, ranked, rule_text(rules))


def supervision_results(files: list[SupervisionFile], as_of: date, rules: RulesFile | None = None,
                        district: DistrictFile | None = None) -> list[MonthSupervision]:
    """Every month that has begun by ``as_of``, in order."""
    out = []
    for sf in sorted(files, key=lambda s: (s.year, s.month)):
        if date(sf.year, sf.month, 1) > as_of:
            continue
        out.append(month_supervision(sf, as_of, rules, district))
    return out
