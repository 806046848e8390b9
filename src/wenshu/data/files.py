"""Reading one data file: find the files of a folder, parse each once, validate it on its own.

A file that fails keeps what can still be read of it (``RawFile``: ids, codes and references from its
raw YAML), so the cross-file checks of the same run still see it and every problem is reported at once.
Positions (line, column) are not kept while reading: the file is read again, with them, only when a
problem needs locating.
"""

from __future__ import annotations

import difflib
import hashlib
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wenshu.data.dataset import RECORD_LISTS, SourceFile
from wenshu.errors import DataError, Problem, UsageError
from wenshu.loading import LoadedYaml, load_yaml
from wenshu.models import FILE_KINDS
from wenshu.validation import WIDE_ALNUM_BYTES, narrow_wide, problems_from_validation, show_value

YAML_SUFFIXES = (".yaml", ".yml")
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".csv")  # read only by `wenshu import`

# A top-level ``kind:`` line near the top of a file (after the schema comment): how a folder's files
# are sorted before they are parsed (district and inputs first, project files streamed last).
_KIND_LINE = re.compile(rb"^kind:[ \t]*[\"']?([A-Za-z_]+)[\"']?[ \t]*(?:#.*)?\r?$", re.M)


def peek_kind(path: Path) -> str | None:
    """The ``kind:`` a file declares on a top-level line of its first 4 KB (None if not found there;
    the file is then parsed whole to learn it)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    m = _KIND_LINE.search(head)
    return m.group(1).decode("ascii") if m else None


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand folders into their YAML files (sorted, so runs are reproducible)."""
    out: list[Path] = []
    problems: list[Problem] = []
    for p in paths:
        if p.is_dir():
            found = sorted(
                (q for q in p.rglob("*") if q.suffix.lower() in YAML_SUFFIXES and q.is_file()
                 and not any(part.startswith(".") for part in q.relative_to(p).parts)),
                key=lambda q: q.as_posix(),
            )
            if not found:
                problems.append(Problem(code="data.no-files", message="目录中没有 .yaml 数据文件。", file=str(p)))
            out.extend(found)
            problems.extend(_sheet_problem(q, p) for q in sorted(p.rglob("*")) if q.suffix.lower() in SHEET_SUFFIXES
                            and q.is_file() and not any(part.startswith((".", "~$")) for part in q.relative_to(p).parts))
        elif p.is_file() and p.suffix.lower() in SHEET_SUFFIXES:
            problems.append(_sheet_problem(p, None, severity="error"))
        elif p.is_file():
            out.append(p)
        else:
            raise UsageError(Problem(code="usage.no-such-path", message="路径不存在。", file=str(p)))
    # De-duplicate while keeping order (a file named twice, or inside a named folder).
    seen: set[Path] = set()
    unique = []
    for q in out:
        r = q.resolve()
        if r not in seen:
            seen.add(r)
            unique.append(q)
    return unique, problems


def _sheet_problem(sheet: Path, folder: Path | None, severity: str = "warning") -> Problem:
    return Problem(code="data.spreadsheet", severity=severity, file=display_name(sheet),  # type: ignore[arg-type]
                   message="这是表格文件：wenshu 不直接读取表格，其中的数据没有被校验，也不会用于生成文书。",
                   hint=f"请用 wenshu import {display_name(sheet)} -o {display_name(folder) if folder else '数据目录'} --force 把它导入为 YAML 数据文件")


