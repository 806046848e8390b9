"""Values to cells and cells back to values, with the explanations a person needs.

Export writes each value with the type and format Excel/WPS shows best: numbers as numbers (with as
many decimals as the data has, so ``1250.50`` comes back as ``1250.50``), dates as dates, lists as one
item per line. Import accepts what people and other programs actually put in cells — dates typed as
2024/4/28 or 2024年4月28日, numbers stored as text, codes Excel turned into numbers — and explains
what it cannot take (``1,250万元``, full-width digits, a number Excel rounded) in the words
``wenshu validate`` uses.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from wenshu.sheets.layout import (BODY, BOOL, CHOICE, DATE, DECIMAL, GROUP_SEP, GROUPS, INT, LINES, LIST, LIST_SEP,
                                  TEXT, Column)
from wenshu.validation import show_value, translate

YES, NO = "是", "否"
_TRUE = {"是", "true", "TRUE", "True", "1", "√", "Y", "y"}
_FALSE = {"否", "false", "FALSE", "False", "0", "×", "N", "n"}

# Excel keeps 15 significant digits of a number; longer numbers are written as text.
EXCEL_DIGITS = 15
FIRST_EXCEL_DATE = dt.date(1900, 3, 1)

_FULLWIDTH_DIGITS = re.compile("[０-９]")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_PLAIN_INT = re.compile(r"[+-]?\d+")
_DATE_RES = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_LINE_SPLIT = re.compile(r"\r\n|\r|\n")
_ITEM_SPLIT_TEXT = re.compile(r"[、,，;；\r\n]+")
_ITEM_SPLIT = re.compile(r"[、,，;；\s]+")
_GROUP_ITEM_SPLIT = re.compile(r"[，,]")
_DECIMALS_FORMAT = re.compile(r"[#,]*0(?:\.(0+))?")

# A notice's body in one cell: one paragraph per line; a page break and a table between markers.
PAGE_BREAK_LINE = "【分页】"
TABLE_OPEN = "【表格"
TABLE_END = "【表格完】"
CELL_SEP = "｜"
# An optional list whose absence means "the default" (抄送机关 omitted: the district's), written empty
# ([]: none at all) shows this word.
NONE_WORDS = ("无", "（无）")
_LIST_KINDS = (LINES, LIST, GROUPS, BODY)
_UNIT_PART = "；单位："


class CellError(Exception):
    """A value that cannot be taken, explained like ``wenshu validate`` explains it."""

    def __init__(self, code: str, message: str, *, expected: str | None = None, found: str | None = None,
                 hint: str | None = None):
        super().__init__(message)
        self.code, self.message, self.expected, self.found, self.hint = code, message, expected, found, hint


class ExportError(Exception):
    """A value the workbook cannot show faithfully (an item with a line break inside a list ...)."""


def _like_validate(kind: str, raw: Any, hint: str | None = None) -> CellError:
    """The explanation ``wenshu validate`` gives for a pydantic error of this type."""
    msg, expected, found, base_hint = translate({"type": kind, "loc": (), "input": raw, "ctx": {}}, object)  # type: ignore[arg-type]
    return CellError(f"model.{kind}", msg, expected=expected, found=found, hint=hint or base_hint)


# --------------------------------------------------------------------------------------------
# Export


@dataclass(frozen=True)
class Out:
    value: Any
    style: str  # a named style of the workbook (see export.STYLES)


def decimals_of(d: Decimal) -> int:
    exp = d.as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def decimal_style(places: int) -> str:
    return f"dec{min(places, 6)}"


def to_cell(col: Column, value: Any) -> Out:
    """The cell for a value of ``col`` (already YAML-ready: enums as text, models as dicts)."""
    kind = col.kind
    if value is None:
        return Out(None, default_style(col))
    if kind in _LIST_KINDS and value == [] and empty_means_none(col):
        return Out(NONE_WORDS[0], "text")
    if kind == TEXT:
        return Out(str(value), "text")
    if kind == CHOICE:
        return Out(str(value), "text")
    if kind == BOOL:
        return Out(YES if value else NO, "text")
    if kind == INT:
        return Out(int(value), "int")
    if kind == DECIMAL:
        d = Decimal(value)
        digits = len(d.as_tuple().digits)
        if digits > EXCEL_DIGITS or not d.is_finite():
            return Out(format(d, "f"), "text")
        places = decimals_of(d)
        return Out(int(d) if places == 0 and d == d.to_integral_value() else float(d), decimal_style(places))
    if kind == DATE:
        if isinstance(value, dt.date) and value >= FIRST_EXCEL_DATE:
            return Out(value, "date")
        return Out(value.isoformat() if isinstance(value, dt.date) else str(value), "text")
    if kind == LINES:
        items = [str(v) for v in value]
        for i, item in enumerate(items):
            if _LINE_SPLIT.search(item):
                raise ExportError(f"第{i + 1}项中有换行：表格中每行是一项，请在 YAML 中把它拆成两项")
        return Out("\n".join(items), "wrap")
    if kind == LIST:
        items = [_item_text(col.item, v) for v in value]
        for i, item in enumerate(items):
            if LIST_SEP in item or _ITEM_SPLIT_TEXT.search(item):
                raise ExportError(f"第{i + 1}项“{item}”中有“、”、逗号、分号或换行：表格中用它们分隔各项")
        return Out(LIST_SEP.join(items), "text")
    if kind == BODY:
        return Out(body_text(value), "wrap")
    if kind == GROUPS:
        lines = []
        for g in value:
            for item in g:
                if _GROUP_ITEM_SPLIT.search(item) or _LINE_SPLIT.search(item):
                    raise ExportError(f"“{item}”中有逗号或换行：表格中每组一行、组内用逗号分隔")
            lines.append(GROUP_SEP.join(str(x) for x in g))
        return Out("\n".join(lines), "wrap")
    raise AssertionError(kind)


def empty_means_none(col: Column) -> bool:
    """An optional list whose default is "not given" (None): an empty list is a value of its own."""
    return col.has_default and col.default is None


def _item_text(item_kind: str | None, v: Any) -> str:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def default_style(col: Column) -> str:
    """The style of an empty cell of the column (what a typed value gets)."""
    if col.kind == DECIMAL:
        return decimal_style(2) if col.unit in ("万元", "亩") else "num"
    return {INT: "int", DATE: "date", LINES: "wrap", GROUPS: "wrap", BODY: "wrap"}.get(col.kind, "text")


def shown(col: Column, value: Any) -> str:
    """A value as text, for column widths and the form sheets' explanations."""
    if value is None:
        return ""
    out = to_cell(col, value).value
    if isinstance(out, dt.date):
        return out.isoformat()
    return str(out)


