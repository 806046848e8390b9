"""计算规则 (rules): every threshold, target and weight the analysis uses, in one file.

The source notice (the district's reform plan) fixes only the deadlines (15 working days, 4/1/6/11 months, the
10th of each month) and the 三库 multiples (4× / 2×). It gives **no** numbers for the 红黄绿灯
thresholds, indicator targets, scoring weights, grade bands or the 通报表彰/通报批评 criteria; the
defaults here are proposals (domain reference §2.6–§2.8, 财政部 grade bands) and a district overrides
them in ``rules.yaml`` in its data folder.

Every field has a default equal to ``wenshu/analysis/rules_default.yaml`` (a test keeps the two
equal), so a district's ``rules.yaml`` lists only what it changes. ``load_rules`` deep-merges that
file over the shipped defaults: mappings merge key by key, lists and scalars replace.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from wenshu.models.base import WenshuModel




def _order(low: Decimal | int, high: Decimal | int, low_what: str, high_what: str) -> None:
    if low > high:
        raise PydanticCustomError(
            "threshold_order", "{lw}（{l}）不能大于{hw}（{h}）",
            {"lw": low_what, "l": str(low), "hw": high_what, "h": str(high)},
        )


# ─── 红黄绿灯 ──────────────────────────────────────────────────────────────────────────────


class DaysLateLight(WenshuModel):
    """A light judged on calendar days past a planned date (开工, 竣工)."""

    yellow_over_days: int = Field(default=0, title="黄灯：逾期超过天数", description="逾期天数大于该值即为黄灯；0 表示逾期1天即黄灯", ge=0)
    red_over_days: int = Field(default=90, title="红灯：逾期超过天数", description="逾期天数大于该值即为红灯（建议值90天）", ge=0)

    @model_validator(mode="after")
    def _check(self):
        _order(self.yellow_over_days, self.red_over_days, "黄灯天数", "红灯天数")
        return self


class StartLight(DaysLateLight):
    include_reserve: bool = Field(default=False, title="储备库项目也亮开工灯", description="false：只对实施库项目判断开工；true：储备库项目过了计划开工时间也亮灯")


class ProgressLight(WenshuModel):
    """进度: deviation (percentage points) of the year's investment completion from 序时进度."""

    yellow_from_pp: Decimal = Field(default=Decimal(10), title="黄灯：落后序时进度（百分点，含）", description="落后序时进度达到该百分点即为黄灯（建议值10）", ge=0, le=100)
    red_over_pp: Decimal = Field(default=Decimal(30), title="红灯：落后序时进度超过（百分点）", description="落后序时进度超过该百分点即为红灯（建议值30）", ge=0, le=100)

    @model_validator(mode="after")
    def _check(self):
        _order(self.yellow_from_pp, self.red_over_pp, "黄灯百分点", "红灯百分点")
        return self


class FundsLight(WenshuModel):
    """资金: 资金到位率 (disbursed ÷ planned) of the project's funds lines."""

    yellow_below: Decimal = Field(default=Decimal(90), title="黄灯：到位率低于（%）", description="资金到位率低于该值即为黄灯（建议值90%）", ge=0, le=100)
    red_below: Decimal = Field(default=Decimal(70), title="红灯：到位率低于（%）", description="资金到位率低于该值即为红灯（建议值70%）", ge=0, le=100)
    fiscal_only: bool = Field(default=True, title="只看财政性资金", description="true：只比对中省预算内资金、专项债、本级财政资金（通知二、（二）3）；false：比对全部资金来源")

    @model_validator(mode="after")
    def _check(self):
        _order(self.red_below, self.yellow_below, "红灯到位率", "黄灯到位率")
        return self


class EntryLight(WenshuModel):
    """入库: a project that has started but is not yet in the 实施库."""

    yellow_over_days: int = Field(default=30, title="黄灯：开工后未入库超过天数", description="开工超过该天数仍未入实施库即为黄灯（建议值30天）", ge=0)
    red_over_days: int = Field(default=60, title="红灯：开工后未入库超过天数", description="开工超过该天数仍未入实施库即为红灯（建议值60天）", ge=0)

    @model_validator(mode="after")
    def _check(self):
        _order(self.yellow_over_days, self.red_over_days, "黄灯天数", "红灯天数")
        return self


class AppraisalLight(WenshuModel):
    """论证: open 论证入库 applications and appraisals against the 15-working-day limit."""

    yellow_from_workday: int = Field(default=11, title="黄灯：已用工作日（含）", description="未完成的论证已用到第几个工作日即为黄灯（建议值第11个）；超过15个工作日为红灯", ge=1, le=15)


