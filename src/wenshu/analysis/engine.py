"""``analyze(ds, as_of)``: everything the documents need, computed once, as plain dataclasses.

* per project: indicators, lights, deadlines (论证入库, 两算) and score;
* per department, per industry and for the district, each split 全部 / 政府投资 / 社会投资:
  aggregated indicators (sums of the projects' numerators and denominators), light counts, score;
* 三库 totals and multiples of last year's investment;
* overdue items (逾期): 论证入库 steps, appraisal records, 两算 steps, monthly 两算 reports;
* supervision results per month (score, rank, 通报表彰 / 通报批评 with facts).

Everything here is a fact (numbers, dates, keys of the wording file); ``wenshu.analysis_output``
writes it out as text or JSON.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from wenshu.analysis.deadlines import (
    DeadlineResult,
    Status,
    appraisal_deadline,
    liangsuan_deadlines,
    monthly_report_deadline,
)
from wenshu.analysis.indicators import (
    SPECS,
    Indicator,
    LibraryTotals,
    by,
    completion_date,
    LibraryEntry,
    library_entries,
    library_at,
    library_entry,
    library_totals_from,
    project_indicators,
)
from wenshu.analysis.lights import CHECKS, Colour, ProjectLights, project_lights
from wenshu.analysis.scoring import ScoreResult, score
from wenshu.analysis.supervision import MonthSupervision, supervision_results
from wenshu.analysis.workdays import WorkdayCalendar
from wenshu.dataset import Dataset
from wenshu.models.district import InvestmentType
from wenshu.models.project import Project
from wenshu.models.rules import RulesFile, find_rules_file, load_rules
from wenshu.spool import Spool, SpooledSeq

SPLITS = ("全部", InvestmentType.GOVERNMENT.value, InvestmentType.SOCIAL.value)


@dataclass
class ProjectAnalysis:
    id: str
    name: str
    code: str | None  # 项目代码 (reserve library on), the official identifier documents print
    department: str
    industry: str
    investment_type: str  # 政府投资 / 社会投资
    library: str  # 目录库 / 储备库 / 实施库
    total_investment: Decimal
    indicators: dict[str, Indicator]
    lights: ProjectLights
    deadlines: list[DeadlineResult]  # 论证入库 steps, appraisal records, 两算 steps
    score: ScoreResult | None  # completed projects only

    @property
    def overall(self) -> Colour | None:
        return self.lights.overall


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


@dataclass(frozen=True)
class OverdueItem:
    kind: str  # entry (论证入库) / appraisal (论证) / liangsuan (两算) / monthly_report (两算月报)
    department: str  # who is responsible
    project_id: str | None
    project_name: str | None
    project_code: str | None
    deadline: DeadlineResult

    @property
    def open(self) -> bool:
        return self.deadline.status is Status.OVERDUE


@dataclass
class Analysis:
    as_of: date
    district: str
    year: int
    rules: RulesFile
    rules_source: str | None  # the data folder's rules.yaml, None for the shipped defaults
    calendar: WorkdayCalendar
    cohort_year: int  # completion year for 结算率 / 决算率
    projects: list[ProjectAnalysis]
    departments: list[GroupAnalysis]
    industries: list[GroupAnalysis]
    district_total: GroupAnalysis
    libraries: LibraryTotals
    overdue: list[OverdueItem]
    supervision: list[MonthSupervision]
    _context: Any = field(default=None, repr=False)
    _others: dict = field(default_factory=dict, repr=False)

    def at(self, day: date) -> Analysis:
        """The analysis as of ``day``: computed in the same pass when requested with
        ``analyze(..., also=[day])``, otherwise by another pass now (and kept)."""
        if day == self.as_of:
            return self
        got = self._others.get(day)
        if got is None:
            c = self._context
            got = analyze(c.ds, day, self.rules, compact=isinstance(self.projects, SpooledSeq))
            got.rules_source, got._others = self.rules_source, self._others
            self._others[day] = got
        return got

    def detail_at(self, p: Project, day: date) -> ProjectAnalysis:
        """One project's full analysis as of any ``day`` (a project report's own 统计截止日)."""
        if day == self.as_of:
            return self.detail(p)
        c = self._context
        return _ProjectContext(day, c.rules, c.cal, day.year - 1, c.ds).analyze(p)[0]

    def detail(self, p: Project) -> ProjectAnalysis:
        """The full analysis of one project (recomputed when the analysis was made compact)."""
        stored = self.project(p.id)
        if stored is not None and stored.indicators:
            return stored
        return self._context.analyze(p)[0]

    def project(self, pid: str) -> ProjectAnalysis | None:
        if isinstance(self.projects, SpooledSeq):
            return self.projects.get(pid)
        index = self.__dict__.get("_project_index")
        if index is None or len(index) != len(self.projects):
            index = self.__dict__["_project_index"] = {p.id: p for p in self.projects}
        return index.get(pid)

    def department(self, name: str) -> GroupAnalysis | None:
        return next((g for g in self.departments if g.name == name), None)

    def industry(self, name: str) -> GroupAnalysis | None:
        return next((g for g in self.industries if g.name == name), None)

    def by_colour(self, colour: Colour) -> list[ProjectAnalysis]:
        return [p for p in self.projects if p.overall is colour]


# ─── analysis ────────────────────────────────────────────────────────────────────────────


def _calendar(ds: Dataset) -> WorkdayCalendar:
    src = None
    if ds.holidays is not None:
        sf = next((f for f in ds.files if f.kind == "holidays"), None)
        src = sf.display if sf else None
    return WorkdayCalendar.from_holiday_file(ds.holidays, source_file=src)


def _deadlines(p: Project, as_of: date, cal: WorkdayCalendar, appraisals) -> list[tuple[str, str, DeadlineResult]]:
    """(kind, responsible department, deadline) of one project."""
    out = []
    for key, applied, entered in library_entries(p):
        if applied <= as_of:
            out.append(("entry", p.department, appraisal_deadline(applied, by(entered, as_of), as_of, cal=cal, key=key)))
    for a in appraisals:
        if a.submitted_on <= as_of:
            r = appraisal_deadline(a.submitted_on, by(a.completed_on, as_of), as_of, cal=cal,
                                   key="appraisal", subject=a.kind.value)
            out.append(("appraisal", a.department, r))
    done = completion_date(p, as_of)
    if done is not None and p.is_government:  # 两算 is a government-investment duty
        st = p.implementation.settlement
        for r in liangsuan_deadlines(done, by(st.settled_on, as_of) if st else None,
                                     by(st.final_report_on, as_of) if st else None,
                                     by(st.filed_on, as_of) if st else None, as_of):
            out.append(("liangsuan", p.department, r))
    return out


class _GroupAcc:
    """Running sums of one group and split, so groups are built without keeping every project's
    indicators (sums of numerators and denominators are exactly what ``aggregate`` computes)."""

    __slots__ = ("ids", "total", "nums", "dens", "lights")

    def __init__(self, ids: Any = None) -> None:
        self.ids: list[str] = [] if ids is None else ids  # or a spool view (compact analyses)
        self.total = Decimal(0)
        self.nums = {k: Decimal(0) for k in SPECS}
        self.dens = {k: Decimal(0) for k in SPECS}
        self.lights = Counter()

    def add(self, pa: ProjectAnalysis, indicators: dict[str, Indicator]) -> None:
        self.ids.append(pa.id)
        self.total += pa.total_investment
        for k, ind in indicators.items():
            self.nums[k] += ind.numerator
            self.dens[k] += ind.denominator
        self.lights[pa.overall.value if pa.overall else "不适用"] += 1

    def split(self, name: str, rules: RulesFile) -> GroupSplit:
        inds = {k: Indicator.of(k, self.nums[k], self.dens[k]) for k in SPECS}
        lights = {k: self.lights.get(k, 0) for k in ("红灯", "黄灯", "绿灯", "不适用")}
        return GroupSplit(name, self.ids, self.total, inds, lights, score(inds, rules))


def _group(kind: str, name: str, accs: dict[str, _GroupAcc], rules: RulesFile) -> GroupAnalysis:
    return GroupAnalysis(kind, name, {s: (accs.get(s) or _GroupAcc()).split(s, rules) for s in SPLITS})


def _compact(pa: ProjectAnalysis) -> ProjectAnalysis:
    """What groups and listings need of a project: flagged lights (or one green), score total and grade.

    The full analysis of a project is recomputed on demand (``Analysis.detail``) when its own report
    is rendered, so a large district does not keep tens of thousands of indicator tables.
    """
    flagged = pa.lights.flagged()
    if not flagged:
        flagged = [x for x in pa.lights.lights if x.colour is not None][:1]
    sc = pa.score
    if sc is not None:
        sc = ScoreResult([], sc.total, sc.total_display, sc.grade)
    return ProjectAnalysis(pa.id, pa.name, pa.code, pa.department, pa.industry, pa.investment_type, pa.library,
                           pa.total_investment, {}, ProjectLights(pa.id, flagged), [], sc)


class _ProjectContext:
    """Everything one project's analysis needs besides the project itself."""

    def __init__(self, as_of, rules, cal, cohort, ds: Dataset):
        self.as_of, self.rules, self.cal, self.cohort = as_of, rules, cal, cohort
        self.ds = ds

    def analyze(self, p: Project) -> tuple[ProjectAnalysis, list[OverdueItem]]:
        as_of, rules, cal = self.as_of, self.rules, self.cal
        apps = self.ds.appraisals_of(p.id)
        inds = project_indicators(p, as_of, rules=rules, cal=cal, cohort_year=self.cohort)
        lights = project_lights(p, as_of, rules=rules, cal=cal, appraisals=apps)
        dls = _deadlines(p, as_of, cal, apps)
        code = p.reserve.project_code if p.reserve is not None else None
        # The whole 两算 cycle ends with the same filing as its last step (whose deadline already
        # includes the cycle's): one filing is one overdue item.
        overdue = [OverdueItem(kind, dept, p.id, p.name, code, r) for kind, dept, r in dls
                   if r.status in (Status.LATE, Status.OVERDUE) and r.key != "cycle"]
        sc = None
        if completion_date(p, as_of) is not None:
            ev = self.ds.evaluation(p.id)
            extras = [x for x in ev.extra_indicators] if ev and ev.evaluated_on <= as_of else []
            sc = score(inds, rules, extras)
        library = library_at(p, as_of) or p.library
        pa = ProjectAnalysis(p.id, p.name, code, p.department, p.industry, p.investment_type.value, library.value,
                             p.total_investment, inds, lights, [r for _, _, r in dls], sc)
        return pa, overdue


