"""Load a data folder (or files) into validated models, collecting every problem of every file.

Each YAML file declares its kind with a top-level ``kind:`` key. After each file validates on its
own, cross-file references are checked (departments, industries, project ids, organs, task-list
files), each problem pointing at the referencing field.
"""

from __future__ import annotations

import difflib
import hashlib
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
from wenshu.models.reports import AnnualReportFile, IndustryReportInput
from wenshu.models.supervision import SupervisionFile
from wenshu.models.tasks import TaskListFile
from wenshu.spool import Spool
from wenshu.validation import problems_from_validation

YAML_SUFFIXES = (".yaml", ".yml")

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


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_file(path: Path, display: str | None = None) -> tuple[SourceFile | None, list[Problem]]:
    """Load and validate one file on its own."""
    display = display or _display(path)
    try:
        # Without position maps first: they are needed only to locate a validation error (then the
        # file is read again, below), and on a large file they are most of the memory.
        loaded = load_yaml(path, display=display, positions=False)
    except DataError as e:
        return None, e.problems
    data = loaded.data
    if not isinstance(data, dict) or data.get("kind") not in FILE_KINDS:
        loaded = load_yaml(path, display=display)
    if not isinstance(data, dict):
        line, col = loaded.locate(())
        return None, [Problem(code="data.not-mapping", message="文件顶层应为键值对（以 kind: 开头）。",
                              file=display, line=line, column=col, found=type(data).__name__)]
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
    try:
        model = fk.model.model_validate(data)
        problems: list[Problem] = []
    except ValidationError as e:
        loaded = load_yaml(path, display=display)
        problems = problems_from_validation(e, fk.model, display, _problem_locator(loaded), loaded.key_positions.get)
        model, kept = _salvage(fk.model, kind, data, e)
        if model is None:
            return None, problems
    except RecursionError:
        return None, [Problem(code="data.too-deep", message="数据嵌套过深，无法校验。", file=display)]
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    return SourceFile(path=path, display=display, kind=kind, sha256=sha, model=model, kept=kept), problems


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
        ds.projects = ds.appraisals = ds.evaluations = None  # type: ignore[assignment]
        ds._held = {k: ds.spool.multimap(k) for k in ("appraisals", "evaluations")}

    if not any(p.name == "district.yaml" for p in files):
        extra = _find_district(paths)
        if extra is not None:
            files.insert(0, extra)
    # The district first: project files are checked against it as they are read.
    files.sort(key=lambda p: p.name != "district.yaml")
    for path in files:
        sf, probs = load_file(path)
        collector.extend(probs)
        if sf is None:
            continue
        ds.files.append(sf)
        if sf.kind == "district" and ds.district is None:
            ds.district = sf.model  # type: ignore[assignment]
        elif sf.kind == "projects":
            _take_projects(ds, sf, collector)
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
    ds.problems = collector.sorted()
    if strict and collector.has_errors:
        raise DataError(ds.problems)
    return ds


def _take_projects(ds: Dataset, sf: SourceFile, col: ProblemCollector) -> None:
    """Index one file's projects (ids unique across files) and check their references."""
    names = _Names(ds.district) if ds.district is not None else None
    fi = ds.files.index(sf)
    for i, p in enumerate(sf.model.projects):  # type: ignore[attr-defined]
        ref = Ref(sf, sf.loc("projects", i, "id"))
        if p.id in ds.stubs:
            other = ds.project_ref(p.id)
            line, _ = Ref(other.file, (*other.loc, "id")).position()
            col.add(_problem(ref, "ref.duplicate-project", f"项目编号“{p.id}”重复：已在 {other.file.display} 第{line}行使用。",
                             field_path=f"projects[{i}].id", field_title="项目 › 平台项目编号"))
            continue
        if not ds.lean:
            ds.projects.append(p)
        impl = p.implementation
        ds.stubs[p.id] = ProjectStub(p.id, p.name, p.library, p.department, p.industry,
                                     bool(impl and impl.actual_completion), fi, i)
        if names is None:
            continue
        if p.department not in names.departments:
            col.add(_problem(Ref(sf, sf.loc("projects", i, "department")), "ref.unknown-department",
                             f"行业主管部门“{p.department}”不在 district.yaml 的部门中。",
                             field_path=_path(sf.loc("projects", i, "department")), field_title="行业主管部门",
                             hint=_suggest(p.department, names.shorts)))
        if p.industry not in names.industries:
            col.add(_problem(Ref(sf, sf.loc("projects", i, "industry")), "ref.unknown-industry",
                             f"所属行业“{p.industry}”不在 district.yaml 的行业中。",
                             field_path=f"projects[{i}].industry", field_title="所属行业",
                             hint=_suggest(p.industry, names.industries)))


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
    def __init__(self, district: DistrictFile):
        self.departments = {d.short for d in district.departments} | {d.name for d in district.departments}
        self.shorts = [d.short for d in district.departments]
        self.industries = [i.name for i in district.industries]
        self.organs = [o.key for o in district.organs]

    def unit_ok(self, name: str) -> bool:
        return name in self.departments or name in COLLECTIVE_UNITS


def _suggest(word: str, choices: list[str]) -> str | None:
    hit = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return f"是否应为“{hit[0]}”？" if hit else None


def _cross_check(ds: Dataset, col: ProblemCollector) -> None:
    if ds.district is None:
        if ds.files:
            col.add(Problem(code="ref.no-district", severity="warning",
                            message="未找到 district.yaml（区情设置），跳过部门、行业和发文机关的引用检查。"))
        names = None
    else:
        names = _Names(ds.district)
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
        _check_project(col, sf, sf.loc("appraisals", i, "project"), a.project, ids)
        check_unit(sf, sf.loc("appraisals", i, "department"), a.department, "论证部门")
        p = ds.stubs.get(a.project)
        if p is not None and p.library == Library.CATALOGUE:
            col.add(_problem(Ref(sf, sf.loc("appraisals", i, "project")), "ref.catalogue-appraisal",
                             f"项目“{p.name}”仍在目录库，尚未发起转库申请，不应有论证记录。",
                             severity="warning", field_path=f"appraisals[{i}].project"))
    for h in ds._held_records("evaluations"):
        sf, i, e = ds.files[h.file_index], h.index, h.record
        if _check_project(col, sf, sf.loc("evaluations", i, "project"), e.project, ids):
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


def _check_project(col: ProblemCollector, sf: SourceFile, loc: tuple, pid: str, ids: Any) -> bool:
    if pid in ids:
        return True
    col.add(_problem(Ref(sf, loc), "ref.unknown-project", f"项目编号“{pid}”在项目数据中不存在。",
                     field_path=_path(loc), field_title="项目编号", hint=_suggest(pid, sorted(ids.keys()))))
    return False


def _path(loc: tuple) -> str:
    from wenshu.validation import loc_to_path

    return loc_to_path(loc)
