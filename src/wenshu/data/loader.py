"""Read a data folder in one pass: every file parsed and validated once, every problem collected.

The loader has three steps, so that whatever needs a project sees it while its file is read:

1. ``open()`` reads every file but the project files: district.yaml first (the names every other
   file is checked against), then the inputs (appraisals and evaluations, filed by project on the
   spool; reports, supervision, task lists, notices, holidays);
2. ``projects()`` reads the project files one at a time and yields each valid project once, in file
   order, after checking it (ids and 项目代码 unique across files, its department and industry
   known). The caller hands it to whatever needs it (analysis, per-project documents); nothing
   keeps it afterwards;
3. ``close()`` runs the checks that need every project (references to project ids, coherence, the
   calendar, the 发文字号 register) and sorts the problems.

``load_dataset`` runs the three steps for callers that need no project (``validate``, ``numbers``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wenshu.data import checks
from wenshu.data.dataset import Dataset, Held, Names, ProjectMeta, SourceFile
from wenshu.data.files import RawFile, discover, display_name, find_district, load_file, peek_kind
from wenshu.errors import DataError, Problem, ProblemCollector
from wenshu.models.project import Project
from wenshu.models.register import REGISTER_FILE_NAME
from wenshu.spool import Spool


@dataclass
class ProjectFileRead:
    """One project file as read (it may travel from a worker process): the file (its model gone), what
    failed of it, its problems, and per valid project its meta and what was made of it."""

    sf: SourceFile | None
    failed: RawFile | None
    problems: list[Problem]
    unread: str | None  # the file could not be read at all
    metas: list[ProjectMeta]
    made: list[Any]


class DataLoader:
    def __init__(self, paths: Iterable[Path | str], *, spool_dir: Path | None = None):
        self.paths = [Path(p) for p in paths]
        self.spool_dir = spool_dir
        self.collector: ProblemCollector | None = None
        self.ds: Dataset | None = None
        self._project_files: list[Path | tuple] = []
        self._state = "new"

    # ── 1 ──────────────────────────────────────────────────────────────────────────────────
    def open(self) -> Dataset:
        """Read every file except the project files; the dataset is complete but for its projects."""
        paths = self.paths
        files, problems = discover(paths)
        self.collector = col = ProblemCollector(problems)
        root = paths[0] if len(paths) == 1 and paths[0].is_dir() else None
        self.ds = ds = Dataset(root=root, spool=Spool(self.spool_dir), inputs=Spool(self.spool_dir, name="inputs.sqlite"))
        if not any(p.name == "district.yaml" for p in files):
            extra = find_district(paths)
            if extra is not None:
                files.insert(0, extra)
                # The folder's 发文登记簿 too: a file checked on its own is numbered against it.
                register = extra.parent / REGISTER_FILE_NAME
                if register.is_file() and register.resolve() not in {f.resolve() for f in files}:
                    files.append(register)
        # The district first: every other file is checked against its names.
        files.sort(key=lambda p: p.name != "district.yaml")
        for path in files:
            if peek_kind(path) == "projects":
                self._project_files.append(path)  # read in step 2
                continue
            sf, failed = self._read(path)
            if (sf or failed) is not None and (sf or failed).kind == "projects":  # its kind came late in the file
                self._project_files.append((sf, failed))
                if sf is not None:
                    ds.files.pop()  # appended again, in file order, in step 2
        checks.assemble(ds, col)
        ds.inputs.freeze()  # every appraisal and evaluation is in: read-only from here, by any process
        self._state = "open"
        return ds

    def _read(self, path: Path) -> tuple[SourceFile | None, RawFile | None]:
        """Read one file into the dataset: its valid part (None if nothing) and what failed of it."""
        ds, col = self.ds, self.collector
        assert ds is not None and col is not None
        before = len(ds.raw)
        sf, probs = load_file(path, raw=ds.raw)
        col.extend(probs)
        failed = ds.raw[before] if len(ds.raw) > before else None
        if failed is not None and failed.kind == "district" and ds.names is None:
            ds.names = Names.from_raw(failed.refs[0][1])
            ds.district_failed = failed.display
        if sf is None:
            if failed is None:
                ds.unread_files.append(display_name(path))
                if path.name == "district.yaml" and ds.district_failed is None:
                    ds.district_failed = display_name(path)
            return None, failed
        ds.files.append(sf)
        if sf.kind == "district" and ds.district is None:
            ds.district = sf.model  # type: ignore[assignment]
            ds.names = Names(ds.district)
        elif sf.kind in ("appraisals", "evaluations") and self._state == "new":
            fi = len(ds.files) - 1
            for i, r in enumerate(getattr(sf.model, sf.kind)):
                ds.hold(sf.kind, Held(fi, i, r))
            sf.model = None  # filed by project on the spool
        return sf, failed

    # ── 2 ──────────────────────────────────────────────────────────────────────────────────
    def project_entries(self) -> list[Any]:
        """The project files, in file order, for ``read`` (a path, or a file step 1 already read)."""
        assert self._state == "open", "DataLoader.open() first, the project files once"
        self._state = "projects"
        return list(self._project_files)

    @staticmethod
    def read(entry: Any, process: Callable[[SourceFile, int, Project], Any] | None = None) -> ProjectFileRead:
        """Read one project file on its own (any process may do it): its valid projects' metas and,
        for each, what ``process(sf, index, project)`` makes of it while the project is at hand."""
        if isinstance(entry, Path):
            raw: list[RawFile] = []
            sf, problems = load_file(entry, raw=raw)
            failed = raw[0] if raw else None
            unread = display_name(entry) if sf is None and failed is None else None
        else:
            (sf, failed), problems, unread = entry, [], None  # read in step 1 (its problems are in)
        metas, made = [], []
        if sf is not None and sf.kind == "projects":
            for i, p in enumerate(sf.model.projects):  # type: ignore[union-attr]
                metas.append(ProjectMeta.of(p))
                made.append(process(sf, i, p) if process is not None else None)
            sf.model = None  # its projects have passed by
        elif sf is not None:
            sf = None  # its first lines said projects, its kind says otherwise: not read as projects
        return ProjectFileRead(sf, failed, problems, unread, metas, made)

    def take(self, read: ProjectFileRead) -> Iterator[int]:
        """Take a read file into the dataset, in file order: its problems, and the index of each of its
        projects that is valid and defined here first (ids and 项目代码 unique across files)."""
        ds, col = self.ds, self.collector
        assert ds is not None and col is not None
        col.extend(read.problems)
        if read.unread is not None:
            ds.unread_files.append(read.unread)
        if read.failed is not None and read.failed not in ds.raw:
            ds.raw.append(read.failed)
        if read.sf is not None:
            ds.files.append(read.sf)
        if read.sf is not None or (read.failed is not None and read.failed.kind == "projects"):
            yield from checks.take_projects(ds, read.sf, read.failed, read.metas, col)

    def projects(self) -> Iterator[Project]:
        """Each valid project once, in file order, as its file is read (each file read once)."""
        for entry in self.project_entries():
            read = self.read(entry, lambda sf, i, p: p)
            for i in self.take(read):
                yield read.made[i]
        self._state = "read"

    # ── 3 ──────────────────────────────────────────────────────────────────────────────────
    def close(self) -> Dataset:
        """The checks that need every project; ``ds.problems`` complete and sorted."""
        if self._state == "open":
            for _ in self.projects():
                pass
        self._state = "read"
        ds, col = self.ds, self.collector
        assert ds is not None and col is not None
        checks.cross_check(ds, col)
        checks.raw_check(ds, col)
        checks.after_load(ds, col)
        ds.problems = col.sorted()
        self._state = "closed"
        return ds


def load_dataset(paths: Iterable[Path | str], *, strict: bool = True, spool_dir: Path | None = None,
                 on_project: Callable[[Project], None] | None = None) -> Dataset:
    """Load every file, validate it and check cross-file references (``on_project`` sees each
    valid project once, as its file is read).

    Raises ``DataError`` with all problems when any error was found (``strict``); otherwise returns
    the dataset with ``problems`` filled.
    """
    loader = DataLoader(paths, spool_dir=spool_dir)
    loader.open()
    for p in loader.projects():
        if on_project is not None:
            on_project(p)
    ds = loader.close()
    if strict and any(p.severity == "error" for p in ds.problems):
        raise DataError(ds.problems)
    return ds


__all__ = ["DataLoader", "load_dataset", "Problem"]
