"""Chinese formatting for 公文 text, in one module; every function is also a Jinja filter.

Templates call these through ``FILTERS`` (``{{ issued|cn_date }}``, ``{{ total|money_auto }}``), so
a date or an amount looks the same in every document kind.

Rules followed:

* Dates use Arabic numerals with 年/月/日 and no zero padding (GB/T 9704-2012 7.3.5.4): 2024年4月28日.
* 发文字号 uses the 六角括号 U+3014/U+3015, the full year, no 第 and no zero padding (7.2.5).
* Money is ``Decimal`` in 万元, rounded half-up (四舍五入, as in financial reports), never float.
* Missing numbers print as "—" so a table cell is never silently empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple, Union

from wenshu.official.titles import title_lines  # a filter of the templates too

MISSING = "—"  # U+2014: what a table shows for a value that is not available

LBRACKET, RBRACKET = "\u3014", "\u3015"  # 〔 〕 六角括号


# ─── dates ────────────────────────────────────────────────────────────────────────────────────


def _as_date(d: Any) -> date:
    # datetime is a subclass of date; take the calendar date so a stray time never prints.
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    raise TypeError(f"expected datetime.date, got {type(d).__name__}: {d!r}")


def cn_date(d: date | datetime | None) -> str:
    """``date(2024, 4, 28)`` → "2024年4月28日" (7.3.5.4: no zero padding). None → "—"."""
    if d is None:
        return MISSING
    d = _as_date(d)
    return f"{d.year}年{d.month}月{d.day}日"


def cn_month(year: int, month: int) -> str:
    """(2024, 5) → "2024年5月"."""
    _check_month(month)
    return f"{year}年{month}月"


def cn_year_month(d: date | datetime | None) -> str:
    """``date(2024, 5, 31)`` → "2024年5月". None → "—"."""
    if d is None:
        return MISSING
    d = _as_date(d)
    return cn_month(d.year, d.month)


def month_end_label(year: int, month: int, ref_year: int | None = None) -> str:
    """A deadline at month end, as 任务清单 write it: "5月底前".

    The year is shown only when it differs from ``ref_year`` (the document's year):
    ``month_end_label(2025, 5, ref_year=2024)`` → "2025年5月底前".
    """
    _check_month(month)
    if ref_year is not None and ref_year != year:
        return f"{year}年{month}月底前"
    return f"{month}月底前"


def _check_month(month: int) -> None:
    if not isinstance(month, int) or isinstance(month, bool) or not 1 <= month <= 12:
        raise ValueError(f"month must be an int 1–12, got {month!r}")


# ─── 发文字号 ──────────────────────────────────────────────────────────────────────────────────


class DocNumber(NamedTuple):
    """A parsed 发文字号: 某政办〔2024〕3号 → ("某政办", 2024, 3)."""

    prefix: str
    year: int
    seq: int

    def __str__(self) -> str:
        return doc_number(self.prefix, self.year, self.seq)


def doc_number(prefix: str, year: int, seq: int) -> str:
    """("某政办", 2024, 3) → "某政办〔2024〕3号".

    7.2.5: the year in full inside 〔〕 (U+3014/U+3015, not [] 【】 ()), the sequence number without
    "第" and without zero padding (1, not 01), followed by "号".
    """
    prefix = (prefix or "").strip()
    if not prefix or re.search(r"[\[\]【】〔〕()（）]", prefix):
        raise ValueError(f"机关代字不能为空，也不能含括号：{prefix!r}")
    if not isinstance(year, int) or isinstance(year, bool) or not 1000 <= year <= 9999:
        raise ValueError(f"年份应为四位数（标全称）：{year!r}")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise ValueError(f"发文顺序号应为正整数：{seq!r}")
    return f"{prefix}{LBRACKET}{year}{RBRACKET}{seq}号"


_DOC_NUMBER_RE = re.compile(r"^\s*(?P<prefix>[^〔〕\s]+?)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号\s*$")


def parse_doc_number(text: str) -> DocNumber:
    """"某政办〔2024〕3号" → DocNumber("某政办", 2024, 3); the inverse of ``doc_number``.

    Strict on purpose: "[2024]", "【2024】", "第3号" and "03号" are the very mistakes 7.2.5 rules out,
    so they raise ``ValueError`` instead of being silently repaired.
    """
    m = _DOC_NUMBER_RE.match(text or "")
    if not m:
        raise ValueError(f"发文字号格式应为“机关代字〔年份〕序号号”，如“某政办〔2024〕3号”：{text!r}")
    return DocNumber(m["prefix"], int(m["year"]), int(m["seq"]))


# ─── numbers and money ────────────────────────────────────────────────────────────────────────

Exact = Union[Decimal, int]
TEN_THOUSAND = Decimal(10000)  # 1 亿元 = 10000 万元


def _exact(value: Any, what: str) -> Decimal:
    # float is refused, not converted: 0.1 + 0.2 style errors must not reach a 公文.
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{what} must be Decimal (or int), got {type(value).__name__}: {value!r}")
    d = Decimal(value)
    if not d.is_finite():
        raise ValueError(f"{what} must be finite, got {value!r}")
    return d


def _fixed(d: Decimal, places: int, group: bool) -> str:
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if q == 0:
        q = abs(q)  # never print "-0.00"
    return format(q, f"{',' if group else ''}.{places}f")


def money(value: Exact | None, unit: str = "万元", places: int = 2) -> str:
    """Decimal 万元 → "1,234.50万元": thousands separators, ``places`` decimals, ROUND_HALF_UP.

    Rounding is half-up (四舍五入): 0.125 → "0.13". ``value`` must be Decimal or int (float raises
    TypeError). None → "—".
    """
    if value is None:
        return MISSING
    return f"{_fixed(_exact(value, 'money'), places, group=True)}{unit}"


def money_yi(value_in_wan: Exact | None, places: int = 2) -> str:
    """万元 → 亿元 (1亿 = 10000万): Decimal("123456.789") → "12.35亿元", ROUND_HALF_UP. None → "—"."""
    if value_in_wan is None:
        return MISSING
    return money(_exact(value_in_wan, "money") / TEN_THOUSAND, unit="亿元", places=places)


def money_auto(value_in_wan: Exact | None, places: int = 2) -> str:
    """万元 below 10000 万元, 亿元 from 10000 万元 on (by absolute value), ROUND_HALF_UP. None → "—"."""
    if value_in_wan is None:
        return MISSING
    if abs(_exact(value_in_wan, "money")) >= TEN_THOUSAND:
        return money_yi(value_in_wan, places)
    return money(value_in_wan, places=places)


def percent(value: Exact | None, places: int = 1) -> str:
    """A rate already in 0–100 → "85.3%" (ROUND_HALF_UP). None → "—"."""
    if value is None:
        return MISSING
    return f"{_fixed(_exact(value, 'percent'), places, group=False)}%"


def multiple(value: Exact | None, places: int = 2) -> str:
    """A ratio → "4.12倍" (ROUND_HALF_UP). None → "—"."""
    if value is None:
        return MISSING
    return f"{_fixed(_exact(value, 'multiple'), places, group=False)}倍"


def number(value: Exact | None, places: int = 2) -> str:
    """A plain quantity without trailing zeros: 30 → "30", Decimal("12.50") → "12.5"; at most
    ``places`` decimals (ROUND_HALF_UP). None → "—"."""
    if value is None:
        return MISSING
    q = _exact(value, "number").quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(q, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def points(value: Exact | None) -> str:
    """A score out of 100 → "85.8分" (one decimal, ROUND_HALF_UP). None → "—"."""
    if value is None:
        return MISSING
    return f"{_fixed(_exact(value, 'points'), 1, group=False)}分"


def count(n: int, measure: str = "个") -> str:
    """A count with its measure word: 3 → "3个"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"count needs an int, got {type(n).__name__}")
    return f"{n}{measure}"


