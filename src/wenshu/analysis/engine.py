"""The district's analysis, built while projects stream past once: ``Analyzer.add(project)`` for each,
then ``Analyzer.finish()``.

* per project (``wenshu.analysis.project``): indicators, lights, deadlines (论证入库, 两算) and score;
* per department, per industry and for the district, each split 全部 / 政府投资 / 社会投资:
  aggregated indicators (sums of the projects' numerators and denominators), light counts, score;
* 三库 totals and multiples of last year's investment;
* overdue items (逾期): 论证入库 steps, appraisal records, 两算 steps, monthly 两算 reports;
* supervision results per month (score, rank, 通报表彰 / 通报批评 with facts).

Every date a document states figures for (its 统计截止日) is analysed in the same pass. What outlives
the pass per project (a compact analysis, overdue items) goes to tables the caller provides (the
run's spool), so memory does not grow with the district. Everything here is a fact (numbers, dates,
keys of the wording file); ``wenshu.analysis_output`` writes it out as text or JSON.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from wenshu.analysis.deadlines import Status, monthly_report_deadline, rectification_due
from wenshu.analysis.indicators import (
    SPECS,
    Indicator,
    LibraryEntry,
    LibraryTotals,
    by,
    library_at,
    library_entry,
    library_totals_from,
)
from wenshu.analysis.lights import Colour
from wenshu.analysis.project import OverdueItem, ProjectAnalysis, ProjectInputs, analyze_project, compact
from wenshu.analysis.scoring import ScoreResult, score
from wenshu.analysis.supervision import MonthSupervision, supervision_results
from wenshu.analysis.workdays import WorkdayCalendar
from wenshu.models.district import DistrictFile, InvestmentType
from wenshu.models.project import Project
from wenshu.models.rules import RulesFile
from wenshu.models.supervision import SupervisionFile

SPLITS = ("全部", InvestmentType.GOVERNMENT.value, InvestmentType.SOCIAL.value)

__all__ = ["Analysis", "Analyzer", "GroupAnalysis", "GroupSplit", "OverdueItem", "ProjectAnalysis", "ProjectInputs"]


@dataclass
class GroupSplit:
    """One group's figures for one split (全部 / 政府投资 / 社会投资)."""

    split: str
    project_ids: list[str]
    total_investment: Decimal
    indicators: dict[str, Indicator]
    lights: dict[str, int]  # 红灯 / 黄灯 / 绿灯 / 不适用 → number of projects (overall light)
    score: ScoreResult


@dataclass
class GroupAnalysis:
    kind: str  # 部门 / 行业 / 全区
    name: str
    splits: dict[str, GroupSplit]

    @property
    def all(self) -> GroupSplit:
        return self.splits["全部"]


@dataclass
class Analysis:
    as_of: date
    district: str
    year: int
    rules: RulesFile
    rules_source: str | None  # the data folder's rules.yaml, None for the shipped defaults
    calendar: WorkdayCalendar
    cohort_year: int  # completion year for 结算率 / 决算率
    projects: Any  # re-iterable ProjectAnalysis (compact), in file order; ``project(id)`` looks one up
    departments: list[GroupAnalysis]
    industries: list[GroupAnalysis]
    district_total: GroupAnalysis
    libraries: LibraryTotals
    overdue: Any  # re-iterable OverdueItem: open items first, then the longest late
    supervision: list[MonthSupervision]
    _others: dict = field(default_factory=dict, repr=False)

    def at(self, day: date) -> Analysis:
        """The analysis as of another 统计截止日 analysed in the same pass (``Analyzer(days=…)``)."""
        if day == self.as_of:
            return self
        got = self._others.get(day)
        if got is None:
            raise KeyError(f"{day.isoformat()} was not among the days analysed in this pass")
        return got

    def project(self, pid: str) -> ProjectAnalysis | None:
        return self.projects.get(pid)

    def department(self, name: str) -> GroupAnalysis | None:
        return next((g for g in self.departments if g.name == name), None)

    def industry(self, name: str) -> GroupAnalysis | None:
        return next((g for g in self.industries if g.name == name), None)

    def by_colour(self, colour: Colour) -> list[ProjectAnalysis]:
        return [p for p in self.projects if p.overall is colour]


class _Sums:
    """Running sums of the projects of one (department, industry, investment type): groups are built
    from these cells at the end, without keeping any project's indicators (sums of numerators and
    denominators are exactly what ``aggregate`` computes)."""

    __slots__ = ("total", "nums", "dens", "lights")

    def __init__(self) -> None:
        self.total = Decimal(0)
        self.nums = {k: Decimal(0) for k in SPECS}
        self.dens = {k: Decimal(0) for k in SPECS}
        self.lights: Counter = Counter()

    def add(self, r: DayResult) -> None:
        self.total += r.total
        nums, dens = self.nums, self.dens
        for k, n, d in zip(SPECS, r.nums, r.dens):
            nums[k] += n
            dens[k] += d
        self.lights[r.light] += 1

    def merge(self, other: _Sums) -> None:
        self.total += other.total
        for k in SPECS:
            self.nums[k] += other.nums[k]
            self.dens[k] += other.dens[k]
        self.lights.update(other.lights)

    def split(self, name: str, ids: list[str], rules: RulesFile) -> GroupSplit:
        inds = {k: Indicator.of(k, self.nums[k], self.dens[k]) for k in SPECS}
        lights = {k: self.lights.get(k, 0) for k in ("红灯", "黄灯", "绿灯", "不适用")}
        return GroupSplit(name, ids, self.total, inds, lights, score(inds, rules))


