"""Projects through the three libraries (三库): 目录库 → 储备库 → 实施库.

Field lists follow the source notice (二、（一）): the catalogue fields are entered by the industry
department, the reserve adds owner, code, plans and land, the implementation library adds the approved
funding, progress, acceptance, 两算 and operating data.

Cross-field rules are field validators on the *later* field so that an error points at the field to
fix (a model-level validator would only point at the whole project).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from wenshu.models.base import AreaMu, Money, WenshuModel
from wenshu.models.codes import CreditCode, NicCode, ProjectCode
from wenshu.models.district import InvestmentType


class Library(str, Enum):
    CATALOGUE = "目录库"
    RESERVE = "储备库"
    IMPLEMENTATION = "实施库"


class ConstructionNature(str, Enum):
    NEW = "新建"
    EXTENSION = "扩建"
    RECONSTRUCTION = "改建"
    RELOCATION = "迁建"
    RENOVATION = "技术改造"
    OTHER = "其他"


class FundingSource(str, Enum):
    # Funding sources as the notice distinguishes them for 财力论证.

    CENTRAL_PROVINCIAL = "中省预算内资金"
    SPECIAL_BOND = "专项债"
    LOCAL_FISCAL = "本级财政资金"
    BANK_LOAN = "银行贷款"
    SELF_RAISED = "自筹资金"
    OTHER = "其他"


FISCAL_SOURCES = frozenset(
    {FundingSource.CENTRAL_PROVINCIAL, FundingSource.SPECIAL_BOND, FundingSource.LOCAL_FISCAL}
)


def _not_before(value: dt.date | None, info: ValidationInfo, other: str, what: str, other_what: str):
    earlier = info.data.get(other)
    if value is not None and earlier is not None and value < earlier:
        raise PydanticCustomError(
            "date_order",
            "{what}（{v}）不能早于{other_what}（{o}）",
            {"what": what, "v": value.isoformat(), "other_what": other_what, "o": earlier.isoformat()},
        )
    return value


def _sum_matches(items: list, total: Decimal | None, what: str, total_what: str) -> None:
    if total is None or not items:
        return
    s = sum((i.amount for i in items), Decimal(0))
    if s != total:
        raise PydanticCustomError(
            "sum_mismatch",
            "{what}合计 {s} 万元，与{total_what} {t} 万元不一致（相差 {d} 万元）",
            {"what": what, "s": str(s), "total_what": total_what, "t": str(total), "d": str(s - total)},
        )


class Owner(WenshuModel):
    name: str = Field(title="业主单位", description="项目业主（建设）单位全称", min_length=2)
    legal_person: str = Field(title="法定代表人", description="业主单位法定代表人姓名", min_length=2)
    credit_code: CreditCode = Field(title="统一社会信用代码", description="18位，按 GB 32100 校验第18位校验码")


class FundingShare(WenshuModel):
    source: FundingSource = Field(title="资金来源", description="中省预算内资金、专项债、本级财政资金、银行贷款、自筹资金或其他")
    amount: Money = Field(title="金额（万元）", description="该来源的金额，单位万元")


class YearAmount(WenshuModel):
    year: int = Field(title="年度", description="如 2024", ge=2000, le=2100)
    amount: Money = Field(title="金额（万元）", description="该年度计划投资，单位万元")


class LandUse(WenshuModel):
    use: str = Field(title="用地类型", description="如 教育用地、工业用地、道路用地", min_length=2)
    area_mu: AreaMu = Field(title="面积（亩）", description="该类用地面积，单位亩")


class ReserveInfo(WenshuModel):
    """储备库 fields added to the catalogue record (source notice 二、（一）2)."""

    owner: Owner = Field(title="业主单位和法人信息", description="业主单位、法定代表人、统一社会信用代码")
    nature: ConstructionNature = Field(title="建设性质", description="新建、扩建、改建、迁建、技术改造或其他")
    estimated_investment: Money = Field(title="投资匡算（万元）", description="项目建议书（策划书）阶段的投资匡算")
    intended_funding: list[FundingShare] = Field(title="意向资金来源", description="各意向资金来源及金额，合计应等于投资匡算", min_length=1)
    annual_plan: list[YearAmount] = Field(title="分年度投资计划", description="每年计划投资额", min_length=1)
    content_scale: str = Field(title="建设内容和规模", description="主要建设内容及规模", min_length=4)
    project_code: ProjectCode = Field(title="项目代码", description="年份-行政区划代码-行业代码-类型-序号，如 2024-420202-48-01-123456")
    planned_start: dt.date = Field(title="计划开工时间", description="YYYY-MM-DD")
    planned_completion: dt.date = Field(title="计划竣工时间", description="YYYY-MM-DD，不早于计划开工时间")
    address: str = Field(title="建设具体地址", description="街道、路名及门牌等具体地址", min_length=4)
    land_area_mu: AreaMu = Field(title="总用地面积（亩）", description="单位亩")
    land_composition: list[LandUse] = Field(default_factory=list, title="用地构成", description="各类用地面积，合计应等于总用地面积")
    objectives: list[str] = Field(title="功能效益目标", description="项目建成后应达到的功能和效益目标，逐条列出", min_length=1)
    applied_on: dt.date = Field(title="转库申请日期", description="发起转入储备库申请的日期，论证15个工作日时限由此起算")
    entered_on: dt.date | None = Field(default=None, title="入储备库日期", description="论证完成、转入储备库的日期")

    @field_validator("intended_funding")
    @classmethod
    def _funding_sum(cls, v: list[FundingShare], info: ValidationInfo):
        _sum_matches(v, info.data.get("estimated_investment"), "意向资金来源", "投资匡算")
        return v

    @field_validator("planned_completion")
    @classmethod
    def _plan_order(cls, v, info):
        return _not_before(v, info, "planned_start", "计划竣工时间", "计划开工时间")

    @field_validator("land_composition")
    @classmethod
    def _land_sum(cls, v: list[LandUse], info: ValidationInfo):
        total = info.data.get("land_area_mu")
        if v and total is not None:
            s = sum((u.area_mu for u in v), Decimal(0))
            if s != total:
                raise PydanticCustomError(
                    "sum_mismatch",
                    "用地构成合计 {s} 亩，与总用地面积 {t} 亩不一致",
                    {"s": str(s), "t": str(total)},
                )
        return v

    @field_validator("entered_on")
    @classmethod
    def _entered_after_apply(cls, v, info):
        return _not_before(v, info, "applied_on", "入储备库日期", "转库申请日期")


class AnnualProgress(WenshuModel):
    year: int = Field(title="年度", description="如 2024", ge=2000, le=2100)
    planned: Money = Field(title="年度计划投资（万元）", description="当年计划完成投资")
    completed: Money = Field(title="年度完成投资（万元）", description="当年实际完成投资（截至填报日）")


class FundsLine(WenshuModel):
    source: FundingSource = Field(title="资金来源", description="与资金来源一致")
    planned: Money = Field(title="计划到位资金（万元）", description="按资金计划截至目前应到位的金额")
    disbursed: Money = Field(title="实际拨付资金（万元）", description="截至目前实际拨付（到位）的金额")


class Acceptance(WenshuModel):
    accepted_on: dt.date = Field(title="竣工验收日期", description="YYYY-MM-DD")
    filed_on: dt.date | None = Field(default=None, title="竣工验收备案日期", description="项目绩效评价在备案1年后开展")

    @field_validator("filed_on")
    @classmethod
    def _order(cls, v, info):
        return _not_before(v, info, "accepted_on", "竣工验收备案日期", "竣工验收日期")


class Settlement(WenshuModel):
    """两算: 竣工结算 and 竣工财务决算 (source notice 二、（三））."""

    settled_on: dt.date | None = Field(default=None, title="竣工结算完成日期", description="完成结算审核并办理工程结算备案的日期（竣工后4个月内）")
    settled_amount: Money | None = Field(default=None, title="结算金额（万元）", description="审定结算金额")
    final_report_on: dt.date | None = Field(default=None, title="竣工财务决算报告完成日期", description="结算后1个月内完成")
    final_amount: Money | None = Field(default=None, title="决算金额（万元）", description="竣工财务决算金额")
    filed_on: dt.date | None = Field(default=None, title="决算备案日期", description="报财政部门备案的日期（决算报告后6个月内）")

    @field_validator("settled_amount")
    @classmethod
    def _amount_needs_date(cls, v, info):
        if v is not None and info.data.get("settled_on") is None:
            raise PydanticCustomError("missing_date", "填写了结算金额，但没有填写竣工结算完成日期", {})
        return v

    @field_validator("final_report_on")
    @classmethod
    def _report_after_settle(cls, v, info):
        if v is not None and info.data.get("settled_on") is None:
            raise PydanticCustomError("date_order", "决算报告须在竣工结算之后：请先填写竣工结算完成日期", {})
        return _not_before(v, info, "settled_on", "竣工财务决算报告完成日期", "竣工结算完成日期")

    @field_validator("filed_on")
    @classmethod
    def _filed_after_report(cls, v, info):
        if v is not None and info.data.get("final_report_on") is None:
            raise PydanticCustomError("date_order", "决算备案须在决算报告之后：请先填写竣工财务决算报告完成日期", {})
        return _not_before(v, info, "final_report_on", "决算备案日期", "竣工财务决算报告完成日期")


class FunctionTarget(WenshuModel):
    name: str = Field(title="功能目标", description="如 新增学位1080个", min_length=2)
    achieved: bool = Field(title="是否达标", description="true 表示已达到设计功能")


class Operation(WenshuModel):
    """Operating data after completion, for 效能 and 效益 indicators."""

    year: int = Field(title="运营数据年度", description="运营数据所属年度", ge=2000, le=2100)
    capacity_unit: str = Field(title="能力单位", description="设计能力和实际能力的单位，如 个学位、张床位、吨/日", min_length=1)
    design_capacity: Decimal = Field(title="设计能力", description="设计供给能力或设计产能", ge=0)
    actual_capacity: Decimal = Field(title="实际能力", description="实际供给量、服务量或产量", ge=0)
    functions: list[FunctionTarget] = Field(default_factory=list, title="功能建设目标", description="逐项列出功能建设目标及是否达标，用于功能建设达标率")
    carbon_unit: str | None = Field(default=None, title="碳排放强度单位", description="如 吨CO₂/万元产值")
    carbon_design: Decimal | None = Field(default=None, title="设计碳排放强度", description="节能审查或设计确定的碳排放强度", ge=0)
    carbon_actual: Decimal | None = Field(default=None, title="实际碳排放强度", description="实测或核算的碳排放强度", ge=0)
    tax: Money | None = Field(default=None, title="年度实缴税收（万元）", description="用于亩均税收")
    revenue: Money | None = Field(default=None, title="年度营业收入（万元）", description="用于亩均营收")

    @field_validator("carbon_actual")
    @classmethod
    def _carbon_pair(cls, v, info):
        if (v is None) != (info.data.get("carbon_design") is None):
            raise PydanticCustomError("pair", "设计碳排放强度和实际碳排放强度须同时填写", {})
        return v


class ImplementationInfo(WenshuModel):
    """实施库 fields: approved funding and everything that happens during and after construction."""

    total_investment: Money = Field(title="总投资（万元）", description="批复（备案）总投资")
    funding: list[FundingShare] = Field(title="资金来源", description="落实的资金来源及金额，合计应等于总投资", min_length=1)
    applied_on: dt.date = Field(title="入实施库申请日期", description="发起入实施库（财力论证）申请的日期")
    entered_on: dt.date | None = Field(default=None, title="入实施库日期", description="财力论证完成、进入实施库的日期")
    actual_start: dt.date | None = Field(default=None, title="实际开工时间", description="YYYY-MM-DD；未开工留空")
    actual_completion: dt.date | None = Field(default=None, title="实际竣工时间", description="YYYY-MM-DD；未竣工留空")
    progress: list[AnnualProgress] = Field(default_factory=list, title="年度投资计划与完成", description="每年计划投资与完成投资")
    funds: list[FundsLine] = Field(default_factory=list, title="资金计划与拨付", description="按资金来源列出计划到位与实际拨付")
    acceptance: Acceptance | None = Field(default=None, title="竣工验收", description="竣工验收及备案日期")
    settlement: Settlement | None = Field(default=None, title="两算情况", description="竣工结算与竣工财务决算")
    operation: Operation | None = Field(default=None, title="运营情况", description="建成后的能力、碳排放、税收和营收数据")
    weekly_reports: int | None = Field(default=None, title="本年周报次数", description="行业主管部门本年在平台填报进展的周数（可选）", ge=0)

    @field_validator("funding")
    @classmethod
    def _funding_sum(cls, v, info):
        _sum_matches(v, info.data.get("total_investment"), "资金来源", "总投资")
        return v

    @field_validator("entered_on")
    @classmethod
    def _entered(cls, v, info):
        return _not_before(v, info, "applied_on", "入实施库日期", "入实施库申请日期")

    @field_validator("actual_completion")
    @classmethod
    def _completion(cls, v, info):
        if v is not None and info.data.get("actual_start") is None:
            raise PydanticCustomError("date_order", "填写了实际竣工时间，但没有填写实际开工时间", {})
        return _not_before(v, info, "actual_start", "实际竣工时间", "实际开工时间")

    @field_validator("progress")
    @classmethod
    def _years_unique(cls, v: list[AnnualProgress]):
        years = [p.year for p in v]
        dup = sorted({y for y in years if years.count(y) > 1})
        if dup:
            raise PydanticCustomError("duplicate", "年度投资计划中年度重复：{y}", {"y": "、".join(map(str, dup))})
        return v

    @field_validator("funds")
    @classmethod
    def _funds_sources(cls, v: list[FundsLine], info):
        declared = {f.source for f in info.data.get("funding") or []}
        for line in v:
            if declared and line.source not in declared:
                raise PydanticCustomError(
                    "unknown_source",
                    "资金拨付中的来源“{s}”不在资金来源中（已有：{d}）",
                    {"s": line.source.value, "d": "、".join(s.value for s in declared)},
                )
        return v

    @field_validator("acceptance", "settlement", "operation")
    @classmethod
    def _after_completion(cls, v, info):
        """Acceptance, 两算 and operation all presuppose a completed project, and none predates it."""
        if v is None:
            return v
        what, day = {
            "acceptance": ("竣工验收", lambda x: x.accepted_on),
            "settlement": ("竣工结算", lambda x: x.settled_on),
            "operation": ("运营情况", lambda x: None),
        }[info.field_name]
        if info.field_name == "settlement" and v.settled_on is None:
            return v
        done = info.data.get("actual_completion")
        if done is None:
            raise PydanticCustomError("date_order", "填写了{what}，但项目还没有实际竣工时间", {"what": what})
        d = day(v)
        if d is not None and d < done:
            raise PydanticCustomError(
                "date_order", "{what}日期（{a}）不能早于实际竣工时间（{d}）",
                {"what": what, "a": d.isoformat(), "d": done.isoformat()},
            )
        return v


class Project(WenshuModel):
    """One investment project. The top-level fields are the 目录库 record."""

    id: str = Field(title="平台项目编号", description="绩效平台上的项目编号，在全区唯一，其他文件用它引用项目，如 HSG-2024-001", pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{2,40}$")
    name: str = Field(title="项目名称", description="项目全称", min_length=4, max_length=120)
    library: Library = Field(title="所在库", description="目录库、储备库或实施库")
    investment_type: InvestmentType = Field(title="投资类型", description="政府投资或社会投资")
    department: str = Field(title="行业主管部门", description="录入和负责该项目的部门简称，须在 district.yaml 的 departments 中")
    industry: str = Field(title="所属行业", description="须在 district.yaml 的 industries 中，如 教育")
    nic_code: NicCode = Field(title="国民经济行业分类", description="GB/T 4754-2017 门类字母加2—4位数字，如 P8321")
    intended_investment: Money = Field(title="意向总投资（万元）", description="目录库阶段的意向总投资")
    source_basis: str = Field(title="项目来源依据", description="如 区“十四五”教育发展规划", min_length=2)
    summary: str = Field(title="建设内容概况", description="建设内容概况", min_length=4)
    location: str = Field(title="所在地", description="所在街道或片区，如 某某街道", min_length=2)
    catalogue_entered_on: dt.date | None = Field(default=None, title="入目录库日期", description="录入目录库的日期")
    reserve: ReserveInfo | None = Field(default=None, title="储备库信息", description="转入储备库时补充的信息；储备库、实施库项目必填")
    implementation: ImplementationInfo | None = Field(default=None, title="实施库信息", description="进入实施库后的资金、进度、验收、两算和运营信息；实施库项目必填")

    @field_validator("reserve")
    @classmethod
    def _reserve_needed(cls, v, info):
        entered = info.data.get("catalogue_entered_on")
        if v is not None and entered is not None and v.applied_on < entered:
            raise PydanticCustomError(
                "date_order", "转库申请日期（{a}）不能早于入目录库日期（{e}）",
                {"a": v.applied_on.isoformat(), "e": entered.isoformat()},
            )
        lib = info.data.get("library")
        if v is None and lib in (Library.RESERVE, Library.IMPLEMENTATION):
            raise PydanticCustomError(
                "library_fields", "{lib}项目必须填写储备库信息（reserve）", {"lib": lib.value}
            )
        return v

    @field_validator("implementation")
    @classmethod
    def _implementation_fits(cls, v, info):
        lib = info.data.get("library")
        if lib == Library.IMPLEMENTATION and v is None:
            raise PydanticCustomError("library_fields", "实施库项目必须填写实施库信息（implementation）", {})
        if lib in (Library.CATALOGUE, Library.RESERVE) and v is not None:
            raise PydanticCustomError(
                "library_fields",
                "{lib}项目不应填写实施库信息：请把所在库（library）改为实施库，或删除 implementation",
                {"lib": lib.value},
            )
        return v

    @property
    def code(self) -> str | None:
        return self.reserve.project_code if self.reserve else None

    @property
    def total_investment(self) -> Decimal:
        """Best known total: approved total, else the estimate, else the intended figure."""
        if self.implementation:
            return self.implementation.total_investment
        if self.reserve:
            return self.reserve.estimated_investment
        return self.intended_investment

    @property
    def is_government(self) -> bool:
        return self.investment_type == InvestmentType.GOVERNMENT


class ProjectFile(WenshuModel):
    """A file of projects (``projects/*.yaml``), usually one per industry department."""

    kind: Literal["projects"] = Field(title="文件类型", description="固定为 projects")
    projects: list[Project] = Field(title="项目", description="项目列表；新建的数据目录中为空列表 []，表示尚未录入项目")

    @model_validator(mode="after")
    def _unique_ids(self) -> ProjectFile:
        ids = [p.id for p in self.projects]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise PydanticCustomError("duplicate", "同一文件中项目编号重复：{d}", {"d": "、".join(dup)})
        return self
