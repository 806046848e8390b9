"""红黄绿灯 per project on 开工, 进度, 竣工, 资金, 入库, 论证, 两算 (notice 二、（二）2、3).

Thresholds come from ``RulesFile.lights`` (the notice gives none; the defaults are proposals).
Lights warn about **open** matters, things someone can still act on: a project that started or
finished late is 绿 on that check (its reason states the delay) and the lateness counts in 按时开工率 /
按时竣工率 instead. A check that does not apply has ``colour = None`` (shown "—"). The project's
overall light is the worst of its lights.

Every reason is a Chinese sentence with the numbers, e.g.
"计划开工2025-05-15，截至2025-10-31已逾期169天未开工". Percentages in reasons are rounded half-up to
0.1 percentage point; the comparison with the thresholds uses full precision.
"""

from __future__ import annotations

from wenshu.official.fmt import cn_date

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from wenshu.analysis.deadlines import APPRAISAL_WORKDAYS, Status, liangsuan_deadlines
from wenshu.analysis.indicators import HUNDRED, ZERO, by, completion_date, library_entries
from wenshu.analysis.workdays import WorkdayCalendar, default_calendar
from wenshu.models.appraisal import Appraisal
from wenshu.models.project import FISCAL_SOURCES, Library, Project
from wenshu.models.rules import DaysLateLight, RulesFile
from wenshu.official.fmt import money, percent


class Colour(str, Enum):
    GREEN = "绿灯"
    YELLOW = "黄灯"
    RED = "红灯"

    @property
    def rank(self) -> int:
        return {"绿灯": 0, "黄灯": 1, "红灯": 2}[self.value]


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
    reason: str


@dataclass
class ProjectLights:
    project_id: str
    lights: list[Light] = field(default_factory=list)

    @property
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
    return max(cs, key=lambda c: c.rank) if cs else None


def _na(check: str, reason: str) -> Light:
    return Light(check, CHECKS[check], None, reason)


def _light(check: str, colour: Colour, reason: str) -> Light:
    return Light(check, CHECKS[check], colour, reason)


def _by_days(days: int, rule: DaysLateLight) -> Colour:
    if days > rule.red_over_days:
        return Colour.RED
    if days > rule.yellow_over_days:
        return Colour.YELLOW
    return Colour.GREEN


# ─── the checks ──────────────────────────────────────────────────────────────────────────


def start_light(p: Project, as_of: date, rules: RulesFile) -> Light:
    rule = rules.lights.start
    res, impl = p.reserve, p.implementation
    if res is None:
        return _na("start", "目录库项目，尚无计划开工时间")
    if impl is None and not (rule.include_reserve and p.library == Library.RESERVE):
        return _na("start", f"{p.library.value}项目，不判断开工")
    ps = res.planned_start
    started = by(impl.actual_start, as_of) if impl else None
    if started is not None:
        delay = (started - ps).days
        extra = f"，较计划开工{cn_date(ps)}推迟{delay}天" if delay > 0 else ""
        return _light("start", Colour.GREEN, f"已于{cn_date(started)}开工{extra}")
    days = (as_of - ps).days
    if days <= 0:
        return _light("start", Colour.GREEN, f"计划开工{cn_date(ps)}，尚未到计划开工时间")
    return _light("start", _by_days(days, rule),
                  f"计划开工{cn_date(ps)}，截至{cn_date(as_of)}已逾期{days}天未开工")


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
        return _na("progress", f"{p.library.value}项目，不判断进度")
    if completion_date(p, as_of) is not None:
        return _na("progress", "项目已竣工")
    row = next((r for r in impl.progress if r.year == as_of.year), None)
    if row is None or row.planned == 0:
        return _na("progress", f"未填报{as_of.year}年计划投资")
    actual = row.completed / row.planned * HUNDRED
    expected = expected_progress(p, as_of)
    gap = expected - actual
    if gap > rule.red_over_pp:
        colour = Colour.RED
    elif gap >= rule.yellow_from_pp:
        colour = Colour.YELLOW
    else:
        colour = Colour.GREEN
    head = (f"{as_of.year}年计划投资{money(row.planned)}，完成{money(row.completed)}"
            f"（完成率{percent(actual)}），序时进度{percent(expected)}")
    if gap > 0:
        tail = f"，落后{_pp(gap)}个百分点"
    else:
        tail = "，达到序时进度"
    return _light("progress", colour, head + tail)


def _pp(d: Decimal) -> str:
    return percent(d)[:-1]


def completion_light(p: Project, as_of: date, rules: RulesFile) -> Light:
    rule = rules.lights.completion
    impl, res = p.implementation, p.reserve
    if impl is None or res is None:
        return _na("completion", f"{p.library.value}项目，不判断竣工")
    pc = res.planned_completion
    done = completion_date(p, as_of)
    if done is not None:
        delay = (done - pc).days
        extra = f"，较计划竣工{cn_date(pc)}推迟{delay}天" if delay > 0 else ""
        return _light("completion", Colour.GREEN, f"已于{cn_date(done)}竣工{extra}")
    days = (as_of - pc).days
    if days <= 0:
        return _light("completion", Colour.GREEN, f"计划竣工{cn_date(pc)}，尚未到计划竣工时间")
    return _light("completion", _by_days(days, rule),
                  f"计划竣工{cn_date(pc)}，截至{cn_date(as_of)}已逾期{days}天未竣工")