def display_name(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()



def load_file(path: Path, display: str | None = None,
              raw: list[RawFile] | None = None) -> tuple[SourceFile | None, list[Problem]]:
    """Load and validate one file on its own.

    With ``raw``, what could still be read of a file (or of its records) that failed validation is
    appended to it as a ``RawFile``, for the cross-file checks.
    """
    display = display or display_name(path)
    try:
        # Without position maps first: they are needed only to locate a validation error (then the
        # file is read again, below), and on a large file they are most of the memory.
        loaded = load_yaml(path, display=display, positions=False)
    except DataError as e:
        partial = getattr(e, "partial", None)
        if raw is not None and isinstance(partial, dict) and partial.get("kind") in FILE_KINDS:
            raw.append(RawFile(path, display, partial["kind"], _raw_refs(partial["kind"], partial, None), whole=True))
        return None, e.problems
    data = loaded.data
    if not isinstance(data, dict) or data.get("kind") not in FILE_KINDS:
        loaded = load_yaml(path, display=display)
    if not isinstance(data, dict):
        line, col = loaded.locate(())
        return None, [Problem(code="data.not-mapping", message="文件顶层应为键值对（以 kind: 开头）。",
                              file=display, line=line, column=col, found=show_value(data))]
    kind = data.get("kind")
    if kind not in FILE_KINDS:
        line, col = loaded.locate(("kind",)) if "kind" in data else (1, 1)
        guess = difflib.get_close_matches(str(kind), list(FILE_KINDS), n=1)
        msg = "缺少 kind 字段，无法判断文件类型。" if kind is None else f"未知的文件类型“{kind}”。"
        if guess:
            msg += f"是否应为“{guess[0]}”？"
        return None, [Problem(
            code="data.kind", message=msg, file=display, line=line, column=col,
            field_path="kind", field_title="文件类型",
            expected="、".join(f"{k}（{v.title}）" for k, v in FILE_KINDS.items()),
        )]
    fk = FILE_KINDS[kind]
    kept = None
    raw_bytes = path.read_bytes()
    problems: list[Problem] = []
    if WIDE_ALNUM_BYTES.search(raw_bytes):
        changes = narrow_wide(fk.model, data)
        if changes:
            loaded = load_yaml(path, display=display)
            problems.extend(_wide_problem(fk.model, display, loaded, *c) for c in changes)
    try:
        model = fk.model.model_validate(data)
    except ValidationError as e:
        if not loaded.positions:
            loaded = load_yaml(path, display=display)
        problems += problems_from_validation(e, fk.model, display, _problem_locator(loaded), loaded.key_positions.get)
        model, kept = _salvage(fk.model, kind, data, e)
        if raw is not None:
            dropped = None if model is None else [i for i in range(len(data[RECORD_LISTS[kind]])) if i not in set(kept)]
            raw.append(RawFile(path, display, kind, _raw_refs(kind, data, dropped), whole=model is None))
        if model is None:
            return None, problems
    except RecursionError:
        return None, [Problem(code="data.too-deep", message="数据嵌套过深，无法校验。", file=display)]
    sha = hashlib.sha256(raw_bytes).hexdigest()
    return SourceFile(path=path, display=display, kind=kind, sha256=sha, model=model, kept=kept), problems


def _wide_problem(model, display: str, loaded: LoadedYaml, loc: tuple, old: str, new: str) -> Problem:
    from wenshu.validation import loc_to_path, resolve

    line, col = loaded.locate(loc)
    titles, _ = resolve(model, loc)
    return Problem(code="data.full-width", severity="warning", file=display, line=line, column=col,
                   field_path=loc_to_path(loc) or None, field_title=" › ".join(titles) or None,
                   message=f"“{old}”中有全角数字或字母，已按半角“{new}”读取。",
                   hint="请在文件中改用半角（英文输入状态下的）数字和字母")



@dataclass
class RawFile:
    """A file that did not validate, or the dropped records of one: what cross-file checks can still
    read from its raw YAML (ids, codes, references), so one run reports every problem."""

    path: Path
    display: str
    kind: str
    refs: list[tuple[str, Any, tuple]]  # (what, value, location): see _raw_refs
    whole: bool  # True: nothing of the file was kept; False: only some records were dropped

    @property
    def loaded(self) -> LoadedYaml:
        cached = self.__dict__.get("_loaded")
        if cached is None:
            try:
                cached = load_yaml(self.path, display=self.display)
            except DataError as e:  # a file with value-level YAML problems: positions of the rest
                cached = getattr(e, "partial_loaded", None) or LoadedYaml(self.path, self.display, None)
            self.__dict__["_loaded"] = cached
        return cached

    def loc(self, *parts: Any) -> tuple:
        return parts


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _raw_refs(kind: str, data: dict, only: list[int] | None) -> list[tuple[str, Any, tuple]]:
    """The references a file makes, read from raw YAML: ``("project", {id, code, name, department,
    industry}, loc)`` for a project definition, else ``(what, text, loc)`` with ``what`` one of
    department / unit (a collective name allowed) / industry / organ / project (a reference by id)
    / district (the district's names)."""
    out: list[tuple[str, Any, tuple]] = []

    def items(key: str):
        seq = data.get(key)
        if not isinstance(seq, list):
            return
        for i, rec in enumerate(seq):
            if (only is None or i in only) and isinstance(rec, dict):
                yield i, rec

    def ref(what: str, value: Any, loc: tuple) -> None:
        t = _text(value)
        if t is not None:
            out.append((what, t, loc))

    def refs(what: str, values: Any, loc: tuple) -> None:
        if isinstance(values, list):
            for j, v in enumerate(values):
                ref(what, v, (*loc, j))

    if kind == "projects":
        for i, rec in items("projects"):
            reserve = rec.get("reserve") if isinstance(rec.get("reserve"), dict) else {}
            out.append(("project-def", {"id": _text(rec.get("id")), "code": _text(reserve.get("project_code")),
                                        "name": _text(rec.get("name"))}, ("projects", i)))
            ref("department", rec.get("department"), ("projects", i, "department"))
            ref("industry", rec.get("industry"), ("projects", i, "industry"))
    elif kind in ("appraisals", "evaluations"):
        for i, rec in items(kind):
            ref("project", rec.get("project"), (kind, i, "project"))
            if kind == "appraisals":
                ref("department", rec.get("department"), (kind, i, "department"))
    elif kind == "industry_reports":
        for i, rec in items("reports"):
            ref("industry", rec.get("industry"), ("reports", i, "industry"))
            if isinstance(rec.get("rectifications"), list):
                for j, rc in enumerate(rec["rectifications"]):
                    if isinstance(rc, dict):
                        ref("unit", rc.get("unit"), ("reports", i, "rectifications", j, "unit"))
    elif kind == "supervision":
        for i, rec in items("records"):
            ref("department", rec.get("department"), ("records", i, "department"))
        b = data.get("bulletin")
        if isinstance(b, dict):
            ref("organ", b.get("organ"), ("bulletin", "organ"))
            y, m = data.get("year"), data.get("month")
            if _text(b.get("organ")) and isinstance(b.get("issued_on"), dt.date) and isinstance(y, int) and isinstance(m, int):
                from wenshu.numbers import bulletin_title

                for what, name in (("commendation", "commendation_seq"), ("criticism", "criticism_seq")):
                    if _int(b.get(name)):
                        out.append(("number", {"organ": _text(b["organ"]), "year": b["issued_on"].year, "seq": b[name],
                                               "title": bulletin_title(y, m, what), "field": f"bulletin.{name}"},
                                    ("bulletin", name)))
    elif kind == "tasks":
        for i, rec in items("items"):
            refs("unit", rec.get("units"), ("items", i, "units"))
    elif kind == "notice":
        ref("organ", data.get("organ"), ("organ",))
        if _text(data.get("organ")) and _int(data.get("year")) and _int(data.get("seq")):
            out.append(("number", {"organ": _text(data["organ"]), "year": data["year"], "seq": data["seq"],
                                   "title": _text(data.get("title")) or "通知", "field": "seq"}, ("seq",)))

        def walk(seq: Any, loc: tuple) -> None:
            if not isinstance(seq, list):
                return
            for i, sec in enumerate(seq):
                if isinstance(sec, dict):
                    r = sec.get("responsibility")
                    if isinstance(r, dict):
                        for key in ("lead", "units"):
                            refs("unit", r.get(key), (*loc, i, "responsibility", key))
                    walk(sec.get("sections"), (*loc, i, "sections"))

        walk(data.get("sections"), ("sections",))
        if isinstance(data.get("enclosure"), dict):
            walk(data["enclosure"].get("sections"), ("enclosure", "sections"))
    elif kind == "district":
        out.append(("district", data, ()))
    return out


def _salvage(model_cls, kind: str, data: dict, exc: ValidationError):
    """Keep the valid records of a list file when every error lies inside some records.

    The errors are still reported; batch generation then produces every document the valid
    records call for instead of stopping at one bad project.
    """
    key = RECORD_LISTS.get(kind)
    items = data.get(key) if key else None
    if not isinstance(items, list):
        return None, None
    bad = set()
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        if len(loc) >= 2 and loc[0] == key and isinstance(loc[1], int):
            bad.add(loc[1])
        else:
            return None, None  # a file-level problem: nothing can be trusted
    kept = [i for i in range(len(items)) if i not in bad]
    if not kept:
        return None, None
    try:
        return model_cls.model_validate({**data, key: [items[i] for i in kept]}), kept
    except ValidationError:
        return None, None


def _value_at(data: Any, loc: tuple) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _problem_locator(loaded: LoadedYaml):
    """Scalars are located at the value (precise column); lists and mappings at their key's line,
    which is where a person looks for "the funding list" rather than at its first item."""

    def locate(loc: tuple) -> tuple[int | None, int | None]:
        if isinstance(_value_at(loaded.data, loc), (dict, list)) and loc in loaded.key_positions:
            return loaded.key_positions[loc]
        return loaded.locate(loc)

    return locate


def find_district(paths: list[Path]) -> Path | None:
    """For `validate some/file.yaml`: look for district.yaml beside it or in a parent folder."""
    for p in paths:
        start = p if p.is_dir() else p.parent
        for folder in [start, *list(start.parents)[:3]]:
            cand = folder / "district.yaml"
            if cand.is_file():
                return cand
    return None
