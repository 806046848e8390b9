"""``wenshu export``: one workbook (.xlsx) for a whole data folder.

Every sheet and column comes from ``layout``; the rows come from the validated files, one file at a
time (a 10,000-project district is streamed: openpyxl's write-only mode keeps only the current rows).
The file is written beside its target and renamed into place, with fixed zip timestamps, so the
same data folder always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from wenshu.atomic import atomic_write
from wenshu.engine.docx_zip import write_zip
from wenshu.errors import DataError, Problem, UsageError
from wenshu.models import FILE_KINDS
from wenshu.sheets.cells import ExportError, Out, decimal_style, default_style, to_cell
from wenshu.sheets.layout import (BODY, BOOL, CHOICE, DATE, DECIMAL, INT, LINES, LIST, GROUPS, Column, Layout, Sheet,
                                  layout)
from wenshu.sheets.yamlio import plain

GUIDE_SHEET = "填表说明"
REQUIRED_MARK = "*"
FIXED_STAMP = "2000-01-01T00:00:00Z"
MAX_CELL = 32767
BUFFER_ROWS = 200
EXTRA_ROWS = 2000  # reference ranges reach this far below the last exported row
LAST_ROW = 1048576

# Header colours: the record's own fields, then one colour per nested group (储备库信息, 实施库信息 ...).
_HEAD = "DDEBF7"
_KEY = "E7E6E6"
_GROUP_COLOURS = ("E2EFDA", "FCE4D6", "FFF2CC", "EDE1F5", "D9F2F2", "F8E0E6")
_TAB_COLOURS = {"projects": "4472C4", "appraisals": "70AD47", "evaluations": "ED7D31", "industry_reports": "A5A5A5",
                "annual_report": "FFC000", "supervision": "5B9BD5", "tasks": "264478", "district": "9E480E",
                "notice": "636363", "rules": "997300", "holidays": "43682B"}

_NUMBER_FORMATS = {"text": "@", "wrap": "@", "int": "0", "date": "yyyy-mm-dd", "num": "General",
                   **{decimal_style(n): "0" if n == 0 else "0." + "0" * n for n in range(7)}}


def _styles(wb: Workbook) -> None:
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for name, fmt in _NUMBER_FORMATS.items():
        st = NamedStyle(name=name, number_format=fmt)
        st.alignment = Alignment(vertical="top", wrap_text=name == "wrap")
        wb.add_named_style(st)
    for name, colour, bold_red in [("head", _HEAD, False), ("head_req", _HEAD, True), ("head_key", _KEY, True)] + [
            (f"head_g{i}", c, False) for i, c in enumerate(_GROUP_COLOURS)] + [
            (f"head_g{i}_req", c, True) for i, c in enumerate(_GROUP_COLOURS)]:
        st = NamedStyle(name=name, number_format="@")
        st.font = Font(bold=True, color="C00000" if bold_red else "000000")
        st.fill = PatternFill("solid", fgColor=colour)
        st.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        st.border = border
        wb.add_named_style(st)
    for name, font, wrap in [("title", Font(bold=True, size=14), False), ("bold", Font(bold=True), True),
                             ("plain", Font(), True), ("line", Font(), False), ("group", Font(bold=True, color="1F4E78"), False)]:
        st = NamedStyle(name=name, number_format="@")
        st.font = font
        st.alignment = Alignment(vertical="top", wrap_text=wrap)
        wb.add_named_style(st)


def _width(text: str) -> float:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _group_index(sheet: Sheet) -> dict[str, int]:
    groups: dict[str, int] = {}
    for c in sheet.columns:
        g = c.path[0] if len(c.path) > 1 else None
        if g is not None and g not in groups:
            groups[g] = len(groups) % len(_GROUP_COLOURS)
    return groups


def header_text(col: Column) -> str:
    return (REQUIRED_MARK if col.required else "") + col.header


# Model descriptions name YAML files and keys; in the workbook the same things are sheets and columns.
_IN_WORKBOOK = (
    ("district.yaml 的 departments 中", "“部门”工作表中"), ("district.yaml 中的 departments", "“部门”工作表"),
    ("须在 departments 中列出", "须在“部门”工作表中"), ("district.yaml 的 industries 中", "“行业”工作表中"),
    ("district.yaml 中 organs 的 key", "“发文机关”工作表中的机关代号"), ("district.yaml 中", "“部门”工作表中"),
    ("（projects 中的 id）", "（“项目”工作表中的平台项目编号）"), ("district.yaml 的", "“区情设置”的"),
    ("写 [] 表示", "写“无”表示"), ("true 表示", "“是”表示"), ("false 表示", "“否”表示"), ("true：", "是："), ("false：", "否："),
)


def describe(col: Column) -> str:
    text = col.description
    for a, b in _IN_WORKBOOK:
        text = text.replace(a, b)
    return text


def column_notes(col: Column) -> list[str]:
    """Meaning, allowed values and default of a column (its need and format are shown apart)."""
    lines = [describe(col)] if col.description else []
    if col.choices and col.kind != BOOL:
        lines.append("可选：" + "、".join(col.choices))
    if col.item_choices:
        lines.append("可选（可多选，用“、”分隔）：" + "、".join(col.item_choices))
    if col.has_default and col.default not in (None, [], {}):
        lines.append(f"不填时为：{_default_text(col)}")
    return lines


def need_text(col: Column) -> str:
    if col.required:
        return "必填。"
    if col.group:
        return f"填写“{col.group}”时按需填写。"
    return "可不填。"


def column_note(col: Column, sheet: Sheet) -> str:
    """The header comment: what a person needs to fill the column."""
    return "\n".join([col.header, *column_notes(col), need_text(col), "格式：" + format_text(col)])


def _default_text(col: Column) -> str:
    v = col.default
    if col.kind == BOOL:
        return "是" if v else "否"
    if isinstance(v, list):
        return "、".join(str(x) for x in v)
    return str(getattr(v, "value", v))


def format_text(col: Column) -> str:
    k = col.kind
    if k == DATE:
        return "日期，如 2024-04-28（也可写 2024/4/28、2024年4月28日）"
    if k == INT:
        return "整数"
    if k == DECIMAL:
        if col.unit == "万元":
            return "数字，单位万元，不写“万元”和千分位逗号，如 1250.50"
        if col.unit:
            return f"数字，单位{col.unit}"
        return "数字"
    if k == BOOL:
        return "是 或 否"
    if k == CHOICE:
        return "从下拉列表选择"
    if k == LINES:
        return "文字，多项时每项一行（单元格内按 Alt+Enter 换行）"
    if k == LIST:
        return {"int": "整数，多项用“、”分隔，如 3、2、3、2", "date": "日期，多项用“、”分隔"}.get(
            col.item or "", "多项用“、”分隔")
    if k == GROUPS:
        return "每组一行，组内用逗号分隔"
    if k == BODY:
        return ("每段一行（单元格内按 Alt+Enter 换行）；另起一页处单写一行【分页】；表格从【表格】"
                "（或【表格：标题；单位：万元】）一行开始，下一行为表头，其后每行一行数据，各格用“｜”分隔，"
                "最后单写一行【表格完】")
    if col.pattern:
        return "文字，按规定格式（见说明）"
    return "文字"


# --------------------------------------------------------------------------------------------
# Rows


def get_path(d: Any, path: tuple) -> Any:
    for k in path:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
        if d is None:
            return None
    return d


def _items(sheet: Sheet, owner: dict) -> Iterator[tuple[Any, dict, int]]:
    """(mapping key or None, item, 1-based position) of a group inside its owner record."""
    value = get_path(owner, sheet.list_path)
    if isinstance(value, dict):
        for i, (k, v) in enumerate(value.items()):
            yield k, v, i + 1
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield None, v, i + 1


def row_values(sheet: Sheet, item: dict, keys: list, *, seq: int | None = None, level: int | None = None,
               dict_key: Any = None, file: str | None = None) -> list:
    out = []
    ki = 0
    for c in sheet.columns:
        if c.special == "key":
            out.append(keys[ki])
            ki += 1
        elif c.special == "seq":
            out.append(seq)
        elif c.special == "level":
            out.append(level)
        elif c.special == "dict_key":
            out.append(int(dict_key) if dict_key is not None else None)
        elif c.special == "file":
            out.append(file)
        else:
            out.append(get_path(item, c.path))
    return out


def identity_values(sheet: Sheet, item: dict, keys: list, *, seq: int | None, dict_key: Any) -> list:
    own = []
    for c in sheet.own_key:
        if c.special == "seq":
            own.append(seq)
        elif c.special == "dict_key":
            own.append(int(dict_key))
        else:
            own.append(get_path(item, c.path))
    return list(keys) + own


def record_rows(sheet: Sheet, item: dict, keys: list, *, seq: int | None = None, dict_key: Any = None,
                file: str | None = None, level: int = 1) -> Iterator[tuple[Sheet, list]]:
    """The row of one record and, after it, the rows of its groups (depth first)."""
    yield sheet, row_values(sheet, item, keys, seq=seq, dict_key=dict_key, file=file,
                            level=level if sheet.tree else None)
    if sheet.tree:
        for sub in item.get(sheet.tree) or []:
            yield from record_rows(sheet, sub, keys, level=level + 1)
    ident = identity_values(sheet, item, keys, seq=seq, dict_key=dict_key) if sheet.children else keys
    for child in sheet.children:
        for k, sub, pos in _items(child, item):
            yield from record_rows(child, sub, ident, seq=pos, dict_key=k)


def file_rows(lay: Layout, kind: str, data: dict, rel: str) -> Iterator[tuple[Sheet, list]]:
    """All rows of one data file (its plain data), for every sheet of its kind."""
    main = lay.main(kind)
    if main.mode == "records":
        for k, item, pos in _items(main, data):
            yield from record_rows(main, item, [], seq=pos, dict_key=k, file=rel)
    elif main.mode == "files":
        yield from record_rows(main, data, [], file=rel)
    else:  # form: one value per row; groups as usual
        for c in main.columns:
            yield main, [c, rel if c.special == "file" else get_path(data, c.path)]
        for child in main.children:
            for k, sub, pos in _items(child, data):
                yield from record_rows(child, sub, [], seq=pos, dict_key=k)


# --------------------------------------------------------------------------------------------
# Writing


@dataclass
class _SheetOut:
    sheet: Sheet
    ws: Any
    styles: list[str]
    buffer: list[list[Out]] = field(default_factory=list)
    started: bool = False
    rows: int = 0  # data rows added (excluding the header)
    written: int = 0  # data rows sent to the sheet
    form_rows: list = field(default_factory=list)


class WorkbookWriter:
    def __init__(self, lay: Layout, display: dict[str, str]):
        self.lay = lay
        self.wb = Workbook(write_only=True)
        self.wb.properties.creator = "wenshu"
        self.wb.properties.title = "数据填报表"
        _styles(self.wb)
        self.display = display
        self.guide = self.wb.create_sheet(GUIDE_SHEET)
        self.out: dict[str, _SheetOut] = {}
        for s in lay.sheets:
            ws = self.wb.create_sheet(s.name)
            ws.sheet_properties.tabColor = _TAB_COLOURS.get(s.kind, "808080")
            styles = [default_style(c) for c in s.columns]
            self.out[s.name] = _SheetOut(s, ws, styles)
        self.counts: dict[str, int] = {}

    def add(self, sheet: Sheet, values: list, where: str) -> None:
        so = self.out[sheet.name]
        if sheet.mode == "form" and sheet.parent is None:
            so.form_rows.append(values)
            return
        cells = []
        for c, v in zip(sheet.columns, values, strict=True):
            try:
                cells.append(to_cell(c, v))
            except ExportError as e:
                raise DataError(Problem(code="export.cell", message=f"{c.header}：{e}", file=where,
                                        hint="这个值无法原样放进表格")) from None
            if isinstance(cells[-1].value, str) and len(cells[-1].value) > MAX_CELL:
                raise DataError(Problem(code="export.too-long", file=where,
                                        message=f"{c.header}：文字超过 Excel 单元格上限 {MAX_CELL} 个字符"))
        so.buffer.append(cells)
        so.rows += 1
        if len(so.buffer) >= BUFFER_ROWS:
            self._flush(so)

    def _start(self, so: _SheetOut) -> None:
        s, ws = so.sheet, so.ws
        widths = [_width(header_text(c)) + 2 for c in s.columns]
        for row in so.buffer:
            for i, cell in enumerate(row):
                if cell.value is None:
                    continue
                text = cell.value.isoformat() if isinstance(cell.value, dt.date) else str(cell.value)
                widths[i] = max(widths[i], max(_width(line) for line in text.split("\n")) + 2)
        for i, c in enumerate(s.columns):
            cap = 60 if c.kind in (LINES, GROUPS, BODY) or (c.kind == "text" and c.description and len(c.description) > 20) else 40
            letter = get_column_letter(i + 1)
            ws.column_dimensions[letter].width = round(min(max(widths[i], 8), cap), 1)
            dim = ws.column_dimensions[letter]
            dim.number_format = _NUMBER_FORMATS[so.styles[i]]
            if so.styles[i] == "wrap":
                dim.alignment = Alignment(vertical="top", wrap_text=True)
        ws.freeze_panes = f"{get_column_letter(_frozen(s) + 1)}2"
        groups = _group_index(s)
        head = []
        for c in s.columns:
            cell = WriteOnlyCell(ws, header_text(c))
            if c.special in ("key", "seq", "dict_key", "level"):
                cell.style = "head_key"
            elif len(c.path) > 1 and c.path[0] in groups:
                cell.style = f"head_g{groups[c.path[0]]}" + ("_req" if c.required else "")
            else:
                cell.style = "head_req" if c.required else "head"
            note = column_note(c, s)
            cell.comment = Comment(note, "wenshu", width=320, height=min(60 + 18 * note.count("\n") + len(note) // 2, 400))
            head.append(cell)
        ws.append(head)
        so.started = True

    def _flush(self, so: _SheetOut) -> None:
        if not so.started:
            self._start(so)
        ws = so.ws
        for row in so.buffer:
            so.written += 1
            lines = max((str(c.value).count("\n") + 1 for c in row if c.style == "wrap" and c.value is not None), default=1)
            if lines > 1:
                ws.row_dimensions[so.written + 1].height = 15 * min(lines, 12)
            out = []
            for cell, c in zip(row, so.sheet.columns, strict=True):
                if cell.value is None:
                    out.append(None)
                    continue
                wc = WriteOnlyCell(ws, cell.value)
                if isinstance(cell.value, str):
                    wc.data_type = "s"  # never a formula, even when the text starts with “=”
                wc.style = cell.style
                out.append(wc)
            ws.append(out)
        so.buffer = []

    def _form(self, so: _SheetOut) -> None:
        s, ws = so.sheet, so.ws
        ws.column_dimensions["A"].width = max(24, max(_width(header_text(c)) for c in s.columns) + 2)
        ws.column_dimensions["B"].width = 56
        ws.column_dimensions["C"].width = 90
        ws.freeze_panes = "B2"
        head = []
        for text in ("项目", "值", "说明"):
            cell = WriteOnlyCell(ws, text)
            cell.style = "head"
            head.append(cell)
        ws.append(head)
        dvs: dict[str, DataValidation] = {}
        for r, (c, value) in enumerate(so.form_rows, start=2):
            label = WriteOnlyCell(ws, header_text(c))
            label.style = "bold"
            try:
                out = to_cell(c, value)
            except ExportError as e:
                raise DataError(Problem(code="export.cell", message=f"{c.header}：{e}", file=self.display.get(s.kind, s.name))) from None
            val = WriteOnlyCell(ws, out.value)
            if isinstance(out.value, str):
                val.data_type = "s"
            val.style = out.style if out.value is not None else default_style(c)
            notes = column_notes(c)
            note = WriteOnlyCell(ws, "；".join(n.rstrip("。") for n in notes) + ("。" if notes else ""))
            note.style = "line"
            lines = str(out.value).count("\n") + 1 if out.value is not None else 1
            if lines > 1:
                ws.row_dimensions[r].height = 15 * min(lines, 12)
            ws.append([label, val, note])
            dv = self._validation(c)
            if dv is not None:
                key = dv.formula1 or dv.type
                dvs.setdefault(key, dv).add(f"B{r}")
        for dv in dvs.values():
            ws.data_validations.append(dv)

    def _validation(self, c: Column, rows: int = 0) -> DataValidation | None:
        if c.kind == CHOICE or c.kind == BOOL:
            values = c.choices if c.kind == CHOICE else ("是", "否")
            dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="取值不在下拉列表中",
                                error="请从下拉列表中选择：" + "、".join(values))
            return dv
        if c.ref in ("department", "industry", "organ", "project", "unit"):
            src = self._ref_range(c.ref, rows)
            if src is None:
                return None
            return DataValidation(type="list", formula1=src, allow_blank=True, showErrorMessage=True,
                                  errorStyle="warning", errorTitle="不在列表中",
                                  error="该名称不在对应工作表中；如确需使用，请先在该工作表中添加")
        if c.kind == DECIMAL:
            return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                  showErrorMessage=True, errorStyle="stop", errorTitle="应为数字",
                                  error="请只填写数字" + ("（单位万元），不写“万元”和千分位逗号" if c.unit == "万元" else ""))
        if c.kind == INT:
            lo, hi = c.int_bounds
            if lo is not None and hi is not None:
                return DataValidation(type="whole", operator="between", formula1=str(lo), formula2=str(hi),
                                      allow_blank=True, showErrorMessage=True, errorTitle="应为整数",
                                      error=f"请填写 {lo} 至 {hi} 之间的整数")
            return DataValidation(type="whole", operator="greaterThanOrEqual", formula1=str(lo or 0), allow_blank=True,
                                  showErrorMessage=True, errorTitle="应为整数", error="请填写整数")
        if c.kind == DATE:
            return DataValidation(type="date", operator="greaterThanOrEqual", formula1="36526", allow_blank=True,
                                  showErrorMessage=True, errorStyle="warning", errorTitle="应为日期",
                                  error="请填写日期，如 2024-04-28")
        if c.kind == LIST and c.item_choices:
            return DataValidation(allow_blank=True, showInputMessage=True, promptTitle=c.header[:32],
                                  prompt=("可多选，用“、”分隔：" + "、".join(c.item_choices))[:255])
        return None

    def _ref_range(self, ref: str, rows: int) -> str | None:
        target = {"department": ("部门", ("short",)), "unit": ("部门", ("short",)), "industry": ("行业", ("name",)),
                  "organ": ("发文机关", ("key",)), "project": (self.lay.main("projects").name, ("id",))}[ref]
        sheet = self.lay.by_name().get(target[0])
        if sheet is None:
            return None
        idx = next((i for i, c in enumerate(sheet.columns) if c.path == target[1] and c.special is None), None)
        if idx is None:
            return None
        letter = get_column_letter(idx + 1)
        last = max(self.out[sheet.name].rows + 1 + EXTRA_ROWS, 1000)
        return f"'{sheet.name}'!${letter}$2:${letter}${last}"

    def discard(self) -> None:
        """Close the streamed sheets without writing a file (openpyxl finishes them on save)."""
        try:
            self.wb.save(io.BytesIO())
        except Exception:  # noqa: BLE001 - nothing is kept either way
            pass

    def finish(self, out: Path) -> None:
        for so in self.out.values():
            if so.sheet.mode == "form" and so.sheet.parent is None:
                if not so.form_rows:
                    so.form_rows = [[c, None] for c in so.sheet.columns]
                self._form(so)
                continue
            self._flush(so)
            s, ws = so.sheet, so.ws
            last = get_column_letter(len(s.columns))
            ws.auto_filter.ref = f"A1:{last}{so.rows + 1}"
            for i, c in enumerate(s.columns):
                dv = self._validation(c, so.rows)
                if dv is not None:
                    letter = get_column_letter(i + 1)
                    dv.add(f"{letter}2:{letter}{LAST_ROW}")
                    ws.data_validations.append(dv)
        self._guide()
        _save(self.wb, out)

    def _guide(self) -> None:
        ws = self.guide
        ws.column_dimensions["A"].width = 20
        ws.column_dimensions["B"].width = 28
        ws.column_dimensions["C"].width = 8
        ws.column_dimensions["D"].width = 52
        ws.column_dimensions["E"].width = 100
        ws.sheet_properties.tabColor = "C00000"

        def line(*values: Any, style: str = "plain") -> None:
            cells = []
            for v in values:
                c = WriteOnlyCell(ws, v)
                c.style = style
                cells.append(c)
            ws.append(cells)

        line("填表说明", style="title")
        for text in GUIDE_TEXT:
            line(text, style="line")
        line()
        line("工作表", "列名", "必填", "格式", "说明", style="head")
        for s in self.lay.sheets:
            line(s.name, _sheet_intro(s), style="group")
            for c in s.columns:
                need = "是" if c.required else ("条件" if c.group else "")
                line("", c.header, need, format_text(c), "；".join(n.rstrip("。") for n in column_notes(c)), style="line")


GUIDE_TEXT = (
    "一、本表由 wenshu 按数据模型生成：每个工作表对应一类数据，每列对应一个字段。请不要改动第1行的列名（可以调整列的顺序、隐藏不用的列）。",
    "二、列名前有红色“*”的为必填列；无“*”的列按需填写。列名上的批注说明了该列的含义、格式和可选值。",
    "三、金额一律以万元为单位，只写数字（如 1250.50），不写“万元”和千分位逗号；日期写 2024-04-28（2024/4/28、2024年4月28日也可）；数字用半角。",
    "四、带下拉箭头的列请从列表中选择；部门、行业取自“部门”“行业”工作表，新增部门或行业请先在那两个工作表中添加。",
    "五、一个单元格要填多项时（如存在的问题、功能效益目标），每项一行：在单元格内按 Alt+Enter 换行；部门名称、职责角色等多项用“、”分隔。",
    "六、资金来源、分年度投资计划、进度、论证记录、督办记录等一项记录有多行的数据，各有一个工作表：每行先写明所属记录（如平台项目编号），再填该行内容。",
    "七、“数据文件”列记录每条数据所在的 YAML 文件；新填的行可以不填，导入时自动按部门、年度等分文件。",
    "八、填好后运行：wenshu import 本表.xlsx -o 数据目录（数据目录已存在时加 --force），wenshu 一次列出所有问题（工作表、行、列名和原因）；没有问题才会写入。",
)


def _sheet_intro(s: Sheet) -> str:
    kind = FILE_KINDS[s.kind].title
    if s.mode == "form":
        return f"{kind}：每行一项，在“值”一列填写"
    if s.mode == "files":
        return f"{kind}：每行一份（如每月一行、每份清单一行）"
    if s.parent is None:
        return f"{kind}：每行一条记录"
    keys = "、".join(c.header for c in s.parent_key)
    return (f"{s.list_title}：每行一项，先写 {keys}，对应“{s.parent.name}”中的记录" if keys
            else f"{s.list_title}：每行一项，属于“{s.parent.name}”")


def _frozen(s: Sheet) -> int:
    lead = len(s.parent_key) + (1 if s.dict_key is not None and s.parent is not None else 0)
    for c in s.columns[lead:]:
        if c.special in ("seq", "level", "dict_key") or c in s.own_key:
            lead += 1
        else:
            break
    return lead


def _save(wb: Workbook, out: Path) -> None:
    """Save with fixed timestamps (same data, same bytes) and atomically (temporary file, rename)."""
    buf = io.BytesIO()
    wb.save(buf)
    entries = []
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        for info in z.infolist():
            data = z.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)", rf"\g<1>{FIXED_STAMP}\g<3>", text)
                data = text.encode("utf-8")
            entries.append((info.filename, data))
    atomic_write(out, lambda fh: write_zip(fh, entries, level=6), force=True)


# --------------------------------------------------------------------------------------------
# Entry point


@dataclass
class ExportResult:
    path: Path
    files: int
    rows: dict[str, int]


def export_workbook(data_dir: Path, out: Path, *, force: bool = False) -> ExportResult:
    """Write the workbook of ``data_dir`` to ``out``. Raises DataError (invalid files) or UsageError."""
    from wenshu.dataset import discover, load_file

    if not data_dir.is_dir():
        raise UsageError(Problem(code="usage.no-such-path", message="数据目录不存在。", file=str(data_dir)))
    if out.suffix.lower() != ".xlsx":
        raise UsageError(Problem(code="usage.suffix", message="输出文件应以 .xlsx 结尾。", file=str(out)))
    if out.exists() and not force:
        raise UsageError(Problem(code="usage.exists", message="输出文件已存在，未覆盖。", file=str(out),
                                 hint="加 --force 覆盖，或用 -o 指定其他文件名。"))
    files, _ = discover([data_dir])
    lay = layout()
    kinds = {s.kind for s in lay.sheets}
    writer = WorkbookWriter(lay, {})
    errors: list[Problem] = []
    singles: dict[str, str] = {}
    count = 0
    # One pass, one file at a time: every file is validated (all problems are reported together) and,
    # while none has failed, its rows are streamed into the sheets of its kind. Files come in path
    # order, so the rows of each kind keep the folder's order.
    for path in files:
        sf, probs = load_file(path)
        errs = [p for p in probs if p.severity == "error"]
        errors.extend(errs)
        if sf is None or errs or sf.kind not in kinds:
            continue
        rel = path.resolve().relative_to(data_dir.resolve()).as_posix()
        if lay.main(sf.kind).mode == "form":
            if sf.kind in singles:
                errors.append(Problem(code="export.duplicate", file=sf.display,
                                      message=f"数据目录中有两个“{FILE_KINDS[sf.kind].title}”文件（另一个是 {singles[sf.kind]}），只能有一个。"))
                continue
            singles[sf.kind] = rel
            writer.display[sf.kind] = sf.display
        count += 1
        if errors:
            continue
        data = plain(sf.model)
        kind = sf.kind
        del sf
        for sheet, values in file_rows(lay, kind, data, rel):
            writer.add(sheet, values, rel)
    if errors:
        writer.discard()
        raise DataError(sorted(errors, key=Problem.sort_key))
    writer.finish(out)
    rows = {so.sheet.name: (so.rows or sum(1 for c, v in so.form_rows if v is not None)) for so in writer.out.values()}
    return ExportResult(out, count, rows)
