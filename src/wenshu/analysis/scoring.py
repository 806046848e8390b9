"""效率 / 效能 / 效益 scores out of 100 and the grade (优/良/中/差), from indicator values.

Method (目标比值法, ``rules.scoring``; the notice fixes none of it):

1. Indicator score = min(指标值 ÷ 目标值, 1) × 100 (0–100). A "lower is better" extra indicator
   scores min(目标值 ÷ 指标值, 1) × 100, and 100 when its value is 0.
2. Dimension score = Σ(indicator score × weight) ÷ Σ(weights of the applicable indicators). An
   indicator that does not apply (value None, "—") is dropped and its weight is redistributed in
   proportion among the remaining indicators of the same dimension.
3. Total = Σ(dimension score × dimension weight) ÷ Σ(weights of the applicable dimensions), so the
   total is out of 100. A dimension without any applicable indicator is dropped the same way.
4. Everything is computed at full Decimal precision; the total is rounded once, half-up
   (ROUND_HALF_UP) to 0.1 point, and the grade is taken from that rounded total so that the
   printed score and the printed grade always agree: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from wenshu.analysis.indicators import HUNDRED, SPECS, ZERO, Indicator
from wenshu.models.evaluation import ExtraIndicator
from wenshu.models.rules import RulesFile

DIMENSIONS = (("efficiency", "效率"), ("effectiveness", "效能"), ("benefit", "效益"))
DIM_NAME = dict(DIMENSIONS)
DIM_KEY = {v: k for k, v in DIMENSIONS}
TENTH = Decimal("0.1")


def round1(d: Decimal | None) -> Decimal | None:
    """Half-up to one decimal place (None stays None)."""
    return None if d is None else d.quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    key: str | None  # SPECS key; None for an extra indicator from evaluations.yaml
    name: str
    dimension: str  # 效率 / 效能 / 效益
    value: Decimal | None
    target: Decimal
    unit: str
    weight: Decimal  # configured weight within the dimension
    effective_weight: Decimal | None  # share of the dimension after redistribution, in % (None: dropped)
    score: Decimal | None  # 0–100, None when not applicable
    higher_is_better: bool = True


@dataclass(frozen=True, slots=True)
class DimensionScore:
    key: str
    name: str
    weight: Decimal  # configured points
    effective_weight: Decimal | None  # points after redistribution across dimensions (None: dropped)
    score: Decimal | None  # 0–100
    items: list[IndicatorScore]


@dataclass(frozen=True, slots=True)
class ScoreResult:
    dimensions: list[DimensionScore]
    total: Decimal | None  # full precision, 0–100
    total_display: Decimal | None  # rounded half-up to 0.1
    grade: str | None  # 优 / 良 / 中 / 差

    def dimension(self, name_or_key: str) -> DimensionScore:
        return next(d for d in self.dimensions if name_or_key in (d.key, d.name))


def indicator_score(value: Decimal | None, target: Decimal, higher_is_better: bool = True) -> Decimal | None:
    if value is None:
        return None
    if higher_is_better:
        ratio = value / target if target > 0 else Decimal(1)
    else:
        ratio = Decimal(1) if value == 0 else target / value
    return min(max(ratio, ZERO), Decimal(1)) * HUNDRED


def grade_of(score_display: Decimal | None, rules: RulesFile) -> str | None:
    if score_display is None:
        return None
    g = rules.scoring.grades
    if score_display >= g.excellent:
        return "优"
    if score_display >= g.good:
        return "良"
    if score_display >= g.fair:
        return "中"
    return "差"


def _weighted(pairs: list[tuple[Decimal | None, Decimal]]) -> tuple[Decimal | None, list[Decimal | None]]:
    """(weighted mean over applicable items, effective share % of each item)."""
    live = sum((w for s, w in pairs if s is not None), ZERO)
    if live == 0:
        return None, [None] * len(pairs)
    mean = sum((s * w for s, w in pairs if s is not None), ZERO) / live
    return mean, [(w / live * HUNDRED) if s is not None else None for s, w in pairs]


def score(indicators: dict[str, Indicator], rules: RulesFile | None = None,
          extras: Iterable[ExtraIndicator] = ()) -> ScoreResult:
    """Score a set of indicators (one project's, or an aggregate's) plus optional extra indicators."""
    rules = rules or RulesFile()
    sc = rules.scoring
    targets = rules.indicators.targets
    dims: list[DimensionScore] = []
    extras = list(extras)
    for dkey, dname in DIMENSIONS:
        weights = getattr(sc.weights, dkey)
        raw: list[tuple] = []
        for key in type(weights).model_fields:
            ind = indicators.get(key)
            value = ind.value if ind is not None else None
            target = getattr(targets, key)
            raw.append((key, SPECS[key].name, value, target, SPECS[key].unit, getattr(weights, key), True))
        for e in extras:
            if e.dimension == dname:
                raw.append((None, e.name, e.value, e.target, e.unit, sc.weights.extra, e.higher_is_better))
        scores = [indicator_score(v, t, hib) for _, _, v, t, _, _, hib in raw]
        mean, shares = _weighted([(s, r[5]) for s, r in zip(scores, raw)])
        items = [IndicatorScore(k, n, dname, v, t, u, w, sh, s, hib)
                 for (k, n, v, t, u, w, hib), s, sh in zip(raw, scores, shares)]
        dims.append(DimensionScore(dkey, dname, getattr(sc.dimensions, dkey), None, mean, items))
    total, shares = _weighted([(d.score, d.weight) for d in dims])
    dims = [DimensionScore(d.key, d.name, d.weight,
                           None if sh is None else sh * sum((x.weight for x in dims), ZERO) / HUNDRED,
                           d.score, d.items) for d, sh in zip(dims, shares)]
    shown = round1(total)
    return ScoreResult(dims, total, shown, grade_of(shown, rules))


def method_text(rules: RulesFile | None = None) -> str:
    """The 评价方法 paragraph a report prints (Chinese)."""
    rules = rules or RulesFile()
    sc, t = rules.scoring, rules.indicators.targets
    d, g = sc.dimensions, sc.grades
    parts = []
    for dkey, dname in DIMENSIONS:
        w = getattr(sc.weights, dkey)
        items = "、".join(f"{SPECS[k].name}{_n(getattr(w, k))}" for k in type(w).model_fields)
        parts.append(f"{dname}（{_n(getattr(d, dkey))}分）：{items}")
    tg = "、".join(f"{SPECS[k].name}{_n(getattr(t, k))}{SPECS[k].unit}" for k in type(t).model_fields)
    basis = f"本方法依据{rules.basis}确定。" if rules.basis else "以上权重、目标值和等级划分为 wenshu 建议值，可在 rules.yaml 中调整。"
    return (
        f"采用{sc.method}评分，满分100分，分效率、效能、效益三个维度。"
        f"单项指标得分 = min(指标值 ÷ 目标值, 1) × 100（越低越好的指标为 min(目标值 ÷ 指标值, 1) × 100）。"
        f"各维度指标及维度内权重：{'；'.join(parts)}；评价报告中的补充指标每项权重{_n(sc.weights.extra)}。"
        f"维度得分为维度内各适用指标得分的加权平均，不适用的指标（显示为“—”）不参与计算，其权重按比例分配给本维度其他指标；"
        f"某一维度无适用指标的，其分值按比例分配给其他维度。总分 = Σ(维度得分 × 维度分值) ÷ 适用维度分值之和。"
        f"目标值：{tg}。计算过程保留全部精度，总分最后四舍五入保留一位小数，等级按保留后的总分确定："
        f"{_n(g.excellent)}分（含）以上为优，{_n(g.good)}分（含）至{_n(g.excellent)}分为良，"
        f"{_n(g.fair)}分（含）至{_n(g.good)}分为中，{_n(g.fair)}分以下为差。{basis}"
    )


def _n(d: Decimal) -> str:
    """Decimal without trailing zeros: 30 → "30", 12.50 → "12.5"."""
    s = format(d.normalize(), "f")
    return s