def _overdue_order(o: OverdueItem) -> str:
    """Open items first, then the longest late, as text that sorts that way (the table's order)."""
    return f"{int(not o.open)}{-o.deadline.days_late + 10**12:013d}"


@dataclass(frozen=True, slots=True)
class DayResult:
    """What the district's figures take from one project as of one day (small: it may travel from a
    worker process): its compact analysis (pickled once, where it was made, as the records table keeps
    it), the fields the groups sum (investment type, total, overall light, its indicators' numerators
    and denominators in SPECS order), its overdue items and its 三库 entry."""

    compact: bytes
    investment_type: str
    total: Decimal
    light: str  # 红灯 / 黄灯 / 绿灯 / 不适用
    nums: tuple[Decimal, ...]
    dens: tuple[Decimal, ...]
    overdue: tuple[OverdueItem, ...]
    library: LibraryEntry

    def __reduce__(self):  # a tuple pickles at C speed (slots dataclasses go through Python)
        return (DayResult, (self.compact, self.investment_type, self.total, self.light, self.nums, self.dens,
                            self.overdue, self.library))


@dataclass(frozen=True, slots=True)
class ProjectResult:
    """One project's part in the analysis, every day of the pass (``Analyzer.compute``)."""

    id: str
    department: str
    industry: str
    government: bool
    days: dict[date, DayResult]

    def __reduce__(self):
        return (ProjectResult, (self.id, self.department, self.industry, self.government, self.days))


class _Day:
    """One analysis date's running state while projects stream past. ``scope``: the industries whose
    projects it covers (an industry report's own date), or None for every project."""

    def __init__(self, as_of: date, scope: frozenset[str] | None, tables: Callable[[str, bool], Any]):
        self.as_of, self.scope = as_of, scope
        ns = f"analysis.{as_of.isoformat()}"
        self.stored = tables(f"{ns}.projects", False)  # id → compact ProjectAnalysis
        self.late = tables(f"{ns}.overdue", True)  # overdue items, ordered
        self.libs: list[LibraryEntry] = []
        self.cells: dict[tuple[str, str, str], _Sums] = {}  # (department, industry, investment type) → sums
        self.ids: dict[tuple[str, str, str], list[str]] = {}  # (group kind, name, split) → project ids in order

    def take(self, p: ProjectResult, r: DayResult) -> None:
        cell = self.cells.get((p.department, p.industry, r.investment_type))
        if cell is None:
            cell = self.cells[(p.department, p.industry, r.investment_type)] = _Sums()
        cell.add(r)
        ids = self.ids
        for key in (("部门", p.department), ("行业", p.industry), ("全区", "")):
            for split in ("全部", r.investment_type):
                got = ids.get((*key, split))
                if got is None:
                    got = ids[(*key, split)] = []
                got.append(p.id)
        self.libs.append(r.library)
        self.stored.put_pickled(p.id, r.compact)
        for o in r.overdue:
            self.late.add(o.project_id or "", o, _overdue_order(o))

    def group(self, kind: str, name: str, rules: RulesFile, title: str | None = None) -> GroupAnalysis:
        at = {"部门": 0, "行业": 1}.get(kind)
        splits = {}
        for split in SPLITS:
            sums = _Sums()
            for (dept, ind, inv), cell in self.cells.items():
                if (at is None or (dept, ind)[at] == name) and split in ("全部", inv):
                    sums.merge(cell)
            splits[split] = sums.split(split, self.ids.get((kind, name, split), []), rules)
        return GroupAnalysis(kind, name if title is None else title, splits)


