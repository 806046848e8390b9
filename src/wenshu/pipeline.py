"""One pass from a data folder to documents: read, check, analyse, plan — each file read once.

    run = Pipeline([data], kinds=[...], as_of=day)
    ds = run.open()                    # every file but the project files; the days to analyse
    for job in run.project_jobs():     # project files read once: checks, analysis, per-project documents
        ...
    ds, analysis = run.finish()        # every problem known; the analysis complete
    for job in run.jobs(kind): ...     # the documents built from the whole district

``analyze``, ``render`` and ``batch`` go this way; they differ only in the kinds they ask for and in
what they do with the jobs (``batch`` hands the project files to its worker pool). ``validate`` and
``numbers`` read the same way (``wenshu.data.load_dataset``: the same ``DataLoader`` steps), without
analysing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from wenshu.analysis.engine import Analysis, Analyzer, ProjectAnalysis
from wenshu.analysis.project import ProjectInputs
from wenshu.data.dataset import Dataset
from wenshu.data.loader import DataLoader
from wenshu.documents.base import DocJob, DocumentKind
from wenshu.models.project import Project


class ProjectPass:
    """One project as it streams past: its inputs and its analyses, for per-project documents."""

    __slots__ = ("run", "project", "inputs", "analyses", "evaluation_file", "project_file")

    def __init__(self, run: Pipeline, project: Project, inputs: ProjectInputs, analyses: dict[dt.date, ProjectAnalysis],
                 evaluation_file: str | None, project_file: str):
        self.run, self.project, self.inputs, self.analyses = run, project, inputs, analyses
        self.evaluation_file = evaluation_file  # the data file its evaluation input is in
        self.project_file = project_file  # the data file it is defined in

    @property
    def ds(self) -> Dataset:
        return self.run.ds  # type: ignore[return-value]

    @property
    def as_of(self) -> dt.date:
        return self.run.as_of

    def analysis_at(self, day: dt.date) -> ProjectAnalysis:
        """The project's full analysis as of ``day`` (computed in the pass when it is a day of the run)."""
        got = self.analyses.get(day)
        if got is None:
            got = self.analyses[day] = self.run.analyzer.detail(self.project, day, self.inputs)  # type: ignore[union-attr]
        return got


class Pipeline:
    def __init__(self, paths: Iterable[Path | str], *, kinds: Iterable[DocumentKind] = (), as_of: dt.date | None = None,
                 analysis: bool = False, spool_dir: Path | None = None,
                 on_analysis: Callable[[Project, ProjectAnalysis], None] | None = None):
        """``kinds``: the documents to plan; ``analysis``: analyse even when no kind needs it;
        ``on_analysis``: sees each project's full analysis as of ``as_of`` (``analyze --json``)."""
        self.loader = DataLoader(paths, spool_dir=spool_dir)
        self.kinds = list(kinds)
        self.as_of = as_of or dt.date.today()
        self.want_analysis = analysis or on_analysis is not None or any(k.needs_analysis for k in self.kinds)
        self.on_analysis = on_analysis
        # Applied to each per-project job where it is made (a worker, in batch): DocJob -> DocJob.
        self.prepare_job: Callable[[DocJob], DocJob] | None = None
        self.ds: Dataset | None = None
        self.analyzer: Analyzer | None = None
        self.analysis: Analysis | None = None
        self._cache: dict[str, Any] = {}

    def open(self) -> Dataset:
        """Read every file but the project files, and get the analysis ready for every day the
        planned documents state figures for. Raises ``DataError`` for an invalid rules.yaml."""
        from wenshu.analysis.workdays import WorkdayCalendar
        from wenshu.data.settings import find_rules_file, load_rules

        ds = self.ds = self.loader.open()
        if self.want_analysis:
            # The run's day covers every project; a document's own 统计截止日 covers what it reports on.
            days: dict[dt.date, frozenset[str] | None] = {self.as_of: None}
            for k in self.kinds:
                for day, scope in sorted(k.cutoffs(ds, self.as_of) if k.cutoffs else (), key=lambda x: x[0]):
                    if day in days:
                        days[day] = None if days[day] is None or scope is None else days[day] | scope
                    else:
                        days[day] = scope
            rf = find_rules_file(ds.root)
            hf = next((f for f in ds.files if f.kind == "holidays"), None)
            inputs = self.inputs
            self.analyzer = Analyzer(
                days=days, rules=load_rules(ds.root), rules_source=rf.as_posix() if rf else None,
                calendar=WorkdayCalendar.from_holiday_file(ds.holidays, source_file=hf.display if hf else None),
                district=ds.district, supervision=ds.supervision, inputs=inputs,
                tables=lambda name, ordered: ds.spool.multimap(name) if ordered else ds.spool.map(name))
        return ds

    def inputs(self, pid: str) -> ProjectInputs:
        return self._inputs(pid)[0]

    def _inputs(self, pid: str) -> tuple[ProjectInputs, str | None]:
        """A project's appraisals and evaluation (one look-up), and the file of its evaluation."""
        ds = self.ds
        assert ds is not None
        held = ds.held_of(pid)
        ev = held["evaluations"][-1] if held["evaluations"] else None
        return (ProjectInputs([h.record for h in held["appraisals"]], ev.record if ev else None),
                ds.rel(ds.files[ev.file_index]) if ev else None)

    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        """A value computed once per run (a kind's wording, its district names ...)."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def project_jobs(self, executor: Any = None, ahead: int = 3) -> Iterator[DocJob]:
        """Read the project files (each once): every project is checked and analysed, and the
        per-project kinds make their documents from it while it is at hand.

        With ``executor`` (a process pool forked from this process: ``batch``), the files are read,
        analysed and turned into documents in the pool, ``ahead`` at a time; this process takes their
        results in file order, exactly as it takes a file it reads itself."""
        if self.ds is None:
            self.open()
        global _RUN
        _RUN = self  # what a forked worker finds (``_work_on_file``)
        entries = self.loader.project_entries()
        if executor is None:
            reads = (self._work(e) for e in entries)
        else:
            reads = _in_order(executor, entries, ahead)
        for read in reads:
            for i in self.loader.take(read):
                done = read.made[i]
                if done is None:
                    continue
                result, detail, jobs = done
                self.analyzer.take(result)  # type: ignore[union-attr]
                if detail is not None:
                    self.on_analysis(detail[0], detail[1])  # type: ignore[misc]
                yield from jobs
        self.loader._state = "read"

    def _work(self, entry: Any):
        """Read one project file and do every project's own work (any process may do it)."""
        return self.loader.read(entry, self._project if self.analyzer is not None else None)

    def _project(self, sf: Any, index: int, p: Project):
        """One project while it is at hand: its part in the analysis, its full analysis for
        ``on_analysis`` (this process only), its own documents."""
        ds = self.ds
        assert ds is not None and self.analyzer is not None
        inputs, evaluation_file = self._inputs(p.id)
        result, analyses = self.analyzer.compute(p, inputs)
        detail = (p, analyses[self.as_of]) if self.on_analysis is not None and self.as_of in analyses else None
        jobs = []
        # A document needs the district's names and organs: without a valid district.yaml (an error
        # already reported), the projects are still read and checked, but no document is made.
        if ds.district is not None:
            step = ProjectPass(self, p, inputs, analyses, evaluation_file, ds.rel(sf))
            for k in self.kinds:
                if k.per_project is not None:
                    job = k.per_project(step)
                    if job is not None:
                        jobs.append(self.prepare_job(job) if self.prepare_job is not None else job)
        return result, detail, jobs

    def finish(self) -> tuple[Dataset, Analysis | None]:
        """Every problem known (``ds.problems``), the analysis complete."""
        if self.ds is None:
            self.open()
        if self.loader._state == "open":
            for _ in self.project_jobs():
                pass
        ds = self.loader.close()
        if self.analyzer is not None:
            self.analysis = self.analyzer.finish()
        return ds, self.analysis

    def jobs(self, kind: DocumentKind) -> Iterable[DocJob]:
        """The jobs of a kind built from the whole district (after ``finish``)."""
        if kind.build is None:
            return []
        return kind.build(self.ds, self.analysis)


