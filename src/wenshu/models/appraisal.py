"""论证 (appraisals): every kind the source notice names, who does it, and when."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from wenshu.models.base import WenshuModel


class AppraisalKind(str, Enum):
    ENERGY = "能效水平"
    SUPPLY_DEMAND = "供需总量"
    DEBT_RISK = "债务风险"
    FISCAL_AFFORDABILITY = "财政可承受能力"
    WATER = "水资源量"
    POLLUTANT = "污染物排放总量"
    ENV_ACCESS = "环境准入清单"
    LAND_QUOTA = "用地指标"
    SITE = "选址"
    SITE_REVIEW = "选址复核"
    FISCAL_CAPACITY = "财力"


class Conclusion(str, Enum):
    PASS = "通过"
    CONDITIONAL = "有条件通过"
    FAIL = "不通过"


class Appraisal(WenshuModel):
    project: str = Field(title="项目编号", description="被论证项目的平台项目编号（projects 中的 id）")
    kind: AppraisalKind = Field(title="论证类型", description="能效水平、供需总量、债务风险、财政可承受能力、水资源量、污染物排放总量、环境准入清单、用地指标、选址、选址复核或财力")
    department: str = Field(title="论证部门", description="负责该论证的部门简称，须在 district.yaml 的 departments 中")
    submitted_on: dt.date = Field(title="提交论证日期", description="材料提交论证部门的日期；15个工作日时限由次日起算")
    completed_on: dt.date | None = Field(default=None, title="论证完成日期", description="出具论证意见的日期；未完成留空")
    conclusion: Conclusion | None = Field(default=None, title="论证结论", description="通过、有条件通过或不通过；完成后必填")
    opinions: str | None = Field(default=None, title="论证意见", description="论证意见摘要")

    @field_validator("completed_on")
    @classmethod
    def _order(cls, v, info):
        s = info.data.get("submitted_on")
        if v is not None and s is not None and v < s:
            raise PydanticCustomError(
                "date_order", "论证完成日期（{c}）不能早于提交论证日期（{s}）",
                {"c": v.isoformat(), "s": s.isoformat()},
            )
        return v

    @field_validator("conclusion")
    @classmethod
    def _conclusion(cls, v, info):
        done = info.data.get("completed_on")
        if v is None and done is not None:
            raise PydanticCustomError("missing_conclusion", "论证已完成（有完成日期），须填写论证结论", {})
        if v is not None and done is None and "completed_on" in info.data:
            raise PydanticCustomError("missing_date", "填写了论证结论，但没有填写论证完成日期", {})
        return v


class AppraisalFile(WenshuModel):
    kind: Literal["appraisals"] = Field(title="文件类型", description="固定为 appraisals")
    appraisals: list[Appraisal] = Field(title="论证记录", description="论证记录列表；可为空列表 []（尚无论证记录）")
