"""One project's analysis as of one day: indicators, lights, deadlines (论证入库, 论证, 两算), score,
and the overdue items it contributes to the district's list. Pure: the project, its appraisals and
evaluation, the rules and the calendar in; facts out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from wenshu.analysis.deadlines import DeadlineResult, Status, appraisal_deadline, liangsuan_deadlines
from wenshu.analysis.indicators import Indicator, by, completion_date, library_at, library_entries, project_indicators
from wenshu.analysis.lights import Colour, ProjectLights, project_lights
from wenshu.analysis.scoring import ScoreResult, score
from wenshu.analysis.workdays import WorkdayCalendar
from wenshu.models.appraisal import Appraisal
from wenshu.models.evaluation import EvaluationInput
from wenshu.models.project import Project
from wenshu.models.rules import RulesFile


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


@dataclass(frozen=True)
class ProjectInputs:
    """What a project's analysis needs from other files: its 论证 records and its evaluation input."""

    appraisals: list[Appraisal]
    evaluation: EvaluationInput | None


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


def analyze_project(p: Project, inputs: ProjectInputs, as_of: date, rules: RulesFile,
                    cal: WorkdayCalendar) -> tuple[ProjectAnalysis, list[OverdueItem]]:
    """One project as of ``as_of`` (completions of the year before count for 结算率 / 决算率)."""
    apps = inputs.appraisals
    inds = project_indicators(p, as_of, rules=rules, cal=cal, cohort_year=as_of.year - 1)
    lights = project_lights(p, as_of, rules=rules, cal=cal, appraisals=apps)
    dls = _deadlines(p, as_of, cal, apps)
    code = p.code
    # The whole 两算 cycle ends with the same filing as its last step (whose deadline already
    # includes the cycle's): one filing is one overdue item.
    overdue = [OverdueItem(kind, dept, p.id, p.name, code, r) for kind, dept, r in dls
               if r.status in (Status.LATE, Status.OVERDUE) and r.key != "cycle"]
    sc = None
    if completion_date(p, as_of) is not None:
        ev = inputs.evaluation
        extras = list(ev.extra_indicators) if ev and ev.evaluated_on <= as_of else []
        sc = score(inds, rules, extras)
    library = library_at(p, as_of) or p.library
    pa = ProjectAnalysis(p.id, p.name, code, p.department, p.industry, p.investment_type.value, library.value,
                         p.total_investment, inds, lights, [r for _, _, r in dls], sc)
    return pa, overdue


def compact(pa: ProjectAnalysis) -> ProjectAnalysis:
    """What groups and listings need of a project after it has passed: flagged lights (or one
    green), score total and grade; no indicator table, no deadlines."""
    flagged = pa.lights.flagged()
    if not flagged:
        flagged = [x for x in pa.lights.lights if x.colour is not None][:1]
    sc = pa.score
    if sc is not None:
        sc = ScoreResult([], sc.total, sc.total_display, sc.grade)
    return ProjectAnalysis(pa.id, pa.name, pa.code, pa.department, pa.industry, pa.investment_type, pa.library,
                           pa.total_investment, {}, ProjectLights(pa.id, flagged), [], sc)