# --------------------------------------------------------------------------------------------
# Import


def _text_of(raw: Any) -> str:
    return raw if isinstance(raw, str) else str(raw)


def _fullwidth(text: str, what: str) -> CellError | None:
    if _FULLWIDTH_DIGITS.search(text):
        fixed = unicodedata.normalize("NFKC", text)
        return CellError("sheet.fullwidth", f"“{text}”含有全角数字（如“１２”），{what}只能用半角数字",
                         found=show_value(text), hint=f"请改为半角：{fixed}（输入法切换到半角，或在 WPS/Excel 中用“查找替换”）")
    return None


def blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def from_cell(col: Column, raw: Any, fmt: str | None = None) -> Any:
    """The YAML value of a non-blank cell of ``col``. Raises ``CellError``."""
    kind = col.kind
    if isinstance(raw, str):
        raw = raw.strip()
    if kind in _LIST_KINDS and raw in NONE_WORDS and empty_means_none(col):
        return []
    if kind == TEXT:
        return _text(col, raw)
    if kind == CHOICE:
        return _text_of(raw) if not isinstance(raw, float) else _text(col, raw)
    if kind == BOOL:
        return _bool(raw)
    if kind == INT:
        return _int(raw)
    if kind == DECIMAL:
        return _decimal(raw, fmt)
    if kind == DATE:
        return _date(raw)
    if kind == LINES:
        if isinstance(raw, str):
            return [line.strip() for line in _LINE_SPLIT.split(raw) if line.strip()]
        return [_text(col, raw)]
    if kind == LIST:
        return _list(col, raw)
    if kind == BODY:
        return body_items(_text_of(raw))
    if kind == GROUPS:
        text = _text_of(raw)
        groups = []
        for line in _LINE_SPLIT.split(text):
            items = [x.strip() for x in _GROUP_ITEM_SPLIT.split(line) if x.strip()]
            if items:
                groups.append(items)
        return groups
    raise AssertionError(kind)


