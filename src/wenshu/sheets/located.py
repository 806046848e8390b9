"""Where a value came from: the table, row and column of every value read, so that a problem found
in a file's data (by its model, or by the whole-folder check) is reported at its cell — 工作表, 行
and 列名 — not at a YAML path the person filling the tables never saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wenshu.sheets.layout import Column, Sheet
from wenshu.sheets.reader import Table


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


def cell_title(letter: str, header: str) -> str:
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
                title = cell_title(*hit)
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
            return ref.row, f"{cell_title(*ctx.where[('§', 'level')])}" if ('§', 'level') in ctx.where else None
        return ref.row, None


def where_key(c: Column) -> Any:
    if c.special is None:
        return c.path
    if c.special == "key":
        return ("§", "key", c.header)
    return ("§", c.special)