class LiangsuanLight(WenshuModel):
    """两算: the four 两算 deadlines (4 / 1 / 6 months, 11-month cycle)."""

    warn_within_days: int = Field(default=30, title="黄灯：距届满日天数以内", description="尚未完成的步骤距届满日不足该天数即为黄灯（建议值30天）", ge=0)
    red_cycle_over_days: int = Field(default=0, title="红灯：全周期超期超过天数", description="“两算”全周期（11个月）超期超过该天数仍未备案即为红灯；0 表示一超期即红灯", ge=0)


class LightRules(WenshuModel):
    start: StartLight = Field(default_factory=StartLight, title="开工", description="计划开工时间已过仍未开工")
    progress: ProgressLight = Field(default_factory=ProgressLight, title="进度", description="本年投资完成进度落后序时进度")
    completion: DaysLateLight = Field(default_factory=DaysLateLight, title="竣工", description="计划竣工时间已过仍未竣工")
    funds: FundsLight = Field(default_factory=FundsLight, title="资金", description="资金拨付落后资金计划")
    entry: EntryLight = Field(default_factory=EntryLight, title="入库", description="已开工项目未入实施库")
    appraisal: AppraisalLight = Field(default_factory=AppraisalLight, title="论证", description="论证入库15个工作日时限")
    liangsuan: LiangsuanLight = Field(default_factory=LiangsuanLight, title="两算", description="竣工结算、决算报告、决算备案和全周期时限")


# ─── indicators ──────────────────────────────────────────────────────────────────────────


class IndicatorTargets(WenshuModel):
    """目标值 of each indicator, the denominator of the indicator score min(值 ÷ 目标值, 1) × 100."""

    appraisal_on_time: Decimal = Field(default=Decimal(100), title="论证按时率目标（%）", description="建议值100%", gt=0)
    on_time_start: Decimal = Field(default=Decimal(100), title="按时开工率目标（%）", description="建议值100%", gt=0)
    on_time_completion: Decimal = Field(default=Decimal(100), title="按时竣工率目标（%）", description="建议值100%", gt=0)
    investment_completion: Decimal = Field(default=Decimal(100), title="投资完成率目标（%）", description="建议值100%", gt=0)
    funds_in_place: Decimal = Field(default=Decimal(100), title="资金到位率目标（%）", description="建议值100%", gt=0)
    liangsuan_on_time: Decimal = Field(default=Decimal(100), title="两算按时率目标（%）", description="建议值100%", gt=0)
    function_standard: Decimal = Field(default=Decimal(100), title="功能建设达标率目标（%）", description="建议值100%", gt=0)
    supply_utilisation: Decimal = Field(default=Decimal(80), title="供给能力利用率目标（%）", description="政府投资项目，建议值80%", gt=0)
    capacity_utilisation: Decimal = Field(default=Decimal(80), title="产能利用率（服务能力）目标（%）", description="社会投资项目，建议值80%", gt=0)
    carbon_standard: Decimal = Field(default=Decimal(100), title="碳排放达标率目标（%）", description="建议值100%", gt=0)
    tax_per_mu: Decimal = Field(default=Decimal(20), title="亩均税收目标（万元/亩）", description="建议值20万元/亩", gt=0)
    revenue_per_mu: Decimal = Field(default=Decimal(300), title="亩均营收目标（万元/亩）", description="建议值300万元/亩", gt=0)


class IndicatorRules(WenshuModel):
    start_grace_days: int = Field(default=0, title="按时开工宽限天数", description="实际开工不晚于计划开工时间加该天数即为按时开工；0 表示不宽限", ge=0)
    completion_grace_days: int = Field(default=0, title="按时竣工宽限天数", description="实际竣工不晚于计划竣工时间加该天数即为按时竣工", ge=0)
    targets: IndicatorTargets = Field(default_factory=IndicatorTargets, title="指标目标值", description="指标得分 = min(指标值 ÷ 目标值, 1) × 100")


# ─── scoring ─────────────────────────────────────────────────────────────────────────────


class DimensionWeights(WenshuModel):
    efficiency: Decimal = Field(default=Decimal(30), title="效率权重", description="建议值30分", ge=0)
    effectiveness: Decimal = Field(default=Decimal(30), title="效能权重", description="建议值30分", ge=0)
    benefit: Decimal = Field(default=Decimal(40), title="效益权重", description="建议值40分", ge=0)

    @model_validator(mode="after")
    def _positive(self):
        if self.efficiency + self.effectiveness + self.benefit <= 0:
            raise PydanticCustomError("weights", "效率、效能、效益权重不能全为0", {})
        return self


