"""Load a data folder (or files) into validated models, collecting every problem of every file.

Each YAML file declares its kind with a top-level ``kind:`` key. After each file validates on its
own, cross-file references are checked (departments, industries, project ids, organs, task-list
files), each problem pointing at the referencing field.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from wenshu.errors import DataError, Problem, ProblemCollector, UsageError
from wenshu.loading import LoadedYaml, load_yaml
from wenshu.models import FILE_KINDS
from wenshu.models.appraisal import Appraisal
from wenshu.models.district import DistrictFile
from wenshu.models.evaluation import EvaluationInput
from wenshu.models.holidays import HolidayFile
from wenshu.models.notice import NoticeFile, Section
from wenshu.models.project import Library, Project
from wenshu.models.register import REGISTER_FILE_NAME
from wenshu.models.reports import AnnualReportFile, IndustryReportInput
from wenshu.models.supervision import SupervisionFile
from wenshu.models.tasks import TaskListFile
from wenshu.spool import Spool
from wenshu.validation import WIDE_ALNUM_BYTES, narrow_wide, problems_from_validation, show_value

YAML_SUFFIXES = (".yaml", ".yml")
SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".csv")  # read only by `wenshu import`

# Collective names used in task lists and notices (“各行业主管部门”); they are not departments.
COLLECTIVE_UNITS = frozenset(
    {"各行业主管部门", "区各行业主管部门", "各相关部门", "各街道办事处", "区直各部门", "各有关部门"}
)


@dataclass
class SourceFile:
    path: Path
    display: str
    kind: str
    sha256: str
    model: BaseModel
    # When some records of a list file were invalid and dropped: original index of each kept record.
    kept: list[int] | None = None

    @property
    def loaded(self) -> LoadedYaml:
        """Line/column positions, parsed again on demand.

        Positions of every value of every file would dominate memory on a large district (a
        10,000-project folder holds millions of values), yet they are only needed to locate a
        cross-file problem, which is rare. The file is re-read once and cached for this object.
        """
        cached = self.__dict__.get("_loaded")
        if cached is None:
            cached = self.__dict__["_loaded"] = load_yaml(self.path, display=self.display)
        return cached

    def loc(self, *parts: Any) -> tuple:
        """A location in the YAML file for a path into the (possibly filtered) model."""
        if self.kept is not None and len(parts) > 1 and isinstance(parts[1], int) and parts[0] == RECORD_LISTS.get(self.kind):
            return (parts[0], self.kept[parts[1]], *parts[2:])
        return parts


# File kinds made of a list of independent records: one bad record does not discard its siblings.
RECORD_LISTS = {
    "projects": "projects",
    "appraisals": "appraisals",
    "evaluations": "evaluations",
    "industry_reports": "reports",
}


@dataclass(frozen=True)
class Ref:
    """Where a record came from: file and the path of the record inside it."""

    file: SourceFile
    loc: tuple

    def position(self) -> tuple[int | None, int | None]:
        return self.file.loaded.locate(self.loc)


@dataclass(frozen=True, slots=True)
class ProjectStub:
    """What cross-file checks need to know of a project, kept even when its model is not."""

    id: str
    name: str
    library: Library
    department: str
    industry: str
    completed: bool
    file_index: int  # into Dataset.files
    index: int  # into that file's (possibly filtered) list of projects


@dataclass(frozen=True, slots=True)
class Held:
    """A record of a list file (appraisal, evaluation) kept apart from its file's model."""

    file_index: int
    index: int
    record: Any


