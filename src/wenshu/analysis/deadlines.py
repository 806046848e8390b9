"""The reform's deadlines (the source notice's periods) as pure functions returning ``DeadlineResult``.

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
    """One deadline judged as of a date. ``key`` names the step (the wording file says it:
    ``deadline.settlement`` → 竣工结算); ``subject`` completes the name where one key covers many
    steps (the 论证 kind of an appraisal record)."""

    key: str  # settlement / final_report / filing / cycle / reserve_entry / implementation_entry /
    #           appraisal / monthly_report / pre_evaluation / industry_evaluation / comprehensive_report
    start: date | None  # what the clock runs from (None: not started)
    due: date | None
    done: date | None
    status: Status | None  # None when the clock has not started
    days_late: int  # calendar days late, or overdue so far as of as_of; 0 otherwise
    workdays_late: int | None = None  # working days late; only for working-day rules
    subject: str = ""
    bound_by_cycle: bool = False  # filing: the whole-cycle limit came first

    def __reduce__(self):  # a tuple pickles at C speed (slots dataclasses go through Python)
        return (DeadlineResult, (self.key, self.start, self.due, self.done, self.status, self.days_late,
                                 self.workdays_late, self.subject, self.bound_by_cycle))


def evaluate(key: str, start: date | None, due: date | None, done: date | None,
             as_of: date, subject: str = "") -> DeadlineResult:
    """Judge one deadline.

    * ``start`` or ``due`` is None → the clock has not started: status None;
    * ``done`` given → 按时 if ``done <= due`` (the due day counts), else 逾期 by ``done - due`` days;
    * not done → 未到期 while ``as_of <= due``, else 已逾期未完成 by ``as_of - due`` days.
    """
    if start is None or due is None:
        return DeadlineResult(key, start, due, done, None, 0, subject=subject)
    if done is not None:
        if done <= due:
            return DeadlineResult(key, start, due, done, Status.ON_TIME, 0, subject=subject)
        return DeadlineResult(key, start, due, done, Status.LATE, (done - due).days, subject=subject)
    if as_of <= due:
        return DeadlineResult(key, start, due, None, Status.PENDING, 0, subject=subject)
    return DeadlineResult(key, start, due, None, Status.OVERDUE, (as_of - due).days, subject=subject)


# -- 论证入库: 15 working days ---------------------------------------------------------------------

def appraisal_deadline(submitted: date | None, done: date | None, as_of: date, *,
                       cal: WorkdayCalendar | None = None, key: str = "appraisal", subject: str = "") -> DeadlineResult:
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
        return evaluate(key, None, None, done, as_of, subject)
    cal = cal or default_calendar()
    due = cal.add_workdays(submitted, APPRAISAL_WORKDAYS)
    result = evaluate(key, submitted, due, done, as_of, subject)
    if result.status is Status.LATE:
        late = cal.count_workdays(due, done)
    elif result.status is Status.OVERDUE:
        late = cal.count_workdays(due, as_of)
    else:
        late = 0
    return replace(result, workdays_late=late)


# -- 两算 -----------------------------------------------------------------------------------------

def settlement_deadline(completed: date | None, settled: date | None, as_of: date) -> DeadlineResult:
    """竣工结算 within 4 months of completion (notice 二、(三)1).

    Reading: start = the completion (竣工验收) date; due = ``add_months(completed, 4)``, month-end
    clamped (2024-10-31 → 2025-02-28). ``settled`` is the date the settlement was reviewed, paid
    (质保金 excepted) and filed (结算备案), i.e. the last of the three steps. Done on due is 按时.
    """
    due = add_months(completed, SETTLEMENT_MONTHS) if completed else None
    return evaluate("settlement", completed, due, settled, as_of)


def final_accounts_report_deadline(settled: date | None, reported: date | None,
                                   as_of: date) -> DeadlineResult:
    """竣工财务决算报告 within 1 month after the settlement (notice 二、(三)2).

    Reading: start = the settlement date; due = ``add_months(settled, 1)``, month-end clamped.
    The clock has not started while there is no settlement.
    """
    due = add_months(settled, REPORT_MONTHS) if settled else None
    return evaluate("final_report", settled, due, reported, as_of)


def final_accounts_filing_deadline(reported: date | None, filed: date | None,
                                   as_of: date, completed: date | None = None) -> DeadlineResult:
    """决算 approved and filed with the finance bureau within 6 months (notice 二、(三)2).

    Reading: the notice's "在6个月内报…备案" follows the 决算报告 in the same sentence, so the
    clock runs from the date the 竣工财务决算报告 was completed; due = ``add_months(reported, 6)``,
    month-end clamped. The same filing also closes the whole cycle (11 months from completion), so
    when ``completed`` is given the filing is due on the earlier of the two days — one filing, one
    deadline — and ``bound_by_cycle`` says when the cycle set it.
    """
    due = add_months(reported, FILING_MONTHS) if reported else None
    bound = False
    if due is not None and completed is not None:
        cycle_due = add_months(completed, CYCLE_MONTHS)
        if cycle_due < due:
            due, bound = cycle_due, True
    r = evaluate("filing", reported, due, filed, as_of)
    return replace(r, bound_by_cycle=bound) if bound else r


def liangsuan_cycle_deadline(completed: date | None, filed: date | None,
                             as_of: date) -> DeadlineResult:
    """The whole 两算 cycle within 11 months of completion (notice 二、(三)2).

    Reading: start = the completion date; done = the date the 决算 was filed with the finance bureau;
    due = ``add_months(completed, 11)``, month-end clamped. This is judged independently of the
    three step deadlines: a late step can still finish the cycle on time and vice versa.
    """
    due = add_months(completed, CYCLE_MONTHS) if completed else None
    return evaluate("cycle", completed, due, filed, as_of)


def liangsuan_deadlines(completed: date | None, settled: date | None, reported: date | None,
                        filed: date | None, as_of: date) -> list[DeadlineResult]:
    """The 两算 deadlines of one project: the three steps, each clocked from the previous step's date
    (the filing also bounded by the cycle), then the whole cycle (which 两算按时率 judges)."""
    return [
        settlement_deadline(completed, settled, as_of),
        final_accounts_report_deadline(settled, reported, as_of),
        final_accounts_filing_deadline(reported, filed, as_of, completed),
        liangsuan_cycle_deadline(completed, filed, as_of),
    ]


def monthly_report_deadline(year: int, month: int, done: date | None, as_of: date) -> DeadlineResult:
    """Monthly 两算 progress report: "每月10日前调度上月进展，并…反馈“两算”情况".

    ``year``/``month`` is the month in which the report is **due** (报送月份); it reports the
    previous month's progress. Reading of "10日前": on or before the 10th, inclusive, so due =
    the 10th of that month; done on the 10th is 按时. start = the last day of the month reported on.
    (Who receives it — the finance department, or for the finance department itself the committee
    office — is the documents' business: it comes from the district's roles.)
    """
    due = date(year, month, MONTHLY_REPORT_DAY)
    start = date.fromordinal(date(year, month, 1).toordinal() - 1)
    return evaluate("monthly_report", start, due, done, as_of)


def rectification_due(issued: date, cal: WorkdayCalendar) -> date:
    """The day a criticised department must report its rectification: 15 working days after the
    通报 (a 公文 practice; the notice sets no period — see docs/计算规则-期限与工作日.md)."""
    return cal.add_workdays(issued, APPRAISAL_WORKDAYS)


# -- 绩效评价 calendar --------------------------------------------------------------------------


def _evaluation(key: str, completion_year: int, month: int, done: date | None, as_of: date) -> DeadlineResult:
    due = month_end(completion_year + 1, month)
    return evaluate(key, date(completion_year, 12, 31), due, done, as_of)


def pre_evaluation_deadline(completion_year: int, done: date | None, as_of: date) -> DeadlineResult:
    """Project 绩效预评价 of year Y's completed projects by the end of April of Y+1 (notice 一、(四)).

    Reading: "当年4月底前完成上一年竣工项目绩效预评价" → due = ``month_end(Y+1, 4)``, inclusive;
    start = 31 December of Y (the last day a project of the cohort can be completed).
    """
    return _evaluation("pre_evaluation", completion_year, PRE_EVALUATION_MONTH, done, as_of)


def industry_evaluation_deadline(completion_year: int, done: date | None,
                                 as_of: date) -> DeadlineResult:
    """Key-industry evaluations for year Y by the end of May of Y+1 (notice 一、(四)).

    Reading: "5月底前完成重点行业绩效评价" → due = ``month_end(Y+1, 5)``, inclusive; start as for
    the pre-evaluation.
    """
    return _evaluation("industry_evaluation", completion_year, INDUSTRY_EVALUATION_MONTH, done, as_of)


def comprehensive_report_deadline(completion_year: int, done: date | None,
                                  as_of: date) -> DeadlineResult:
    """The comprehensive evaluation report for year Y by the end of June of Y+1 (notice 一、(四)).

    Reading: "6月底前完成综合评价报告" → due = ``month_end(Y+1, 6)``, inclusive; start as for the
    pre-evaluation.
    """
    return _evaluation("comprehensive_report", completion_year, COMPREHENSIVE_REPORT_MONTH, done, as_of)


def evaluation_calendar(completion_year: int, as_of: date, *, pre_evaluation_done: date | None = None,
                        industry_done: date | None = None,
                        report_done: date | None = None) -> list[DeadlineResult]:
    """The three evaluation milestones for the projects completed in ``completion_year``."""
    return [
        pre_evaluation_deadline(completion_year, pre_evaluation_done, as_of),
        industry_evaluation_deadline(completion_year, industry_done, as_of),
        comprehensive_report_deadline(completion_year, report_done, as_of),
    ]
