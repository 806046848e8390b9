"""Reform deadlines (the source notice's periods): hand-computed due days and every status."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wenshu.analysis.deadlines import (
    DeadlineResult,
    Status,
    appraisal_deadline,
    comprehensive_report_deadline,
    evaluate,
    evaluation_calendar,
    final_accounts_filing_deadline,
    final_accounts_report_deadline,
    industry_evaluation_deadline,
    liangsuan_cycle_deadline,
    liangsuan_deadlines,
    monthly_report_deadline,
    pre_evaluation_deadline,
    settlement_deadline,
)
from wenshu.analysis.workdays import WorkdayCalendar
from wenshu.errors import CalendarError
from wenshu.models.holidays import HolidayFile

D = date.fromisoformat


# -- evaluate and labels ---------------------------------------------------------------------


def test_due_day_exact_is_on_time():
    r = evaluate("settlement", D("2024-10-31"), D("2025-02-28"), D("2025-02-28"), D("2025-06-01"))
    assert r.status is Status.ON_TIME
    assert r.days_late == 0
    assert r.status is Status.ON_TIME


def test_early_is_on_time():
    r = evaluate("x", D("2024-10-31"), D("2025-02-28"), D("2024-12-01"), D("2025-06-01"))
    assert r.status is Status.ON_TIME and r.status is Status.ON_TIME


def test_late_counts_calendar_days():
    r = evaluate("x", D("2024-10-31"), D("2025-02-28"), D("2025-03-12"), D("2025-06-01"))
    assert r.status is Status.LATE
    assert r.days_late == 12
    assert r.status is Status.LATE and r.days_late == 12


def test_pending_up_to_and_including_due_day():
    for as_of in ("2025-01-01", "2025-02-28"):
        r = evaluate("x", D("2024-10-31"), D("2025-02-28"), None, D(as_of))
        assert r.status is Status.PENDING
        assert r.days_late == 0
        assert r.status is Status.PENDING


def test_overdue_counts_days_so_far():
    r = evaluate("x", D("2024-10-31"), D("2025-02-28"), None, D("2025-03-30"))
    assert r.status is Status.OVERDUE
    assert r.days_late == 30
    assert r.status is Status.OVERDUE and r.days_late == 30
    assert evaluate("x", D("2024-10-31"), D("2025-02-28"), None, D("2025-03-01")).days_late == 1


def test_not_started():
    r = evaluate("x", None, None, None, D("2025-03-30"))
    assert r.status is None
    assert r.days_late == 0
    assert r.status is None


def test_status_values_are_chinese():
    assert [s.value for s in Status] == ["按时", "逾期", "未到期", "已逾期未完成"]
    assert Status("逾期") is Status.LATE


def test_result_is_frozen():
    r = evaluate("x", None, None, None, D("2025-03-30"))
    with pytest.raises(Exception):
        r.days_late = 3  # type: ignore[misc]


# -- 论证入库: 15 working days -----------------------------------------------------------------


def test_appraisal_due_and_on_time():
    r = appraisal_deadline(D("2024-04-28"), D("2024-05-21"), D("2024-06-30"))
    assert r.key == "appraisal"
    assert r.start == D("2024-04-28")
    assert r.due == D("2024-05-21")
    assert r.status is Status.ON_TIME
    assert r.workdays_late == 0
    assert r.status is Status.ON_TIME


def test_appraisal_late_in_calendar_and_working_days():
    # due Tue 2024-05-21; done Mon 2024-05-27 → 6 calendar days, 4 working days (22, 23, 24, 27).
    r = appraisal_deadline(D("2024-04-28"), D("2024-05-27"), D("2024-06-30"))
    assert r.status is Status.LATE
    assert r.days_late == 6
    assert r.workdays_late == 4
    assert r.status is Status.LATE and r.days_late == 6


def test_appraisal_overdue_workdays_skip_dragon_boat():
    # (2024-05-21, 2024-06-20]: 8 working days in May, 13 in June (端午 2024-06-10 off) = 21.
    r = appraisal_deadline(D("2024-04-28"), None, D("2024-06-20"))
    assert r.status is Status.OVERDUE
    assert r.days_late == 30
    assert r.workdays_late == 21


def test_appraisal_pending_and_not_started():
    r = appraisal_deadline(D("2024-04-28"), None, D("2024-05-21"))
    assert r.status is Status.PENDING and r.workdays_late == 0
    r = appraisal_deadline(None, None, D("2024-05-21"))
    assert r.status is None and r.status is None and r.workdays_late is None


def test_appraisal_over_national_day():
    r = appraisal_deadline(D("2024-09-27"), D("2024-10-23"), D("2024-12-01"))
    assert r.due == D("2024-10-23") and r.status is Status.ON_TIME


def test_appraisal_uses_district_calendar():
    hf = HolidayFile.model_validate(
        {"kind": "holidays", "years": {2027: {"holidays": ["2027-01-01", {"from": "2027-02-06", "to": "2027-02-12"}],
                                              "workdays": ["2027-02-20"]}}}
    )
    cal = WorkdayCalendar.from_holiday_file(hf)
    # Working days after Fri 2027-02-05: Feb 15–19 (5), Sat 20 (6), Feb 22–26 (11), Mar 1–4 (15).
    r = appraisal_deadline(D("2027-02-05"), None, D("2027-03-01"), cal=cal)
    assert r.due == D("2027-03-04")
    assert r.status is Status.PENDING
    with pytest.raises(CalendarError, match="2027年"):
        appraisal_deadline(D("2027-02-05"), None, D("2027-03-01"))


# -- 两算 ---------------------------------------------------------------------------------------


def test_settlement_four_months_month_end_clamped():
    r = settlement_deadline(D("2024-10-31"), D("2025-02-28"), D("2025-06-01"))
    assert r.key == "settlement"
    assert r.due == D("2025-02-28")
    assert r.status is Status.ON_TIME
    r = settlement_deadline(D("2024-10-31"), D("2025-03-12"), D("2025-06-01"))
    assert r.status is Status.LATE and r.days_late == 12


def test_settlement_not_started_without_completion():
    assert settlement_deadline(None, None, D("2025-06-01")).status is None


def test_report_one_month_leap_february():
    r = final_accounts_report_deadline(D("2024-01-31"), D("2024-03-01"), D("2024-06-01"))
    assert r.due == D("2024-02-29")
    assert r.status is Status.LATE and r.days_late == 1


def test_filing_six_months_after_report():
    r = final_accounts_filing_deadline(D("2024-08-31"), None, D("2025-02-28"))
    assert r.due == D("2025-02-28")
    assert r.status is Status.PENDING


def test_cycle_eleven_months():
    r = liangsuan_cycle_deadline(D("2024-03-31"), D("2025-03-03"), D("2025-06-01"))
    assert r.due == D("2025-02-28")
    assert r.status is Status.LATE and r.days_late == 3


def test_liangsuan_chain():
    results = liangsuan_deadlines(D("2024-10-31"), D("2025-02-20"), None, None, D("2025-04-01"))
    keys = [r.key for r in results]
    assert keys == ["settlement", "final_report", "filing", "cycle"]
    settle, report, filing, cycle = results
    assert settle.status is Status.ON_TIME
    assert report.due == D("2025-03-20") and report.status is Status.OVERDUE and report.days_late == 12
    assert filing.status is None and filing.status is None
    assert cycle.due == D("2025-09-30") and cycle.status is Status.PENDING


def test_steps_add_up_to_the_cycle():
    # 4 + 1 + 6 = 11: finishing each step on its due day finishes the cycle on time.
    completed = D("2024-06-15")
    settled = settlement_deadline(completed, None, completed).due
    reported = final_accounts_report_deadline(settled, None, completed).due
    filed = final_accounts_filing_deadline(reported, None, completed).due
    assert filed == D("2025-05-15")
    assert liangsuan_cycle_deadline(completed, filed, filed).status is Status.ON_TIME


def test_monthly_report_due_on_the_tenth_inclusive():
    r = monthly_report_deadline(2025, 3, D("2025-03-10"), D("2025-03-31"))
    assert r.due == D("2025-03-10")
    assert r.start == D("2025-02-28")  # reports February
    assert r.status is Status.ON_TIME
    assert monthly_report_deadline(2025, 3, D("2025-03-11"), D("2025-03-31")).status is Status.LATE and monthly_report_deadline(2025, 3, D("2025-03-11"), D("2025-03-31")).days_late == 1
    assert monthly_report_deadline(2025, 1, None, D("2025-01-10")).status is Status.PENDING
    assert monthly_report_deadline(2025, 1, None, D("2025-01-15")).status is Status.OVERDUE and monthly_report_deadline(2025, 1, None, D("2025-01-15")).days_late == 5
    assert monthly_report_deadline(2025, 1, None, D("2025-01-15")).start == D("2024-12-31")


# -- 绩效评价 calendar --------------------------------------------------------------------------


def test_evaluation_calendar_for_2024_projects():
    pre, industry, report = evaluation_calendar(2024, D("2025-05-15"), pre_evaluation_done=D("2025-04-30"))
    assert pre.due == D("2025-04-30") and pre.status is Status.ON_TIME
    assert industry.due == D("2025-05-31") and industry.status is Status.PENDING
    assert report.due == D("2025-06-30") and report.status is Status.PENDING
    assert [pre.key, industry.key, report.key] == ["pre_evaluation", "industry_evaluation", "comprehensive_report"]
    assert pre.start == D("2024-12-31")


def test_evaluation_late_and_overdue():
    assert pre_evaluation_deadline(2024, D("2025-05-02"), D("2025-06-01")).status is Status.LATE and pre_evaluation_deadline(2024, D("2025-05-02"), D("2025-06-01")).days_late == 2
    assert industry_evaluation_deadline(2024, None, D("2025-06-10")).status is Status.OVERDUE and industry_evaluation_deadline(2024, None, D("2025-06-10")).days_late == 10
    assert comprehensive_report_deadline(2024, D("2025-06-30"), D("2025-07-01")).status is Status.ON_TIME
    assert comprehensive_report_deadline(2023, None, D("2024-06-30")).status is Status.PENDING


# -- properties --------------------------------------------------------------------------------

dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2025, 6, 30))


@given(dates, st.one_of(st.none(), dates), dates)
def test_month_rules_are_consistent(completed, settled, as_of):
    r = settlement_deadline(completed, settled, as_of)
    assert r.due > r.start
    if r.status in (Status.ON_TIME, Status.PENDING):
        assert r.days_late == 0
    else:
        assert r.days_late > 0
        assert r.days_late == ((settled or as_of) - r.due).days
    assert r.workdays_late is None


@given(dates, st.one_of(st.none(), dates), dates)
def test_appraisal_label_matches_status(submitted, done, as_of):
    r = appraisal_deadline(submitted, done, as_of)
    assert r.due is not None and r.due > submitted
    assert r.workdays_late is not None and 0 <= r.workdays_late <= r.days_late
    if r.days_late == 0:
        assert r.workdays_late == 0
    if r.status is Status.LATE:
        assert r.days_late > 0


def test_late_on_the_weekend_after_due_is_late_by_zero_working_days():
    # Mon 2024-05-06 + 15 working days (Sat 05-11 worked in lieu) = Fri 2024-05-24; done Sat 05-25.
    r = appraisal_deadline(D("2024-05-06"), D("2024-05-25"), D("2024-06-30"))
    assert r.due == D("2024-05-24")  # Friday
    assert r.status is Status.LATE and r.days_late == 1 and r.workdays_late == 0


def test_filing_is_bounded_by_the_whole_cycle():
    # Completed 2024-03-31: cycle due 2025-02-28. Report done 2024-10-15: the filing step alone would be
    # due 2025-04-15, but the same filing closes the cycle, so it is due 2025-02-28 — one deadline.
    r = final_accounts_filing_deadline(D("2024-10-15"), None, D("2025-03-10"), completed=D("2024-03-31"))
    assert r.due == D("2025-02-28") and r.bound_by_cycle
    assert r.status is Status.OVERDUE and r.days_late == 10
    early = final_accounts_filing_deadline(D("2024-05-31"), None, D("2025-03-10"), completed=D("2024-03-31"))
    assert early.due == D("2024-11-30") and not early.bound_by_cycle