@dataclass
class Dataset:
    root: Path | None
    files: list[SourceFile] = field(default_factory=list)
    district: DistrictFile | None = None
    projects: list[Project] = field(default_factory=list)
    appraisals: list[Appraisal] = field(default_factory=list)
    evaluations: list[EvaluationInput] = field(default_factory=list)
    industry_reports: list[IndustryReportInput] = field(default_factory=list)
    annual_report: AnnualReportFile | None = None
    supervision: list[SupervisionFile] = field(default_factory=list)
    task_lists: dict[str, TaskListFile] = field(default_factory=dict)
    notices: dict[str, NoticeFile] = field(default_factory=dict)
    holidays: HolidayFile | None = None
    problems: list[Problem] = field(default_factory=list)
    # id → ProjectStub; in lean mode kept on disk (a Spool map), otherwise a dict.
    stubs: Any = field(default_factory=dict)
    # Lean mode: project models are not kept (iter_projects() re-reads their files); appraisals and
    # evaluations are kept on disk by project (appraisals_of, evaluation); ``projects``,
    # ``appraisals`` and ``evaluations`` are then None, so code that would miss them fails loudly.
    lean: bool = False
    spool: Spool | None = None
    _held: dict[str, Any] = field(default_factory=dict, repr=False)  # kind → project → [Held]
    # What could be read of files (or records) that failed validation, for the cross-file checks.
    raw: list[RawFile] = field(default_factory=list, repr=False)
    # Names the district defines (departments, industries, organs): from district.yaml's model, or
    # from its raw YAML when it exists but is invalid (then ``district_failed`` is its display name).
    names: Any = field(default=None, repr=False)
    district_failed: str | None = None
    unread_files: list[str] = field(default_factory=list, repr=False)  # files nothing could be taken from
    invalid_ids: dict[str, tuple[int, tuple]] = field(default_factory=dict, repr=False)  # id → (raw index, loc)
    # 项目代码 → ("v"|"r", file or raw index, record index, project id); on disk in lean mode.
    codes: Any = field(default_factory=dict, repr=False)
    numbers: Any = field(default=None, repr=False)  # the 发文字号 register (wenshu.numbers.Register)

    @property
    def project_count(self) -> int:
        return len(self.stubs)

    def project_ref(self, pid: str) -> Ref | None:
        """Where a project is defined (its record in its projects file)."""
        st = self.stubs.get(pid)
        if st is None:
            return None
        sf = self.files[st.file_index]
        return Ref(sf, sf.loc("projects", st.index))

    def project_file(self, pid: str) -> str:
        """The data file defining a project, relative to the data folder."""
        return self.rel(self.files[self.stubs[pid].file_index])

    def appraisals_of(self, pid: str) -> list[Appraisal]:
        return [h.record for h in self._held_of("appraisals").get(pid, [])]

    def evaluation(self, pid: str) -> EvaluationInput | None:
        """The project's evaluation input (the last one when several files give one)."""
        held = self._held_of("evaluations").get(pid)
        return held[-1].record if held else None

    def evaluation_file(self, pid: str) -> str | None:
        held = self._held_of("evaluations").get(pid)
        return self.rel(self.files[held[-1].file_index]) if held else None

    def iter_evaluations(self) -> Iterable[EvaluationInput]:
        """Every project's evaluation input in force (the last one given for a project)."""
        store = self._held_of("evaluations")
        if isinstance(store, dict):
            for items in store.values():
                yield items[-1].record
        else:
            for key in store.keys():
                yield store.get_all(key)[-1].record

    @property
    def evaluation_count(self) -> int:
        """Number of projects with an evaluation input."""
        store = self._held_of("evaluations")
        return len(store) if isinstance(store, dict) else store.key_count()

    def _held_of(self, kind: str) -> Any:
        """project → [Held] of one record kind: on disk in lean mode, built on first use otherwise."""
        got = self._held.get(kind)
        if got is None:
            got = self._held[kind] = {}
            for fi, sf in enumerate(self.files):
                if sf.kind == kind and sf.model is not None:
                    for i, r in enumerate(getattr(sf.model, kind)):
                        got.setdefault(r.project, []).append(Held(fi, i, r))
        return got

    def _held_records(self, kind: str) -> Iterable[Held]:
        """Every held record of one kind (for cross-file checks)."""
        store = self._held_of(kind)
        if isinstance(store, dict):
            for items in store.values():
                yield from items
        else:
            yield from store.values()

    def iter_projects(self) -> Iterable[Project]:
        """Every (valid, first-defined) project, in file order.

        In lean mode the project files are read and validated again, one file at a time, so a
        district of tens of thousands of projects never holds all project models at once.
        """
        if not self.lean:
            yield from self.projects
            return
        for fi, sf in enumerate(self.files):
            if sf.kind != "projects":
                continue
            again, _ = load_file(sf.path, sf.display)
            if again is None:
                continue
            for i, p in enumerate(again.model.projects):  # type: ignore[attr-defined]
                st = self.stubs.get(p.id)
                if st is not None and st.file_index == fi and st.index == i:
                    yield p

    def project(self, pid: str) -> Project | None:
        return self._by_id().get(pid)

    def _by_id(self) -> dict[str, Project]:
        cache = self.__dict__.get("_id_cache")
        if cache is None or len(cache) != len(self.projects):
            cache = {p.id: p for p in self.projects}
            self.__dict__["_id_cache"] = cache
        return cache

    def rel(self, sf: SourceFile) -> str:
        """The file's path relative to the data folder (how documents name their sources)."""
        return _rel(self, sf)

    def files_of(self, kind: str) -> list[str]:
        return [self.rel(f) for f in self.files if f.kind == kind]

    def source_of(self, key: str) -> SourceFile | None:
        return next((f for f in self.files if f.display == key or str(f.path) == key), None)


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
    return Problem(code="data.spreadsheet", severity=severity, file=_display(sheet),  # type: ignore[arg-type]
                   message="这是表格文件：wenshu 不直接读取表格，其中的数据没有被校验，也不会用于生成文书。",
                   hint=f"请用 wenshu import {_display(sheet)} -o {_display(folder) if folder else '数据目录'} --force 把它导入为 YAML 数据文件")