def funds_light(p: Project, as_of: date, rules: RulesFile) -> Light:
    rule = rules.lights.funds
    impl = p.implementation
    if impl is None:
        return _na("funds", f"{p.library.value}项目，不判断资金")
    lines = [f for f in impl.funds if f.source in FISCAL_SOURCES] if rule.fiscal_only else list(impl.funds)
    what = "财政性资金" if rule.fiscal_only else "资金"
    planned = sum((f.planned for f in lines), ZERO)
    if planned == 0:
        return _na("funds", f"无{what}计划到位数")
    paid = sum((f.disbursed for f in lines), ZERO)
    rate = paid / planned * HUNDRED
    if rate < rule.red_below:
        colour = Colour.RED
    elif rate < rule.yellow_below:
        colour = Colour.YELLOW
    else:
        colour = Colour.GREEN
    return _light("funds", colour, f"{what}计划到位{money(planned)}，实际拨付{money(paid)}，到位率{percent(rate)}")


def entry_light(p: Project, as_of: date, rules: RulesFile) -> Light:
    rule = rules.lights.entry
    impl = p.implementation
    if impl is None:
        return _na("entry", f"{p.library.value}项目，尚未开工")
    started = by(impl.actual_start, as_of)
    if started is None:
        return _na("entry", "项目尚未开工")
    entered = by(impl.entered_on, as_of)
    if entered is not None:
        extra = f"（开工后{(entered - started).days}天才入库）" if entered > started else ""
        return _light("entry", Colour.GREEN, f"已于{cn_date(entered)}入实施库{extra}")
    days = (as_of - started).days
    if days > rule.red_over_days:
        colour = Colour.RED
    elif days > rule.yellow_over_days:
        colour = Colour.YELLOW
    else:
        colour = Colour.GREEN
    return _light("entry", colour, f"已于{cn_date(started)}开工，截至{cn_date(as_of)}已{days}天未入实施库")


def appraisal_light(p: Project, as_of: date, rules: RulesFile, cal: WorkdayCalendar,
                    appraisals: list[Appraisal]) -> Light:
    rule = rules.lights.appraisal
    open_items: list[tuple[str, date]] = []
    done_count = 0
    for name, applied, entered in library_entries(p):
        if applied > as_of:
            continue
        if by(entered, as_of) is None:
            open_items.append((name, applied))
        else:
            done_count += 1
    for a in appraisals:
        if a.submitted_on > as_of:
            continue
        if by(a.completed_on, as_of) is None:
            open_items.append((f"{a.kind.value}论证（{a.department}）", a.submitted_on))
        else:
            done_count += 1
    if not open_items:
        if done_count == 0:
            return _na("appraisal", "尚未发起论证入库")
        return _light("appraisal", Colour.GREEN, "论证入库和各项论证均已完成")
    judged = []
    for name, applied in open_items:
        used = cal.count_workdays(applied, as_of)
        due = cal.add_workdays(applied, APPRAISAL_WORKDAYS)
        if used > APPRAISAL_WORKDAYS:
            colour = Colour.RED
            text = (f"{name}于{cn_date(applied)}提交，已用{used}个工作日，超过15个工作日时限"
                    f"（应于{cn_date(due)}前完成）")
        elif used >= rule.yellow_from_workday:
            colour = Colour.YELLOW
            text = f"{name}于{cn_date(applied)}提交，已用{used}个工作日，应于{cn_date(due)}前完成"
        else:
            colour = Colour.GREEN
            text = f"{name}于{cn_date(applied)}提交，已用{used}个工作日，在15个工作日时限内"
        judged.append((colour, text))
    colour = worst(c for c, _ in judged)
    shown = [t for c, t in judged if c == colour]
    return _light("appraisal", colour, "；".join(shown))


def liangsuan_light(p: Project, as_of: date, rules: RulesFile) -> Light:
    rule = rules.lights.liangsuan
    done = completion_date(p, as_of)
    if done is None:
        return _na("liangsuan", "项目尚未竣工")
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
        pending = next((s.name for s in steps[:-1] if s.status in (Status.OVERDUE, Status.PENDING)), None)
        now = f"，目前{pending}尚未完成" if pending else ""
        return _light("liangsuan", Colour.RED,
                      f"{cn_date(done)}竣工，“两算”全周期应于{cn_date(cycle.due)}前完成，"
                      f"已超期{cycle.days_late}天仍未完成决算备案{now}")
    over = [s for s in steps if s.status is Status.OVERDUE]
    if over:
        s = over[0]
        return _light("liangsuan", Colour.YELLOW,
                      f"{cn_date(done)}竣工，{s.name}应于{cn_date(s.due)}前完成，已超期{s.days_late}天")
    soon = [s for s in steps if s.status is Status.PENDING and (s.due - as_of).days <= rule.warn_within_days]
    if soon:
        s = soon[0]
        return _light("liangsuan", Colour.YELLOW,
                      f"{cn_date(done)}竣工，{s.name}将于{cn_date(s.due)}到期（剩余{(s.due - as_of).days}天）")
    if cycle.status in (Status.ON_TIME, Status.LATE):
        late = [s for s in steps if s.status is Status.LATE]
        extra = "（" + "、".join(f"{s.name}{s.label()}" for s in late) + "）" if late else ""
        return _light("liangsuan", Colour.GREEN, f"已于{cn_date(cycle.done)}完成决算备案{extra}")
    return _light("liangsuan", Colour.GREEN,
                  f"{cn_date(done)}竣工，“两算”各步骤均在期限内（全周期届满{cn_date(cycle.due)}）")


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
