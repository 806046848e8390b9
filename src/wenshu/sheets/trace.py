"""Problems traced back to their cells: the model's validation errors of the assembled files, and the
problems of the whole-folder check, mapped from YAML paths and lines to 工作表, 行 and 列名.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wenshu.errors import DataError, Problem
from wenshu.models import FILE_KINDS
from wenshu.sheets.assemble import Import
from wenshu.sheets.layout import Column
from wenshu.sheets.located import Located, Ref
from wenshu.validation import resolve, translate

_PATH_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def validate_files(imp: Import, skip: set[tuple[int, tuple]]) -> None:
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


def failed_ids(imp: Import, problems: list[Problem]) -> set[str]:
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


def refers_to(p: Problem, imp: Import, tmp: Path, failed: set[str]) -> bool:
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


def map_back(p: Problem, imp: Import, tmp: Path, target: Path) -> Problem:
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
