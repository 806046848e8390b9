"""Shared context pieces for the report and bulletin kinds: score tables, indicator sentences."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from wenshu.analysis.indicators import SPECS, Indicator
from wenshu.analysis.scoring import ScoreResult
from wenshu.documents.base import Ctx
from wenshu.official import fmt

SOURCE_NOTICE = "《黄石港区加快推动投资项目绩效综合评价改革工作方案（试行）》"


class ScoreRow(Ctx):
    dimension: str = Field(title="维度", description="效率、效能或效益")
    name: str = Field(title="指标", description="指标名称")
    value: str = Field(title="指标值", description="带单位的指标值；不适用为“—”")
    target: str = Field(title="目标值", description="带单位的目标值")
    weight: str = Field(title="权重", description="维度内权重（适用指标按比例分配后，%）")
    score: str = Field(title="得分", description="单项得分（0—100）；不适用为“—”")


class DimensionRow(Ctx):
    name: str = Field(title="维度", description="效率、效能或效益")
    points: str = Field(title="分值", description="维度满分值")
    score: str = Field(title="得分", description="维度得分（0—100）")


class ScoreCtx(Ctx):
    total: str = Field(title="综合得分", description="四舍五入保留一位小数；无法评分为“—”")
    grade: str = Field(title="等级", description="优、良、中、差；无法评分为“—”")
    dimensions: list[DimensionRow] = Field(title="维度得分", description="效率、效能、效益三个维度")
    rows: list[ScoreRow] = Field(title="评分表", description="各指标的值、目标、权重和得分")
    summary: str = Field(title="得分说明", description="如 综合得分87.9分，等级为“良”，其中效率63.5分……")


def value_text(value: Decimal | None, unit: str) -> str:
    if value is None:
        return fmt.MISSING
    if unit == "%":
        return fmt.percent(value)
    return fmt.money(value, unit=unit, places=2)


def indicator_text(ind: Indicator | None) -> str:
    """"按时开工率75.0%（3 ÷ 4）" — the value and the counts it comes from."""
    if ind is None:
        return ""
    spec = SPECS[ind.key]
    v = value_text(ind.value, ind.unit)
    if ind.value is None:
        return f"{ind.name}{v}（不适用：{spec.denominator}为0）"
    return f"{ind.name}{v}"


def score_ctx(s: ScoreResult | None) -> ScoreCtx:
    if s is None or s.total_display is None:
        return ScoreCtx(total=fmt.MISSING, grade=fmt.MISSING, dimensions=[], rows=[], summary="暂不具备评分条件。")
    dims = [DimensionRow(name=d.name, points=_n(d.weight), score=_score(d.score)) for d in s.dimensions]
    rows = []
    for d in s.dimensions:
        for it in d.items:
            if it.value is None and it.score is None:
                continue  # not applicable to this project or group: the method text says how weights move
            rows.append(ScoreRow(
                dimension=d.name, name=it.name, value=value_text(it.value, it.unit), target=value_text(it.target, it.unit),
                weight=fmt.percent(it.effective_weight) if it.effective_weight is not None else fmt.MISSING,
                score=_score(it.score),
            ))
    parts = "、".join(f"{d.name}{_score(d.score)}分" for d in s.dimensions if d.score is not None)
    summary = f"综合得分{_score(s.total_display)}分，等级为“{s.grade}”，其中{parts}。"
    return ScoreCtx(total=_score(s.total_display), grade=s.grade or fmt.MISSING, dimensions=dims, rows=rows, summary=summary)


def _score(v: Decimal | None) -> str:
    if v is None:
        return fmt.MISSING
    return str(v.quantize(Decimal("0.1"), rounding="ROUND_HALF_UP"))


def _n(d: Decimal) -> str:
    return format(d.normalize(), "f")


def dimension_sentence(indicators: dict[str, Indicator], keys: list[str]) -> str:
    parts = [indicator_text(indicators.get(k)) for k in keys if k in indicators]
    parts = [p for p in parts if p]
    return "；".join(parts) + "。" if parts else "无适用指标。"


EFFICIENCY = ["appraisal_on_time", "on_time_start", "on_time_completion", "investment_completion", "funds_in_place", "liangsuan_on_time"]
EFFECTIVENESS_GOV = ["function_standard", "supply_utilisation"]
EFFECTIVENESS_SOCIAL = ["function_standard", "capacity_utilisation"]
BENEFIT_SOCIAL = ["carbon_standard", "tax_per_mu", "revenue_per_mu"]


def numbered(items: list[str]) -> list[str]:
    """["a", "b"] → ["1.a。", "2.b。"] — level-3 items written inline, as 公文 lists are."""
    return [f"{i}.{fmt.ensure_end_punct(t)}" for i, t in enumerate(items, start=1) if t and t.strip()]
