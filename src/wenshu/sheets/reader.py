"""Reading tables: the sheets of an .xlsx workbook, or .csv files (one per sheet).

A CSV file may be UTF-8 (with or without BOM), GBK/GB18030 (what WPS and Excel write on a Chinese
Windows, and what many platforms export) or UTF-16 (Excel's “Unicode 文本”, tab-separated).
Workbooks are read with openpyxl in read-only (streaming) mode and with the values Excel/WPS last
calculated, so cells holding formulas give their results.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wenshu.errors import Problem, UsageError

SUFFIXES = (".xlsx", ".xlsm", ".csv")
MAX_CSV_BYTES = 200 * 1024 * 1024


@dataclass
class Table:
    """One sheet (or CSV file): its name and its rows as (row number, [(value, number format)])."""

    name: str
    source: str  # how problems name it: “填报表.xlsx 工作表“项目”” or “项目.csv”
    file: str
    rows: Any  # callable returning an iterator of (row number, list of (value, format))
    csv: bool = False


def norm(text: Any) -> str:
    """A name as compared: full-width forms folded, no spaces, no required mark, lower case."""
    t = unicodedata.normalize("NFKC", str(text or "")).strip()
    t = t.lstrip("*").strip()
    return "".join(t.split()).lower()


def open_tables(paths: list[Path]) -> tuple[list[Table], list[Problem]]:
    tables: list[Table] = []
    problems: list[Problem] = []
    for p in paths:
        if not p.exists():
            raise UsageError(Problem(code="usage.no-such-path", message="文件不存在。", file=str(p)))
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if q.suffix.lower() in SUFFIXES and not q.name.startswith((".", "~$")))
            if not found:
                raise UsageError(Problem(code="usage.no-tables", message="目录中没有 .xlsx 或 .csv 文件。", file=str(p)))
            more, probs = open_tables(found)
            tables += more
            problems += probs
            continue
        suffix = p.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            tables += _workbook(p)
        elif suffix == ".csv":
            tables.append(_csv(p))
        elif suffix in (".xls", ".et"):
            raise UsageError(Problem(code="usage.old-format", file=str(p),
                                     message="这是旧版 Excel（.xls）或 WPS（.et）格式，wenshu 读不了。",
                                     hint="请在 Excel 或 WPS 中“另存为”Excel 工作簿（.xlsx）后再导入。"))
        else:
            raise UsageError(Problem(code="usage.suffix", file=str(p), message="只能导入 .xlsx 工作簿或 .csv 文件。"))
    return tables, problems


def _workbook(path: Path) -> list[Table]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise UsageError(Problem(code="usage.bad-workbook", file=str(path),
                                 message="无法打开这个工作簿：文件已损坏，或不是 .xlsx 格式。",
                                 found=f"{type(e).__name__}: {e}",
                                 hint="请在 Excel 或 WPS 中打开并另存为 .xlsx 后再导入。")) from None
    out = []
    for ws in wb.worksheets:

        def rows(ws=ws) -> Iterator[tuple[int, list]]:
            ws.reset_dimensions()  # trust the cells, not a stale <dimension> written by other programs
            for r, row in enumerate(ws.iter_rows(), start=1):
                yield r, [(c.value, getattr(c, "number_format", None)) for c in row]

        out.append(Table(name=ws.title, source=f"{path.name} 工作表“{ws.title}”", file=path.name, rows=rows))
    return out


def decode(raw: bytes, display: str) -> tuple[str, str]:
    """(text, delimiter) of a CSV file's bytes."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "\t"
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8", errors="strict")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError as e:
                raise UsageError(Problem(code="usage.encoding", file=display,
                                         message="无法识别文件编码（不是 UTF-8，也不是 GBK/GB18030）。",
                                         found=f"第{e.start + 1}个字节 0x{raw[e.start]:02X}",
                                         hint="请在 WPS/Excel 中另存为“CSV UTF-8（逗号分隔）”后再导入。")) from None
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return text, delimiter


def _csv(path: Path) -> Table:
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise UsageError(Problem(code="usage.too-large", file=str(path),
                                 message=f"文件太大（{size / 1024 / 1024:.0f} MB），超过上限 {MAX_CSV_BYTES // 1024 // 1024} MB。"))
    raw = path.read_bytes()
    text, delimiter = decode(raw, path.name)

    def rows() -> Iterator[tuple[int, list]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for r, row in enumerate(reader, start=1):
            yield r, [(v, None) for v in row]

    return Table(name=path.stem, source=path.name, file=path.name, rows=rows, csv=True)
