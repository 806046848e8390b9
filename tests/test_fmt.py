"""Chinese formatting filters (official/fmt.py)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import jinja2
import pytest

from wenshu.official import fmt


def test_cn_date_has_no_zero_padding():
    assert fmt.cn_date(date(2024, 4, 28)) == "2024年4月28日"
    assert fmt.cn_date(date(2024, 1, 5)) == "2024年1月5日"
    assert fmt.cn_date(datetime(2024, 4, 28, 23, 59)) == "2024年4月28日"
    assert fmt.cn_date(None) == "—"
    with pytest.raises(TypeError):
        fmt.cn_date("2024-04-28")


def test_months_and_month_end_labels():
    assert fmt.cn_month(2024, 5) == "2024年5月"
    assert fmt.cn_year_month(date(2024, 5, 31)) == "2024年5月"
    assert fmt.month_end_label(2024, 5) == "5月底前"
    assert fmt.month_end_label(2024, 5, ref_year=2024) == "5月底前"
    assert fmt.month_end_label(2025, 5, ref_year=2024) == "2025年5月底前"
    with pytest.raises(ValueError):
        fmt.cn_month(2024, 13)


def test_doc_number_uses_hexagonal_brackets_and_round_trips():
    text = fmt.doc_number("港政办", 2024, 3)
    assert text == "港政办〔2024〕3号"
    assert "\u3014" in text and "\u3015" in text
    assert fmt.parse_doc_number(text) == ("港政办", 2024, 3)
    assert str(fmt.parse_doc_number("港政发〔2025〕1号")) == "港政发〔2025〕1号"
    for bad in ("港政办[2024]3号", "港政办【2024】3号", "港政办〔2024〕第3号", "港政办〔2024〕03号", "港政办〔24〕3号"):
        with pytest.raises(ValueError):
            fmt.parse_doc_number(bad)
    with pytest.raises(ValueError):
        fmt.doc_number("港政办", 2024, 0)


def test_money_rounds_half_up_and_groups_thousands():
    assert fmt.money(Decimal("1234.5")) == "1,234.50万元"
    assert fmt.money(Decimal("0.125")) == "0.13万元"  # half-up, not banker's (would be 0.12)
    assert fmt.money(Decimal("2.675")) == "2.68万元"
    assert fmt.money(Decimal("-0.001")) == "0.00万元"
    assert fmt.money(12, unit="元", places=0) == "12元"
    assert fmt.money(None) == "—"
    with pytest.raises(TypeError):
        fmt.money(1234.5)


def test_money_switches_to_yi_at_ten_thousand_wan():
    assert fmt.money_yi(Decimal("123456.789")) == "12.35亿元"
    assert fmt.money_yi(Decimal("12345")) == "1.23亿元"
    assert fmt.money_yi(Decimal("12350")) == "1.24亿元"  # 1.235 → half-up
    assert fmt.money_auto(Decimal("9999.99")) == "9,999.99万元"
    assert fmt.money_auto(Decimal("10000")) == "1.00亿元"
    assert fmt.money_auto(None) == "—"


def test_percent_and_multiple():
    assert fmt.percent(Decimal("85.25")) == "85.3%"
    assert fmt.percent(Decimal("100")) == "100.0%"
    assert fmt.percent(None) == "—"
    assert fmt.multiple(Decimal("4.125")) == "4.13倍"
    assert fmt.multiple(None) == "—"
    with pytest.raises(TypeError):
        fmt.percent(0.853)


@pytest.mark.parametrize(
    "n, text",
    [
        (1, "一"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"), (21, "二十一"),
        (99, "九十九"), (100, "一百"), (101, "一百零一"), (110, "一百一十"), (1000, "一千"),
        (1010, "一千零一十"), (10000, "一万"), (10001, "一万零一"), (15000, "一万五千"),
        (100000, "十万"), (0, "零"),
    ],
)
def test_cn_number(n, text):
    assert fmt.cn_number(n) == text


def test_heading_ordinals():
    assert fmt.heading_ordinal(1, 11) == "十一、"
    assert fmt.heading_ordinal(1, 20) == "二十、"
    assert fmt.heading_ordinal(1, 21) == "二十一、"
    assert fmt.heading_ordinal(1, 99) == "九十九、"
    assert fmt.heading_ordinal(2, 3) == "（三）"
    assert fmt.heading_ordinal(3, 2) == "2."  # half-width full stop, not "2、"
    assert fmt.heading_ordinal(4, 12) == "（12）"
    with pytest.raises(ValueError):
        fmt.heading_ordinal(5, 1)


def test_join_and_end_punctuation():
    assert fmt.join_cn(["区发改局", "区财政局"]) == "区发改局、区财政局"
    assert fmt.join_cn(["区发改局", "区财政局"], end="。") == "区发改局、区财政局。"
    assert fmt.join_cn([]) == ""
    assert fmt.ensure_end_punct("加快推进") == "加快推进。"
    assert fmt.ensure_end_punct("加快推进；") == "加快推进。"
    assert fmt.ensure_end_punct("是否完成？") == "是否完成？"
    assert fmt.ensure_end_punct("他说：“完成了。”") == "他说：“完成了。”"
    assert fmt.ensure_end_punct("主送", "：") == "主送："
    assert fmt.ensure_end_punct("") == ""


def test_cc_line_of_the_source_notice():
    groups = [["区委各部门", "区人武部", "各人民团体"], ["区人大", "区政协", "区法院", "区检察院"]]
    line = fmt.cc_line(groups)
    assert "抄送：" + line == "抄送：区委各部门，区人武部，各人民团体；区人大，区政协，区法院，区检察院。"
    assert fmt.cc_line(["区委各部门", "区人武部，", "各人民团体"]) == "区委各部门，区人武部，各人民团体。"
    assert fmt.cc_line([]) == ""


def test_recipients_line_of_the_source_notice():
    assert fmt.recipients_line([["江北管理区", "各街道办事处"], ["区直各部门"]]) == "江北管理区、各街道办事处，区直各部门："
    assert fmt.recipients_line(["各街道办事处", "区直各部门"]) == "各街道办事处，区直各部门："


def test_filters_work_in_jinja():
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.filters.update(fmt.FILTERS)
    out = env.from_string("{{ d|cn_date }} {{ m|money_auto }} {{ 1|heading_ordinal(2) }} {{ 'x'|doc_number(2024, 3) }}").render(
        d=date(2024, 4, 28), m=Decimal("25000")
    )
    assert out == "2024年4月28日 2.50亿元 二、 x〔2024〕3号"
    assert {"cn_date", "money", "cc_line", "recipients_line", "heading_ordinal"} <= set(fmt.FILTERS)