def quoted(text: str) -> str:
    """A term quoted in running text: “良”."""
    return f"“{text}”"


def date_before(d: date | datetime) -> str:
    """A deadline written as a date: "2025年9月30日前"."""
    return f"{cn_date(d)}前"


def with_unit(name: str, unit: str) -> str:
    """A table heading with its unit: "总投资（万元）"."""
    return f"{name}（{unit}）"


# 7.3.4: the 附件说明 starts with this label; continuation lines are indented by its width.
ATTACHMENT_NOTE_LABEL = "附件："


def responsibility(lead: Sequence[str], units: Sequence[str]) -> str:
    """A task's responsibility line as the reform notice writes it: "（牵头单位：甲；责任单位：乙、丙）"."""
    parts = []
    if lead:
        parts.append(f"牵头单位：{join_cn(lead)}")
    if units:
        parts.append(f"责任单位：{join_cn(units)}")
    return f"（{'；'.join(parts)}）" if parts else ""


def attachment_labels(n: int) -> list[str]:
    """GB/T 9704 7.3.7: one attachment is "附件", several are "附件1" "附件2" …"""
    if n == 1:
        return ["附件"]
    return [f"附件{i}" for i in range(1, n + 1)]


def book_title(title: str) -> str:
    """A document or book named in running text: "《…》" (GB/T 15834 书名号), never doubled."""
    t = (title or "").strip()
    if t.startswith("《") and t.endswith("》"):
        return t
    return f"《{t}》"


