"""督办考评: item rates, score with redistribution, competition ranking, 表彰/批评 facts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from wenshu.analysis.supervision import month_supervision, score_record, supervision_results
from wenshu.models.rules import RulesFile
from wenshu.models.supervision import DeptMonthRecord, SupervisionFile
from wenshu.wording import Wording

D = date.fromisoformat
R = RulesFile()
W = Wording()


def rec(dept, logins=(1, 1, 1, 1), due=10, on_time=10, warn=0, handled=0, report="2025-09-08", **kw):
    return DeptMonthRecord(department=dept, weekly_logins=list(logins), items_due=due, items_on_time=on_time,
                           warnings_received=warn, warnings_handled=handled,
                           settlement_report_on=D(report) if report else None, **kw)


def test_score_hand_computed():
    # logins 3/4 weeks = 75 (w25); items 8/10 = 80 (w30); warnings 1/2 = 50 (w20);
    # report on 09-12 → late → 50 (w15); evaluations none → dropped.
    # score = (75×25 + 80×30 + 50×20 + 50×15) ÷ 90 = 6025 ÷ 90 = 66.94…
    s = score_record(rec("区甲局", logins=(1, 0, 2, 1), due=10, on_time=8, warn=2, handled=1, report="2025-09-12"),
                     2025, 8, D("2025-09-20"), R)
    assert s.score == Decimal(6025) / Decimal(90)
    assert s.score_display == Decimal("66.9")
    assert s.weeks_below == [2]
    assert "超过2025年9月10日的期限2天" in W.say(s.item("settlement_report").detail)
    assert s.item("evaluations").rate is None


def test_report_not_yet_due_and_missing():
    s = score_record(rec("区甲局", report=None), 2025, 10, D("2025-10-31"), R)
    assert s.item("settlement_report").rate is None  # due 2025-11-10
    assert s.score == 100
    s = score_record(rec("区甲局", report=None), 2025, 10, D("2025-11-14"), R)
    assert s.item("settlement_report").rate == 0
    assert W.say(s.item("settlement_report").detail) == "截至2025年11月14日未报送2025年10月“两算”进展，已超过2025年11月10日的期限4天"


def test_report_after_judgement_day_is_not_yet_reported():
    s = score_record(rec("区甲局", report="2025-09-16"), 2025, 8, D("2025-09-15"), R)
    assert s.item("settlement_report").rate == 0


def month(records, issued=None):
    data = {"kind": "supervision", "year": 2025, "month": 8, "records": records}
    if issued:
        data["bulletin"] = {"organ": "committee_office", "issued_on": issued}
    return SupervisionFile.model_validate(data)


def test_ranking_ties_commend_and_criticise():
    m = month_supervision(month([
        rec("区甲局"), rec("区乙局"), rec("区丙局", due=10, on_time=9), rec("区丁局", due=10, on_time=9),
        rec("区戊局", logins=(1, 0, 0, 1), warn=3, handled=1, report="2025-09-15"),
    ], issued=D("2025-09-20")), D("2025-10-31"), R)
    assert m.judged_on == D("2025-09-20")
    ranks = {d.department: d.rank for d in m.departments}
    assert ranks == {"区甲局": 1, "区乙局": 1, "区丙局": 3, "区丁局": 3, "区戊局": 5}
    # 丙/丁: 97.0 (items 90 × 30 + 100 × 55) ÷ 85 → 97.06 → 97.1 ≥ 90 and rank 3 ≤ 3 → commended
    assert [d.department for d in m.commended] == ["区甲局", "区乙局", "区丙局", "区丁局"]
    crit = m.department("区戊局")
    assert crit.criticised and not crit.commended
    text = W.say_all(crit.criticise_facts)
    assert "第2、3周登录平台少于每周1次，共2周" in text
    assert "2025年9月15日才报送2025年8月“两算”进展，超过2025年9月10日的期限5天" in text
    assert "收到红黄灯预警3个，已处置1个，2个未处置" in text
    assert W.say(m.department("区甲局").commend_facts[0]) == "督办考评得分100.0分，在5个部门中排名第1"


def test_flagged_department_is_not_commended_even_with_high_score():
    rules = RulesFile.model_validate({"supervision": {"commend": {"min_score": 0, "top_n": 10}}})
    m = month_supervision(month([rec("区甲局", warn=10, handled=9)]), D("2025-10-31"), rules)
    d = m.departments[0]
    assert d.criticised and not d.commended and d.score_display == Decimal("97.8")


def test_months_after_as_of_are_skipped():
    f = month([rec("区甲局")])
    assert supervision_results([f], D("2025-07-31")) == []
    assert len(supervision_results([f], D("2025-08-01"))) == 1