class _DateState:
    """One analysis date's running state while projects stream past."""

    def __init__(self, ds: Dataset, as_of: date, rules: RulesFile, cal: WorkdayCalendar, compact: bool):
        self.as_of, self.compact = as_of, compact
        self.ctx = _ProjectContext(as_of, rules, cal, as_of.year - 1, ds)
        self.accs: dict[tuple[str, str, str], _GroupAcc] = {}
        if compact:
            spool = ds.spool if ds.spool is not None else Spool()
            ns = f"analysis.{as_of.isoformat()}"  # several dates may share one dataset's spool
            self.stored, self.late, self.libs = (spool.map(f"{ns}.projects"), spool.multimap(f"{ns}.overdue"),
                                                 spool.multimap(f"{ns}.libraries"))
            self.members = spool.multimap(f"{ns}.groups")  # group → project ids
        else:
            self.projects: list[ProjectAnalysis] = []
            self.overdue: list[OverdueItem] = []
            self.lib_entries: list[LibraryEntry] = []

    def add(self, p: Project) -> None:
        if library_at(p, self.as_of) is None:
            return  # not yet on the platform on this date
        pa, items = self.ctx.analyze(p)
        for kind, name in (("部门", p.department), ("行业", p.industry), ("全区", "")):
            for split in ("全部", pa.investment_type):
                acc = self.accs.get((kind, name, split))
                if acc is None:
                    ids = self.members.view(f"{kind}\x1f{name}\x1f{split}") if self.compact else None
                    acc = self.accs[(kind, name, split)] = _GroupAcc(ids)
                acc.add(pa, pa.indicators)
        if self.compact:
            self.libs.add("", library_entry(p, self.as_of))
            self.stored.put(pa.id, _compact(pa))
            for o in items:
                self.late.add(o.project_id or "", o, _overdue_order(o))
        else:
            self.lib_entries.append(library_entry(p, self.as_of))
            self.overdue.extend(items)
            self.projects.append(pa)

    def add_overdue(self, o: OverdueItem) -> None:
        if self.compact:
            self.late.add("", o, _overdue_order(o))
        else:
            self.overdue.append(o)