# Measure words of things counted one by one (个学位, 家, 人次/年, 辆/日 ...): their quantities are
# whole numbers, so "756个学位", never "756.00个学位".
COUNT_MEASURES = frozenset("个家人户套间张床辆台所座处项次名位条栋幢件份只")


def quantity(value: Exact | None, unit: str) -> str:
    """A quantity with its unit, its precision taken from the unit: a count (unit starting with a
    measure word such as 个、家、辆) is a whole number; any other unit shows at most two decimals
    without trailing zeros. "%" → ``percent``; "万元" → ``money``. None → "—"."""
    if value is None:
        return MISSING
    unit = (unit or "").strip()
    if unit == "%":
        return percent(value)
    if unit == "万元":
        return money(value)
    if unit[:1] in COUNT_MEASURES:
        return f"{number(value, 0)}{unit}"
    return f"{number(value)}{unit}"


# ─── Chinese numerals and heading ordinals ────────────────────────────────────────────────────

_DIGITS = "零一二三四五六七八九"
_SMALL_UNITS = ("", "十", "百", "千")


def _below_10000(n: int, leading: bool) -> str:
    """0 < n < 10000. ``leading``: n starts the whole numeral (so 10–19 read 十…, not 一十…)."""
    out: list[str] = []
    digits = f"{n:04d}"
    zero_pending = False
    started = False
    for i, ch in enumerate(digits):
        d = int(ch)
        unit = _SMALL_UNITS[3 - i]
        if d == 0:
            if started:
                zero_pending = True
            continue
        if zero_pending or (not started and not leading and i > 0):
            # an inner group like 0500 inside 1,0500 needs its 零: 一万零五百
            out.append("零")
        zero_pending = False
        if d == 1 and unit == "十" and leading and not started:
            out.append("十")
        else:
            out.append(_DIGITS[d] + unit)
        started = True
    return "".join(out)


def cn_number(n: int) -> str:
    """Integer → Chinese numerals: 1 一, 10 十, 11 十一, 20 二十, 21 二十一, 99 九十九, 100 一百,
    101 一百零一, 110 一百一十, 10001 一万零一. Supports 0 ≤ n < 10^8."""
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"cn_number needs an int, got {type(n).__name__}")
    if not 0 <= n < 10**8:
        raise ValueError(f"cn_number supports 0 ≤ n < 100000000, got {n}")
    if n == 0:
        return "零"
    high, low = divmod(n, 10000)
    if not high:
        return _below_10000(low, leading=True)
    out = _below_10000(high, leading=True) + "万"
    if low:
        out += _below_10000(low, leading=False)
    return out


