"""``wenshu import``: tables (an .xlsx workbook or .csv files) to the YAML files of a data folder.

1. Each table is matched to a sheet of the layout by its name (or, for a CSV file, by its columns),
   each column by its header, with the aliases of ``aliases.yaml`` and the data folder's
   ``表格别名.yaml``.
2. Every cell is converted (``cells.from_cell``); the rows of the repeated groups are attached to the
   record their key columns name; rows are grouped into files (the 数据文件 column, else by
   department, year ...).
3. Every file is validated with its model, and every problem is reported with 工作表, 行 and 列名 and
   the explanation ``wenshu validate`` gives.
4. Only then the files are written — into a temporary folder beside the target, together with the
   target's other files (templates, 说明, files of kinds the tables do not hold) — and the whole
   folder is checked as ``wenshu validate`` checks it (departments, industries, project ids across
   files). A problem found there is traced back to its cell too.
5. Nothing is written unless everything is valid; the target is then swapped in with two renames.

A file whose data did not change keeps its bytes (and its comments).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from wenshu.errors import DataError, Problem, UsageError
from wenshu.models import FILE_KINDS
from wenshu.models.register import REGISTER_FILE_NAME
from wenshu.naming import safe_filename
from wenshu.sheets.cells import CellError, blank, from_cell
from wenshu.sheets.layout import BODY, GROUPS, LINES, LIST, TEXT, Column, Layout, Sheet, layout
from wenshu.sheets.reader import Table, norm, open_tables
from wenshu.sheets.yamlio import file_text
from wenshu.validation import narrow_wide, resolve, show_value, translate
from wenshu.widechars import narrow_value

ALIAS_FILE = "表格别名.yaml"
HEADER_SCAN_ROWS = 10
IGNORED_SHEETS = ("填表说明",)
_KIND_LINE = re.compile(r"^kind:\s*['\"]?([A-Za-z_]+)", re.MULTILINE)
_PATH_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


# --------------------------------------------------------------------------------------------
# Aliases


@dataclass
class Aliases:
    sheets: dict[str, set[str]] = field(default_factory=dict)  # norm(alias) -> sheet names
    columns: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # sheet -> norm(alias) -> headers

    def add_file(self, data: dict, lay: Layout, display: str, problems: list[Problem]) -> None:
        names = lay.by_name()
        for sheet, alist in (data.get("sheets") or {}).items():
            if sheet not in names:
                problems.append(Problem(code="sheet.alias-unknown", file=display, severity="warning",
                                        message=f"别名文件中的工作表“{sheet}”不是 wenshu 填报表的工作表，已忽略。"))
                continue
            for a in alist:
                self.sheets.setdefault(norm(a), set()).add(sheet)
        for sheet, cols in (data.get("columns") or {}).items():
            s = names.get(sheet)
            if s is None:
                problems.append(Problem(code="sheet.alias-unknown", file=display, severity="warning",
                                        message=f"别名文件中的工作表“{sheet}”不是 wenshu 填报表的工作表，已忽略。"))
                continue
            known = ({norm(c.titles[-1]): c.header for c in s.columns} | {norm(c.header.split("（")[0]): c.header for c in s.columns}
                     | {norm(c.header): c.header for c in s.columns})
            for col, alist in cols.items():
                header = known.get(norm(col))
                if header is None:
                    problems.append(Problem(code="sheet.alias-unknown", file=display, severity="warning",
                                            message=f"别名文件中工作表“{sheet}”没有列“{col}”，已忽略。"))
                    continue
                for a in alist:
                    self.columns.setdefault(sheet, {}).setdefault(norm(a), set()).add(header)


def load_aliases(lay: Layout, target: Path | None, extra: Path | None) -> tuple[Aliases, list[Problem]]:
    from wenshu.loading import load_yaml, load_yaml_text
    from wenshu.models.sheet_aliases import SheetAliasFile
    from wenshu.validation import problems_from_validation

    problems: list[Problem] = []
    al = Aliases()
    text = resources.files("wenshu.sheets").joinpath("aliases.yaml").read_text(encoding="utf-8")
    al.add_file(load_yaml_text(text, display="wenshu/sheets/aliases.yaml").data, lay, "wenshu/sheets/aliases.yaml", problems)
    for path in [p for p in ((target / ALIAS_FILE) if target else None, extra) if p is not None]:
        if not path.is_file():
            if path is extra:
                raise UsageError(Problem(code="usage.no-such-path", message="别名文件不存在。", file=str(path)))
            continue
        loaded = load_yaml(path, display=path.as_posix())
        try:
            SheetAliasFile.model_validate(loaded.data)
        except ValidationError as e:
            raise DataError(problems_from_validation(e, SheetAliasFile, path.as_posix(), loaded.locate)) from None
        al.add_file(loaded.data, lay, path.as_posix(), problems)
    return al, problems


# --------------------------------------------------------------------------------------------
# Where a value came from


@dataclass
class Ctx:
    """One table as matched to a sheet."""

    table: Table
    sheet: Sheet
    cols: list[tuple[int, Column]] = field(default_factory=list)  # (cell index, column)
    where: dict[Any, tuple[str, str]] = field(default_factory=dict)  # path or special -> (letter, header)
    form_rows: dict[tuple, tuple[int, str]] = field(default_factory=dict)  # form: path -> (row, label)
    missing: dict[tuple, Column] = field(default_factory=dict)  # columns the table does not have

    @property
    def source(self) -> str:
        return self.table.source


@dataclass(frozen=True)
class Ref:
    ctx: Ctx
    row: int | None


def _cell_title(letter: str, header: str) -> str:
    return f"{letter}列“{header}”"


class Located:
    """Finds the cell of a location in a file's data: registered records and the columns of their tables."""

    def __init__(self) -> None:
        self.refs: dict[int, Ref] = {}

    def register(self, item: dict, ref: Ref) -> None:
        self.refs[id(item)] = ref

    def find(self, data: Any, loc: tuple) -> tuple[Ref | None, tuple]:
        best = self.refs.get(id(data))
        rest = tuple(loc)
        node = data
        for i, part in enumerate(loc):
            try:
                node = node[part] if not isinstance(node, dict) or part in node else node[str(part)]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(node, dict) and id(node) in self.refs:
                best, rest = self.refs[id(node)], tuple(loc[i + 1:])
        return best, rest

    @staticmethod
    def describe(ref: Ref, rest: tuple) -> tuple[int | None, str | None]:
        """(row, “H列“总投资（万元）””) of a path inside a row."""
        ctx = ref.ctx
        path = tuple(p for p in rest)
        item_no = None
        while path and isinstance(path[-1], int):
            item_no = path[-1] + 1
            path = path[:-1]
        if ctx.sheet.mode == "form" and ctx.sheet.parent is None:
            for n in range(len(path), 0, -1):
                hit = ctx.form_rows.get(path[:n])
                if hit is not None:
                    row, label = hit
                    return row, f"“{label}”" + (f"第{item_no}项" if item_no and n == len(path) else "")
            for child in ctx.sheet.children:
                if child.list_path == path[: len(child.list_path)]:
                    return ref.row, f"工作表“{child.name}”"
            return ref.row, None
        for n in range(len(path), 0, -1):
            hit = ctx.where.get(path[:n])
            if hit is not None:
                title = _cell_title(*hit)
                if item_no and n == len(path):
                    title += f"第{item_no}项"
                return ref.row, title
            miss = ctx.missing.get(path[:n])
            if miss is not None:
                return ref.row, f"“{miss.header}”列（表中没有这一列）"
        for child in ctx.sheet.children:
            if path and child.list_path == path[: len(child.list_path)]:
                return ref.row, f"工作表“{child.name}”"
        group = [hit for p, hit in ctx.where.items() if isinstance(p, tuple) and p and p[0] != "§" and p[:len(path)] == path]
        if path and group:
            titles = [c.titles[len(path) - 1] for c in ctx.sheet.columns if c.path[:len(path)] == path and c.special is None]
            return ref.row, f"“{titles[0] if titles else path[-1]}”各列（{group[0][0]}—{group[-1][0]}列）"
        if ctx.sheet.tree and path[:1] == (ctx.sheet.tree,):
            return ref.row, f"{_cell_title(*ctx.where[('§', 'level')])}" if ('§', 'level') in ctx.where else None
        return ref.row, None