def _text(col: Column, raw: Any) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return YES if raw else NO
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if raw.is_integer() and abs(raw) >= 10 ** EXCEL_DIGITS:
            raise CellError(
                "sheet.long-number",
                "这个代码被 Excel/WPS 当成了数字，超过15位的部分已经变成0，无法恢复",
                found=show_value(format(raw, ".15g")),
                hint="请把这一列设为“文本”格式（或在代码前加英文单引号 '），再重新输入完整的代码",
            )
        return str(int(raw)) if raw.is_integer() else format(raw, ".15g")
    if isinstance(raw, dt.datetime):
        day = raw.date()
        if col.pattern and not re.fullmatch(col.pattern, day.isoformat()) and re.fullmatch(col.pattern, day.isoformat()[:7]):
            return day.isoformat()[:7]
        return day.isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text_of(raw).strip()
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError("model.bool_parsing", "应填写“是”或“否”。", expected="是 或 否", found=show_value(text))


def _int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise _like_validate("int_type", raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise _like_validate("int_from_float", raw)
    if isinstance(raw, (dt.date, dt.datetime)):
        raise _like_validate("int_type", raw)
    text = _text_of(raw)
    bad = _fullwidth(text, "数字")
    if bad:
        raise bad
    cleaned = text.replace(" ", "")
    if _PLAIN_INT.fullmatch(cleaned):
        return int(cleaned)
    if _PLAIN_NUMBER.fullmatch(cleaned) and Decimal(cleaned) == Decimal(cleaned).to_integral_value():
        return int(Decimal(cleaned))
    hint = None
    digits = re.sub(r"[,，\s]", "", text)
    m = re.fullmatch(r"([+-]?\d+)\D*", digits)
    if m and m.group(1) != text:
        hint = f"只写整数，不写单位和逗号：应填写 {int(m.group(1))}"
    raise _like_validate("int_parsing", text, hint)


def _decimal(raw: Any, fmt: str | None) -> Decimal:
    if isinstance(raw, bool):
        raise _like_validate("decimal_type", raw)
    if isinstance(raw, int):
        return _pad(Decimal(raw), fmt)
    if isinstance(raw, float):
        return _pad(Decimal(format(raw, f".{EXCEL_DIGITS}g")), fmt)
    if isinstance(raw, (dt.date, dt.datetime)):
        raise _like_validate("decimal_type", raw)
    text = _text_of(raw)
    bad = _fullwidth(text, "数字")
    if bad:
        raise bad
    if _PLAIN_NUMBER.fullmatch(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
            pass
    raise _like_validate("decimal_parsing", text, _number_hint(text))


def _number_hint(text: str) -> str | None:
    """What a number written with its unit or thousands separators should have been."""
    t = re.sub(r"[,，\s]", "", text)
    m = re.fullmatch(r"([+-]?\d+(?:\.\d+)?)(万元|万|元|%|％|亩)?", t)
    if not m:
        return None
    number, unit = Decimal(m.group(1)), m.group(2)
    if unit == "元":
        wan = format((number / 10000).normalize(), "f")
        return f"金额以万元为单位，只写数字：{text} 即 {wan} 万元，应填写 {wan}"
    what = {"万元": "金额以万元为单位", "万": "金额以万元为单位", "%": "百分比", "％": "百分比", "亩": "面积以亩为单位"}.get(unit or "", "")
    lead = f"{what}，" if what else ""
    return f"{lead}只写数字，不写单位和千分位逗号：应填写 {m.group(1)}"


def _pad(d: Decimal, fmt: str | None) -> Decimal:
    """Give a number the decimals its cell shows (``1250.5`` shown as ``1250.50`` is ``1250.50``)."""
    if not fmt:
        return d
    m = _DECIMALS_FORMAT.fullmatch(fmt.split(";")[0])
    if not m:
        return d
    places = len(m.group(1) or "")
    if decimals_of(d) < places:
        return d.quantize(Decimal(1).scaleb(-places))
    return d


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        if raw.time() != dt.time():
            raise _like_validate("date_from_datetime_inexact", raw)
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        raise _like_validate("date_type", raw)
    if isinstance(raw, (int, float)):
        return _number_date(raw)
    text = _text_of(raw)
    bad = _fullwidth(text, "日期")
    if bad:
        raise bad
    for rx in _DATE_RES:
        m = rx.fullmatch(text)
        if not m:
            continue
        y, mo, d = (int(g) for g in m.groups()[:3])
        rest = [g for g in m.groups()[3:] if g is not None]
        if any(int(x) for x in rest):
            raise CellError("model.date_from_datetime_inexact", "应为日期，不要带时间。",
                            expected="日期，如 2024-04-28", found=show_value(text))
        try:
            return dt.date(y, mo, d)
        except ValueError:
            raise CellError("sheet.bad-date", f"“{text}”不是有效的日期（例如该月没有这一天）",
                            found=show_value(text), hint="请检查年、月、日") from None
    raise _like_validate("date_parsing", text, "日期可写成 2024-04-28、2024/4/28 或 2024年4月28日")


def _number_date(n: float) -> dt.date:
    """A date cell that lost its date format (a serial number such as 45410), or 20240428."""
    if float(n).is_integer() and 19000101 <= n <= 21001231:
        s = str(int(n))
        try:
            return dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))
        except ValueError:
            pass
    if 36526 <= n <= 73051:  # 2000-01-01 … 2100-01-01 as Excel serial numbers
        if not float(n).is_integer():
            raise _like_validate("date_from_datetime_inexact", n)
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(n))
    raise _like_validate("date_type", n, "日期可写成 2024-04-28、2024/4/28 或 2024年4月28日")


