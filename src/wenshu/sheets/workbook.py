"""Writing the workbook: one sheet per layout sheet, streamed (openpyxl's write-only mode keeps only
the rows not yet flushed), header styles and comments, drop-down lists and checks on each column,
the 填表说明 sheet; saved with fixed timestamps, so the same data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
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
from wenshu.package import write_zip
from wenshu.errors import DataError, Problem
from wenshu.sheets.cells import ExportError, Out, decimal_style, default_style, to_cell
from wenshu.sheets.layout import BODY, BOOL, CHOICE, DATE, DECIMAL, GROUPS, INT, LINES, LIST, Column, Layout, Sheet
from wenshu.sheets.notes import GUIDE_TEXT, column_note, column_notes, format_text, header_text, sheet_intro

GUIDE_SHEET = "填表说明"
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
            line(s.name, sheet_intro(s), style="group")
            for c in s.columns:
                need = "是" if c.required else ("条件" if c.group else "")
                line("", c.header, need, format_text(c), "；".join(n.rstrip("。") for n in column_notes(c)), style="line")


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
