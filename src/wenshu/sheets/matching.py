"""Which sheet of the layout a table is, and which column each of its headers: by name, by the
aliases of ``aliases.yaml`` and the data folder's ``表格别名.yaml``, or (a CSV file named otherwise)
by the columns it has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wenshu.errors import DataError, Problem, UsageError
from wenshu.sheets.cells import blank
from wenshu.sheets.layout import Column, Layout, Sheet
from wenshu.sheets.reader import Table, norm

ALIAS_FILE = "表格别名.yaml"
HEADER_SCAN_ROWS = 10
IGNORED_SHEETS = ("填表说明",)


# ─── aliases ──────────────────────────────────────────────────────────────────────────────────────


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


# ─── tables to sheets, headers to columns ─────────────────────────────────────────────────────────


def match_sheets(tables: list[Table], lay: Layout, al: Aliases, problems: list[Problem]) -> list[tuple[Table, Sheet]]:
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
            known = header_names(s, al)
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


def header_names(s: Sheet, al: Aliases) -> dict[str, Column]:
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


def find_header(table: Table, sheet: Sheet, al: Aliases) -> tuple[int, list[Any]] | None:
    """(row, cells) of a table's header row: of its first rows, the one naming the most columns."""
    known = header_names(sheet, al)
    best = None
    for r, row in table.rows():
        if r > HEADER_SCAN_ROWS:
            break
        score = sum(1 for v, _ in row if not blank(v) and norm(v) in known)
        if score and (best is None or score > best[0]):
            best = (score, r, [v for v, _ in row])
    return (best[1], best[2]) if best else None