def _list(col: Column, raw: Any) -> list:
    text = _text_of(raw) if not isinstance(raw, (int, float)) or isinstance(raw, bool) else None
    if text is None:
        parts: list[Any] = [raw]
    else:
        splitter = _ITEM_SPLIT_TEXT if col.item in (TEXT, CHOICE) else _ITEM_SPLIT
        parts = [p.strip() for p in splitter.split(text) if p.strip()]
    item_col = Column(path=col.path, titles=col.titles, kind=col.item or TEXT, choices=col.item_choices)
    out = []
    for i, p in enumerate(parts):
        try:
            out.append(from_cell(item_col, p))
        except CellError as e:
            e.message = f"第{i + 1}项：{e.message}"
            raise
    return out


# --------------------------------------------------------------------------------------------
# A notice's body: paragraphs, tables and page breaks in one cell


def _marker_like(line: str) -> bool:
    return line == PAGE_BREAK_LINE or (line.startswith(TABLE_OPEN) and line.endswith("】"))


def body_text(items: list) -> str:
    """Body items as the lines of one cell::

        第一段文字
        【表格：表格标题；单位：万元】      (or 【表格】, 【表格：标题】, 【表格；单位：万元】)
        序号｜项目名称｜总投资
        1｜某某工程｜3650.00
        【表格完】
        【分页】
        第二段文字
    """
    lines: list[str] = []
    for i, item in enumerate(items, 1):
        if isinstance(item, str):
            if _LINE_SPLIT.search(item):
                raise ExportError(f"第{i}项中有换行：表格中每段一行，请在 YAML 中把它拆成两段")
            if _marker_like(item.strip()):
                raise ExportError(f"第{i}段“{item}”与分页、表格的标记相同，表格中无法区分：请在 YAML 中修改这段文字")
            lines.append(item)
        elif isinstance(item, dict) and item.get("page_break"):
            lines.append(PAGE_BREAK_LINE)
        elif isinstance(item, dict) and isinstance(item.get("table"), dict):
            t = item["table"]
            title, unit = t.get("title") or "", t.get("unit") or ""
            for what, text in (("标题", title), ("计量单位", unit)):
                if "】" in text or "；" in text or _LINE_SPLIT.search(text):
                    raise ExportError(f"第{i}项表格的{what}“{text}”中有“】”、“；”或换行：表格中无法写出")
            head = TABLE_OPEN + (f"：{title}" if title else "") + (f"{_UNIT_PART}{unit}" if unit else "") + "】"
            lines.append(head)
            for row in [t.get("headers") or [], *(t.get("rows") or [])]:
                cells = [_item_text(None, c) for c in row]
                for c in cells:
                    if CELL_SEP in c or _LINE_SPLIT.search(c):
                        raise ExportError(f"第{i}项表格的单元格“{c}”中有“{CELL_SEP}”或换行：表格中用它们分隔单元格和行")
                lines.append(CELL_SEP.join(cells))
            lines.append(TABLE_END)
        else:
            raise ExportError(f"第{i}项既不是段落，也不是表格或分页")
    return "\n".join(lines)