# --------------------------------------------------------------------------------------------
# Matching tables and columns


def _match_sheets(tables: list[Table], lay: Layout, al: Aliases, problems: list[Problem]) -> list[tuple[Table, Sheet]]:
    names = {norm(s.name): s for s in lay.sheets}
    out: list[tuple[Table, Sheet]] = []
    for t in tables:
        if t.name in IGNORED_SHEETS:
            continue
        sheet = _by_name(t.name, names, al, lay)
        if sheet is None and t.csv:
            sheet = _by_columns(t, lay, al, problems)
            if sheet is False:
                continue
        if sheet is None:
            problems.append(Problem(code="sheet.unknown", file=t.source, severity="warning",
                                    message="不是 wenshu 填报表的工作表，已忽略。",
                                    hint="如果这是其他程序导出的表，请在数据目录的 表格别名.yaml 中写明它对应的工作表"))
            continue
        out.append((t, sheet))
    seen: dict[str, Table] = {}
    for t, s in out:
        if s.name in seen:
            raise DataError(Problem(code="sheet.duplicate", file=t.source,
                                    message=f"与 {seen[s.name].source} 都是工作表“{s.name}”的数据，只能导入其中一个。"))
        seen[s.name] = t
    return out


def _by_name(name: str, names: dict[str, Sheet], al: Aliases, lay: Layout) -> Sheet | None:
    candidates = [name]
    for sep in ("-", "_", "—", " ", "·", "－"):
        if sep in name:
            candidates.append(name.rsplit(sep, 1)[-1])
    for c in candidates:
        s = names.get(norm(c))
        if s is not None:
            return s
        hits = al.sheets.get(norm(c))
        if hits and len(hits) == 1:
            return lay.by_name()[next(iter(hits))]
    return None


