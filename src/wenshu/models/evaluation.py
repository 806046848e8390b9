"""Project evaluation inputs (项目绩效评价): what the evaluators found; numbers are computed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import Field

from wenshu.models.base import WenshuModel


class Evaluator(WenshuModel):
    organisation: str = Field(title="评价单位", description="部门简称或第三方机构名称", min_length=2)
    role: Literal["牵头", "参与", "第三方"] = Field(title="角色", description="牵头、参与或第三方")
    people: list[str] = Field(default_factory=list, title="评价人员", description="评价组成员姓名")


class ExtraIndicator(WenshuModel):
    """An indicator the platform cannot compute (e.g. 服务对象满意度), with its value and target."""

    name: str = Field(title="指标名称", description="如 服务对象满意度", min_length=2)
    dimension: Literal["效率", "效能", "效益"] = Field(title="评价维度", description="效率、效能或效益")
    value: Decimal = Field(title="指标值", description="实际值")
    target: Decimal = Field(title="目标值", description="目标值")
    unit: str = Field(default="%", title="单位", description="如 %、万元、人次")
    higher_is_better: bool = Field(default=True, title="越高越好", description="false 表示越低越好（如成本）")


class EvaluationInput(WenshuModel):
    project: str = Field(title="项目编号", description="被评价项目的平台项目编号")
    basis: str = Field(title="评价依据", description="政府投资项目对照可行性研究报告，社会投资项目对照项目策划书，写明文件名称", min_length=4)
    evaluated_on: dt.date = Field(title="评价日期", description="评价报告日期")
    data_as_of: dt.date | None = Field(default=None, title="统计截止日", description="报告中数据的截止日期，不晚于评价日期；不写为评价日期")
    evaluators: list[Evaluator] = Field(title="评价单位", description="政府投资项目：发展改革部门会同财政部门、行业主管部门；社会投资项目：发展改革部门会同经济、商务等部门；第一个牵头单位署名", min_length=1)
    extra_indicators: list[ExtraIndicator] = Field(default_factory=list, title="补充指标", description="平台数据以外的指标（如满意度），计入对应维度")
    findings: list[str] = Field(default_factory=list, title="主要成效和经验", description="逐条列出")
    problems: list[str] = Field(default_factory=list, title="存在的问题", description="逐条列出")
    recommendations: list[str] = Field(default_factory=list, title="有关建议", description="逐条列出")
    other_notes: str | None = Field(default=None, title="其他需要说明的问题", description="可选")


class EvaluationFile(WenshuModel):
    kind: Literal["evaluations"] = Field(title="文件类型", description="固定为 evaluations")
    evaluations: list[EvaluationInput] = Field(title="项目评价", description="项目绩效评价输入列表；可为空列表 []（尚无评价）")
