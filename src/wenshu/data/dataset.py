"""What a data folder holds once read: the validated models of its small files, an index of its
projects, and its appraisals and evaluations filed by project.

Projects themselves are not kept: each project file is read once, and every project passes by the
consumers that need it (checks, analysis, per-project documents) as it is read (``wenshu.data.loader``).
What outlives that pass is small per project (``ProjectStub``) or kept on disk (``Spool``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from wenshu.errors import Problem
from wenshu.loading import LoadedYaml, load_yaml
from wenshu.models.appraisal import Appraisal
from wenshu.models.district import DistrictFile
from wenshu.models.evaluation import EvaluationInput
from wenshu.models.holidays import HolidayFile
from wenshu.models.notice import NoticeFile
from wenshu.models.project import Library
from wenshu.models.reports import AnnualReportFile, IndustryReportInput
from wenshu.models.supervision import SupervisionFile
from wenshu.models.tasks import TaskListFile
from wenshu.spool import Spool

# Collective names used in task lists and notices (“各行业主管部门”); they are not departments.
COLLECTIVE_UNITS = frozenset(
    {"各行业主管部门", "区各行业主管部门", "各相关部门", "各街道办事处", "区直各部门", "各有关部门"}
)

# File kinds made of a list of independent records: one bad record does not discard its siblings.
RECORD_LISTS = {
    "projects": "projects",
    "appraisals": "appraisals",
    "evaluations": "evaluations",
    "industry_reports": "reports",
}


@dataclass
class SourceFile:
    path: Path
    display: str
    kind: str
    sha256: str
    model: BaseModel | None  # None for a project file once its projects have passed by
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


@dataclass(frozen=True)
class Ref:
    """Where a record came from: file and the path of the record inside it."""

    file: Any  # SourceFile or RawFile
    loc: tuple

    def position(self) -> tuple[int | None, int | None]:
        return self.file.loaded.locate(self.loc)


@dataclass(frozen=True, slots=True)
class ProjectMeta:
    """What the checks across files need of a project as its file is read (it may come from a worker)."""

    id: str
    name: str
    code: str | None
    library: Library
    department: str
    industry: str
    completed: bool

    @classmethod
    def of(cls, p: Any) -> ProjectMeta:
        impl = p.implementation
        return cls(p.id, p.name, p.code, p.library, p.department, p.industry, bool(impl and impl.actual_completion))

    def __reduce__(self):  # a tuple pickles at C speed (slots dataclasses go through Python)
        return (ProjectMeta, (self.id, self.name, self.code, self.library, self.department, self.industry,
                              self.completed))


@dataclass(frozen=True, slots=True)
class ProjectStub(ProjectMeta):
    """What cross-file checks and documents need to know of a project after its file was read: its
    meta, and where it is defined."""

    file_index: int  # into Dataset.files
    index: int  # into that file's (possibly filtered) list of projects

    def __reduce__(self):
        return (ProjectStub, (self.id, self.name, self.code, self.library, self.department, self.industry,
                              self.completed, self.file_index, self.index))


@dataclass(frozen=True, slots=True)
class Held:
    """A record of a list file (appraisal, evaluation) filed by project, apart from its file's model."""

    file_index: int
    index: int
    record: Any


class Names:
    """The names the district defines (departments, industries, organs), for reference checks."""

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
    def from_raw(cls, data: dict) -> Names:
        """The names an invalid district.yaml still gives (every entry whose name is text)."""
        names = cls(None)

        def entries(key: str):
            seq = data.get(key)
            return [e for e in seq if isinstance(e, dict)] if isinstance(seq, list) else []

        def text(v: Any) -> str | None:
            return v.strip() if isinstance(v, str) and v.strip() else None

        for d in entries("departments"):
            for k in ("short", "name"):
                if text(d.get(k)):
                    names.departments.add(text(d.get(k)))  # type: ignore[arg-type]
            if text(d.get("short")):
                names.shorts.append(text(d.get("short")))  # type: ignore[arg-type]
        names.industries = [text(i.get("name")) for i in entries("industries") if text(i.get("name"))]  # type: ignore[misc]
        names.organs = [text(o.get("key")) for o in entries("organs") if text(o.get("key"))]  # type: ignore[misc]
        return names

    def unit_ok(self, name: str) -> bool:
        return name in self.departments or name in COLLECTIVE_UNITS


