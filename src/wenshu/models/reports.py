"""Narrative inputs of the industry and annual reports; every number in them is computed."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from wenshu.models.base import WenshuModel
from wenshu.models.tasks import TaskItem


class Rectification(WenshuModel):
    problem: str = Field(title="问题", description="存在的问题", min_length=2)
    measure: str = Field(title="整改措施", description="整改措施", min_length=2)
    unit: str = Field(title="责任单位", description="责任单位简称")
    due: dt.date = Field(title="完成时间", description="整改完成日期")


class IndustryReportInput(WenshuModel):
    industry: str = Field(title="行业", description="须在 district.yaml 的 industries 中")
    year: int = Field(title="评价年度", description="被评价的年度（上一年竣工项目）", ge=2000, le=2100)
    report_date: dt.date = Field(title="报告日期", description="应在次年5月底前")
    data_as_of: dt.date | None = Field(default=None, title="统计截止日", description="报告中数据的截止日期，不晚于报告日期；不写为报告日期")
    background: str | None = Field(default=None, title="行业发展背景", description="行业发展情况和政策背景")
    structure_analysis: list[str] = Field(default_factory=list, title="结构分析", description="政府投资：资产存量、供给能力发挥、未来需求；社会投资：投资总量、在建产能规模、发展趋势、未来需求")
    problems: list[str] = Field(default_factory=list, title="存在的主要问题", description="逐条列出")
    recommendations: list[str] = Field(default_factory=list, title="意见建议", description="逐条列出")
    rectifications: list[Rectification] = Field(default_factory=list, title="整改清单", description="问题、措施、责任单位、完成时间")


class IndustryReportFile(WenshuModel):
    kind: Literal["industry_reports"] = Field(title="文件类型", description="固定为 industry_reports")
    reports: list[IndustryReportInput] = Field(title="行业报告", description="每个行业一条；可为空列表 []（尚无行业报告）")


class AnnualReportFile(WenshuModel):
    kind: Literal["annual_report"] = Field(title="文件类型", description="固定为 annual_report")
    year: int = Field(title="评价年度", description="被评价的年度", ge=2000, le=2100)
    report_date: dt.date = Field(title="报告日期", description="应在次年6月底前")
    data_as_of: dt.date | None = Field(default=None, title="统计截止日", description="报告中数据的截止日期，不晚于报告日期；不写为报告日期")
    overall_trend: list[str] = Field(default_factory=list, title="总体趋势", description="定性分析：全区投资项目总体趋势")
    input_output: list[str] = Field(default_factory=list, title="投入产出比", description="定性分析：投入产出情况")
    development: list[str] = Field(default_factory=list, title="发展态势", description="定性分析：发展态势")
    problems: list[str] = Field(default_factory=list, title="存在问题", description="逐条列出")
    suggestions_scale: list[str] = Field(default_factory=list, title="投资规模建议", description="对全区投资规模的建议")
    suggestions_structure: list[str] = Field(default_factory=list, title="投资结构和质量建议", description="对投资结构和质量的建议")
    suggestions_management: list[str] = Field(default_factory=list, title="投资管理建议", description="对投资管理的建议")
    suggestions_growth: list[str] = Field(default_factory=list, title="新的增长点建议", description="培育投资新的增长点的建议")
    next_year_tasks: list[TaskItem] = Field(default_factory=list, title="下一年度工作安排", description="附任务清单")
