"""holidays.yaml years that lack days off warn (calendar.incomplete-year), located, in validate,
analyze and batch. The festival dates come from real lunar / solar-term arithmetic and are checked
against chinesecalendar's published schedules."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from wenshu.analysis.workdays import FESTIVALS, festival_days, holiday_year_problems
from wenshu.models.holidays import HolidayFile

AS_OF = "2025-11-30"
CC_NAMES = {"元旦": "New Year's Day", "春节": "Spring Festival", "清明节": "Tomb-sweeping Day", "劳动节": "Labour Day",
            "端午节": "Dragon Boat Festival", "中秋节": "Mid-autumn Festival", "国庆节": "National Day"}


@pytest.mark.parametrize("year", range(2008, 2027))  # 清明、端午、中秋 are days off since 2008
def test_festival_days_are_days_off_in_every_published_schedule(year):
    days = festival_days(year)
    assert list(days) == list(FESTIVALS)
    for name, day in days.items():
        assert day.year == year
        assert chinese_calendar.is_holiday(day), (year, name, day)
        # …and the State Council's schedule names that festival on a day next to it (a weekend
        # inside a holiday is not always named)
        near = {chinese_calendar.get_holiday_detail(day + dt.timedelta(days=k))[1] for k in range(-3, 4)}
        # (中秋 on 1 October 2020 is inside the 国庆 holiday and named so)
        assert CC_NAMES[name] in near or (name == "中秋节" and "National Day" in near), (year, name, day, near)


def test_known_lunar_dates():
    assert festival_days(2027)["春节"] == dt.date(2027, 2, 6)
    assert festival_days(2027)["中秋节"] == dt.date(2027, 9, 15)
    assert festival_days(2028)["端午节"] == dt.date(2028, 5, 28)


def complete_2027() -> dict:
    d = festival_days(2027)
    return {"2027": {"holidays": [{"from": x.isoformat(), "to": (x + dt.timedelta(days=2)).isoformat()}
                                  for x in d.values() if x.month < 12]}}


def test_a_complete_year_has_no_warning():
    assert holiday_year_problems(HolidayFile.model_validate({"kind": "holidays", "years": complete_2027()})) == []


def test_missing_festivals_are_named_with_their_dates():
    years = complete_2027()
    years["2027"]["holidays"] = years["2027"]["holidays"][:2]  # 元旦、春节 only
    (p,) = holiday_year_problems(HolidayFile.model_validate({"kind": "holidays", "years": years}))
    assert p.problem.code == "calendar.incomplete-year" and p.problem.severity == "warning"
    assert "清明节（4月5日）" in p.problem.message and "中秋节（9月15日）" in p.problem.message
    assert "元旦" not in p.problem.message.split("缺少")[1].split("的放假")[0]
    assert p.loc == ("years", "2027", "holidays")


HOLIDAYS = """\
kind: holidays
years:
  "2027":
    source: 国务院办公厅通知（示例）
    workdays: [2027-02-20]
"""


def test_a_year_without_days_off_warns_in_validate_analyze_and_batch(run_cli, examples_copy, tmp_path):
    path = examples_copy / "holidays.yaml"
    path.write_text(HOLIDAYS, encoding="utf-8")
    expected_head = f"{path.as_posix()}，第3行，第3列：警告 [calendar.incomplete-year]"

    code, out, err = run_cli("validate", examples_copy)
    assert code == 0 and "1 个警告" in out
    assert expected_head in err and "没有列出任何放假日期" in err and "years.2027" in err

    code, out, err = run_cli("analyze", examples_copy, "--as-of", AS_OF)
    assert code == 0 and expected_head in err

    code, out, err = run_cli("batch", examples_copy, "-o", tmp_path / "out", "--as-of", AS_OF, "--kinds", "通知", "-j", "1")
    assert code == 0 and expected_head in err


def test_a_partial_year_warns_at_its_holidays_key(run_cli, examples_copy):
    path = examples_copy / "holidays.yaml"
    path.write_text(HOLIDAYS + '  "2028":\n    holidays: [2028-01-01]\n', encoding="utf-8")
    code, _, err = run_cli("validate", examples_copy)
    assert code == 0
    assert f"{path.as_posix()}，第7行，第5列：警告 [calendar.incomplete-year]" in err
    assert "春节（1月26日）" in err