@dataclass
class Dataset:
    root: Path | None
    spool: Spool = field(default_factory=Spool, repr=False)
    files: list[SourceFile] = field(default_factory=list)
    district: DistrictFile | None = None
    industry_reports: list[IndustryReportInput] = field(default_factory=list)
    annual_report: AnnualReportFile | None = None
    supervision: list[SupervisionFile] = field(default_factory=list)
    task_lists: dict[str, TaskListFile] = field(default_factory=dict)
    notices: dict[str, NoticeFile] = field(default_factory=dict)
    holidays: HolidayFile | None = None
    problems: list[Problem] = field(default_factory=list)
    # id → ProjectStub of every valid, first-defined project, in file order.
    stubs: dict[str, ProjectStub] = field(default_factory=dict)
    # What could be read of files (or records) that failed validation, for the cross-file checks.
    raw: list[Any] = field(default_factory=list, repr=False)  # RawFile
    # Names the district defines: from district.yaml's model, or from its raw YAML when it exists
    # but is invalid (then ``district_failed`` is its display name).
    names: Names | None = field(default=None, repr=False)
    district_failed: str | None = None
    unread_files: list[str] = field(default_factory=list, repr=False)  # files nothing could be taken from
    invalid_ids: dict[str, tuple[int, tuple]] = field(default_factory=dict, repr=False)  # id → (raw index, loc)
    # 项目代码 → ("v"|"r", file or raw index, record index, project id)
    codes: dict[str, tuple] = field(default_factory=dict, repr=False)
    numbers: Any = field(default=None, repr=False)  # the 发文字号 register (wenshu.numbers.Register)
    # project id → [(kind, Held)] of its appraisals and evaluations, on a spool of their own (large
    # districts hold many; frozen once read, so forked workers read it too); one look-up gives a
    # project everything it needs from other files.
    inputs: Spool = field(default_factory=lambda: Spool(name="inputs.sqlite"), repr=False)
    held: Any = field(default=None, repr=False)
    evaluated: set[str] = field(default_factory=set, repr=False)  # projects with an evaluation input

    def __post_init__(self) -> None:
        if self.held is None:
            self.held = self.inputs.multimap("inputs")

    def hold(self, kind: str, held: Held) -> None:
        """File an appraisal or evaluation record under its project."""
        self.held.add(held.record.project, (kind, held))
        if kind == "evaluations":
            self.evaluated.add(held.record.project)

    def held_of(self, pid: str) -> dict[str, list[Held]]:
        """A project's appraisals and evaluations (``{"appraisals": [...], "evaluations": [...]}``)."""
        out: dict[str, list[Held]] = {"appraisals": [], "evaluations": []}
        for kind, h in self.held.get_all(pid):
            out[kind].append(h)
        return out

    def close(self) -> None:
        """Remove the spools' files now (they go with the dataset anyway)."""
        self.spool.close()
        self.inputs.close()

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
        return [h.record for h in self.held_of(pid)["appraisals"]]

    def evaluation(self, pid: str) -> EvaluationInput | None:
        """The project's evaluation input (the last one when several files give one)."""
        held = self.held_of(pid)["evaluations"]
        return held[-1].record if held else None

    def evaluation_file(self, pid: str) -> str | None:
        held = self.held_of(pid)["evaluations"]
        return self.rel(self.files[held[-1].file_index]) if held else None

    def iter_evaluations(self) -> Iterator[EvaluationInput]:
        """Every project's evaluation input in force (the last one given for a project)."""
        for key in self.held.keys():
            if key in self.evaluated:
                yield self.held_of(key)["evaluations"][-1].record

    @property
    def evaluation_count(self) -> int:
        """Number of projects with an evaluation input."""
        return len(self.evaluated)

    def held_records(self, kind: str) -> Iterable[Held]:
        """Every appraisal or evaluation record, in the order the files gave them."""
        return (h for k, h in self.held.values() if k == kind)

    def rel(self, sf: SourceFile) -> str:
        """The file's path relative to the data folder (how documents name their sources)."""
        got = sf.__dict__.get("_rel")
        if got is None:
            got = sf.display
            if self.root is not None:
                try:
                    got = sf.path.resolve().relative_to(self.root.resolve()).as_posix()
                except ValueError:
                    pass
            sf.__dict__["_rel"] = got
        return got

    def files_of(self, kind: str) -> list[str]:
        return [self.rel(f) for f in self.files if f.kind == kind]

    def source_of(self, key: str) -> SourceFile | None:
        return next((f for f in self.files if f.display == key or str(f.path) == key), None)
