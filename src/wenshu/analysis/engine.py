"""``analyze(ds, as_of)``: everything the documents need, computed once, as plain dataclasses.

* per project: indicators, lights, deadlines (论证入库, 两算) and score;
* per department, per industry and for the district, each split 全部 / 政府投资 / 社会投资:
  aggregated indicators (sums of the projects' numerators and denominators), light counts, score;
* 三库 totals and multiples of last year's investment;
* overdue items (逾期): 论证入库 steps, appraisal records, 两算 steps, monthly 两算 reports;
* supervision results per month (score, rank, 通报表彰 / 通报批评 with facts).

``format_text`` renders a readable Chinese summary; ``to_json`` a JSON-ready dict (Decimals as
strings, dates ISO, enums by value).
"""

from __future__ import annotations

from wenshu.official.fmt import cn_date

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

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
    library_entry,
    library_totals_from,
    project_indicators,
)
from wenshu.analysis.lights import CHECKS, Colour, ProjectLights, project_lights
from wenshu.analysis.scoring import ScoreResult, method_text, score
from wenshu.analysis.supervision import MonthSupervision, supervision_results
from wenshu.analysis.workdays import WorkdayCalendar
from wenshu.dataset import Dataset
from wenshu.models.district import InvestmentType
from wenshu.models.project import Project
from wenshu.models.rules import RulesFile, find_rules_file, load_rules
from wenshu.official.fmt import money_auto, multiple, percent
from wenshu.spool import KeyView, Spool, SpooledSeq

SPLITS = ("全部", InvestmentType.GOVERNMENT.value, InvestmentType.SOCIAL.value)


@dataclass
class ProjectAnalysis:
    id: str
    name: str
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
    kind: str  # 论证入库 / 论证 / 两算 / 两算月报
    department: str  # who is responsible
    project_id: str | None
    project_name: str | None
    deadline: DeadlineResult

    @property
    def open(self) -> bool:
        return self.deadline.status is Status.OVERDUE

    def sentence(self) -> str:
        d = self.deadline
        who = f"{self.project_name}（{self.project_id}）" if self.project_id else self.department
        if d.status is Status.OVERDUE:
            extra = f"（{d.workdays_late}个工作日）" if d.workdays_late else ""
            return f"{who}：{d.name}应于{cn_date(d.due)}前完成，已超期{d.days_late}天{extra}仍未完成；责任单位{self.department}"
        extra = f"（{d.workdays_late}个工作日）" if d.workdays_late else ""
        return f"{who}：{d.name}应于{cn_date(d.due)}前完成，{cn_date(d.done)}完成，逾期{d.days_late}天{extra}；责任单位{self.department}"


