"""The reform's deadlines (港政办〔2024〕3号) as pure functions returning ``DeadlineResult``.

Counting convention, shared by every rule:

* the start day is not counted (《民法典》第二百零一条): a period "within N working days of X" ends on
  ``add_workdays(X, N)``; "within N months of X" ends on ``add_months(X, N)``, the same day of the
  month N months later, or that month's last day when it has no such day (第二百零二条);
* the due day itself is inside the period: done on the due day is 按时 (on time);
* "X月底前" means on or before the last day of month X; "每月10日前" means on or before the 10th;
* a due day that falls on a holiday is **not** moved to the next working day (no 顺延): the notice's
  month-based dates are internal management milestones and wenshu reports them as written;
* days late are calendar days between the due day and the completion day (or ``as_of`` while still
  open). The working-day rule (论证入库) also reports working days late.

A recorded completion date is judged against the due day whatever ``as_of`` is; ``as_of`` only
matters while the step is not done.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import Enum

from wenshu.analysis.workdays import WorkdayCalendar, add_months, default_calendar, month_end

# Periods fixed by the notice (一、(二)(四), 二、(三), and the attached 任务清单).
APPRAISAL_WORKDAYS = 15
SETTLEMENT_MONTHS = 4
REPORT_MONTHS = 1
FILING_MONTHS = 6
CYCLE_MONTHS = 11
MONTHLY_REPORT_DAY = 10
PRE_EVALUATION_MONTH = 4
INDUSTRY_EVALUATION_MONTH = 5
COMPREHENSIVE_REPORT_MONTH = 6


class Status(str, Enum):
    ON_TIME = "按时"
    LATE = "逾期"
    PENDING = "未到期"
    OVERDUE = "已逾期未完成"


@dataclass(frozen=True, slots=True)
class DeadlineResult:
    """One deadline judged as of a date."""

    name: str  # Chinese, e.g. "竣工结算"
    rule: str  # Chinese statement of the rule
    start: date | None  # what the clock runs from (None: not started)
    due: date | None
    done: date | None
    status: Status | None  # None when the clock has not started
    days_late: int  # calendar days late, or overdue so far as of as_of; 0 otherwise
    workdays_late: int | None = None  # working days late; only for working-day rules

    def label(self) -> str:
        """Short Chinese label for tables: 按时 / 逾期12天 / 未到期 / 已逾期未完成（已超期30天） / —."""
        if self.status is None:
            return "—"
        if self.status is Status.LATE:
            return f"逾期{self.days_late}天"
        if self.status is Status.OVERDUE:
            return f"已逾期未完成（已超期{self.days_late}天）"
        return self.status.value


def evaluate(name: str, rule: str, start: date | None, due: date | None, done: date | None,
             as_of: date) -> DeadlineResult:
    """Judge one deadline.

    * ``start`` or ``due`` is None → the clock has not started: status None, label "—";
    * ``done`` given → 按时 if ``done <= due`` (the due day counts), else 逾期 by ``done - due`` days;
    * not done → 未到期 while ``as_of <= due``, else 已逾期未完成 by ``as_of - due`` days.
    """
    if start is None or due is None:
        return DeadlineResult(name, rule, start, due, done, None, 0)
    if done is not None:
        if done <= due:
            return DeadlineResult(name, rule, start, due, done, Status.ON_TIME, 0)
        return DeadlineResult(name, rule, start, due, done, Status.LATE, (done - due).days)
    if as_of <= due:
        return DeadlineResult(name, rule, start, due, None, Status.PENDING, 0)
    return DeadlineResult(name, rule, start, due, None, Status.OVERDUE, (as_of - due).days)


# -- 论证入库: 15 working days ---------------------------------------------------------------------

RULE_APPRAISAL = "提交申请后15个工作日内完成论证入库（自提交次日起算，法定节假日不计，调休上班日计入）"


def appraisal_deadline(submitted: date | None, done: date | None, as_of: date, *,
                       cal: WorkdayCalendar | None = None, name: str = "论证入库") -> DeadlineResult:
    """论证 and entry into the library within 15 working days (notice 一、(二)).

    Reading: the clock starts on the submission date of the application (the notice does not fix
    the trigger; wenshu takes the submission date), which is not counted; due =
    ``cal.add_workdays(submitted, 15)``, always a working day. Done on or before due is 按时.
    ``days_late`` is in calendar days; ``workdays_late`` counts the working days in
    ``(due, done]`` (or ``(due, as_of]`` while still open).

    ``cal`` defaults to chinesecalendar without a district file; pass the district's calendar so
    that years from holidays.yaml are known. Raises ``CalendarError`` for a year without data.
    """
    if submitted is None:
        return evaluate(name, RULE_APPRAISAL, None, None, done, as_of)
    cal = cal or default_calendar()
    due = cal.add_workdays(submitted, APPRAISAL_WORKDAYS)
    result = evaluate(name, RULE_APPRAISAL, submitted, due, done, as_of)
    if result.status is Status.LATE:
        late = cal.count_workdays(due, done)
    elif result.status is Status.OVERDUE:
        late = cal.count_workdays(due, as_of)
    else:
        late = 0
    return replace(result, workdays_late=late)


# -- 两算 -----------------------------------------------------------------------------------------

RULE_SETTLEMENT = "项目竣工后4个月内完成结算审核、支付工程价款（质保金除外）并办理工程结算备案"
RULE_REPORT = "完成竣工结算后1个月内完成竣工财务决算报告"
RULE_FILING = "竣工财务决算报告完成后6个月内核实批复并报区财政局备案"
RULE_CYCLE = "项目“两算”全周期控制在竣工后11个月以内（以决算报区财政局备案为完成）"


def settlement_deadline(completed: date | None, settled: date | None, as_of: date) -> DeadlineResult:
    """竣工结算 within 4 months of completion (notice 二、(三)1).

    Reading: start = the completion (竣工验收) date; due = ``add_months(completed, 4)``, month-end
    clamped (2024-10-31 → 2025-02-28). ``settled`` is the date the settlement was reviewed, paid
    (质保金 excepted) and filed (结算备案), i.e. the last of the three steps. Done on due is 按时.
    """
    due = add_months(completed, SETTLEMENT_MONTHS) if completed else None
    return evaluate("竣工结算", RULE_SETTLEMENT, completed, due, settled, as_of)


def final_accounts_report_deadline(settled: date | None, reported: date | None,
                                   as_of: date) -> DeadlineResult:
    """竣工财务决算报告 within 1 month after the settlement (notice 二、(三)2).

    Reading: start = the settlement date; due = ``add_months(settled, 1)``, month-end clamped.
    The clock has not started while there is no settlement.
    """
    due = add_months(settled, REPORT_MONTHS) if settled else None
    return evaluate("竣工财务决算报告", RULE_REPORT, settled, due, reported, as_of)


def final_accounts_filing_deadline(reported: date | None, filed: date | None,
                                   as_of: date) -> DeadlineResult:
    """决算 approved and filed with 区财政局 within 6 months (notice 二、(三)2).

    Reading: the notice's "在6个月内报区财政局备案" follows the 决算报告 in the same sentence, so the
    clock runs from the date the 竣工财务决算报告 was completed (4 + 1 + 6 = 11 months, matching the
    whole-cycle limit); due = ``add_months(reported, 6)``, month-end clamped.
    """
    due = add_months(reported, FILING_MONTHS) if reported else None
    return evaluate("决算备案", RULE_FILING, reported, due, filed, as_of)


def liangsuan_cycle_deadline(completed: date | None, filed: date | None,
                             as_of: date) -> DeadlineResult:
    """The whole 两算 cycle within 11 months of completion (notice 二、(三)2).

    Reading: start = the completion date; done = the date the 决算 was filed with 区财政局;
    due = ``add_months(completed, 11)``, month-end clamped. This is judged independently of the
    three step deadlines: a late step can still finish the cycle on time and vice versa.
    """
    due = add_months(completed, CYCLE_MONTHS) if completed else None
    return evaluate("“两算”全周期", RULE_CYCLE, completed, due, filed, as_of)


def liangsuan_deadlines(completed: date | None, settled: date | None, reported: date | None,
                        filed: date | None, as_of: date) -> list[DeadlineResult]:
    """The four 两算 deadlines of one project, each step clocked from the previous step's date."""
    return [
        settlement_deadline(completed, settled, as_of),
        final_accounts_report_deadline(settled, reported, as_of),
        final_accounts_filing_deadline(reported, filed, as_of),
        liangsuan_cycle_deadline(completed, filed, as_of),
    ]