def _by_columns(t: Table, lay: Layout, al: Aliases, problems: list[Problem]):
    """A CSV file named otherwise: the sheet whose columns it has (when exactly one fits best)."""
    best: list[tuple[int, Sheet]] = []
    for r, row in t.rows():
        if r > HEADER_SCAN_ROWS:
            break
        cells = {norm(v) for v, _ in row if not blank(v)}
        for s in lay.sheets:
            if s.mode == "form":
                continue
            known = _header_names(s, al)
            score = len(cells & set(known))
            if score:
                best.append((score, s))
    if not best:
        return None
    top = max(b[0] for b in best)
    winners = {s.name: s for sc, s in best if sc == top}
    if len(winners) > 1:
        problems.append(Problem(code="sheet.ambiguous", file=t.source,
                                message="无法判断这个 CSV 文件是哪个工作表：它的列同时符合" + "、".join(f"“{n}”" for n in winners) + "。",
                                hint="请把文件命名为工作表名称，如 资金来源.csv"))
        return False
    return next(iter(winners.values()))


def _header_names(s: Sheet, al: Aliases) -> dict[str, Column]:
    """norm(name) -> column, for a sheet's headers, their titles without unit and the aliases."""
    out: dict[str, Column] = {}
    by_header = {c.header: c for c in s.columns}
    for c in s.columns:
        out.setdefault(norm(c.header), c)
    for c in s.columns:
        out.setdefault(norm(c.header.split("（")[0]), c)
        out.setdefault(norm(c.titles[-1]), c)
    for alias, headers in al.columns.get(s.name, {}).items():
        if len(headers) == 1:
            out.setdefault(alias, by_header[next(iter(headers))])
    return out


