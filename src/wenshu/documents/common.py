"""Context pieces the report and bulletin kinds share: the basis document, the scoring method and
result, indicator lists, numbered items.

Contexts carry facts already written by ``official.fmt`` (names, amounts, dates, rates, counts and
lists of them) and the user's own text; every fixed sentence is in the templates, and phrases that
vary by case come from the wording file (``wenshu.wording``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from pydantic import Field

from wenshu.analysis.indicators import Indicator, keys_of
from wenshu.analysis.lights import ProjectLights
from wenshu.analysis.scoring import ScoreResult
from wenshu.documents.base import Ctx
from wenshu.models.district import DeptRole, DistrictFile, InvestmentType
from wenshu.models.rules import RulesFile
from wenshu.official import fmt
from wenshu.wording import Wording

# Indicator keys of each dimension, in the order reports discuss them (the analysis's SPECS order).
EFFICIENCY = keys_of("效率")
EFFECTIVENESS_GOV = keys_of("效能", InvestmentType.GOVERNMENT.value)
EFFECTIVENESS_SOCIAL = keys_of("效能", InvestmentType.SOCIAL.value)
BENEFIT_SOCIAL = keys_of("效益", InvestmentType.SOCIAL.value)


class BasisCtx(Ctx):
    title: str = Field(title="依据文件名称", description="带书名号，如《某区加快推动投资项目绩效综合评价改革工作方案（试行）》")
    number: str = Field(title="依据文件发文字号", description="如 某政办〔2024〕3号")


def basis_ctx(district: DistrictFile) -> BasisCtx:
    plan = district.reform_plan
    return BasisCtx(title=fmt.book_title(plan.title), number=plan.doc_number)


def lead_department(district: DistrictFile):
    """The reform's lead department (role 牵头部门; the model requires one)."""
    return district.first_with_role(DeptRole.LEAD)


class Item(Ctx):
    label: str = Field(title="序号", description="如 1.")
    text: str = Field(title="内容", description="以句号结尾")


def numbered(items: Iterable[str]) -> list[Item]:
    """["a", "b"] → items "1." "a。", "2." "b。" (level-3 items written inline, as 公文 lists are)."""
    texts = [t for t in items if t and t.strip()]
    return [Item(label=fmt.heading_ordinal(3, i), text=fmt.ensure_end_punct(t)) for i, t in enumerate(texts, start=1)]


class MethodCtx(Ctx):
    name: str = Field(title="评分方法", description="如 目标比值法")
    efficiency: str = Field(title="效率分值", description="如 30")
    effectiveness: str = Field(title="效能分值", description="如 30")
    benefit: str = Field(title="效益分值", description="如 40")
    excellent: str = Field(title="“优”分数线", description="如 90")
    good: str = Field(title="“良”分数线", description="如 80")
    fair: str = Field(title="“中”分数线", description="如 60")
    basis: str = Field(default="", title="评分规则依据", description="本区确定评分规则的文件或会议；未写为空")


def method_ctx(rules: RulesFile) -> MethodCtx:
    sc = rules.scoring
    return MethodCtx(
        name=sc.method, efficiency=fmt.number(sc.dimensions.efficiency), effectiveness=fmt.number(sc.dimensions.effectiveness),
        benefit=fmt.number(sc.dimensions.benefit), excellent=fmt.number(sc.grades.excellent),
        good=fmt.number(sc.grades.good), fair=fmt.number(sc.grades.fair), basis=rules.basis or "",
    )


class ScoreRow(Ctx):
    dimension: str = Field(title="维度", description="效率、效能或效益")
    name: str = Field(title="指标", description="指标名称")
    value: str = Field(title="指标值", description="带单位的指标值")
    target: str = Field(title="目标值", description="带单位的目标值")
    weight: str = Field(title="权重", description="维度内权重（适用指标按比例分配后，%）")
    score: str = Field(title="得分", description="单项得分（0—100）")


class DimensionRow(Ctx):
    name: str = Field(title="维度", description="效率、效能或效益")
    points: str = Field(title="分值", description="维度满分值")
    score: str = Field(title="得分", description="维度得分（0—100）")


class ScoreCtx(Ctx):
    scored: bool = Field(title="已评分", description="有适用指标、得出综合得分时为真")
    total: str = Field(title="综合得分", description="四舍五入保留一位小数")
    grade: str = Field(title="等级", description="优、良、中、差")
    dimensions: list[DimensionRow] = Field(title="维度得分", description="有得分的维度")
    parts: str = Field(title="维度得分列举", description="如 效率80.0分、效能77.1分、效益96.7分")
    rows: list[ScoreRow] = Field(title="评分表", description="各适用指标的值、目标、权重和得分")


def value_text(value: Decimal | None, unit: str) -> str:
    """An indicator value with its unit (rates to 0.1%, 万元/亩 to 0.01)."""
    if value is None:
        return fmt.MISSING
    if unit == "%":
        return fmt.percent(value)
    return fmt.money(value, unit=unit, places=2)


def score_ctx(s: ScoreResult | None) -> ScoreCtx:
    if s is None or s.total_display is None:
        return ScoreCtx(scored=False, total=fmt.MISSING, grade=fmt.MISSING, dimensions=[], parts="", rows=[])
    dims = [DimensionRow(name=d.name, points=fmt.number(d.weight), score=_score(d.score)) for d in s.dimensions
            if d.score is not None]
    rows = []
    for d in s.dimensions:
        for it in d.items:
            if it.value is None and it.score is None:
                continue  # not applicable: the method paragraph says how its weight moves
            rows.append(ScoreRow(
                dimension=d.name, name=it.name, value=value_text(it.value, it.unit), target=value_text(it.target, it.unit),
                weight=fmt.percent(it.effective_weight) if it.effective_weight is not None else fmt.MISSING,
                score=_score(it.score),
            ))
    parts = fmt.join_cn(d.name + fmt.points(d.score) for d in s.dimensions if d.score is not None)
    return ScoreCtx(scored=True, total=_score(s.total_display), grade=s.grade or fmt.MISSING, dimensions=dims,
                    parts=parts, rows=rows)


def _score(v: Decimal | None) -> str:
    if v is None:
        return fmt.MISSING
    return str(v.quantize(Decimal("0.1"), rounding="ROUND_HALF_UP"))


def indicator_list(indicators: dict[str, Indicator], keys: list[str]) -> str:
    """The applicable indicators of ``keys`` as a list: "论证按时率100.0%、按时开工率75.0%"."""
    return fmt.join_cn(f"{ind.name}{value_text(ind.value, ind.unit)}"
                       for k in keys if (ind := indicators.get(k)) is not None and ind.value is not None)


class LightRow(Ctx):
    name: str = Field(title="预警事项", description="开工、进度、竣工、资金、入库、论证、两算")
    colour: str = Field(title="灯色", description="红灯、黄灯、绿灯或不适用")
    reason: str = Field(title="情况", description="亮灯原因，措辞见措辞文件")


def light_rows(lights: ProjectLights, w: Wording) -> list[LightRow]:
    return [LightRow(name=x.name, colour=x.colour.value if x.colour else "不适用", reason=w.say(x.reason))
            for x in lights.lights]


def cutoff(declared: date | None, document_date: date, as_of: date) -> date:
    """A document's 统计截止日: its own declared cut-off (default its date), never after the run's
    ``--as-of``."""
    return min(declared or document_date, as_of)