def monthly_report_deadline(year: int, month: int, done: date | None, as_of: date, *,
                            recipient: str = "区财政局") -> DeadlineResult:
    """Monthly 两算 progress report: "每月10日前调度上月进展，并向区财政局反馈“两算”情况".

    ``year``/``month`` is the month in which the report is **due** (报送月份); it reports the
    previous month's progress. Reading of "10日前": on or before the 10th, inclusive, so due =
    the 10th of that month; done on the 10th is 按时. start = the last day of the month reported on.
    ``recipient``: the task list has the industry departments report to 区财政局 and 区财政局 itself
    report to 区投委会办公室.
    """
    due = date(year, month, MONTHLY_REPORT_DAY)
    start = date.fromordinal(date(year, month, 1).toordinal() - 1)
    rule = (
        f"每月10日前调度上月进展，并向{recipient}反馈“两算”情况"
        f"（{year}年{month}月10日前报送{start.year}年{start.month}月进展）"
    )
    return evaluate("“两算”进展月报", rule, start, due, done, as_of)


# -- 绩效评价 calendar --------------------------------------------------------------------------


def _evaluation(name: str, what: str, completion_year: int, month: int, done: date | None,
                as_of: date) -> DeadlineResult:
    due = month_end(completion_year + 1, month)
    rule = f"{completion_year + 1}年{month}月底前完成{completion_year}年竣工项目的{what}"
    return evaluate(name, rule, date(completion_year, 12, 31), due, done, as_of)


