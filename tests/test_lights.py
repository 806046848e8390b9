"""红黄绿灯: each check's thresholds at their edges, reasons with the numbers, overall = worst."""

from __future__ import annotations

from wenshu.official.fmt import cn_date

from datetime import date
from decimal import Decimal

import pytest

from wenshu.wording import Wording
from wenshu.analysis.lights import (
    Colour,
    appraisal_light,
    completion_light,
    entry_light,
    expected_progress,
    funds_light,
    liangsuan_light,
    progress_light,
    project_lights,
    start_light,
)
from wenshu.analysis.workdays import default_calendar
from wenshu.models.appraisal import Appraisal
from wenshu.models.rules import RulesFile
from test_indicators import completed, make_project

D = date.fromisoformat
R = RulesFile()
W = Wording()


@pytest.mark.parametrize("as_of,colour,days", [
    ("2025-03-01", Colour.GREEN, None),  # the planned day itself
    ("2025-03-02", Colour.YELLOW, 1),
    ("2025-05-30", Colour.YELLOW, 90),
    ("2025-05-31", Colour.RED, 91),
])
def test_start_thresholds(as_of, colour, days):
    light = start_light(make_project(), D(as_of), R)
    assert light.colour is colour
    if days:
        assert W.say(light.reason) == f"计划于2025年3月1日开工，截至{cn_date(D(as_of))}已逾期{days}天未开工"


def test_start_started_late_is_green_with_delay():
    p = make_project(implementation={"actual_start": D("2025-04-10")})
    light = start_light(p, D("2025-10-31"), R)
    assert light.colour is Colour.GREEN
    assert "推迟40天" in W.say(light.reason)


def test_start_reserve_only_when_configured():
    p = make_project(library="储备库")
    assert start_light(p, D("2025-10-31"), R).colour is None
    rules = RulesFile.model_validate({"lights": {"start": {"include_reserve": True}}})
    assert start_light(p, D("2025-10-31"), rules).colour is Colour.RED


def test_progress_window_and_thresholds():
    # planned 2025-03-01 .. 2026-06-30 → 2025 window 03-01..12-31 (306 days)
    p = make_project(implementation={"actual_start": D("2025-03-01"),
                                     "progress": [{"year": 2025, "planned": Decimal(1000), "completed": Decimal(500)}]})
    exp = expected_progress(p, D("2025-10-31"))
    assert exp == Decimal(245) / Decimal(306) * 100  # 03-01..10-31 inclusive = 245 days
    light = progress_light(p, D("2025-10-31"), R)
    assert light.colour is Colour.RED  # 80.07 − 50 = 30.07 > 30 (full precision, not the rounded 30.1)
    assert "序时进度80.1%" in W.say(light.reason) and "完成率50.0%" in W.say(light.reason) and "落后30.1个百分点" in W.say(light.reason)
    p2 = make_project(implementation={"actual_start": D("2025-03-01"),
                                      "progress": [{"year": 2025, "planned": Decimal(1000), "completed": Decimal(510)}]})
    assert progress_light(p2, D("2025-10-31"), R).colour is Colour.YELLOW  # 29.07 behind


def test_progress_red_and_green():
    p = make_project(implementation={"actual_start": D("2025-03-01"),
                                     "progress": [{"year": 2025, "planned": Decimal(1000), "completed": Decimal(400)}]})
    assert progress_light(p, D("2025-10-31"), R).colour is Colour.RED  # 80.1 − 40 = 40.1 > 30
    p2 = make_project(implementation={"actual_start": D("2025-03-01"),
                                      "progress": [{"year": 2025, "planned": Decimal(1000), "completed": Decimal(750)}]})
    assert progress_light(p2, D("2025-10-31"), R).colour is Colour.GREEN  # 5.1 behind
    p3 = make_project(implementation={"progress": [{"year": 2025, "planned": Decimal(0), "completed": Decimal(0)}]})
    assert progress_light(p3, D("2025-10-31"), R).colour is None


def test_completion_thresholds():
    p = make_project(reserve={"planned_completion": D("2025-06-30")}, implementation={"actual_start": D("2025-03-01")})
    assert completion_light(p, D("2025-06-30"), R).colour is Colour.GREEN
    assert completion_light(p, D("2025-09-28"), R).colour is Colour.YELLOW  # 90 days
    light = completion_light(p, D("2025-09-29"), R)
    assert light.colour is Colour.RED and "已逾期91天未竣工" in W.say(light.reason)