# --------------------------------------------------------------------------------------------
# Assembly


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

    def _header(self, ctx: Ctx) -> tuple[int, list[Any]] | None:
        known = _header_names(ctx.sheet, self.al)
        best = None
        for r, row in ctx.table.rows():
            if r > HEADER_SCAN_ROWS:
                break
            score = sum(1 for v, _ in row if not blank(v) and norm(v) in known)
            if score and (best is None or score > best[0]):
                best = (score, r, [v for v, _ in row])
        return (best[1], best[2]) if best else None

    def _rows(self, ctx: Ctx) -> int:
        s = ctx.sheet
        found = self._header(ctx)
        if found is None:
            if any(not blank(v) for _, row in ctx.table.rows() for v, _ in row):
                self.problem(ctx, None, None, "sheet.no-header", "找不到列名行：前10行中没有一个认识的列名。",
                             hint="请保留 wenshu 填报表第1行的列名")
            return 0
        header_row, headers = found
        known = _header_names(s, self.al)
        used: dict[int, int] = {}
        for i, h in enumerate(headers):
            if blank(h):
                continue
            c = known.get(norm(h))
            letter = get_column_letter(i + 1)
            if c is None:
                self.problem(ctx, header_row, _cell_title(letter, str(h).strip()), "sheet.unknown-column",
                             "不认识的列，已忽略。", severity="warning",
                             hint="如果这是其他程序的列名，请在数据目录的 表格别名.yaml 中写明它对应的列")
                continue
            if id(c) in used:
                self.problem(ctx, header_row, _cell_title(letter, str(h).strip()), "sheet.duplicate-column",
                             f"与{get_column_letter(used[id(c)] + 1)}列都是“{c.header}”，只能有一列。")
                continue
            used[id(c)] = i
            ctx.cols.append((i, c))
            ctx.where[_where_key(c)] = (letter, c.header)
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
        raw = self._narrowed(ctx, r, _cell_title(*ctx.where[_where_key(c)]), c, raw)
        try:
            return True, from_cell(c, raw, fmt)
        except CellError as e:
            letter, header = ctx.where[_where_key(c)]
            self.problem(ctx, r, _cell_title(letter, header), e.code, e.message, expected=e.expected,
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
            d = item
            for k in c.path[:-1]:
                d = d.setdefault(k, {})
            d[c.path[-1]] = value
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
                first = ctx.where.get(_where_key(s.parent_key[0]))
                self.problem(ctx, r, _cell_title(*first) if first else None, "sheet.no-owner-row", f"工作表“{where}”中没有{shown}的记录。",
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
                    v = item
                    for k in c.path:
                        v = v.get(k) if isinstance(v, dict) else None
                    own.append(_ident(v))
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
            self.problem(ref.ctx, ref.row, _cell_title(*where) if where else None, "sheet.level",
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
            d = item
            for k in c.path[:-1]:
                d = d.setdefault(k, {})
            d[c.path[-1]] = value
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
                        self.problem(rec.ref.ctx, rec.ref.row, _cell_title(*rec.ref.ctx.where[("§", "file")]) if ("§", "file") in rec.ref.ctx.where else None,
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
                title = _cell_title(*where) if where and isinstance(where[0], str) else None
                self.problem(ctx, rec.ref.row if rec.ref.row else (where[0] if where else None), title, "sheet.bad-file",
                             f"数据文件“{rel}”不合适：应为数据目录中的相对路径，以 .yaml 结尾，不含“..”。",
                             hint="可以不填，导入时自动分文件")
                return None
            return rel
        return default_file(kind, item, self.organ_prefix)


def _where_key(c: Column) -> Any:
    if c.special is None:
        return c.path
    if c.special == "key":
        return ("§", "key", c.header)
    return ("§", c.special)


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


# --------------------------------------------------------------------------------------------
# Validation


def _validate_files(imp: Import, skip: set[tuple[int, tuple]]) -> None:
    absent: dict[tuple[int, int], tuple[Ref, Column, list[int]]] = {}
    for rel, (kind, data) in imp.files.items():
        model = FILE_KINDS[kind].model
        try:
            model.model_validate(data)
        except ValidationError as e:
            for err in e.errors(include_url=False):
                loc = tuple(err["loc"])
                if _skipped(skip, data, loc):
                    continue
                ref, rest = imp.located.find(data, loc)
                if ref is None:
                    ref, rest = imp.file_refs[rel], loc
                msg, expected, found, hint = translate(err, model)
                row, title = Located.describe(ref, rest)
                if err["type"] == "missing":
                    col = _column_at(ref, rest)
                    if col is not None:
                        hint = f"请填写“{col.header}”：{col.description}" if col.description else None
                        if ref.ctx.sheet.mode != "form" and col.path in ref.ctx.missing:
                            entry = absent.setdefault((id(ref.ctx), id(col)), (ref, col, []))
                            entry[2].append(row or 0)
                            continue
                titles, _ = resolve(model, loc)
                imp.problems.append(Problem(code=f"model.{err['type']}", message=msg, file=ref.ctx.source, line=row,
                                            field_title=title or (" › ".join(titles) or None),
                                            expected=expected, found=found, hint=hint))
    for ref, col, rows in absent.values():
        if col.required and not col.group:
            continue  # already reported once as a missing required column
        shown = "、".join(str(r) for r in sorted(set(rows))[:10]) + ("……" if len(set(rows)) > 10 else "")
        imp.problems.append(Problem(code="sheet.missing-column", file=ref.ctx.source, line=min(rows) or None,
                                    message=f"表中没有“{col.header}”列，但第{shown}行需要填写它（{col.group or '必填'}）。",
                                    hint=col.description or None))


def _skipped(skip: set, data: Any, loc: tuple) -> bool:
    """A location whose cell already had a conversion problem (reported once, at the cell)."""
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and (id(node), tuple(loc[i:])) in skip:
            return True
        try:
            node = node[part] if not isinstance(node, dict) or part in node else node[str(part)]
        except (KeyError, IndexError, TypeError):
            return False
    return False


def _column_at(ref: Ref, rest: tuple) -> Column | None:
    path = tuple(p for p in rest if not isinstance(p, int))
    for c in ref.ctx.sheet.columns:
        if c.special is None and c.path == path:
            return c
    return None


# --------------------------------------------------------------------------------------------
# Writing the folder


@dataclass
class ImportResult:
    target: Path
    written: list[str]
    unchanged: list[str]
    removed: list[str]
    kept: int
    rows: dict[str, int]
    warnings: list[Problem]
    checked_only: bool = False


def _kind_of(path: Path) -> str | None:
    try:
        head = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return None
    m = _KIND_LINE.search(head)
    return m.group(1) if m else None


def import_tables(inputs: list[Path], target: Path, *, force: bool = False, check: bool = False,
                  aliases: Path | None = None) -> ImportResult:
    from wenshu.data.files import YAML_SUFFIXES

    lay = layout()
    if target.exists() and not target.is_dir():
        raise UsageError(Problem(code="usage.not-a-folder", message="输出路径已存在，但不是目录。", file=str(target)))
    exists = target.is_dir() and any(target.iterdir())
    if exists and not force and not check:
        raise UsageError(Problem(code="usage.exists", file=str(target),
                                 message="数据目录已存在，未覆盖。",
                                 hint="加 --force 用表格中的数据替换其中对应的数据文件（其他文件保留，替换前先全部校验）；"
                                      "或用 -o 指定一个新目录；只想检查表格可加 --check。"))
    al, warnings = load_aliases(lay, target if target.is_dir() else None, aliases)
    tables, probs = open_tables(inputs)
    warnings += probs
    matched = _match_sheets(tables, lay, al, warnings)
    if not matched:
        raise UsageError(Problem(code="usage.no-sheets", file=", ".join(str(p) for p in inputs),
                                 message="没有找到 wenshu 填报表的工作表。",
                                 hint="请用 wenshu export 生成的填报表，或把 CSV 文件命名为工作表名称（如 项目.csv）"))
    prefixes = _district_prefixes(matched, target)
    asm = Assembler(lay, al, prefixes)
    imp = asm.read(matched)
    _validate_files(imp, asm.skip)
    problems = warnings + imp.problems
    if not imp.files and not imp.covered:
        raise DataError(_sorted(problems + [Problem(code="sheet.empty", file=", ".join(str(p) for p in inputs),
                                                     message="表格中没有任何数据，未写入。")]))
    return _write(imp, target, exists, check, problems, YAML_SUFFIXES)


def _district_prefixes(matched: list[tuple[Table, Sheet]], target: Path) -> dict[str, str]:
    """organ key -> 机关代字, for naming notice files: from the tables' 发文机关, else the target's district."""
    out: dict[str, str] = {}
    path = target / "district.yaml"
    if path.is_file():
        try:
            from wenshu.loading import load_yaml

            data = load_yaml(path).data
            for o in data.get("organs") or []:
                if isinstance(o, dict) and o.get("key") and o.get("doc_prefix"):
                    out[str(o["key"])] = str(o["doc_prefix"])
        except Exception:  # noqa: BLE001 - only a naming convenience; validation reports real problems
            pass
    for t, sheet in matched:
        if sheet.kind != "district" or sheet.list_path != ("organs",):
            continue
        found = Assembler(layout(), Aliases(), {})._header(Ctx(t, sheet))
        if not found:
            continue
        header_row, headers = found
        names = _header_names(sheet, Aliases())
        idx = {names[norm(h)].path: i for i, h in enumerate(headers) if not blank(h) and norm(h) in names}
        if ("key",) not in idx or ("doc_prefix",) not in idx:
            continue
        for r, row in t.rows():
            cells = [v for v, _ in row]
            if r <= header_row or max(idx.values()) >= len(cells):
                continue
            key, prefix = cells[idx[("key",)]], cells[idx[("doc_prefix",)]]
            if not blank(key) and not blank(prefix):
                out[str(key).strip()] = str(prefix).strip()
    return out


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file or "", p.line or 0, p.field_title or "", p.code))


def _write(imp: Import, target: Path, exists: bool, check: bool, problems: list[Problem], yaml_suffixes) -> ImportResult:
    from wenshu.data import load_dataset
    from wenshu.loading import load_yaml
    from wenshu.schema_export import write_schemas

    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.wenshu-import-", dir=parent))
    written, unchanged, removed = [], [], []
    kept = 0
    try:
        old_covered: dict[str, str] = {}
        if target.is_dir():
            for src in sorted(target.rglob("*")):
                rel = src.relative_to(target).as_posix()
                if src.is_dir():
                    continue
                kind = _kind_of(src) if src.suffix.lower() in yaml_suffixes else None
                if kind in imp.covered:
                    old_covered[rel] = kind
                    continue
                dst = tmp / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst, follow_symlinks=False)
                kept += 1
        for rel, (kind, data) in sorted(imp.files.items()):
            text = file_text(kind, data, rel)
            dst = tmp / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            old = target / rel
            if rel in old_covered and old_covered[rel] == kind:
                try:
                    same = _same_meaning(kind, load_yaml(old, positions=False).data, data, rel)
                except (DataError, TypeError, AttributeError):
                    same = False
                if same:
                    shutil.copy2(old, dst)
                    unchanged.append(rel)
                    continue
            dst.write_text(text, encoding="utf-8")
            written.append(rel)
        # Files of the tables' kinds that the tables no longer hold are removed — except an empty one
        # (a stub from wenshu init) when no file of its kind remains.
        new_kinds = {k for k, _ in imp.files.values()}
        for rel, kind in old_covered.items():
            if rel in imp.files:
                continue
            if kind not in new_kinds and _empty_file(target / rel):
                dst = tmp / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(target / rel, dst)
                kept += 1
                continue
            removed.append(rel)
        write_schemas(tmp / "schemas")
        ds = load_dataset([tmp], strict=False, lean=True)
        if ds.spool is not None:
            ds.spool.close()
        # A record that failed above is left out of the folder check, so references to it look dangling:
        # those follow from a problem already reported and are not repeated.
        failed = _failed_ids(imp, problems)
        mapped = [_map_back(p, imp, tmp, target) for p in ds.problems if not _refers_to(p, imp, tmp, failed)]
        # The whole-folder check also reports, for records that failed above, what the tables already
        # said at the same cell; keep the tables' explanation there and add only what is new.
        seen = {(p.file, p.line, p.field_title) for p in problems if p.severity == "error"}
        all_problems = problems + [p for p in mapped if (p.file, p.line, p.field_title) not in seen
                                   and not (p.code == "model.missing" and (p.file, p.line) in {(q.file, q.line) for q in problems})]
        if any(p.severity == "error" for p in all_problems):
            raise DataError(_sorted(all_problems))
        warnings = [p for p in all_problems if p.severity != "error"]
        if check:
            return ImportResult(target, written, unchanged, removed, kept, imp.rows, warnings, checked_only=True)
        mode = (target.stat().st_mode & 0o7777) if target.is_dir() else (0o777 & ~_umask())
        os.chmod(tmp, mode)
        _swap(tmp, target)
        tmp = None  # type: ignore[assignment]
        return ImportResult(target, written, unchanged, removed, kept, imp.rows, warnings)
    finally:
        if tmp is not None and Path(tmp).exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _meaning(kind: str, data: dict, rel: str) -> str:
    """The canonical text of a file's data as wenshu reads it (full-width digits and letters as
    half-width): two files with the same meaning give the same text."""
    import copy

    data = copy.deepcopy(data)
    narrow_wide(FILE_KINDS[kind].model, data)
    return file_text(kind, data, rel)


def _same_meaning(kind: str, old: dict, new: dict, rel: str) -> bool:
    """Whether two files' data mean the same: the same canonical text, or, validated, the same
    values (a 主送机关 list written flat or grouped, one 附注 as a text or as a list of one, a table
    cell 5 or "5" are read alike)."""
    if _meaning(kind, old, rel) == _meaning(kind, new, rel):
        return True
    import copy

    from pydantic import ValidationError

    model = FILE_KINDS[kind].model
    dumps = []
    for data in (old, new):
        data = copy.deepcopy(data)
        narrow_wide(model, data)
        try:
            dumps.append(model.model_validate({**data, "kind": kind}).model_dump(mode="json"))
        except ValidationError:
            return False
    return dumps[0] == dumps[1]


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


def _empty_file(path: Path) -> bool:
    from wenshu.loading import load_yaml

    try:
        data = load_yaml(path, positions=False).data
    except DataError:
        return False
    if not isinstance(data, dict):
        return False
    return all(not v for k, v in data.items() if k != "kind")


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target``: two renames on one file system, the old folder kept until
    the new one is in place (and put back if that fails)."""
    if not target.exists():
        os.rename(new, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.wenshu-old-", dir=target.resolve().parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _failed_ids(imp: Import, problems: list[Problem]) -> set[str]:
    """Ids of project records that had an error at their own row."""
    bad_rows = {(p.file, p.line) for p in problems if p.severity == "error"}
    out: set[str] = set()
    for rel, (kind, data) in imp.files.items():
        if kind != "projects":
            continue
        for item in data.get("projects") or []:
            ref = imp.located.refs.get(id(item))
            if ref is not None and (ref.ctx.source, ref.row) in bad_rows and isinstance(item.get("id"), str):
                out.add(item["id"])
    return out


def _refers_to(p: Problem, imp: Import, tmp: Path, failed: set[str]) -> bool:
    if p.code not in ("ref.unknown-project", "ref.not-completed") or not failed:
        return False
    return any(f"“{pid}”" in p.message for pid in failed)


def parse_path(path: str) -> tuple:
    out: list[Any] = []
    for m in _PATH_PART.finditer(path):
        if m.group(1) is not None:
            out.append(int(m.group(1)))
        else:
            out.append(m.group(2))
    return tuple(out)


def _map_back(p: Problem, imp: Import, tmp: Path, target: Path) -> Problem:
    """A problem of the whole-folder check, at its cell when the file came from the tables."""
    from dataclasses import replace

    if not p.file:
        return p
    try:
        rel = Path(p.file).resolve().relative_to(tmp.resolve()).as_posix()
    except ValueError:
        return p
    shown = (target / rel).as_posix()
    entry = imp.files.get(rel)
    if entry is None:
        return replace(p, file=shown)
    kind, data = entry
    loc = parse_path(p.field_path) if p.field_path else None
    if loc is None and p.line is not None:
        loc = _loc_at(tmp / rel, p.line, p.column)
    if loc is None:
        ref = imp.file_refs[rel]
        return replace(p, file=ref.ctx.source, line=None, column=None, field_path=None)
    ref, rest = imp.located.find(data, loc)
    if ref is None:
        ref, rest = imp.file_refs[rel], loc
    row, title = Located.describe(ref, rest)
    return replace(p, file=ref.ctx.source, line=row, column=None, field_path=None,
                   field_title=title or p.field_title)


def _loc_at(path: Path, line: int, column: int | None) -> tuple | None:
    from wenshu.loading import load_yaml

    try:
        loaded = load_yaml(path)
    except DataError:
        return None
    hits = [loc for loc, pos in loaded.positions.items() if pos[0] == line and (column is None or pos[1] == column)]
    hits += [loc for loc, pos in loaded.key_positions.items() if pos[0] == line and (column is None or pos[1] == column)]
    if not hits:
        hits = [loc for loc, pos in loaded.positions.items() if pos[0] == line]
    return min(hits, key=len) if hits else None