def _display(path: Path) -> str:
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
    display = display or _display(path)
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
                for what, name in (("commendation", "commendation_seq"), ("criticism", "criticism_seq")):
                    if _int(b.get(name)):
                        out.append(("number", {"organ": _text(b["organ"]), "year": b["issued_on"].year, "seq": b[name],
                                               "title": f"{y}年{m}月" + ("通报表彰" if what == "commendation" else "通报批评"),
                                               "field": f"bulletin.{name}"}, ("bulletin", name)))
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


def _find_district(paths: list[Path]) -> Path | None:
    """For `validate some/file.yaml`: look for district.yaml beside it or in a parent folder."""
    for p in paths:
        start = p if p.is_dir() else p.parent
        for folder in [start, *list(start.parents)[:3]]:
            cand = folder / "district.yaml"
            if cand.is_file():
                return cand
    return None


def load_dataset(paths: Iterable[Path | str], *, strict: bool = True, lean: bool = False,
                 spool_dir: Path | None = None) -> Dataset:
    """Load every file, validate it and check cross-file references.

    Raises ``DataError`` with all problems when any error was found (``strict``); otherwise returns
    the dataset with ``problems`` filled. ``lean`` keeps no project model (see
    ``Dataset.iter_projects``) and keeps project stubs, appraisals and evaluations on disk (a
    ``Spool`` in ``spool_dir``, default a temporary folder): memory then stays flat however many
    projects there are.
    """
    paths = [Path(p) for p in paths]
    files, problems = discover(paths)
    collector = ProblemCollector(problems)
    root = paths[0] if len(paths) == 1 and paths[0].is_dir() else None
    ds = Dataset(root=root, lean=lean)
    if lean:
        ds.spool = Spool(spool_dir)
        ds.stubs = ds.spool.map("stubs")
        ds.codes = ds.spool.map("codes")
        ds.projects = ds.appraisals = ds.evaluations = None  # type: ignore[assignment]
        ds._held = {k: ds.spool.multimap(k) for k in ("appraisals", "evaluations")}

    if not any(p.name == "district.yaml" for p in files):
        extra = _find_district(paths)
        if extra is not None:
            files.insert(0, extra)
            # The folder's 发文登记簿 too: a file checked on its own is numbered against it.
            register = extra.parent / REGISTER_FILE_NAME
            if register.is_file() and register.resolve() not in {f.resolve() for f in files}:
                files.append(register)
    # The district first: project files are checked against it as they are read.
    files.sort(key=lambda p: p.name != "district.yaml")
    for path in files:
        before = len(ds.raw)
        sf, probs = load_file(path, raw=ds.raw)
        collector.extend(probs)
        failed = ds.raw[before] if len(ds.raw) > before else None
        if failed is not None and failed.kind == "district" and ds.names is None:
            ds.names = _Names.from_raw(failed.refs[0][1])
            ds.district_failed = failed.display
        if sf is None:
            if failed is None:
                ds.unread_files.append(_display(path))
            if failed is not None and failed.kind == "projects":
                _take_projects(ds, None, failed, collector)
            elif failed is None and path.name == "district.yaml" and ds.district_failed is None:
                ds.district_failed = _display(path)
            continue
        ds.files.append(sf)
        if sf.kind == "district" and ds.district is None:
            ds.district = sf.model  # type: ignore[assignment]
            ds.names = _Names(ds.district)
        elif sf.kind == "projects":
            _take_projects(ds, sf, failed, collector)
            if lean:
                sf.model = None  # type: ignore[assignment]
        elif lean and sf.kind in ("appraisals", "evaluations"):
            fi = len(ds.files) - 1
            store = ds._held[sf.kind]
            for i, r in enumerate(getattr(sf.model, sf.kind)):
                store.add(r.project, Held(fi, i, r))
            sf.model = None  # type: ignore[assignment]
    _assemble(ds, collector)
    _cross_check(ds, collector)
    _raw_check(ds, collector)
    _after_load(ds, collector)
    ds.problems = collector.sorted()
    if strict and collector.has_errors:
        raise DataError(ds.problems)
    return ds