def body_items(text: str) -> list:
    """The body items of a cell written as :func:`body_text` writes it. Raises ``CellError``."""
    items: list = []
    table: dict | None = None
    for n, raw_line in enumerate(_LINE_SPLIT.split(text), 1):
        line = raw_line.strip()
        if table is not None:
            if line == TABLE_END:
                if not table["headers"]:
                    raise CellError("sheet.body-table", f"第{n}行：表格没有表头行",
                                    hint=f"在“{TABLE_OPEN}……】”下一行写表头，各列用“{CELL_SEP}”分隔")
                if not table["rows"]:
                    del table["rows"]
                items.append({"table": {k: v for k, v in table.items() if v not in (None, "")}})
                table = None
            elif line:
                cells = [c.strip() for c in line.split(CELL_SEP)]
                if table["headers"]:
                    table["rows"].append(cells)
                else:
                    table["headers"] = cells
            continue
        if not line:
            continue
        if line == PAGE_BREAK_LINE:
            items.append({"page_break": True})
        elif line.startswith(TABLE_OPEN) and line.endswith("】"):
            spec = line[len(TABLE_OPEN):-1]
            unit = ""
            if _UNIT_PART[1:] in spec:
                spec, _, unit = spec.partition(_UNIT_PART[1:])
                spec = spec.rstrip("；")
            if spec and not spec.startswith("："):
                raise CellError("sheet.body-table", f"第{n}行“{line}”不是表格标记",
                                hint="写作【表格】、【表格：标题】或【表格：标题；单位：万元】")
            table = {"title": spec[1:].strip() or None, "unit": unit.strip() or None, "headers": [], "rows": []}
        elif line == TABLE_END:
            raise CellError("sheet.body-table", f"第{n}行：“{TABLE_END}”前没有“{TABLE_OPEN}……】”")
        else:
            items.append(line)
    if table is not None:
        raise CellError("sheet.body-table", "表格没有结束：最后一行表格之后应写“" + TABLE_END + "”")
    return items