class EfficiencyWeights(WenshuModel):
    appraisal_on_time: Decimal = Field(default=Decimal(15), title="论证按时率", description="效率维度内权重", ge=0)
    on_time_start: Decimal = Field(default=Decimal(20), title="按时开工率", description="效率维度内权重", ge=0)
    on_time_completion: Decimal = Field(default=Decimal(20), title="按时竣工率", description="效率维度内权重", ge=0)
    investment_completion: Decimal = Field(default=Decimal(20), title="投资完成率", description="效率维度内权重", ge=0)
    funds_in_place: Decimal = Field(default=Decimal(10), title="资金到位率", description="效率维度内权重", ge=0)
    liangsuan_on_time: Decimal = Field(default=Decimal(15), title="两算按时率", description="效率维度内权重", ge=0)


class EffectivenessWeights(WenshuModel):
    function_standard: Decimal = Field(default=Decimal(50), title="功能建设达标率", description="效能维度内权重", ge=0)
    supply_utilisation: Decimal = Field(default=Decimal(50), title="供给能力利用率", description="效能维度内权重（政府投资项目）", ge=0)
    capacity_utilisation: Decimal = Field(default=Decimal(50), title="产能利用率（服务能力）", description="效能维度内权重（社会投资项目）", ge=0)


class BenefitWeights(WenshuModel):
    carbon_standard: Decimal = Field(default=Decimal(40), title="碳排放达标率", description="效益维度内权重", ge=0)
    tax_per_mu: Decimal = Field(default=Decimal(35), title="亩均税收", description="效益维度内权重", ge=0)
    revenue_per_mu: Decimal = Field(default=Decimal(25), title="亩均营收", description="效益维度内权重", ge=0)


class IndicatorWeights(WenshuModel):
    efficiency: EfficiencyWeights = Field(default_factory=EfficiencyWeights, title="效率维度指标权重", description="维度内各指标的相对权重")
    effectiveness: EffectivenessWeights = Field(default_factory=EffectivenessWeights, title="效能维度指标权重", description="维度内各指标的相对权重")
    benefit: BenefitWeights = Field(default_factory=BenefitWeights, title="效益维度指标权重", description="维度内各指标的相对权重")
    extra: Decimal = Field(default=Decimal(20), title="补充指标权重", description="evaluations.yaml 中每个补充指标（如服务对象满意度）在其维度内的权重", ge=0)


class GradeBands(WenshuModel):
    excellent: Decimal = Field(default=Decimal(90), title="优（分数不低于）", description="财政部等级：90分（含）以上为优", ge=0, le=100)
    good: Decimal = Field(default=Decimal(80), title="良（分数不低于）", description="80分（含）至90分为良", ge=0, le=100)
    fair: Decimal = Field(default=Decimal(60), title="中（分数不低于）", description="60分（含）至80分为中；60分以下为差", ge=0, le=100)

    @model_validator(mode="after")
    def _check(self):
        _order(self.good, self.excellent, "良的分数线", "优的分数线")
        _order(self.fair, self.good, "中的分数线", "良的分数线")
        return self


class ScoringRules(WenshuModel):
    method: Literal["目标比值法"] = Field(default="目标比值法", title="指标评分方法", description="目标比值法：指标得分 = min(指标值 ÷ 目标值, 1) × 100；越低越好的补充指标为 min(目标值 ÷ 指标值, 1) × 100")
    dimensions: DimensionWeights = Field(default_factory=DimensionWeights, title="维度权重", description="效率、效能、效益三个维度的分值")
    weights: IndicatorWeights = Field(default_factory=IndicatorWeights, title="维度内指标权重", description="各维度内指标的相对权重")
    grades: GradeBands = Field(default_factory=GradeBands, title="等级划分", description="优、良、中、差的分数线")


# ─── supervision (督办考评) ───────────────────────────────────────────────────────────────


class SupervisionWeights(WenshuModel):
    logins: Decimal = Field(default=Decimal(25), title="平台登录", description="每周登录平台至少1次的周数占比", ge=0)
    items: Decimal = Field(default=Decimal(30), title="事项办理", description="按时办结数 ÷ 应办事项数", ge=0)
    warnings: Decimal = Field(default=Decimal(20), title="预警处置", description="已处置预警数 ÷ 收到预警数", ge=0)
    settlement_report: Decimal = Field(default=Decimal(15), title="两算报送", description="每月10日前报送上月“两算”进展", ge=0)
    evaluations: Decimal = Field(default=Decimal(10), title="评价报送", description="已报评价数 ÷ 应报评价数", ge=0)

    @model_validator(mode="after")
    def _positive(self):
        if self.logins + self.items + self.warnings + self.settlement_report + self.evaluations <= 0:
            raise PydanticCustomError("weights", "督办考评各项权重不能全为0", {})
        return self


