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
from pathlib import Path

from wenshu.data import checks
from wenshu.data.dataset import Dataset, Held, Names, SourceFile
from wenshu.data.files import RawFile, discover, display_name, find_district, load_file, peek_kind
from wenshu.errors import DataError, Problem, ProblemCollector
from wenshu.models.project import Project
from wenshu.models.register import REGISTER_FILE_NAME
from wenshu.spool import Spool


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
        self.ds = ds = Dataset(root=root, spool=Spool(self.spool_dir))
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
        elif sf.kind in ("appraisals", "evaluations"):
            fi = len(ds.files) - 1
            store = ds.held[sf.kind]
            for i, r in enumerate(getattr(sf.model, sf.kind)):
                store.add(r.project, Held(fi, i, r))
            sf.model = None  # filed by project on the spool
        return sf, failed

    # ── 2 ──────────────────────────────────────────────────────────────────────────────────
    def projects(self) -> Iterator[Project]:
        """Each valid project once, in file order, as its file is read (each file read once)."""
        assert self._state == "open", "DataLoader.open() first, projects() once"
        self._state = "projects"
        ds, col = self.ds, self.collector
        assert ds is not None and col is not None
        for entry in self._project_files:
            if isinstance(entry, Path):
                sf, failed = self._read(entry)
                if (sf or failed) is None or (sf or failed).kind != "projects":
                    continue  # unreadable, or its first lines said projects and its kind says otherwise
            else:
                sf, failed = entry
                if sf is not None:
                    ds.files.append(sf)
            yield from checks.take_projects(ds, sf, failed, col)
            if sf is not None:
                sf.model = None  # its projects have passed by
        self._state = "read"

    # ── 3 ──────────────────────────────────────────────────────────────────────────────────
    def close(self) -> Dataset:
        """The checks that need every project; ``ds.problems`` complete and sorted."""
        if self._state == "open":
            for _ in self.projects():
                pass
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