def _after_load(ds: Dataset, col: ProblemCollector) -> None:
    """Checks over the whole data folder that need every file: the calendar and the 发文字号 register."""
    from wenshu.analysis.workdays import holiday_year_problems
    from wenshu.numbers import build_register

    hf = next((f for f in ds.files if f.kind == "holidays"), None)
    if hf is not None:
        for p in holiday_year_problems(hf.model):  # type: ignore[arg-type]
            line, column = hf.loaded.key_positions.get(p.loc) or hf.loaded.locate(p.loc)
            col.add(dataclasses.replace(p.problem, file=hf.display, line=line, column=column))
    ds.numbers = build_register(ds)
    col.extend(ds.numbers.problems)


def _take_projects(ds: Dataset, sf: SourceFile | None, raw: RawFile | None, col: ProblemCollector) -> None:
    """Index one file's projects (ids and 项目代码 unique across files) and check their references.

    Records that failed validation (``raw``) take part in the uniqueness checks with what their raw
    YAML says, so a duplicate is reported in the same run as the record's own errors.
    """
    names = ds.names
    fi = len(ds.files) - 1 if sf is not None else -1
    rows: list[tuple[int, Any, Any]] = []  # (index in the file, valid project or None, raw definition)
    if sf is not None:
        for i, p in enumerate(sf.model.projects):  # type: ignore[attr-defined]
            rows.append((sf.kept[i] if sf.kept is not None else i, (i, p), None))
    if raw is not None:
        ds_raw_index = ds.raw.index(raw)
        rows += [(loc[1], None, (ds_raw_index, value)) for what, value, loc in raw.refs if what == "project-def"]
    rows.sort(key=lambda r: r[0])
    where = sf if sf is not None else raw
    for at, valid, bad in rows:
        if valid is not None:
            i, p = valid
            pid, code = p.id, p.code
        else:
            pid, code = bad[1]["id"], bad[1]["code"]
        id_loc, code_loc = ("projects", at, "id"), ("projects", at, "reserve", "project_code")
        first = _first_definition(ds, pid) if pid else None
        if first is not None:
            col.add(_problem(Ref(where, id_loc), "ref.duplicate-project",  # type: ignore[arg-type]
                             f"项目编号“{pid}”重复：已在 {_at(first)}使用。",
                             field_path=_path(id_loc), field_title="项目 › 平台项目编号"))
        if code:
            seen = ds.codes.get(code)
            if seen is not None:
                other = _code_ref(ds, seen)
                col.add(_problem(Ref(where, code_loc), "ref.duplicate-project-code",  # type: ignore[arg-type]
                                 f"项目代码“{code}”重复：已在 {_at(other)}（项目编号“{seen[3]}”）使用。",
                                 field_path=_path(code_loc), field_title="项目 › 储备库信息 › 项目代码",
                                 hint="项目代码由投资项目在线审批监管平台赋予，每个项目唯一；请核对是否抄错"))
            else:
                ds.codes[code] = ("v" if valid else "r", fi if valid else bad[0], at, pid or "")
        if first is not None:
            continue
        if valid is None:
            if pid:
                ds.invalid_ids[pid] = (bad[0], id_loc)
            continue
        i, p = valid
        if not ds.lean:
            ds.projects.append(p)
        impl = p.implementation
        ds.stubs[p.id] = ProjectStub(p.id, p.name, p.library, p.department, p.industry,
                                     bool(impl and impl.actual_completion), fi, i)
        if names is None:
            continue
        if p.department not in names.departments:
            col.add(_problem(Ref(sf, sf.loc("projects", i, "department")), "ref.unknown-department",  # type: ignore[union-attr]
                             f"行业主管部门“{p.department}”不在 district.yaml 的部门中。",
                             field_path=_path(sf.loc("projects", i, "department")), field_title="行业主管部门",  # type: ignore[union-attr]
                             hint=_suggest(p.department, names.shorts)))
        if p.industry not in names.industries:
            col.add(_problem(Ref(sf, sf.loc("projects", i, "industry")), "ref.unknown-industry",  # type: ignore[union-attr]
                             f"所属行业“{p.industry}”不在 district.yaml 的行业中。",
                             field_path=_path(sf.loc("projects", i, "industry")), field_title="所属行业",  # type: ignore[union-attr]
                             hint=_suggest(p.industry, names.industries)))