class CommendRules(WenshuModel):
    min_score: Decimal = Field(default=Decimal(90), title="表彰：月度得分不低于", description="建议值90分", ge=0, le=100)
    top_n: int = Field(default=3, title="表彰：排名前几名", description="名次不晚于该值（并列名次按同一名次计）", ge=0)
    require_no_flags: bool = Field(default=True, title="表彰：无批评情形", description="true：有任何一项通报批评情形的部门不予表彰")


class CriticiseRules(WenshuModel):
    below_score: Decimal = Field(default=Decimal(60), title="批评：月度得分低于", description="建议值60分", ge=0, le=100)
    min_logins_per_week: int = Field(default=1, title="每周最少登录次数", description="任务清单：每周登录平台至少1次", ge=0)
    weeks_below_logins: int = Field(default=2, title="批评：登录不足的周数达到", description="本月登录少于每周最少次数的周数达到该值即通报批评；0 表示不按登录批评", ge=0)
    late_settlement_report: bool = Field(default=True, title="批评：两算进展逾期或未报", description="true：未在10日前（含）报送上月“两算”进展即通报批评")
    unhandled_warnings: int = Field(default=1, title="批评：未处置预警数达到", description="收到的红黄灯预警中未处置数达到该值即通报批评；0 表示不按预警批评", ge=0)


class SupervisionRules(WenshuModel):
    weights: SupervisionWeights = Field(default_factory=SupervisionWeights, title="督办考评权重", description="月度得分各项的分值（合计一般为100）")
    late_report_score: Decimal = Field(default=Decimal(50), title="两算逾期报送得分（%）", description="逾期报送按该比例得分，未报送得0分；按时报送得满分", ge=0, le=100)
    report_roles: list[str] = Field(default_factory=lambda: ["行业主管部门", "财政部门"], title="应报两算进展的角色", description="district.yaml 中具有这些角色的部门每月应报送“两算”进展；其他部门填写了报送日期的也按时限判断")
    commend: CommendRules = Field(default_factory=CommendRules, title="通报表彰条件", description="同时满足全部条件的部门列入通报表彰")
    criticise: CriticiseRules = Field(default_factory=CriticiseRules, title="通报批评条件", description="满足任一条件的部门列入通报批评")


# ─── 三库 ────────────────────────────────────────────────────────────────────────────────


class LibraryRules(WenshuModel):
    catalogue_multiple: Decimal = Field(default=Decimal(4), title="目录库目标倍数", description="通知一、（一）：目录库总投资达到上年度投资规模4倍以上", gt=0)
    reserve_multiple: Decimal = Field(default=Decimal(2), title="储备库目标倍数", description="通知一、（一）：储备库总投资达到上年度投资规模2倍以上", gt=0)
    include_completed: bool = Field(default=True, title="计入已竣工项目", description="true：三库总投资计入平台上的全部项目；false：不计统计年度以前已竣工的项目")


# ─── the file ────────────────────────────────────────────────────────────────────────────


class RulesFile(WenshuModel):
    """计算规则 (``rules.yaml``): only what the district changes; the rest comes from the defaults."""

    kind: Literal["rules"] = Field(default="rules", title="文件类型", description="固定为 rules")
    basis: str | None = Field(default=None, title="规则依据", description="本区确定这些规则的文件或会议，如 区投委会2025年第1次会议；报告“评价方法”中引用")
    lights: LightRules = Field(default_factory=LightRules, title="红黄绿灯阈值", description="开工、进度、竣工、资金、入库、论证、两算的亮灯条件")
    indicators: IndicatorRules = Field(default_factory=IndicatorRules, title="指标口径与目标值", description="宽限天数和各指标目标值")
    scoring: ScoringRules = Field(default_factory=ScoringRules, title="评分规则", description="评分方法、维度和指标权重、等级划分")
    supervision: SupervisionRules = Field(default_factory=SupervisionRules, title="督办考评规则", description="月度得分权重、通报表彰和通报批评条件")
    libraries: LibraryRules = Field(default_factory=LibraryRules, title="三库目标", description="目录库、储备库总投资对上年度投资规模的目标倍数")


# ─── loading ─────────────────────────────────────────────────────────────────────────────


def deep_merge(base: dict, override: dict) -> dict:
    """``override`` over ``base``: mappings merge key by key; lists and scalars replace."""
    out = dict(base)
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out