@dataclass
class Analysis:
    as_of: date
    district: str
    year: int
    rules: RulesFile
    rules_source: str  # "默认规则" or the rules.yaml path
    calendar_note: str
    cohort_year: int  # completion year for 结算率 / 决算率
    projects: list[ProjectAnalysis]
    departments: list[GroupAnalysis]
    industries: list[GroupAnalysis]
    district_total: GroupAnalysis
    libraries: LibraryTotals
    overdue: list[OverdueItem]
    supervision: list[MonthSupervision]
    scoring_method: str
    notes: list[str] = field(default_factory=list)
    _context: Any = field(default=None, repr=False)

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
    for name, applied, entered in library_entries(p):
        if applied <= as_of:
            out.append(("论证入库", p.department, appraisal_deadline(applied, by(entered, as_of), as_of, cal=cal, name=name)))
    for a in appraisals:
        if a.submitted_on <= as_of:
            r = appraisal_deadline(a.submitted_on, by(a.completed_on, as_of), as_of, cal=cal,
                                   name=f"{a.kind.value}论证")
            out.append(("论证", a.department, r))
    done = completion_date(p, as_of)
    if done is not None:
        st = p.implementation.settlement
        for r in liangsuan_deadlines(done, by(st.settled_on, as_of) if st else None,
                                     by(st.final_report_on, as_of) if st else None,
                                     by(st.filed_on, as_of) if st else None, as_of):
            out.append(("两算", p.department, r))
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
    return ProjectAnalysis(pa.id, pa.name, pa.department, pa.industry, pa.investment_type, pa.library,
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
        overdue = [OverdueItem(kind, dept, p.id, p.name, r) for kind, dept, r in dls
                   if r.status in (Status.LATE, Status.OVERDUE)]
        sc = None
        if completion_date(p, as_of) is not None:
            ev = self.ds.evaluation(p.id)
            extras = [x for x in ev.extra_indicators] if ev and ev.evaluated_on <= as_of else []
            sc = score(inds, rules, extras)
        pa = ProjectAnalysis(p.id, p.name, p.department, p.industry, p.investment_type.value, p.library.value,
                             p.total_investment, inds, lights, [r for _, _, r in dls], sc)
        return pa, overdue


def analyze(ds: Dataset, as_of: date, rules: RulesFile | None = None, *, compact: bool = False) -> Analysis:
    """Analyse a loaded dataset as of ``as_of``.

    ``compact`` keeps only what groups and listings need of each project (see ``_compact``), and
    keeps it on disk (the dataset's spool, see ``wenshu.spool``) together with the overdue items: the
    analysis of a large district then holds no per-project objects in memory. ``projects`` and
    ``overdue`` are then read-only sequences that stream from the spool. The full analysis of one
    project is recomputed by ``Analysis.detail(project)``.

    ``rules`` defaults to ``load_rules(ds.root)`` (the data folder's rules.yaml over the defaults).
    Raises ``CalendarError`` when a working-day count needs a year without holiday data.
    """
    if rules is None:
        rules = load_rules(ds.root)
        rf = find_rules_file(ds.root)
        rules_source = rf.as_posix() if rf else "默认规则（wenshu/analysis/rules_default.yaml）"
    else:
        rules_source = "调用方提供的规则"
    cal = _calendar(ds)
    cohort = as_of.year - 1
    ctx = _ProjectContext(as_of, rules, cal, cohort, ds)
    accs: dict[tuple[str, str, str], _GroupAcc] = {}
    if compact:
        spool = ds.spool if ds.spool is not None else Spool()
        stored, late, libs = (spool.map("analysis.projects"), spool.multimap("analysis.overdue"),
                              spool.multimap("analysis.libraries"))
        members = spool.multimap("analysis.groups")  # group → project ids
    else:
        projects: list[ProjectAnalysis] = []
        overdue: list[OverdueItem] = []
        lib_entries: list[LibraryEntry] = []
    departments: set[str] = set()
    industries: set[str] = set()
    for p in ds.iter_projects():
        pa, items = ctx.analyze(p)
        for kind, name in (("部门", p.department), ("行业", p.industry), ("全区", "")):
            for split in ("全部", pa.investment_type):
                acc = accs.get((kind, name, split))
                if acc is None:
                    ids = members.view(f"{kind}\x1f{name}\x1f{split}") if compact else None
                    acc = accs[(kind, name, split)] = _GroupAcc(ids)
                acc.add(pa, pa.indicators)
        departments.add(p.department)
        industries.add(p.industry)
        if compact:
            libs.add("", library_entry(p, as_of))
            stored.put(pa.id, _compact(pa))
            for o in items:
                late.add(o.project_id or "", o, _overdue_order(o))
        else:
            lib_entries.append(library_entry(p, as_of))
            overdue.extend(items)
            projects.append(pa)

    sup = supervision_results(ds.supervision, as_of, rules, ds.district)
    # The overdue list is an as_of view: a monthly report is judged against as_of here, whereas the
    # month's score judges it as of the bulletin date.
    files = {(f.year, f.month): f for f in ds.supervision}
    for m in sup:
        recs = {r.department: r for r in files[(m.year, m.month)].records}
        for d in m.departments:
            if d.report is None:
                continue
            ny, nm = (m.year + 1, 1) if m.month == 12 else (m.year, m.month + 1)
            recipient = "区投委会办公室" if "区投委会办公室" in d.report.rule else "区财政局"
            r = monthly_report_deadline(ny, nm, by(recs[d.department].settlement_report_on, as_of), as_of,
                                        recipient=recipient)
            if r.status in (Status.LATE, Status.OVERDUE):
                o = OverdueItem("两算月报", d.department, None, None, r)
                if compact:
                    late.add("", o, _overdue_order(o))
                else:
                    overdue.append(o)
    if compact:
        projects = SpooledSeq(stored)  # type: ignore[assignment]
        overdue = SpooledSeq(late, ordered=True)  # type: ignore[assignment]
        lib_entries = libs.values()  # type: ignore[assignment]
    else:
        overdue.sort(key=_overdue_key)

    dept_order = [d.short for d in ds.district.departments] if ds.district else []
    dept_names = sorted(departments, key=lambda n: (dept_order.index(n) if n in dept_order else 999, n))
    ind_order = [i.name for i in ds.district.industries] if ds.district else []
    ind_names = sorted(industries, key=lambda n: (ind_order.index(n) if n in ind_order else 999, n))
    district_name = ds.district.name if ds.district else "全区"
    prev = ds.district.previous_year_investment if ds.district else Decimal(0)
    years = sorted({as_of.year, as_of.year - 1})
    cal_note = "；".join(f"{y}年：{_year_source(cal, y)}" for y in years)
    return Analysis(
        as_of=as_of,
        district=district_name,
        year=ds.district.year if ds.district else as_of.year,
        rules=rules,
        rules_source=rules_source,
        calendar_note=cal_note,
        cohort_year=cohort,
        projects=projects,
        departments=[_group("部门", n, {k[2]: v for k, v in accs.items() if k[:2] == ("部门", n)}, rules) for n in dept_names],
        industries=[_group("行业", n, {k[2]: v for k, v in accs.items() if k[:2] == ("行业", n)}, rules) for n in ind_names],
        district_total=_group("全区", district_name, {k[2]: v for k, v in accs.items() if k[:2] == ("全区", "")}, rules),
        libraries=library_totals_from(lib_entries, prev, as_of, rules),
        overdue=overdue,
        supervision=sup,
        scoring_method=method_text(rules),
        _context=ctx,
        notes=[
            "比率保留全部精度计算，显示时四舍五入（ROUND_HALF_UP）保留一位小数；分母为0的指标显示“—”（不适用）。",
            "统计截止日之后的日期视为尚未发生。",
        ],
    )


def _overdue_key(o: OverdueItem) -> tuple[bool, int]:
    """Open items first, then the longest late."""
    return (not o.open, -o.deadline.days_late)


def _overdue_order(o: OverdueItem) -> str:
    """``_overdue_key`` as text that sorts the same way (for the spool's ordered read)."""
    closed, minus_late = _overdue_key(o)
    return f"{int(closed)}{minus_late + 10**12:013d}"


def _year_source(cal: WorkdayCalendar, y: int) -> str:
    try:
        return cal.year_source(y)
    except Exception:  # noqa: BLE001 - a missing year is reported where it is needed
        return "无节假日数据"


# ─── text ────────────────────────────────────────────────────────────────────────────────


def _val(ind: Indicator) -> str:
    if ind.value is None:
        return "—"
    if ind.unit == "%":
        return percent(ind.value)
    return f"{ind.value.quantize(Decimal('0.01'), rounding='ROUND_HALF_UP')}{ind.unit}"


def format_text(a: Analysis) -> str:
    """A readable Chinese summary: lights, overdue items, latest supervision ranking, 三库."""
    L: list[str] = []
    L.append(f"{a.district}投资项目绩效综合评价分析（截至{a.as_of.year}年{a.as_of.month}月{a.as_of.day}日）")
    L.append(f"计算规则：{a.rules_source}；工作日：{a.calendar_note}")
    L.append("")
    reds, yellows = a.by_colour(Colour.RED), a.by_colour(Colour.YELLOW)
    greens = a.by_colour(Colour.GREEN)
    L.append(f"一、红黄绿灯：红灯项目{len(reds)}个，黄灯项目{len(yellows)}个，绿灯项目{len(greens)}个，"
             f"不适用{len(a.projects) - len(reds) - len(yellows) - len(greens)}个。")
    for title, group in (("红灯项目", reds), ("黄灯项目", yellows)):
        if not group:
            continue
        L.append(f"  {title}：")
        for i, p in enumerate(group, 1):
            L.append(f"  {i}. {p.name}（{p.id}，{p.department}）")
            for light in p.lights.flagged():
                L.append(f"     【{light.name}·{light.colour.value}】{light.reason}")
    L.append("")
    open_items = [o for o in a.overdue if o.open]
    late_this_year = [o for o in a.overdue if not o.open and o.deadline.done and o.deadline.done.year == a.as_of.year]
    L.append(f"二、逾期事项：已逾期未完成{len(open_items)}项；{a.as_of.year}年内逾期完成{len(late_this_year)}项。")
    for i, o in enumerate(open_items, 1):
        L.append(f"  {i}. {o.sentence()}")
    if late_this_year:
        L.append("  本年逾期完成：")
        for i, o in enumerate(late_this_year, 1):
            L.append(f"  {i}. {o.sentence()}")
    L.append("")
    L.append("三、部门督办考评")
    if a.supervision:
        m = a.supervision[-1]
        L.append(f"  {m.label}（判断日期{cn_date(m.judged_on)}）排名：")
        for d in m.departments:
            rank = f"第{d.rank}名" if d.rank else "未排名"
            mark = "（拟通报表彰）" if d.commended else ("（拟通报批评）" if d.criticised else "")
            L.append(f"  {rank} {d.department} {d.score_display if d.score_display is not None else '—'}分{mark}")
        for d in m.criticised:
            L.append(f"  通报批评·{d.department}：" + "；".join(d.criticise_facts) + "。")
        for d in m.commended:
            L.append(f"  通报表彰·{d.department}：" + "；".join(d.commend_facts) + "。")
    else:
        L.append("  无督办记录。")
    L.append("")
    lt = a.libraries
    L.append(f"四、三库建设（上年度投资规模{money_auto(lt.previous_year_investment)}）")
    for x in lt.lines:
        goal = ""
        if x.target is not None:
            goal = f"，目标{multiple(x.target, 0)}，{'已达到' if x.met else '未达到'}"
        L.append(f"  {x.name}：{x.projects}个项目（{x.basis}），总投资{money_auto(x.total)}，"
                 f"为上年度投资规模的{multiple(x.multiple)}{goal}")
    L.append("")
    d = a.district_total
    L.append("五、全区主要指标（全部 / 政府投资 / 社会投资）")
    for key, spec in SPECS.items():
        vals = " / ".join(_val(d.splits[s].indicators[key]) for s in SPLITS)
        ind = d.all.indicators[key]
        L.append(f"  {spec.name}：{vals}（{_num(ind.numerator)} ÷ {_num(ind.denominator)}）")
    sc = d.all.score
    L.append(f"  综合得分：{sc.total_display if sc.total_display is not None else '—'}分，等级{sc.grade or '—'}"
             "（" + "，".join(f"{x.name}{_num1(x.score)}" for x in sc.dimensions) + "）")
    L.append("")
    L.append("说明：" + "".join(a.notes))
    return "\n".join(L)


def _num(d: Decimal) -> str:
    s = format(d.normalize(), "f") if d == d.to_integral_value() else format(d.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP"), "f")
    return s


def _num1(d: Decimal | None) -> str:
    return "—" if d is None else str(d.quantize(Decimal("0.1"), rounding="ROUND_HALF_UP"))


# ─── JSON ────────────────────────────────────────────────────────────────────────────────


def _plain(x: Any) -> Any:
    if isinstance(x, Decimal):
        return str(x)
    if isinstance(x, date):
        return x.isoformat()
    if isinstance(x, Enum):
        return x.value
    if isinstance(x, BaseModel):
        return x.model_dump(mode="json")
    if isinstance(x, Indicator):  # the formula text is in indicator_specs, once
        return {f.name: _plain(getattr(x, f.name)) for f in dataclasses.fields(x) if f.name != "formula"}
    if isinstance(x, ProjectLights):
        return {"overall": _plain(x.overall), "lights": [_plain(i) for i in x.lights]}
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        out = {f.name: _plain(getattr(x, f.name)) for f in dataclasses.fields(x) if not f.name.startswith("_")}
        for prop in ("overall", "open", "label", "total_investment"):
            if prop not in out and isinstance(getattr(type(x), prop, None), property):
                out[prop] = _plain(getattr(x, prop))
        return out
    if isinstance(x, dict):
        return {str(_plain(k)): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, SpooledSeq, KeyView)):
        return [_plain(i) for i in x]
    return x


def to_json(a: Analysis) -> dict:
    """JSON-ready dict: Decimals as strings (full precision), dates ISO, enums by value."""
    out = _plain(a)
    out["light_checks"] = CHECKS
    out["indicator_specs"] = {k: _plain(v) for k, v in SPECS.items()}
    out["summary"] = {
        "red": len(a.by_colour(Colour.RED)),
        "yellow": len(a.by_colour(Colour.YELLOW)),
        "green": len(a.by_colour(Colour.GREEN)),
        "overdue_open": sum(1 for o in a.overdue if o.open),
    }
    return out