def _first_definition(ds: Dataset, pid: str) -> Ref | None:
    """Where a project id was first defined, valid or not."""
    ref = ds.project_ref(pid)
    if ref is not None:
        return Ref(ref.file, (*ref.loc, "id"))
    bad = ds.invalid_ids.get(pid)
    return Ref(ds.raw[bad[0]], bad[1]) if bad is not None else None  # type: ignore[arg-type]


def _code_ref(ds: Dataset, seen: tuple) -> Ref:
    flag, index, at, _ = seen
    where = ds.files[index] if flag == "v" else ds.raw[index]
    return Ref(where, ("projects", at, "reserve", "project_code"))  # type: ignore[arg-type]


def _at(ref: Ref) -> str:
    line, _ = ref.position()
    return f"{ref.file.display} 第{line}行" if line else ref.file.display


def _problem(ref: Ref, code: str, message: str, **kw: Any) -> Problem:
    line, col = ref.position()
    return Problem(code=code, message=message, file=ref.file.display, line=line, column=col, **kw)


def _assemble(ds: Dataset, col: ProblemCollector) -> None:
    for sf in ds.files:
        m = sf.model
        if sf.kind == "district":
            if sf.model is not ds.district:
                col.add(Problem(code="data.duplicate-district", message="数据中有多个 district 文件，只能有一个。", file=sf.display, line=1, column=1))
            continue
        elif sf.kind == "appraisals":
            if not ds.lean:
                ds.appraisals.extend(m.appraisals)  # type: ignore[attr-defined]
        elif sf.kind == "evaluations":
            if not ds.lean:
                ds.evaluations.extend(m.evaluations)  # type: ignore[attr-defined]
        elif sf.kind == "industry_reports":
            ds.industry_reports.extend(m.reports)  # type: ignore[attr-defined]
        elif sf.kind == "annual_report":
            if ds.annual_report is not None:
                col.add(Problem(code="data.duplicate-annual", message="数据中有多个 annual_report 文件，只能有一个。", file=sf.display, line=1, column=1))
            ds.annual_report = m  # type: ignore[assignment]
        elif sf.kind == "supervision":
            ds.supervision.append(m)  # type: ignore[arg-type]
        elif sf.kind == "tasks":
            ds.task_lists[_rel(ds, sf)] = m  # type: ignore[assignment]
        elif sf.kind == "notice":
            ds.notices[_rel(ds, sf)] = m  # type: ignore[assignment]
        elif sf.kind == "holidays":
            ds.holidays = m  # type: ignore[assignment]
    ds.supervision.sort(key=lambda s: (s.year, s.month))
    months = [(s.year, s.month) for s in ds.supervision]
    for ym in sorted({x for x in months if months.count(x) > 1}):
        col.add(Problem(code="data.duplicate-month", message=f"{ym[0]}年{ym[1]}月的督办记录有多个文件。"))