def heading_ordinal(level: int, n: int) -> str:
    """GB/T 9704 7.3.3 ordinals: level 1 "一、", 2 "（一）", 3 "1.", 4 "（1）".

    Level 2 and 4 use full-width parentheses and no following punctuation; level 3 uses a
    half-width full stop (not "1、").
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"ordinal must be a positive int, got {n!r}")
    if level == 1:
        return f"{cn_number(n)}、"
    if level == 2:
        return f"（{cn_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"heading level must be 1–4, got {level!r}")


# ─── lists of names and punctuation ───────────────────────────────────────────────────────────

_END_PUNCT = "。！？；：，、.!?;:,"
_STRONG_END = "。！？!?…"
_CLOSERS = "”’」』）)》〕】"


def _clean(items: Iterable[Any]) -> list[str]:
    # Strip each name's own trailing separators so "区人大，" + "，" never doubles up.
    out = []
    for item in items:
        s = str(item).strip().rstrip("，、；：。,;:")
        if s:
            out.append(s)
    return out


def join_cn(items: Iterable[Any] | None, sep: str = "、", end: str = "") -> str:
    """["发改局", "财政局"] → "发改局、财政局"; ``end`` appends a final mark ("。", "：")."""
    parts = _clean(items or [])
    if not parts:
        return ""
    return sep.join(parts) + end


def _groups(organs: Sequence[Any] | None) -> list[list[str]]:
    if not organs:
        return []
    if isinstance(organs, str):
        return [_clean([organs])]
    if all(isinstance(o, str) for o in organs):
        return [_clean(organs)]
    groups = []
    for g in organs:
        names = _clean([g] if isinstance(g, str) else g)
        if names:
            groups.append(names)
    return groups


def cc_line(organs: Sequence[Any] | None) -> str:
    """The 抄送 text of the 版记 (7.4.2), without the "抄送：" label.

    A flat list is one group; a list of lists is several groups (上级 → 平级 → 下级, or party /
    people's congress ...). Organs are separated by "，", groups by "；", and the line ends with "。":
    [["区委各部门", "区人武部", "各人民团体"], ["区人大", "区政协", "区法院", "区检察院"]] →
    "区委各部门，区人武部，各人民团体；区人大，区政协，区法院，区检察院。"
    """
    groups = _groups(organs)
    if not groups:
        return ""
    return "；".join("，".join(g) for g in groups) + "。"


def recipients_line(organs: Sequence[Any] | None) -> str:
    """The 主送 line (7.3.2), ending with the full-width colon.

    A flat list is a list of categories, separated by "，"; in a list of lists, organs of one kind
    are separated by "、" and kinds by "，", as in the source notice:
    [["某管理区", "各街道办事处"], ["区直各部门"]] → "某管理区、各街道办事处，区直各部门："
    """
    groups = _groups(organs)
    if not groups:
        return ""
    if len(groups) == 1 and organs and all(isinstance(o, str) for o in organs):
        return "，".join(groups[0]) + "："
    return "，".join("、".join(g) for g in groups) + "："


def ensure_end_punct(text: str | None, punct: str = "。") -> str:
    """Make ``text`` end with ``punct``: "加快进度" → "加快进度。".

    A trailing weak mark (，、；： and their half-width forms) is replaced; a text already ending
    with a sentence-final mark (。！？…), possibly followed by a closing quote or bracket, is left
    alone. Empty text stays empty.
    """
    if text is None:
        return ""
    s = text.rstrip()
    if not s:
        return ""
    core = s.rstrip(_CLOSERS)
    if core and core[-1] in _STRONG_END:
        return s
    if s[-1] in _END_PUNCT:
        s = s.rstrip(_END_PUNCT)
    return s + punct


FILTERS: dict[str, Callable[..., str]] = {
    f.__name__: f
    for f in (
        cn_date,
        cn_month,
        cn_year_month,
        month_end_label,
        doc_number,
        money,
        money_yi,
        money_auto,
        percent,
        multiple,
        cn_number,
        heading_ordinal,
        join_cn,
        cc_line,
        recipients_line,
        ensure_end_punct,
    )
}
FILTERS["parse_doc_number"] = parse_doc_number  # type: ignore[assignment]
FILTERS["title_lines"] = title_lines
