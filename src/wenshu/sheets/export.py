"""``wenshu export``: one workbook (.xlsx) for a whole data folder.

Every sheet and column comes from ``layout``; the rows come from the validated files, one file at a
time (a 10,000-project district is streamed: openpyxl's write-only mode keeps only the current rows).
The file is written beside its target and renamed into place, with fixed zip timestamps, so the
same data folder always gives the same bytes.

This module reads the folder; ``sheets/rows.py`` turns a file's data into rows, ``sheets/workbook.py``
writes them, ``sheets/notes.py`` holds what the workbook tells the person filling it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wenshu.errors import DataError, Problem, UsageError
from wenshu.models import FILE_KINDS
from wenshu.sheets.layout import layout
from wenshu.sheets.notes import (REQUIRED_MARK, column_note, column_notes, describe, format_text, header_text,
                                 need_text)
from wenshu.sheets.rows import file_rows, get_path, identity_values, record_rows, row_values
from wenshu.sheets.workbook import FIXED_STAMP, GUIDE_SHEET, MAX_CELL, WorkbookWriter
from wenshu.sheets.yamlio import plain

# Names that lived in this module before it was split (notes, rows and workbook).
__all__ = [
    "ExportResult", "FIXED_STAMP", "GUIDE_SHEET", "MAX_CELL", "REQUIRED_MARK", "WorkbookWriter", "column_note",
    "column_notes", "describe", "export_workbook", "file_rows", "format_text", "get_path", "header_text",
    "identity_values", "need_text", "record_rows", "row_values",
]


@dataclass
class ExportResult:
    path: Path
    files: int
    rows: dict[str, int]


def export_workbook(data_dir: Path, out: Path, *, force: bool = False) -> ExportResult:
    """Write the workbook of ``data_dir`` to ``out``. Raises DataError (invalid files) or UsageError."""
    from wenshu.data.files import discover, load_file

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