def _rel(ds: Dataset, sf: SourceFile) -> str:
    if ds.root is not None:
        try:
            return sf.path.resolve().relative_to(ds.root.resolve()).as_posix()
        except ValueError:
            pass
    return sf.display


class _Names:
    def __init__(self, district: DistrictFile | None):
        if district is None:
            self.departments: set[str] = set()
            self.shorts: list[str] = []
            self.industries: list[str] = []
            self.organs: list[str] = []
            return
        self.departments = {d.short for d in district.departments} | {d.name for d in district.departments}
        self.shorts = [d.short for d in district.departments]
        self.industries = [i.name for i in district.industries]
        self.organs = [o.key for o in district.organs]

    @classmethod
    def from_raw(cls, data: dict) -> _Names:
        """The names an invalid district.yaml still gives (every entry whose name is text)."""
        names = cls(None)

        def entries(key: str):
            seq = data.get(key)
            return [e for e in seq if isinstance(e, dict)] if isinstance(seq, list) else []

        for d in entries("departments"):
            for k in ("short", "name"):
                if _text(d.get(k)):
                    names.departments.add(_text(d.get(k)))  # type: ignore[arg-type]
            if _text(d.get("short")):
                names.shorts.append(_text(d.get("short")))  # type: ignore[arg-type]
        names.industries = [_text(i.get("name")) for i in entries("industries") if _text(i.get("name"))]  # type: ignore[misc]
        names.organs = [_text(o.get("key")) for o in entries("organs") if _text(o.get("key"))]  # type: ignore[misc]
        return names

    def unit_ok(self, name: str) -> bool:
        return name in self.departments or name in COLLECTIVE_UNITS


def _suggest(word: str, choices: list[str]) -> str | None:
    hit = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f"是否应为“{hit[0]}”？" if hit else None