def test_funds_thresholds_fiscal_only():
    def p(paid):
        return make_project(implementation={"funds": [
            {"source": "本级财政资金", "planned": Decimal(1000), "disbursed": Decimal(paid)}]})
    assert funds_light(p(900), D("2025-10-31"), R).colour is Colour.GREEN  # 90% is not below 90
    assert funds_light(p(899), D("2025-10-31"), R).colour is Colour.YELLOW
    assert funds_light(p(700), D("2025-10-31"), R).colour is Colour.YELLOW
    light = funds_light(p(699), D("2025-10-31"), R)
    assert light.colour is Colour.RED and "到位率69.9%" in W.say(light.reason)
    social = make_project(gov=False, implementation={
        "funding": [{"source": "自筹资金", "amount": Decimal(1000)}],
        "funds": [{"source": "自筹资金", "planned": Decimal(1000), "disbursed": Decimal(0)}]})
    assert funds_light(social, D("2025-10-31"), R).colour is None


def test_entry_light():
    p = make_project(implementation={"entered_on": None, "actual_start": D("2025-09-01")})
    assert entry_light(p, D("2025-10-01"), R).colour is Colour.GREEN  # 30 days
    assert entry_light(p, D("2025-10-02"), R).colour is Colour.YELLOW  # 31
    light = entry_light(p, D("2025-11-01"), R)
    assert light.colour is Colour.RED and "已61天仍未进入实施库" in W.say(light.reason)


def test_appraisal_light_open_items():
    cal = default_calendar()
    p = make_project(library="储备库")
    a = Appraisal(project=p.id, kind="财力", department="区财政局", submitted_on=D("2025-10-20"))
    # 10-21..10-31 = 9 working days
    assert appraisal_light(p, D("2025-10-31"), R, cal, [a]).colour is Colour.GREEN
    # 11-03, 11-04 → 11 working days
    assert appraisal_light(p, D("2025-11-04"), R, cal, [a]).colour is Colour.YELLOW
    light = appraisal_light(p, D("2025-11-11"), R, cal, [a])  # 16 working days
    assert light.colour is Colour.RED
    assert "已用16个工作日" in W.say(light.reason) and "2025年11月10日" in W.say(light.reason)


def test_liangsuan_light():
    as_of = D("2025-10-31")
    # completed 2024-03-31: settlement due 2024-07-31, cycle due 2025-02-28
    assert liangsuan_light(completed(), as_of, R).colour is Colour.RED
    light = liangsuan_light(completed(settled=D("2024-07-01")), D("2024-08-31"), R)
    # report due 2024-08-01 → overdue 30 days → yellow (cycle not yet due)
    assert light.colour is Colour.YELLOW and "竣工财务决算报告应于2024年8月1日前完成，已超期30天" in W.say(light.reason)
    soon = liangsuan_light(completed(), D("2024-07-10"), R)
    assert soon.colour is Colour.YELLOW and "剩余21天" in W.say(soon.reason)
    assert liangsuan_light(completed(), D("2024-06-01"), R).colour is Colour.GREEN
    done = liangsuan_light(completed(settled=D("2024-07-01"), report=D("2024-07-20"), filed=D("2025-02-28")), as_of, R)
    assert done.colour is Colour.GREEN
    assert liangsuan_light(make_project(), as_of, R).colour is None


def test_overall_is_worst():
    p = make_project(reserve={"planned_completion": D("2025-06-30")},
                     implementation={"actual_start": D("2025-03-01"),
                                     "funds": [{"source": "本级财政资金", "planned": Decimal(100), "disbursed": Decimal(85)}]})
    pl = project_lights(p, D("2025-07-15"), rules=R)
    assert pl.get("funds").colour is Colour.YELLOW
    assert pl.get("completion").colour is Colour.YELLOW
    assert pl.overall is Colour.YELLOW
    assert project_lights(p, D("2025-10-15"), rules=R).overall is Colour.RED
    assert project_lights(make_project(library="目录库"), D("2025-10-31")).overall is None
