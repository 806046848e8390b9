"""红黄绿灯 per project on 开工, 进度, 竣工, 资金, 入库, 论证, 两算 (notice 二、（二）2、3).

Thresholds come from ``RulesFile.lights`` (the notice gives none; the defaults are proposals).
Lights warn about **open** matters, things someone can still act on: a project that started or
finished late is 绿 on that check (its reason states the delay) and the lateness counts in 按时开工率 /
按时竣工率 instead. A check that does not apply has ``colour = None`` (shown "—"). The project's
overall light is the worst of its lights. 两算 applies to government investment only (notice 一、（三）).

Every reason is a ``Fact`` (wording key and typed values, see ``analysis.facts``): the document's
words come from the wording file. Percentages are compared with the thresholds at full precision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from decimal import Decimal
from enum import Enum

from wenshu.analysis.deadlines import APPRAISAL_WORKDAYS, Status, liangsuan_deadlines
from wenshu.analysis.facts import Amount, Fact, Percent, Points, fact
from wenshu.analysis.indicators import HUNDRED, ZERO, DateCheck, by, completion_date, date_check, library_entries
from wenshu.analysis.workdays import WorkdayCalendar, default_calendar
from wenshu.models.appraisal import Appraisal
from wenshu.models.project import FISCAL_SOURCES, Library, Project
from wenshu.models.rules import DaysLateLight, RulesFile


class Colour(str, Enum):
    GREEN = "绿灯"
    YELLOW = "黄灯"
    RED = "红灯"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Colour.GREEN: 0, Colour.YELLOW: 1, Colour.RED: 2}


CHECKS = {
    "start": "开工",
    "progress": "进度",
    "completion": "竣工",
    "funds": "资金",
    "entry": "入库",
    "appraisal": "论证",
    "liangsuan": "两算",
}


@dataclass(frozen=True, slots=True)
class Light:
    check: str  # key of CHECKS
    name: str  # Chinese name of the check
    colour: Colour | None  # None: not applicable
    reason: Fact

    def __reduce__(self):  # a tuple pickles at C speed (slots dataclasses go through Python)
        return (Light, (self.check, self.name, self.colour, self.reason))


@dataclass
class ProjectLights:
    project_id: str
    lights: list[Light] = field(default_factory=list)

    @cached_property
    def overall(self) -> Colour | None:
        return worst(x.colour for x in self.lights)

    def get(self, check: str) -> Light:
        return next(x for x in self.lights if x.check == check)

    def flagged(self) -> list[Light]:
        """Red and yellow lights, red first."""
        out = [x for x in self.lights if x.colour in (Colour.RED, Colour.YELLOW)]
        return sorted(out, key=lambda x: -x.colour.rank)


def worst(colours) -> Colour | None:
    cs = [c for c in colours if c is not None]
    return max(cs, key=_RANK.__getitem__) if cs else None


def _na(check: str, reason: Fact) -> Light:
    return Light(check, CHECKS[check], None, reason)


def _light(check: str, colour: Colour, reason: Fact) -> Light:
    return Light(check, CHECKS[check], colour, reason)


def _by_days(days: int, rule: DaysLateLight) -> Colour:
    if days > rule.red_over_days:
        return Colour.RED
    if days > rule.yellow_over_days:
        return Colour.YELLOW
    return Colour.GREEN


def _dated(check: str, c: DateCheck, as_of: date, rule: DaysLateLight, keys: tuple[str, str, str, str], done: str) -> Light:
    """开工 / 竣工 against the plan: green once done (late or not), by days overdue while not done.
    ``keys``: the wording keys for done on time, done late, not yet due, overdue; ``done``: the
    name of the actual date in them."""
    on_time, late, not_due, overdue = keys
    if c.done is not None:
        if c.days_late > 0:
            return _light(check, Colour.GREEN, fact(late, **{done: c.done}, planned=c.planned, days=c.days_late))
        return _light(check, Colour.GREEN, fact(on_time, **{done: c.done}, planned=c.planned))
    if c.days_late <= 0:
        return _light(check, Colour.GREEN, fact(not_due, planned=c.planned))
    return _light(check, _by_days(c.days_late, rule), fact(overdue, planned=c.planned, as_of=as_of, days=c.days_late))


# ─── the checks ──────────────────────────────────────────────────────────────────────────


def start_light(p: Project, as_of: date, rules: RulesFile) -> Light:
    rule = rules.lights.start
    res, impl = p.reserve, p.implementation
    if res is None:
        return _na("start", fact("light.start.no_plan", library=p.library.value))
    if impl is None and not (rule.include_reserve and p.library == Library.RESERVE):
        return _na("start", fact("light.not_judged", library=p.library.value, check=CHECKS["start"]))
    c = date_check(res.planned_start, impl.actual_start if impl else None, as_of)
    return _dated("start", c, as_of, rule, ("light.start.started", "light.start.started_late", "light.start.not_due",
                                            "light.start.overdue"), "started")


def expected_progress(p: Project, as_of: date) -> Decimal:
    """序时进度 (%) of ``as_of``'s year: the share of the year's construction window elapsed.

    Window = the year ∩ [计划开工, 计划竣工]; days are counted inclusively. Before the window: 0; after
    it, or when the planned completion is already past before the year began: 100.
    """
    res = p.reserve
    y = as_of.year
    ws = max(date(y, 1, 1), res.planned_start)
    we = min(date(y, 12, 31), res.planned_completion)
    if we < ws:  # the plan ends before this year's window begins (or starts after it)
        return HUNDRED if res.planned_completion < date(y, 1, 1) else ZERO
    if as_of < ws:
        return ZERO
    if as_of >= we:
        return HUNDRED
    return Decimal((as_of - ws).days + 1) / Decimal((we - ws).days + 1) * HUNDRED


def progress_light(p: Project, as_of: date, rules: RulesFile) -> Light:
    rule = rules.lights.progress
    impl, res = p.implementation, p.reserve
    if impl is None or res is None:
        return _na("progress", fact("light.not_judged", library=p.library.value, check=CHECKS["progress"]))
    if completion_date(p, as_of) is not None:
        return _na("progress", fact("light.progress.completed"))
    row = next((r for r in impl.progress if r.year == as_of.year), None)
    if row is None or row.planned == 0:
        return _na("progress", fact("light.progress.no_plan", year=as_of.year))
    actual = row.completed / row.planned * HUNDRED
    expected = expected_progress(p, as_of)
    gap = expected - actual
    if gap > rule.red_over_pp:
        colour = Colour.RED
    elif gap >= rule.yellow_from_pp:
        colour = Colour.YELLOW
    else:
        colour = Colour.GREEN
    values = dict(year=as_of.year, planned=Amount(row.planned), completed=Amount(row.completed),
                  rate=Percent(actual), expected=Percent(expected))
    if gap > 0:
        return _light("progress", colour, fact("light.progress.behind", gap=Points(gap), **values))
    return _light("progress", colour, fact("light.progress.on_track", **values))


def completion_light(p: Project, as_of: date, rules: RulesFile) -> Light:
    rule = rules.lights.completion
    impl, res = p.implementation, p.reserve
    if impl is None or res is None:
        return _na("completion", fact("light.not_judged", library=p.library.value, check=CHECKS["completion"]))
    c = date_check(res.planned_completion, completion_date(p, as_of), as_of)
    return _dated("completion", c, as_of, rule, ("light.completion.done", "light.completion.done_late",
                                                 "light.completion.not_due", "light.completion.overdue"), "done")


def funds_light(p: Project, as_of: date, rules: RulesFile) -> Light:
    rule = rules.lights.funds
    impl = p.implementation
    if impl is None:
        return _na("funds", fact("light.not_judged", library=p.library.value, check=CHECKS["funds"]))
    lines = [f for f in impl.funds if f.source in FISCAL_SOURCES] if rule.fiscal_only else list(impl.funds)
    which = "fiscal" if rule.fiscal_only else "all"
    planned = sum((f.planned for f in lines), ZERO)
    if planned == 0:
        return _na("funds", fact(f"light.funds.no_plan_{which}"))
    paid = sum((f.disbursed for f in lines), ZERO)
    rate = paid / planned * HUNDRED
    if rate < rule.red_below:
        colour = Colour.RED
    elif rate < rule.yellow_below:
        colour = Colour.YELLOW
    else:
        colour = Colour.GREEN
    return _light("funds", colour, fact(f"light.funds.rate_{which}", planned=Amount(planned), paid=Amount(paid),
                                        rate=Percent(rate)))


def entry_light(p: Project, as_of: date, rules: RulesFile) -> Light:
    rule = rules.lights.entry
    impl = p.implementation
    if impl is None:
        return _na("entry", fact("light.not_judged", library=p.library.value, check=CHECKS["entry"]))
    started = by(impl.actual_start, as_of)
    if started is None:
        return _na("entry", fact("light.entry.not_started"))
    entered = by(impl.entered_on, as_of)
    if entered is not None:
        if entered > started:
            return _light("entry", Colour.GREEN, fact("light.entry.entered_late", entered=entered, started=started,
                                                      days=(entered - started).days))
        return _light("entry", Colour.GREEN, fact("light.entry.entered", entered=entered))
    days = (as_of - started).days
    if days > rule.red_over_days:
        colour = Colour.RED
    elif days > rule.yellow_over_days:
        colour = Colour.YELLOW
    else:
        colour = Colour.GREEN
    return _light("entry", colour, fact("light.entry.missing", started=started, as_of=as_of, days=days))


def appraisal_item(name: str, appraisal: Appraisal | None = None) -> Fact:
    """What an open 论证 is called: a library-entry step, or one appraisal record."""
    if appraisal is not None:
        return fact("appraisal.record", kind=appraisal.kind.value, department=appraisal.department)
    return fact(f"appraisal.{name}")


def appraisal_light(p: Project, as_of: date, rules: RulesFile, cal: WorkdayCalendar,
                    appraisals: list[Appraisal]) -> Light:
    rule = rules.lights.appraisal
    open_items: list[tuple[Fact, date]] = []
    done_count = 0
    for name, applied, entered in library_entries(p):
        if applied > as_of:
            continue
        if by(entered, as_of) is None:
            open_items.append((appraisal_item(name), applied))
        else:
            done_count += 1
    for a in appraisals:
        if a.submitted_on > as_of:
            continue
        if by(a.completed_on, as_of) is None:
            open_items.append((appraisal_item("", a), a.submitted_on))
        else:
            done_count += 1
    if not open_items:
        if done_count == 0:
            return _na("appraisal", fact("light.appraisal.none"))
        return _light("appraisal", Colour.GREEN, fact("light.appraisal.all_done"))
    judged = []
    for item, applied in open_items:
        used = cal.count_workdays(applied, as_of)
        due = cal.add_workdays(applied, APPRAISAL_WORKDAYS)
        values = dict(item=item, submitted=applied, used=used, due=due, limit=APPRAISAL_WORKDAYS)
        if used > APPRAISAL_WORKDAYS:
            judged.append((Colour.RED, fact("light.appraisal.over", **values)))
        elif used >= rule.yellow_from_workday:
            judged.append((Colour.YELLOW, fact("light.appraisal.near", **values)))
        else:
            judged.append((Colour.GREEN, fact("light.appraisal.within", **values)))
    colour = worst(c for c, _ in judged)
    shown = [f for c, f in judged if c == colour]
    return _light("appraisal", colour, shown[0] if len(shown) == 1 else fact("light.several", items=shown))


def liangsuan_light(p: Project, as_of: date, rules: RulesFile) -> Light:
    rule = rules.lights.liangsuan
    if not p.is_government:
        return _na("liangsuan", fact("light.liangsuan.not_government"))
    done = completion_date(p, as_of)
    if done is None:
        return _na("liangsuan", fact("light.liangsuan.not_completed"))
    st = p.implementation.settlement
    steps = liangsuan_deadlines(
        done,
        by(st.settled_on, as_of) if st else None,
        by(st.final_report_on, as_of) if st else None,
        by(st.filed_on, as_of) if st else None,
        as_of,
    )
    cycle = steps[-1]
    if cycle.status is Status.OVERDUE and cycle.days_late > rule.red_cycle_over_days:
        pending = next((s for s in steps[:-1] if s.status in (Status.OVERDUE, Status.PENDING)), None)
        values = dict(completed=done, due=cycle.due, days=cycle.days_late)
        if pending is None or pending.key == "filing":
            return _light("liangsuan", Colour.RED, fact("light.liangsuan.cycle_overdue", **values))
        return _light("liangsuan", Colour.RED, fact("light.liangsuan.cycle_overdue_at", step=step_name(pending.key), **values))
    over = [s for s in steps if s.status is Status.OVERDUE]
    if over:
        s = over[0]
        return _light("liangsuan", Colour.YELLOW, fact("light.liangsuan.step_overdue", completed=done,
                                                       step=step_name(s.key), due=s.due, days=s.days_late))
    soon = [s for s in steps if s.status is Status.PENDING and (s.due - as_of).days <= rule.warn_within_days]
    if soon:
        s = soon[0]
        return _light("liangsuan", Colour.YELLOW, fact("light.liangsuan.step_due_soon", completed=done,
                                                       step=step_name(s.key), due=s.due, days=(s.due - as_of).days))
    if cycle.status in (Status.ON_TIME, Status.LATE):
        late = [s for s in steps[:-1] if s.status is Status.LATE]
        if late:
            return _light("liangsuan", Colour.GREEN, fact(
                "light.liangsuan.filed_late_steps", filed=cycle.done,
                late=[fact("deadline.late_by", step=step_name(s.key), days=s.days_late) for s in late]))
        return _light("liangsuan", Colour.GREEN, fact("light.liangsuan.filed", filed=cycle.done))
    return _light("liangsuan", Colour.GREEN, fact("light.liangsuan.within", completed=done, due=cycle.due))


def step_name(key: str) -> Fact:
    return fact(f"deadline.{key}")


def project_lights(p: Project, as_of: date, *, rules: RulesFile | None = None,
                   cal: WorkdayCalendar | None = None,
                   appraisals: list[Appraisal] | None = None) -> ProjectLights:
    """All seven lights of one project. ``appraisals``: this project's appraisal records."""
    rules = rules or RulesFile()
    cal = cal or default_calendar()
    return ProjectLights(p.id, [
        start_light(p, as_of, rules),
        progress_light(p, as_of, rules),
        completion_light(p, as_of, rules),
        funds_light(p, as_of, rules),
        entry_light(p, as_of, rules),
        appraisal_light(p, as_of, rules, cal, [a for a in (appraisals or []) if a.project == p.id]),
        liangsuan_light(p, as_of, rules),
    ])