def _cross_check(ds: Dataset, col: ProblemCollector) -> None:
    names = ds.names
    if ds.district is None and (ds.files or ds.raw):
        if ds.district_failed is not None and names is not None:
            col.add(Problem(code="ref.district-invalid", severity="warning", file=ds.district_failed,
                            message="district.yaml（区情设置）有错误（见上），部门、行业和发文机关的引用"
                                    "按其中能读出的名称检查；改正后请再校验一次。"))
        elif ds.district_failed is not None:
            col.add(Problem(code="ref.district-invalid", severity="warning", file=ds.district_failed,
                            message="district.yaml（区情设置）无法读取（见上），跳过部门、行业和发文机关的引用检查。"))
        else:
            col.add(Problem(code="ref.no-district", severity="warning",
                            message="未找到 district.yaml（区情设置），跳过部门、行业和发文机关的引用检查。"))
    ids = ds.stubs

    def check_unit(sf: SourceFile, loc: tuple, name: str, title: str, collective: bool = False) -> None:
        if names is None:
            return
        ok = names.unit_ok(name) if collective else name in names.departments
        if not ok:
            col.add(_problem(Ref(sf, loc), "ref.unknown-department",
                             f"{title}“{name}”不在 district.yaml 的部门中。",
                             field_path=_path(loc), field_title=title, hint=_suggest(name, names.shorts)))

    for h in ds._held_records("appraisals"):
        sf, i, a = ds.files[h.file_index], h.index, h.record
        _check_project(col, sf, sf.loc("appraisals", i, "project"), a.project, ids, ds)
        check_unit(sf, sf.loc("appraisals", i, "department"), a.department, "论证部门")
        p = ds.stubs.get(a.project)
        if p is not None and p.library == Library.CATALOGUE:
            col.add(_problem(Ref(sf, sf.loc("appraisals", i, "project")), "ref.catalogue-appraisal",
                             f"项目“{p.name}”仍在目录库，尚未发起转库申请，不应有论证记录。",
                             severity="warning", field_path=f"appraisals[{i}].project"))
    for h in ds._held_records("evaluations"):
        sf, i, e = ds.files[h.file_index], h.index, h.record
        if _check_project(col, sf, sf.loc("evaluations", i, "project"), e.project, ids, ds):
            p = ds.stubs.get(e.project)
            if p is None or not p.completed:
                col.add(_problem(Ref(sf, sf.loc("evaluations", i, "project")), "ref.not-completed",
                                 f"项目“{p.name if p else e.project}”尚未竣工，不能开展项目绩效评价。",
                                 field_path=f"evaluations[{i}].project", field_title="项目编号"))
    for sf in ds.files:
        m = sf.model
        if sf.kind in ("projects", "appraisals", "evaluations"):
            continue  # projects checked as the file was read (_take_projects); the others above
        elif sf.kind == "industry_reports":
            for i, r in enumerate(m.reports):  # type: ignore[attr-defined]
                if names is not None and r.industry not in names.industries:
                    col.add(_problem(Ref(sf, sf.loc("reports", i, "industry")), "ref.unknown-industry",
                                     f"行业“{r.industry}”不在 district.yaml 的行业中。",
                                     field_path=f"reports[{i}].industry", hint=_suggest(r.industry, names.industries)))
                for j, rc in enumerate(r.rectifications):
                    check_unit(sf, sf.loc("reports", i, "rectifications", j, "unit"), rc.unit, "责任单位", collective=True)
        elif sf.kind == "supervision":
            for i, r in enumerate(m.records):  # type: ignore[attr-defined]
                check_unit(sf, ("records", i, "department"), r.department, "部门")
            if m.bulletin is not None and names is not None and m.bulletin.organ not in names.organs:  # type: ignore[attr-defined]
                col.add(_problem(Ref(sf, ("bulletin", "organ")), "ref.unknown-organ",
                                 f"发文机关代号“{m.bulletin.organ}”不在 district.yaml 的 organs 中。",  # type: ignore[attr-defined]
                                 hint=_suggest(m.bulletin.organ, names.organs)))  # type: ignore[attr-defined]
        elif sf.kind == "tasks":
            for i, t in enumerate(m.items):  # type: ignore[attr-defined]
                for j, u in enumerate(t.units):
                    check_unit(sf, ("items", i, "units", j), u, "责任单位", collective=True)
        elif sf.kind == "notice":
            n: NoticeFile = m  # type: ignore[assignment]
            if names is not None and n.organ not in names.organs:
                col.add(_problem(Ref(sf, ("organ",)), "ref.unknown-organ",
                                 f"发文机关代号“{n.organ}”不在 district.yaml 的 organs 中。",
                                 hint=_suggest(n.organ, names.organs)))
            for j, o in enumerate(n.co_organs):
                if names is not None and o not in names.organs:
                    col.add(_problem(Ref(sf, ("co_organs", j)), "ref.unknown-organ",
                                     f"联合发文机关代号“{o}”不在 district.yaml 的 organs 中。", hint=_suggest(o, names.organs)))
            for loc, code, message in n.advisories():
                col.add(_problem(Ref(sf, loc), code, message, severity="warning", field_path=_path(loc),
                                 field_title={"signers": "签发人", "direction": "行文方向"}.get(loc[0])))
            atts = [(("attachments", i), a) for i, a in enumerate(n.attachments)]
            if n.enclosure is not None:
                atts += [(("enclosure", "attachments", i), a) for i, a in enumerate(n.enclosure.attachments)]
            for loc, a in atts:
                if a.task_list is None:
                    continue
                base = ds.root if ds.root is not None else sf.path.parent
                target = (base / a.task_list)
                if not target.is_file():
                    target = sf.path.parent / a.task_list
                tl = next((t for key, t in ds.task_lists.items() if key == a.task_list), None)
                if tl is None and not target.is_file():
                    col.add(_problem(Ref(sf, (*loc, "task_list")), "ref.missing-file",
                                     f"附件引用的任务清单文件“{a.task_list}”不存在（路径相对于数据目录）。",
                                     field_path=_path((*loc, "task_list")), field_title="任务清单文件"))
                elif tl is None:
                    # The file is there but could not be used: say so, not “不存在”.
                    failed = any(r.path.resolve() == target.resolve() for r in ds.raw) or \
                        target.resolve() in {Path(u).resolve() for u in ds.unread_files}
                    other = next((f for f in ds.files if f.path.resolve() == target.resolve()), None)
                    if failed or other is not None:  # (a file outside the files checked is not judged)
                        why = "有错误（见该文件的问题）" if failed else f"不是任务清单（kind 为 {other.kind}）"  # type: ignore[union-attr]
                        col.add(_problem(Ref(sf, (*loc, "task_list")), "ref.invalid-file",
                                         f"附件引用的任务清单文件“{a.task_list}”{why}，附件中的任务清单无法生成。",
                                         field_path=_path((*loc, "task_list")), field_title="任务清单文件"))
            for loc, s in _sections(n):
                if s.responsibility is not None:
                    for key in ("lead", "units"):
                        for j, u in enumerate(getattr(s.responsibility, key)):
                            check_unit(sf, (*loc, "responsibility", key, j), u, "责任单位", collective=True)
    from wenshu import coherence

    coherence.check(ds, col, Ref)