_RUN: Pipeline | None = None  # the pipeline whose project files a forked worker reads


def _work_on_file(entry: Any):
    """In a worker forked from the batch: read one project file for the pipeline it was forked from."""
    assert _RUN is not None
    return _RUN._work(entry)


def _in_order(executor: Any, entries: list[Any], ahead: int) -> Iterator[Any]:
    """``_work_on_file`` over ``entries`` in the pool, ``ahead`` files at a time, results in file order."""
    from collections import deque

    pending: deque = deque()
    it = iter(entries)
    for entry in it:
        pending.append(executor.submit(_work_on_file, entry))
        if len(pending) >= ahead:
            break
    while pending:
        got = pending.popleft().result()
        for entry in it:
            pending.append(executor.submit(_work_on_file, entry))
            break
        yield got


class Plan:
    """Everything one pass planned: the dataset, its analysis and every job, by kind."""

    def __init__(self, ds: Dataset, analysis: Analysis | None, jobs: list[DocJob]):
        self.ds, self.analysis, self.jobs = ds, analysis, jobs

    def of(self, kind: str) -> list[DocJob]:
        return [j for j in self.jobs if j.kind == kind]


def plan_all(paths: Iterable[Path | str], kinds: Iterable[DocumentKind] | None = None, *, as_of: dt.date | None = None,
             analysis: bool = False, strict: bool = True) -> Plan:
    """One pass over the data: every job of ``kinds`` (default every kind), in memory (for one document,
    a test, a small district; ``batch`` streams instead). With ``strict``, data errors raise
    ``DataError`` (every problem, located) and no job is planned."""
    from wenshu.documents import REGISTRY
    from wenshu.errors import DataError

    kinds = list(REGISTRY.values()) if kinds is None else list(kinds)
    run = Pipeline(paths, kinds=kinds, as_of=as_of, analysis=analysis)
    run.open()
    jobs = list(run.project_jobs())
    ds, result = run.finish()
    if strict and any(p.severity == "error" for p in ds.problems):
        raise DataError(ds.problems)
    for k in kinds:
        jobs += list(run.jobs(k))
    return Plan(ds, result, jobs)


def analyze(paths: Iterable[Path | str], as_of: dt.date, *, strict: bool = True) -> tuple[Dataset, Analysis]:
    """Read and analyse a data folder as of ``as_of`` (no documents)."""
    p = plan_all(paths, [], as_of=as_of, analysis=True, strict=strict)
    return p.ds, p.analysis  # type: ignore[return-value]
