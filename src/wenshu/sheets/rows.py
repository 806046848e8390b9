"""A data file's plain data as workbook rows, and back: values at a column's path, the row of a
record and the rows of its groups (depth first), with the key columns that tie them to their owner.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wenshu.sheets.layout import Layout, Sheet


def get_path(d: Any, path: tuple) -> Any:
    """The value at ``path`` in nested mappings; None when any step is missing."""
    for k in path:
        if not isinstance(d, dict):
            return None
        d = d.get(k)
        if d is None:
            return None
    return d


def set_path(d: dict, path: tuple, value: Any) -> None:
    """Set the value at ``path`` in nested mappings, creating the mappings on the way."""
    for k in path[:-1]:
        d = d.setdefault(k, {})
    d[path[-1]] = value


def group_items(sheet: Sheet, owner: dict) -> Iterator[tuple[Any, dict, int]]:
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
        for k, sub, pos in group_items(child, item):
            yield from record_rows(child, sub, ident, seq=pos, dict_key=k)


def file_rows(lay: Layout, kind: str, data: dict, rel: str) -> Iterator[tuple[Sheet, list]]:
    """All rows of one data file (its plain data), for every sheet of its kind."""
    main = lay.main(kind)
    if main.mode == "records":
        for k, item, pos in group_items(main, data):
            yield from record_rows(main, item, [], seq=pos, dict_key=k, file=rel)
    elif main.mode == "files":
        yield from record_rows(main, data, [], file=rel)
    else:  # form: one value per row; groups as usual
        for c in main.columns:
            yield main, [c, rel if c.special == "file" else get_path(data, c.path)]
        for child in main.children:
            for k, sub, pos in group_items(child, data):
                yield from record_rows(child, sub, [], seq=pos, dict_key=k)