class Analyzer:
    """Analyse projects as they stream past, as of every day in ``days`` (the first is the run's).

    ``days`` maps each day to its scope: None for every project, or the industries whose projects
    are analysed as of that day (an industry report's 统计截止日 concerns its own industry only);
    the analysis of a scoped day has figures for those industries' projects only.

    ``inputs(pid)`` gives a project's appraisals and evaluation; ``tables(name, ordered)`` makes a
    table for records that outlive the pass (a map with ``put``/``get``/``seq()`` when not
    ``ordered``, else a multimap with ``add(key, value, order)``/``seq(ordered=True)``).
    """

    def __init__(self, *, days: dict[date, frozenset[str] | None], rules: RulesFile, rules_source: str | None, calendar: WorkdayCalendar,
                 district: DistrictFile | None, supervision: list[SupervisionFile],
                 inputs: Callable[[str], ProjectInputs], tables: Callable[[str, bool], Any]):
        self.days = dict(days)
        self.rules, self.rules_source, self.calendar = rules, rules_source, calendar
        self.district, self.supervision_files = district, supervision
        self.inputs = inputs
        self._tables = tables
        self._states = [_Day(d, scope, tables) for d, scope in self.days.items()]
        self.departments: set[str] = set()
        self.industries: set[str] = set()
        self.government_departments: set[str] = set()

    def add(self, p: Project, inputs: ProjectInputs | None = None) -> dict[date, ProjectAnalysis]:
        """Analyse one project as of every day and take it into the figures; returns its full
        analyses (for its own documents)."""
        result, full = self.compute(p, inputs)
        self.take(result)
        return full

    def compute(self, p: Project, inputs: ProjectInputs | None = None) -> tuple[ProjectResult, dict[date, ProjectAnalysis]]:
        """One project as of every day (pure: a worker process may do it): its part in the figures,
        and its full analyses."""
        inputs = inputs or self.inputs(p.id)
        full: dict[date, ProjectAnalysis] = {}
        days: dict[date, DayResult] = {}
        for st in self._states:
            if st.scope is not None and p.industry not in st.scope:
                continue
            if library_at(p, st.as_of) is None:
                continue  # not yet on the platform on this date
            pa, items = analyze_project(p, inputs, st.as_of, self.rules, self.calendar)
            inds = pa.indicators
            days[st.as_of] = DayResult(pickle.dumps(compact(pa), protocol=pickle.HIGHEST_PROTOCOL), pa.investment_type,
                                       pa.total_investment, pa.overall.value if pa.overall else "不适用",
                                       tuple(inds[k].numerator for k in SPECS), tuple(inds[k].denominator for k in SPECS),
                                       tuple(items), library_entry(p, st.as_of))
            full[st.as_of] = pa
        return ProjectResult(p.id, p.department, p.industry, p.is_government, days), full

    def take(self, r: ProjectResult) -> None:
        """Take one project's part into the figures (in the order projects are read)."""
        for st in self._states:
            got = r.days.get(st.as_of)
            if got is not None:
                st.take(r, got)
        self.departments.add(r.department)
        self.industries.add(r.industry)
        if r.government:
            self.government_departments.add(r.department)

    def detail(self, p: Project, day: date, inputs: ProjectInputs | None = None) -> ProjectAnalysis:
        """One project's full analysis as of any day (a project report's own 统计截止日)."""
        return analyze_project(p, inputs or self.inputs(p.id), day, self.rules, self.calendar)[0]

    def finish(self) -> Analysis:
        d = self.district
        order = [x.short for x in d.departments] if d else []
        dept_names = sorted(self.departments, key=lambda n: (order.index(n) if n in order else 999, n))
        order = [x.name for x in d.industries] if d else []
        ind_names = sorted(self.industries, key=lambda n: (order.index(n) if n in order else 999, n))
        results = [self._finish(st, dept_names, ind_names) for st in self._states]
        others = {r.as_of: r for r in results}
        for r in results:
            r._others = others
        return results[0]

    def _finish(self, st: _Day, dept_names: list[str], ind_names: list[str]) -> Analysis:
        as_of, rules, district = st.as_of, self.rules, self.district
        sup = supervision_results(self.supervision_files, as_of, rules, district, self.government_departments)
        # The overdue list is an as_of view: a monthly report is judged against as_of here, whereas the
        # month's score judges it as of the bulletin date.
        files = {(f.year, f.month): f for f in self.supervision_files}
        for m in sup:
            bulletin = files[(m.year, m.month)].bulletin
            if bulletin is not None:
                m.rectification_due = rectification_due(bulletin.issued_on, self.calendar)
            recs = {r.department: r for r in files[(m.year, m.month)].records}
            for dm in m.departments:
                if dm.report is None:
                    continue
                ny, nm = (m.year + 1, 1) if m.month == 12 else (m.year, m.month + 1)
                r = monthly_report_deadline(ny, nm, by(recs[dm.department].settlement_report_on, as_of), as_of)
                if r.status in (Status.LATE, Status.OVERDUE):
                    o = OverdueItem("monthly_report", dm.department, None, None, None, r)
                    st.late.add("", o, _overdue_order(o))
        def groups(kind: str, names: list[str]) -> list[GroupAnalysis]:
            return [st.group(kind, n, rules) for n in names if (kind, n, "全部") in st.ids]

        name = district.name if district else ""
        return Analysis(
            as_of=as_of,
            district=name,
            year=district.year if district else as_of.year,
            rules=rules,
            rules_source=self.rules_source,
            calendar=self.calendar,
            cohort_year=as_of.year - 1,
            projects=st.stored.seq(),
            departments=groups("部门", dept_names),
            industries=groups("行业", ind_names),
            district_total=st.group("全区", "", rules, title=name),
            libraries=library_totals_from(st.libs, district.previous_year_investment if district else Decimal(0),
                                          as_of, rules),
            overdue=st.late.seq(ordered=True),
            supervision=sup,
        )