def analyze(ds: Dataset, as_of: date, rules: RulesFile | None = None, *, compact: bool = False,
            also: Any = ()) -> Analysis:
    """Analyse a loaded dataset as of ``as_of`` (and of the dates in ``also``, in the same pass).

    ``compact`` keeps only what groups and listings need of each project (see ``_compact``), and
    keeps it on disk (the dataset's spool, see ``wenshu.spool``) together with the overdue items: the
    analysis of a large district then holds no per-project objects in memory. ``projects`` and
    ``overdue`` are then read-only sequences that stream from the spool. The full analysis of one
    project is recomputed by ``Analysis.detail(project)``.

    ``also``: other 统计截止日 that documents need (a report states its figures as of its own date);
    ``Analysis.at(day)`` returns them. They cost one more project analysis each, not another read.

    ``rules`` defaults to ``load_rules(ds.root)`` (the data folder's rules.yaml over the defaults).
    Raises ``CalendarError`` when a working-day count needs a year without holiday data.
    """
    rules_source = None
    if rules is None:
        rules = load_rules(ds.root)
        rf = find_rules_file(ds.root)
        rules_source = rf.as_posix() if rf else None
    cal = _calendar(ds)
    days = [as_of] + sorted({d for d in also if d != as_of})
    states = [_DateState(ds, d, rules, cal, compact) for d in days]
    departments: set[str] = set()
    industries: set[str] = set()
    government_departments: set[str] = set()
    for p in ds.iter_projects():
        for st in states:
            st.add(p)
        departments.add(p.department)
        industries.add(p.industry)
        if p.is_government:
            government_departments.add(p.department)

    dept_order = [d.short for d in ds.district.departments] if ds.district else []
    dept_names = sorted(departments, key=lambda n: (dept_order.index(n) if n in dept_order else 999, n))
    ind_order = [i.name for i in ds.district.industries] if ds.district else []
    ind_names = sorted(industries, key=lambda n: (ind_order.index(n) if n in ind_order else 999, n))
    results = [_finish(ds, st, rules, rules_source, cal, dept_names, ind_names, government_departments)
               for st in states]
    main = results[0]
    main._others = {r.as_of: r for r in results[1:]}
    for r in results[1:]:
        r._others = main._others
    return main