def pre_evaluation_deadline(completion_year: int, done: date | None, as_of: date) -> DeadlineResult:
    """Project 绩效预评价 of year Y's completed projects by the end of April of Y+1 (notice 一、(四)).

    Reading: "当年4月底前完成上一年竣工项目绩效预评价" → due = ``month_end(Y+1, 4)``, inclusive;
    start = 31 December of Y (the last day a project of the cohort can be completed).
    """
    return _evaluation("项目绩效预评价", "绩效预评价", completion_year, PRE_EVALUATION_MONTH, done, as_of)


def industry_evaluation_deadline(completion_year: int, done: date | None,
                                 as_of: date) -> DeadlineResult:
    """Key-industry evaluations for year Y by the end of May of Y+1 (notice 一、(四)).

    Reading: "5月底前完成重点行业绩效评价" → due = ``month_end(Y+1, 5)``, inclusive; start as for
    the pre-evaluation.
    """
    return _evaluation("重点行业绩效评价", "重点行业绩效评价", completion_year, INDUSTRY_EVALUATION_MONTH,
                       done, as_of)


def comprehensive_report_deadline(completion_year: int, done: date | None,
                                  as_of: date) -> DeadlineResult:
    """The comprehensive evaluation report for year Y by the end of June of Y+1 (notice 一、(四)).

    Reading: "6月底前完成综合评价报告" → due = ``month_end(Y+1, 6)``, inclusive; start as for the
    pre-evaluation.
    """
    return _evaluation("综合评价报告", "综合绩效评价报告", completion_year, COMPREHENSIVE_REPORT_MONTH,
                       done, as_of)


def evaluation_calendar(completion_year: int, as_of: date, *, pre_evaluation_done: date | None = None,
                        industry_done: date | None = None,
                        report_done: date | None = None) -> list[DeadlineResult]:
    """The three evaluation milestones for the projects completed in ``completion_year``."""
    return [
        pre_evaluation_deadline(completion_year, pre_evaluation_done, as_of),
        industry_evaluation_deadline(completion_year, industry_done, as_of),
        comprehensive_report_deadline(completion_year, report_done, as_of),
    ]
