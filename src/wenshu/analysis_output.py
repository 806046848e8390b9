"""What ``wenshu analyze`` prints: the analysis as readable Chinese text, or as JSON.

The analysis holds facts; the reasons, deadlines and supervision details are worded here with the
district's wording (``wenshu.wording``), exactly as the documents word them.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

from wenshu.analysis.engine import SPLITS, Analysis
from wenshu.analysis.facts import Fact, YearMonth, overdue_fact
from wenshu.analysis.indicators import SPECS, Indicator
from wenshu.analysis.lights import CHECKS, Colour, ProjectLights
from wenshu.official.fmt import cn_date, cn_month, money_auto, multiple, number, percent
from wenshu.spool import KeyView, SpooledSeq
from wenshu.wording import Wording


def _val(ind: Indicator) -> str:
    if ind.value is None:
        return "—"
    if ind.unit == "%":
        return percent(ind.value)
    return f"{number(ind.value)}{ind.unit}"


def format_text(a: Analysis, w: Wording) -> str:
    """A readable Chinese summary: lights, overdue items, latest supervision ranking, 三库."""
    L: list[str] = []
    L.append(f"{a.district}投资项目绩效综合评价分析（截至{cn_date(a.as_of)}）")
    rules = a.rules_source or "默认规则"
    years = sorted({a.as_of.year - 1, a.as_of.year})
    L.append(f"计算规则：{rules}；措辞：{w.source or '默认措辞'}；工作日：" + "；".join(
        f"{y}年{_year_source(a, y)}" for y in years))
    L.append("")
    n = a.district_total.all.lights  # counted as the projects passed (no project list is held for it)
    reds, yellows = a.by_colour(Colour.RED), a.by_colour(Colour.YELLOW)
    L.append(f"一、红黄绿灯：红灯项目{n['红灯']}个，黄灯项目{n['黄灯']}个，绿灯项目{n['绿灯']}个，不适用{n['不适用']}个。")
    for title, group in (("红灯项目", reds), ("黄灯项目", yellows)):
        if not group:
            continue
        L.append(f"  {title}：")
        for i, p in enumerate(group, 1):
            code = f"项目代码{p.code}，" if p.code else ""
            L.append(f"  {i}. {p.name}（{code}{p.department}）")
            for light in p.lights.flagged():
                L.append(f"     【{light.name}·{light.colour.value}】{w.say(light.reason)}")
    L.append("")
    open_items = [o for o in a.overdue if o.open]
    late_this_year = [o for o in a.overdue if not o.open and o.deadline.done and o.deadline.done.year == a.as_of.year]
    L.append(f"二、逾期事项：已逾期未完成{len(open_items)}项；{a.as_of.year}年内逾期完成{len(late_this_year)}项。")
    for i, o in enumerate(open_items, 1):
        L.append(f"  {i}. {w.say(overdue_fact(o, a.as_of))}")
    if late_this_year:
        L.append("  本年逾期完成：")
        for i, o in enumerate(late_this_year, 1):
            L.append(f"  {i}. {w.say(overdue_fact(o, a.as_of))}")
    L.append("")
    L.append("三、部门督办考评")
    if a.supervision:
        m = a.supervision[-1]
        L.append(f"  {cn_month(m.year, m.month)}（判断日期{cn_date(m.judged_on)}）排名：")
        for d in m.departments:
            rank = f"第{d.rank}名" if d.rank else "未排名"
            mark = "（拟通报表彰）" if d.commended else ("（拟通报批评）" if d.criticised else "")
            L.append(f"  {rank} {d.department} {d.score_display if d.score_display is not None else '—'}分{mark}")
        for d in m.criticised:
            L.append(f"  通报批评·{d.department}：" + w.say_all(d.criticise_facts) + "。")
        for d in m.commended:
            L.append(f"  通报表彰·{d.department}：" + w.say_all(d.commend_facts) + "。")
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
    L.append("说明：比率保留全部精度计算，显示时四舍五入保留一位小数；分母为0的指标显示“—”（不适用）。"
             "统计截止日之后的日期视为尚未发生。")
    return "\n".join(L)


def _year_source(a: Analysis, y: int) -> str:
    try:
        return a.calendar.year_source(y)
    except Exception:  # noqa: BLE001 - a missing year is reported where it is needed
        return "无节假日数据"


def _num(d: Decimal) -> str:
    if d == d.to_integral_value():
        return format(d.normalize(), "f")
    return format(d.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP"), "f")


def _num1(d: Decimal | None) -> str:
    return "—" if d is None else str(d.quantize(Decimal("0.1"), rounding="ROUND_HALF_UP"))


# ─── JSON ────────────────────────────────────────────────────────────────────────────────


def _plain(x: Any, w: Wording) -> Any:
    if isinstance(x, Fact):
        return {"key": x.key, "text": w.say(x)}
    if isinstance(x, YearMonth):
        return f"{x.year:04d}-{x.month:02d}"
    if isinstance(x, Decimal):
        return str(x)
    if isinstance(x, date):
        return x.isoformat()
    if isinstance(x, Enum):
        return x.value
    if isinstance(x, BaseModel):
        return x.model_dump(mode="json")
    if isinstance(x, ProjectLights):
        return {"overall": _plain(x.overall, w), "lights": [_plain(i, w) for i in x.lights]}
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        out = {f.name: _plain(getattr(x, f.name), w) for f in dataclasses.fields(x)
               if not f.name.startswith("_") and f.name != "calendar"}
        for prop in ("overall", "open", "total_investment"):
            if prop not in out and isinstance(getattr(type(x), prop, None), property):
                out[prop] = _plain(getattr(x, prop), w)
        return out
    if isinstance(x, dict):
        return {str(_plain(k, w)): _plain(v, w) for k, v in x.items()}
    if isinstance(x, (list, tuple, SpooledSeq, KeyView)):
        return [_plain(i, w) for i in x]
    return x


def to_json(a: Analysis, w: Wording, projects: list | None = None) -> dict:
    """JSON-ready dict: Decimals as strings (full precision), dates ISO, enums by value; every fact as
    its wording key and the sentence the documents would print. ``projects``: the projects' whole
    analyses (``Pipeline(on_analysis=…)``) to list instead of the compact ones the analysis keeps."""
    out = _plain(a, w)
    if projects is not None:
        out["projects"] = [_plain(p, w) for p in projects]
    out["overdue"] = [dict(_plain(o, w), text=w.say(overdue_fact(o, a.as_of))) for o in a.overdue]
    out["light_checks"] = CHECKS
    out["indicator_specs"] = {k: _plain(v, w) for k, v in SPECS.items()}
    out["summary"] = {
        "red": a.district_total.all.lights["红灯"],
        "yellow": a.district_total.all.lights["黄灯"],
        "green": a.district_total.all.lights["绿灯"],
        "overdue_open": sum(1 for o in a.overdue if o.open),
    }
    return out
