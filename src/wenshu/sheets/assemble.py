"""Rows to files: every cell converted, the rows of repeated groups attached to the record their key
columns name, records grouped into data files (the 数据文件 column, else by department, year …).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from wenshu.errors import Problem
from wenshu.models import FILE_KINDS
from wenshu.models.register import REGISTER_FILE_NAME
from wenshu.naming import safe_filename
from wenshu.sheets.cells import CellError, blank, from_cell
from wenshu.sheets.layout import BODY, GROUPS, LINES, LIST, TEXT, Column, Layout, Sheet
from wenshu.sheets.located import Ctx, Located, Ref, cell_title, where_key
from wenshu.sheets.matching import HEADER_SCAN_ROWS, Aliases, find_header, header_names
from wenshu.sheets.reader import Table, norm
from wenshu.sheets.rows import get_path, set_path
from wenshu.validation import show_value
from wenshu.widechars import narrow_value


@dataclass
class Record:
    item: dict
    ref: Ref
    file: str | None
    key: Any = None  # the mapping key of a record of a mapping (holidays: the year)


@dataclass
class Import:
    """Everything read from the tables, ready to be validated and written."""

    files: dict[str, tuple[str, dict]] = field(default_factory=dict)  # rel -> (kind, data)
    covered: set[str] = field(default_factory=set)  # kinds the tables hold
    problems: list[Problem] = field(default_factory=list)
    located: Located = field(default_factory=Located)
    file_refs: dict[str, Ref] = field(default_factory=dict)  # rel -> the main table's ref
    rows: dict[str, int] = field(default_factory=dict)  # sheet name -> rows read


class Assembler:
    def __init__(self, lay: Layout, al: Aliases, organ_prefix: dict[str, str]):
        self.lay, self.al = lay, al
        self.out = Import()
        self.records: dict[str, list[Record]] = defaultdict(list)  # kind -> main records / file rows
        self.forms: dict[str, Record] = {}
        self.index: dict[str, dict[tuple, dict]] = defaultdict(dict)  # sheet -> identity -> item
        self.stacks: dict[tuple, list[tuple[int, dict]]] = {}
        self.organ_prefix = organ_prefix
        self.skip: set[tuple[int, tuple]] = set()  # (id(item), path) already reported by conversion

    # -- problems

    def problem(self, ctx: Ctx, row: int | None, title: str | None, code: str, message: str, **kw: Any) -> None:
        self.out.problems.append(Problem(code=code, message=message, file=ctx.source, line=row,
                                         field_title=title, **kw))

    # -- tables

    def read(self, matched: list[tuple[Table, Sheet]]) -> Import:
        order = {s.name: i for i, s in enumerate(self.lay.sheets)}
        present = {s.name for _, s in matched}
        for t, s in sorted(matched, key=lambda ts: order[ts[1].name]):
            root = s.root()
            if s.parent is not None and s.parent.name not in present:
                self.out.problems.append(Problem(code="sheet.no-owner", file=t.source,
                                                 message=f"工作表“{s.name}”的每行属于“{s.parent.name}”中的记录，需要与工作表“{s.parent.name}”一起导入。"))
                continue
            ctx = Ctx(t, s)
            n = self._form(ctx) if s.mode == "form" and s.parent is None else self._rows(ctx)
            self.out.rows[s.name] = n
            if n:
                self.out.covered.add(root.kind)
        self._files()
        return self.out

    def _rows(self, ctx: Ctx) -> int:
        s = ctx.sheet
        found = find_header(ctx.table, ctx.sheet, self.al)
        if found is None:
            if any(not blank(v) for _, row in ctx.table.rows() for v, _ in row):
                self.problem(ctx, None, None, "sheet.no-header", "找不到列名行：前10行中没有一个认识的列名。",
                             hint="请保留 wenshu 填报表第1行的列名")
            return 0
        header_row, headers = found
        known = header_names(s, self.al)
        used: dict[int, int] = {}
        for i, h in enumerate(headers):
            if blank(h):
                continue
            c = known.get(norm(h))
            letter = get_column_letter(i + 1)
            if c is None:
                self.problem(ctx, header_row, cell_title(letter, str(h).strip()), "sheet.unknown-column",
                             "不认识的列，已忽略。", severity="warning",
                             hint="如果这是其他程序的列名，请在数据目录的 表格别名.yaml 中写明它对应的列")
                continue
            if id(c) in used:
                self.problem(ctx, header_row, cell_title(letter, str(h).strip()), "sheet.duplicate-column",
                             f"与{get_column_letter(used[id(c)] + 1)}列都是“{c.header}”，只能有一列。")
                continue
            used[id(c)] = i
            ctx.cols.append((i, c))
            ctx.where[where_key(c)] = (letter, c.header)
        have = {id(c) for _, c in ctx.cols}
        for c in s.columns:
            if id(c) in have or c.special == "file":
                continue
            if c.special is None:
                ctx.missing[c.path] = c
            if c.required and (c.special is not None or not c.group):
                self.problem(ctx, header_row, None, "sheet.missing-column", f"缺少必填列“{c.header}”。",
                             hint=c.description or None)
        if any(c.required and c.special is not None and id(c) not in have for c in s.columns):
            return 0  # rows cannot be placed without their key columns
        count = 0
        for r, row in ctx.table.rows():
            if r <= header_row:
                continue
            values = [v for v, _ in row]
            if all(blank(v) for v in values):
                continue
            count += 1
            self._row(ctx, r, row)
        return count

    def _narrowed(self, ctx: Ctx, r: int | None, title: str | None, c: Column, raw: Any) -> Any:
        """Full-width digits and letters in a number, date or choice: read as half-width with the
        warning ``wenshu validate`` gives (texts are left to the folder check, which does the same)."""
        if not isinstance(raw, str) or c.kind in (TEXT, LINES, GROUPS, BODY) or (c.kind == LIST and c.item == TEXT):
            return raw
        new = narrow_value(raw)
        if new != raw:
            self.problem(ctx, r, title, "data.full-width", f"“{raw}”中有全角数字或字母，已按半角“{new}”读取。",
                         severity="warning", hint="请在表格中改用半角（英文输入状态下的）数字和字母")
        return new

    def _convert(self, ctx: Ctx, r: int, c: Column, raw: Any, fmt: Any) -> tuple[bool, Any]:
        raw = self._narrowed(ctx, r, cell_title(*ctx.where[where_key(c)]), c, raw)
        try:
            return True, from_cell(c, raw, fmt)
        except CellError as e:
            letter, header = ctx.where[where_key(c)]
            self.problem(ctx, r, cell_title(letter, header), e.code, e.message, expected=e.expected,
                         found=e.found if e.found is not None else show_value(raw), hint=e.hint)
            return False, None

    def _row(self, ctx: Ctx, r: int, row: list) -> None:
        s = ctx.sheet
        item: dict = {}
        special: dict[str, Any] = {}
        keys: list[Any] = []
        bad_key = False
        for i, c in ctx.cols:
            raw, fmt = row[i] if i < len(row) else (None, None)
            if blank(raw):
                if c.special == "key":
                    keys.append(None)
                continue
            ok, value = self._convert(ctx, r, c, raw, fmt)
            if c.special == "key":
                keys.append(value if ok else None)
                bad_key = bad_key or not ok
                continue
            if c.special is not None:
                if ok:
                    special[c.special] = value
                continue
            if not ok:
                self.skip.add((id(item), c.path))
                continue
            set_path(item, c.path, value)
        ref = Ref(ctx, r)
        self.out.located.register(item, ref)
        # Key columns are in the order of the owner's identity.
        key_cols = [c for _, c in ctx.cols if c.special == "key"]
        by_col = dict(zip((id(c) for c in key_cols), keys, strict=True))
        ident = tuple(_ident(by_col.get(id(c))) for c in s.parent_key)
        owner = None
        if s.parent is not None:
            if any(v is None for v in ident):
                if not bad_key:
                    names = "、".join(c.header for c in s.parent_key)
                    self.problem(ctx, r, None, "sheet.no-key", f"没有填写所属记录（{names}），这一行无法对应到“{s.parent.name}”中的记录。")
                return
            if s.parent.mode == "form" and s.parent.parent is None:
                owner = self.forms.get(s.parent.kind)
                owner = owner.item if owner is not None else None
            else:
                owner = self.index[s.parent.name].get(ident)
            if owner is None:
                shown = "、".join(f"{c.header}为“{v}”" for c, v in zip(s.parent_key, ident, strict=True))
                where = s.parent.name
                first = ctx.where.get(where_key(s.parent_key[0]))
                self.problem(ctx, r, cell_title(*first) if first else None, "sheet.no-owner-row", f"工作表“{where}”中没有{shown}的记录。",
                             hint="请检查编号是否抄错，或先在该工作表中填写这条记录")
                return
        # Own identity (for this row's own groups).
        if s.children:
            own = []
            for c in s.own_key:
                if c.special == "seq":
                    own.append(_ident(special.get("seq")))
                elif c.special == "dict_key":
                    own.append(_ident(special.get("dict_key")))
                else:
                    own.append(_ident(get_path(item, c.path)))
            full = ident + tuple(own)
            if all(v is not None for v in own):
                idx = self.index[s.name]
                if full in idx:
                    shown = "、".join(f"{c.header}“{v}”" for c, v in zip(s.own_key, own, strict=True))
                    self.problem(ctx, r, None, "sheet.duplicate-key", f"{shown}重复：其他工作表中属于它的行无法对应到唯一一条记录。",
                                 hint="每条记录的编号须唯一")
                else:
                    idx[full] = item
        if s.parent is None:
            if s.mode == "records":
                if s.dict_key is not None and "dict_key" not in special:
                    self.problem(ctx, r, None, "model.missing", f"缺少必填字段“{s.dict_key.header}”。")
                    return
                self.records[s.kind].append(Record(item, ref, special.get("file"), special.get("dict_key")))
            else:  # one row per file
                self.records[s.kind].append(Record(item, ref, special.get("file")))
            return
        self._place(s, owner, item, special, ref, ident)

    def _place(self, s: Sheet, owner: dict, item: dict, special: dict, ref: Ref, ident: tuple) -> None:
        d = owner
        for k in s.list_path[:-1]:
            d = d.setdefault(k, {})
        last = s.list_path[-1]
        if s.dict_key is not None:
            key = special.get("dict_key")
            if key is None:
                self.problem(ref.ctx, ref.row, None, "model.missing", f"缺少必填字段“{s.dict_key.header}”。")
                return
            d.setdefault(last, {})[str(key)] = item
            return
        if s.tree is None:
            d.setdefault(last, []).append(item)
            return
        level = special.get("level")
        stack_key = (s.name, ident)
        stack = self.stacks.setdefault(stack_key, [])
        where = ref.ctx.where.get(("§", "level"))
        if level is None:
            level = 1
        if not isinstance(level, int) or not 1 <= level <= len(stack) + 1 or level > 4:
            depth = len(stack)
            self.problem(ref.ctx, ref.row, cell_title(*where) if where else None, "sheet.level",
                         f"层级“{level}”不对：上一行是第{depth}级，这一行只能是第1至{min(depth + 1, 4)}级。" if depth
                         else f"层级“{level}”不对：第一个小节应为第1级。")
            return
        del stack[level - 1:]
        if level == 1:
            d.setdefault(last, []).append(item)
        else:
            stack[-1][1].setdefault(s.tree, []).append(item)
        stack.append((level, item))

    def _form(self, ctx: Ctx) -> int:
        s = ctx.sheet
        labels: dict[str, Column] = {}
        for c in s.columns:
            labels.setdefault(norm(c.header), c)
        shorts: dict[str, list[Column]] = defaultdict(list)
        for c in s.columns:
            shorts[norm(c.titles[-1])].append(c)
        for k, cs in shorts.items():
            if len(cs) == 1:
                labels.setdefault(k, cs[0])
        for alias, headers in self.al.columns.get(s.name, {}).items():
            if len(headers) == 1:
                h = next(iter(headers))
                labels.setdefault(alias, next(c for c in s.columns if c.header == h))
        item: dict = {}
        file = None
        count = 0
        value_col = 1
        for r, row in ctx.table.rows():
            cells = [v for v, _ in row]
            if not cells or blank(cells[0]):
                continue
            if r <= HEADER_SCAN_ROWS and norm(cells[0]) == norm("项目") and len(cells) > 1 and norm(cells[1]) == norm("值"):
                continue
            c = labels.get(norm(cells[0]))
            if c is None:
                self.problem(ctx, r, f"“{str(cells[0]).strip()}”", "sheet.unknown-row", "不认识的项目，已忽略。", severity="warning")
                continue
            ctx.form_rows[c.path if c.special is None else ("§", c.special)] = (r, c.header)
            raw, fmt = row[value_col] if len(row) > value_col else (None, None)
            if blank(raw):
                continue
            raw = self._narrowed(ctx, r, f"“{c.header}”", c, raw)
            try:
                value = from_cell(c, raw, fmt)
            except CellError as e:
                self.problem(ctx, r, f"“{c.header}”", e.code, e.message, expected=e.expected,
                             found=e.found if e.found is not None else show_value(raw), hint=e.hint)
                self.skip.add((id(item), c.path))
                continue
            count += 1
            if c.special == "file":
                file = value
                continue
            set_path(item, c.path, value)
        ref = Ref(ctx, None)
        self.out.located.register(item, ref)
        self.forms[s.kind] = Record(item, ref, file)
        return count

    # -- files

    def _files(self) -> None:
        out = self.out
        lay = self.lay
        for kind, rec in self.forms.items():
            if not rec.item and not any(self.out.rows.get(c.name) for c in lay.main(kind).children):
                out.covered.discard(kind)
                continue
            rel = self._file_name(rec, kind, rec.item)
            if rel is None:
                continue
            self._add_file(rel, kind, {"kind": kind, **rec.item}, rec.ref)
        for kind, recs in self.records.items():
            main = lay.main(kind)
            if main.mode == "files":
                for rec in recs:
                    rel = self._file_name(rec, kind, rec.item)
                    if rel is None:
                        continue
                    if rel in out.files:
                        self.problem(rec.ref.ctx, rec.ref.row, cell_title(*rec.ref.ctx.where[("§", "file")]) if ("§", "file") in rec.ref.ctx.where else None,
                                     "sheet.same-file", f"数据文件“{rel}”已用于另一行：每行是一个文件。")
                        continue
                    self._add_file(rel, kind, {"kind": kind, **rec.item}, rec.ref)
                continue
            groups: dict[str, list[Record]] = {}
            for rec in recs:
                rel = self._file_name(rec, kind, rec.item)
                if rel is not None:
                    groups.setdefault(rel, []).append(rec)
            key = main.list_path[0]
            for rel, items in groups.items():
                if main.dict_key is not None:
                    body: Any = {}
                    for rec in items:
                        body[str(rec.key)] = rec.item
                else:
                    body = [rec.item for rec in items]
                self._add_file(rel, kind, {"kind": kind, key: body}, items[0].ref)

    def _add_file(self, rel: str, kind: str, data: dict, ref: Ref) -> None:
        if rel in self.out.files:
            other = self.out.files[rel][0]
            self.problem(ref.ctx, ref.row, None, "sheet.same-file",
                         f"数据文件“{rel}”同时用于“{FILE_KINDS[other].title}”和“{FILE_KINDS[kind].title}”，一个文件只能有一类数据。")
            return
        self.out.files[rel] = (kind, data)
        self.out.file_refs[rel] = Ref(ref.ctx, None)
        self.out.located.register(data, Ref(ref.ctx, None) if ref.ctx.sheet.mode != "form" else ref)

    def _file_name(self, rec: Record, kind: str, item: dict) -> str | None:
        ctx = rec.ref.ctx
        if rec.file:
            rel = str(rec.file).strip().replace("\\", "/")
            parts = rel.split("/")
            if (rel.startswith("/") or re.match(r"^[A-Za-z]:", rel) or any(p in ("", ".", "..") for p in parts)
                    or any(p.startswith(".") for p in parts) or not rel.lower().endswith((".yaml", ".yml"))):
                where = ctx.where.get(("§", "file")) or ctx.form_rows.get(("§", "file"))
                title = cell_title(*where) if where and isinstance(where[0], str) else None
                self.problem(ctx, rec.ref.row if rec.ref.row else (where[0] if where else None), title, "sheet.bad-file",
                             f"数据文件“{rel}”不合适：应为数据目录中的相对路径，以 .yaml 结尾，不含“..”。",
                             hint="可以不填，导入时自动分文件")
                return None
            return rel
        return default_file(kind, item, self.organ_prefix)


def _ident(v: Any) -> Any:
    if v is None:
        return None
    return str(v)


def default_file(kind: str, item: dict, organ_prefix: dict[str, str]) -> str:
    """Where a record goes when its 数据文件 cell is empty: by department, year, month, number."""
    def safe(text: Any, fallback: str) -> str:
        return safe_filename(str(text), fallback=fallback) if text not in (None, "") else fallback

    if kind == "projects":
        return f"projects/{safe(item.get('department'), '项目')}.yaml"
    if kind == "industry_reports":
        return f"reports/industry-{safe(item.get('year'), '行业报告')}.yaml"
    if kind == "annual_report":
        return f"reports/annual-{safe(item.get('year'), '年度报告')}.yaml"
    if kind == "supervision":
        y, m = item.get("year"), item.get("month")
        return f"supervision/{y}-{int(m):02d}.yaml" if isinstance(y, int) and isinstance(m, int) else "supervision/督办.yaml"
    if kind == "tasks":
        return f"tasks/{safe(item.get('year'), '')}-任务清单.yaml" if item.get("year") else "tasks/任务清单.yaml"
    if kind == "notice":
        prefix = organ_prefix.get(str(item.get("organ")), str(item.get("organ") or "通知"))
        if item.get("year") and item.get("seq"):
            number = f"{prefix}〔{item.get('year')}〕{item.get('seq')}号"
            return f"notices/{safe(number, '通知')}.yaml"
        return f"notices/{safe(item.get('title'), '通知')}.yaml"
    return {"district": "district.yaml", "rules": "rules.yaml", "holidays": "holidays.yaml", "register": REGISTER_FILE_NAME,
            "wording": "wording.yaml",
            "appraisals": "appraisals.yaml", "evaluations": "evaluations.yaml"}.get(kind, f"{kind}.yaml")