def _finish(ds: Dataset, st: _DateState, rules: RulesFile, rules_source: str | None, cal: WorkdayCalendar,
            dept_names: list[str], ind_names: list[str], government_departments: set[str]) -> Analysis:
    as_of = st.as_of
    sup = supervision_results(ds.supervision, as_of, rules, ds.district, government_departments)
    # The overdue list is an as_of view: a monthly report is judged against as_of here, whereas the
    # month's score judges it as of the bulletin date.
    files = {(f.year, f.month): f for f in ds.supervision}
    for m in sup:
        recs = {r.department: r for r in files[(m.year, m.month)].records}
        for d in m.departments:
            if d.report is None:
                continue
            ny, nm = (m.year + 1, 1) if m.month == 12 else (m.year, m.month + 1)
            r = monthly_report_deadline(ny, nm, by(recs[d.department].settlement_report_on, as_of), as_of)
            if r.status in (Status.LATE, Status.OVERDUE):
                st.add_overdue(OverdueItem("monthly_report", d.department, None, None, None, r))
    if st.compact:
        projects = SpooledSeq(st.stored)
        overdue = SpooledSeq(st.late, ordered=True)
        lib_entries = st.libs.values()
    else:
        projects, overdue, lib_entries = st.projects, st.overdue, st.lib_entries
        overdue.sort(key=_overdue_key)
    accs = st.accs
    district_name = ds.district.name if ds.district else ""
    prev = ds.district.previous_year_investment if ds.district else Decimal(0)
    return Analysis(
        as_of=as_of,
        district=district_name,
        year=ds.district.year if ds.district else as_of.year,
        rules=rules,
        rules_source=rules_source,
        calendar=cal,
        cohort_year=as_of.year - 1,
        projects=projects,
        departments=[_group("部门", n, {k[2]: v for k, v in accs.items() if k[:2] == ("部门", n)}, rules) for n in dept_names
                     if any(k[:2] == ("部门", n) for k in accs)],
        industries=[_group("行业", n, {k[2]: v for k, v in accs.items() if k[:2] == ("行业", n)}, rules) for n in ind_names
                    if any(k[:2] == ("行业", n) for k in accs)],
        district_total=_group("全区", district_name, {k[2]: v for k, v in accs.items() if k[:2] == ("全区", "")}, rules),
        libraries=library_totals_from(lib_entries, prev, as_of, rules),
        overdue=overdue,
        supervision=sup,
        _context=st.ctx,
    )


def _overdue_key(o: OverdueItem) -> tuple[bool, int]:
    """Open items first, then the longest late."""
    return (not o.open, -o.deadline.days_late)


def _overdue_order(o: OverdueItem) -> str:
    """``_overdue_key`` as text that sorts the same way (for the spool's ordered read)."""
    closed, minus_late = _overdue_key(o)
    return f"{int(closed)}{minus_late + 10**12:013d}"