def _sections(n: NoticeFile) -> Iterable[tuple[tuple, Section]]:
    def walk(prefix: tuple, sections: list[Section]):
        for i, s in enumerate(sections):
            loc = (*prefix, i)
            yield loc, s
            yield from walk((*loc, "sections"), s.sections)

    yield from walk(("sections",), n.sections)
    if n.enclosure is not None:
        yield from walk(("enclosure", "sections"), n.enclosure.sections)


def _check_project(col: ProblemCollector, sf: Any, loc: tuple, pid: str, ids: Any, ds: Dataset | None = None) -> bool:
    """True when ``pid`` is a valid project. A project that exists but failed validation is not
    reported again here (its own errors are); one that exists nowhere is."""
    if pid in ids:
        return True
    if ds is not None and pid in ds.invalid_ids:
        return False
    hint = _suggest(pid, sorted(ids.keys()))
    if ds is not None:
        if ds.unread_files:
            hint = (hint + "；" if hint else "") + f"另有 {len(ds.unread_files)} 个数据文件无法读取（见上），该项目可能定义在其中"
    col.add(_problem(Ref(sf, loc), "ref.unknown-project", f"项目编号“{pid}”在项目数据中不存在。",
                     field_path=_path(loc), field_title="项目编号", hint=hint))
    return False


def _raw_check(ds: Dataset, col: ProblemCollector) -> None:
    """References made by files or records that failed validation, read from their raw YAML."""
    names = ds.names
    for rf in ds.raw:
        for what, value, loc in rf.refs:
            if what == "project":
                _check_project(col, rf, loc, value, ds.stubs, ds)
            elif names is None:
                continue
            elif what in ("department", "unit"):
                ok = names.unit_ok(value) if what == "unit" else value in names.departments
                if not ok:
                    col.add(_problem(Ref(rf, loc), "ref.unknown-department",  # type: ignore[arg-type]
                                     f"部门“{value}”不在 district.yaml 的部门中。",
                                     field_path=_path(loc), hint=_suggest(value, names.shorts)))
            elif what == "industry" and value not in names.industries:
                col.add(_problem(Ref(rf, loc), "ref.unknown-industry", f"行业“{value}”不在 district.yaml 的行业中。",  # type: ignore[arg-type]
                                 field_path=_path(loc), hint=_suggest(value, names.industries)))
            elif what == "organ" and value not in names.organs:
                col.add(_problem(Ref(rf, loc), "ref.unknown-organ",  # type: ignore[arg-type]
                                 f"发文机关代号“{value}”不在 district.yaml 的 organs 中。", field_path=_path(loc),
                                 hint=_suggest(value, names.organs)))


def _path(loc: tuple) -> str:
    from wenshu.validation import loc_to_path

    return loc_to_path(loc)
