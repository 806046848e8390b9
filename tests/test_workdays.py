"""WorkdayCalendar, holidays.yaml model and month arithmetic: hand-computed cases and properties."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from wenshu.analysis.workdays import WorkdayCalendar, add_months, default_calendar, month_end
from wenshu.errors import CalendarError
from wenshu.models.holidays import HolidayFile

D = date.fromisoformat


@pytest.fixture(scope="module")
def cal() -> WorkdayCalendar:
    return WorkdayCalendar()


def holiday_file(years: dict) -> HolidayFile:
    return HolidayFile.model_validate({"kind": "holidays", "years": years})


# A full, made-up 2027 schedule (the real one is not published yet): every fixed holiday present.
FILE_2027 = {
    2027: {
        "source": "测试用安排",
        "holidays": [
            "2027-01-01",
            {"from": "2027-02-06", "to": "2027-02-12"},
            "2027-04-05",
            {"from": "2027-05-01", "to": "2027-05-05"},
            "2027-06-09",
            "2027-09-15",
            {"from": "2027-10-01", "to": "2027-10-07"},
        ],
        "workdays": ["2027-02-20", "2027-09-25"],
    }
}


# -- verified examples (domain.md §4.2) ------------------------------------------------------


@pytest.mark.parametrize(
    "start, due",
    [
        ("2024-04-28", "2024-05-21"),
        ("2024-09-27", "2024-10-23"),
        ("2025-01-20", "2025-02-14"),
        ("2025-09-26", "2025-10-23"),
        ("2026-02-10", "2026-03-09"),
    ],
)
def test_fifteen_working_days_verified_examples(cal, start, due):
    assert cal.add_workdays(D(start), 15) == D(due)
    assert cal.count_workdays(D(start), D(due)) == 15


def test_start_day_not_counted_even_if_working(cal):
    # 2024-04-28 is a Sunday worked in lieu; it is the start, so it does not count.
    assert cal.is_workday(D("2024-04-28"))
    assert cal.add_workdays(D("2024-04-28"), 1) == D("2024-04-29")
    assert cal.add_workdays(D("2024-04-28"), 0) == D("2024-04-28")
    assert cal.count_workdays(D("2024-04-28"), D("2024-04-28")) == 0
    assert cal.count_workdays(D("2024-05-21"), D("2024-04-28")) == 0


def test_tiaoxiu_saturday_is_counted(cal):
    # 2024-05-11 is a Saturday worked in lieu of 劳动节.
    assert D("2024-05-11").weekday() == 5
    assert cal.is_workday(D("2024-05-11"))
    assert cal.add_workdays(D("2024-05-10"), 1) == D("2024-05-11")
    assert cal.add_workdays(D("2024-05-10"), 2) == D("2024-05-13")
    assert cal.count_workdays(D("2024-05-10"), D("2024-05-12")) == 1
    # an ordinary Saturday is not
    assert not cal.is_workday(D("2024-05-18"))


def test_holiday_and_weekday_basics(cal):
    assert not cal.is_workday(D("2024-10-01"))  # 国庆
    assert not cal.is_workday(D("2024-02-12"))  # 春节, a Monday
    assert cal.is_workday(D("2024-10-08"))
    assert cal.is_workday(D("2024-10-12"))  # Saturday in lieu


def test_crossing_new_year_2025(cal):
    # 2024-12-31 (Tue) is a working day; 2025-01-01 (Wed) is 元旦.
    assert cal.add_workdays(D("2024-12-31"), 1) == D("2025-01-02")
    assert cal.add_workdays(D("2024-12-30"), 2) == D("2025-01-02")
    assert cal.count_workdays(D("2024-12-30"), D("2025-01-02")) == 2


def test_holiday_spanning_year_end_2023(cal):
    # 元旦 2023: 2022-12-31 (Sat) to 2023-01-02 (Mon).
    assert cal.add_workdays(D("2022-12-30"), 1) == D("2023-01-03")
    assert cal.count_workdays(D("2022-12-30"), D("2023-01-03")) == 1


def test_working_days_in_2024_hand_count(cal):
    # 366 days − 104 weekend days − 19 weekday holidays + 8 weekend days in lieu = 251.
    assert len(cal.working_days(2024)) == 251


def test_leap_day(cal):
    assert cal.is_workday(D("2024-02-29"))  # Thursday
    assert cal.add_workdays(D("2024-02-28"), 1) == D("2024-02-29")
    assert cal.add_workdays(D("2023-02-28"), 1) == D("2023-03-01")


def test_negative_n_rejected(cal):
    with pytest.raises(ValueError):
        cal.add_workdays(D("2024-05-10"), -1)


def test_datetime_is_accepted(cal):
    from datetime import datetime

    assert cal.is_workday(datetime(2024, 5, 11, 9, 30))


# -- years without data ----------------------------------------------------------------------


def test_year_without_data_raises_calendar_error(cal):
    with pytest.raises(CalendarError) as exc:
        cal.is_workday(D("2027-03-01"))
    problem = exc.value.problems[0]
    assert problem.code == "calendar.no-data"
    assert problem.message == (
        "2027年的法定节假日和调休安排尚无数据：请在数据目录的 holidays.yaml 中补充2027年"
        "（国务院办公厅通知），或升级 chinesecalendar。"
    )
    assert problem.found == "2027-03-01"
    assert exc.value.exit_code == 1


def test_walking_into_missing_year_raises(cal):
    with pytest.raises(CalendarError, match="2027年"):
        cal.add_workdays(D("2026-12-20"), 15)
    with pytest.raises(CalendarError, match="2027年"):
        cal.count_workdays(D("2026-12-20"), D("2027-01-10"))
    with pytest.raises(CalendarError, match="2003年"):
        cal.is_workday(D("2003-06-02"))


def test_start_in_uncovered_year_is_fine_when_only_later_days_count(cal):
    # The start day itself is never needed: 2003-12-31 + 1 only looks at 2004.
    assert cal.add_workdays(D("2003-12-31"), 1) == D("2004-01-02")
    assert cal.count_workdays(D("2003-12-31"), D("2004-01-02")) == 1


def test_covered_years(cal):
    years = cal.covered_years()
    assert 2004 in years and 2026 in years
    assert 2027 not in years and 2003 not in years


# -- district holidays.yaml ------------------------------------------------------------------


def test_district_file_adds_2027():
    c = WorkdayCalendar.from_holiday_file(holiday_file(FILE_2027), source_file="data/holidays.yaml")
    assert 2027 in c.covered_years()
    assert c.problems == []
    assert not c.is_workday(D("2027-01-01"))  # Friday, 元旦
    assert c.add_workdays(D("2026-12-31"), 1) == D("2027-01-04")
    assert c.add_workdays(D("2027-02-05"), 1) == D("2027-02-15")  # over 春节 Feb 6–12
    assert c.is_workday(D("2027-02-20"))  # Saturday in lieu
    assert c.add_workdays(D("2027-02-19"), 1) == D("2027-02-20")
    assert not c.is_workday(D("2027-02-27"))  # ordinary Saturday
    assert c.is_workday(D("2027-03-01"))  # ordinary Monday
    assert "测试用安排" in c.year_source(2027)
    assert c.year_source(2025).startswith("chinesecalendar")
    with pytest.raises(CalendarError, match="2028年"):
        c.is_workday(D("2028-01-03"))


def test_partial_district_year_warns():
    c = WorkdayCalendar(holiday_file({2027: {"holidays": ["2027-01-01"]}}).years, source_file="h.yaml")
    assert [p.code for p in c.problems] == ["calendar.incomplete-year"]
    assert c.problems[0].severity == "warning"
    assert "10月1日" in c.problems[0].message


def test_district_file_overrides_a_weekday_in_a_covered_year(cal):
    # chinesecalendar: 劳动节 2025 is May 1–5, so 2025-04-30 + 1 = 2025-05-06 (Tuesday).
    assert cal.add_workdays(D("2025-04-30"), 1) == D("2025-05-06")
    c = WorkdayCalendar(holiday_file({2025: {"holidays": ["2025-05-06"], "workdays": ["2025-05-10"]}}).years)
    assert not c.is_workday(D("2025-05-06"))  # the district's extra day off wins
    assert not c.is_workday(D("2025-05-05"))  # unlisted dates still follow chinesecalendar
    assert c.is_workday(D("2025-04-27"))  # chinesecalendar's Sunday in lieu kept
    assert c.is_workday(D("2025-05-10"))  # the district's Saturday in lieu
    assert c.add_workdays(D("2025-04-30"), 1) == D("2025-05-07")
    assert c.problems == []  # overlays of covered years are not checked for completeness
    assert "调整" in c.year_source(2025)
    # the shared default calendar is untouched
    assert default_calendar().is_workday(D("2025-05-06"))


def test_holiday_file_accepts_dates_and_ranges():
    hf = holiday_file(FILE_2027)
    days = hf.years[2027].holiday_dates()
    assert D("2027-02-06") in days and D("2027-02-12") in days and D("2027-02-13") not in days
    assert hf.years[2027].source == "测试用安排"


@pytest.mark.parametrize(
    "years, code",
    [
        ({2027: {"holidays": ["2026-12-31"]}}, "holidays.date-year"),
        ({2027: {"holidays": [{"from": "2027-12-31", "to": "2028-01-01"}]}}, "holidays.date-year"),
        ({2027: {"workdays": ["2026-12-27"]}}, "holidays.date-year"),
        ({2027: {"holidays": [{"from": "2027-02-12", "to": "2027-02-06"}]}}, "holidays.range-order"),
        ({2027: {"workdays": ["2027-02-22"]}}, "holidays.workday-not-weekend"),
        ({2027: {"holidays": [{"from": "2027-02-18", "to": "2027-02-21"}], "workdays": ["2027-02-20"]}},
         "holidays.holiday-and-workday"),
        ({2027: {"holidays": ["2027-02-30"]}}, "holidays.bad-date"),
    ],
)
def test_holiday_file_rejects(years, code):
    with pytest.raises(ValidationError) as exc:
        holiday_file(years)
    assert code in [e["type"] for e in exc.value.errors()]


def test_holiday_file_rejects_unknown_keys_and_kind():
    with pytest.raises(ValidationError):
        holiday_file({2027: {"holiday": ["2027-01-01"]}})
    with pytest.raises(ValidationError):
        HolidayFile.model_validate({"kind": "district", "years": {}})


def test_every_field_has_a_chinese_title():
    from wenshu.models.holidays import DateRange, HolidayYear

    for model in (HolidayFile, HolidayYear, DateRange):
        for name, field in model.model_fields.items():
            assert field.title and any("\u4e00" <= ch <= "\u9fff" for ch in field.title), (model, name)
            assert field.description, (model, name)


# -- month arithmetic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "d, n, expected",
    [
        ("2024-01-31", 1, "2024-02-29"),
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-10-31", 4, "2025-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-03-31", 11, "2025-02-28"),
        ("2024-08-31", 6, "2025-02-28"),
        ("2024-01-15", 1, "2024-02-15"),
        ("2024-11-30", 3, "2025-02-28"),
        ("2024-03-31", -1, "2024-02-29"),
        ("2024-05-31", 0, "2024-05-31"),
    ],
)
def test_add_months(d, n, expected):
    assert add_months(D(d), n) == D(expected)


def test_month_end():
    assert month_end(2024, 2) == D("2024-02-29")
    assert month_end(2023, 2) == D("2023-02-28")
    assert month_end(2000, 2) == D("2000-02-29")
    assert month_end(2100, 2) == D("2100-02-28")
    assert month_end(2025, 4) == D("2025-04-30")
    assert month_end(2025, 12) == D("2025-12-31")
    with pytest.raises(ValueError):
        month_end(2025, 13)


# -- properties ------------------------------------------------------------------------------

# Starts and step counts chosen so that every walk stays inside chinesecalendar's 2004–2026.
starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2025, 6, 30))
steps = st.integers(min_value=0, max_value=250)


@settings(max_examples=300, deadline=None)
@given(starts, steps)
def test_add_then_count_roundtrip(d, n):
    cal = default_calendar()
    result = cal.add_workdays(d, n)
    assert cal.count_workdays(d, result) == n
    if n >= 1:
        assert result > d
        assert cal.is_workday(result)
        # no working day is skipped: the day before the result has one fewer working day
        assert cal.count_workdays(d, result - timedelta(days=1)) == n - 1


@settings(max_examples=200, deadline=None)
@given(starts, st.integers(min_value=0, max_value=200))
def test_add_workdays_strictly_monotonic_in_n(d, n):
    cal = default_calendar()
    assert cal.add_workdays(d, n) < cal.add_workdays(d, n + 1)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31)))
def test_is_workday_matches_chinesecalendar(d):
    assert default_calendar().is_workday(d) == chinese_calendar.is_workday(d)


@settings(max_examples=100, deadline=None)
@given(starts, st.integers(min_value=0, max_value=120))
def test_count_matches_brute_force(d, span):
    end = d + timedelta(days=span)
    brute = sum(chinese_calendar.is_workday(d + timedelta(days=i)) for i in range(1, span + 1))
    assert default_calendar().count_workdays(d, end) == brute


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31)), st.integers(-600, 600))
def test_add_months_properties(d, n):
    r = add_months(d, n)
    assert (r.year * 12 + r.month) - (d.year * 12 + d.month) == n
    assert r.day == d.day or r == month_end(r.year, r.month)
    assert r.day <= d.day
