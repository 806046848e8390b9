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

Step 1 is ``sheets/matching.py``, step 2 ``sheets/assemble.py`` (remembering each value's cell with
``sheets/located.py``), step 3 and the tracing of step 4's problems ``sheets/trace.py``; this module
runs them and writes the folder.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from wenshu.atomic import current_umask
from wenshu.errors import DataError, Problem, UsageError
from wenshu.models import FILE_KINDS
from wenshu.sheets.assemble import Assembler, Import, Record, default_file
from wenshu.sheets.cells import blank
from wenshu.sheets.layout import Sheet, layout
from wenshu.sheets.located import Ctx, Located, Ref
from wenshu.sheets.matching import (ALIAS_FILE, HEADER_SCAN_ROWS, IGNORED_SHEETS, Aliases, find_header,
                                    header_names, load_aliases, match_sheets)
from wenshu.sheets.reader import Table, norm, open_tables
from wenshu.sheets.trace import failed_ids, map_back, parse_path, refers_to, validate_files
from wenshu.sheets.yamlio import file_text
from wenshu.validation import narrow_wide

# Names that lived in this module before it was split (matching, located, assemble and trace).
__all__ = [
    "ALIAS_FILE", "HEADER_SCAN_ROWS", "IGNORED_SHEETS", "Aliases", "Assembler", "Ctx", "Import", "ImportResult",
    "Located", "Record", "Ref", "default_file", "import_tables", "load_aliases", "parse_path",
]

_KIND_LINE = re.compile(r"^kind:\s*['\"]?([A-Za-z_]+)", re.MULTILINE)


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
    matched = match_sheets(tables, lay, al, warnings)
    if not matched:
        raise UsageError(Problem(code="usage.no-sheets", file=", ".join(str(p) for p in inputs),
                                 message="没有找到 wenshu 填报表的工作表。",
                                 hint="请用 wenshu export 生成的填报表，或把 CSV 文件命名为工作表名称（如 项目.csv）"))
    prefixes = _district_prefixes(matched, target)
    asm = Assembler(lay, al, prefixes)
    imp = asm.read(matched)
    validate_files(imp, asm.skip)
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
        found = find_header(t, sheet, Aliases())
        if not found:
            continue
        header_row, headers = found
        names = header_names(sheet, Aliases())
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
        ds = load_dataset([tmp], strict=False)
        ds.close()
        # A record that failed above is left out of the folder check, so references to it look dangling:
        # those follow from a problem already reported and are not repeated.
        failed = failed_ids(imp, problems)
        mapped = [map_back(p, imp, tmp, target) for p in ds.problems if not refers_to(p, imp, tmp, failed)]
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
        mode = (target.stat().st_mode & 0o7777) if target.is_dir() else (0o777 & ~current_umask())
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
