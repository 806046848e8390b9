"""Monthly supervision records (督办考评) per department, the input of 通报表彰/通报批评."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from wenshu.models.base import WenshuModel


class DeptMonthRecord(WenshuModel):
    department: str = Field(title="部门", description="部门简称，须在 district.yaml 中")
    weekly_logins: list[int] = Field(title="每周登录平台次数", description="本月每周登录绩效平台的次数，按周列出（4—6周）", min_length=4, max_length=6)
    items_due: int = Field(title="应办事项数", description="本月应在平台办理的录入、论证、填报等事项数", ge=0)
    items_on_time: int = Field(title="按时办结数", description="其中按时办结的事项数", ge=0)
    warnings_received: int = Field(default=0, title="收到预警数", description="本月收到的红灯、黄灯预警数", ge=0)
    warnings_handled: int = Field(default=0, title="已处置预警数", description="其中已明确整改时限并处置的预警数", ge=0)
    settlement_report_on: dt.date | None = Field(default=None, title="两算报告日期", description="向财政部门（财政部门本身向投委会办公室）报送上月两算进展的日期；应在每月10日前；未报送留空")
    evaluations_due: int = Field(default=0, title="应报评价数", description="本月应提交的绩效评价报告数", ge=0)
    evaluations_submitted: int = Field(default=0, title="已报评价数", description="本月已提交的绩效评价报告数", ge=0)
    highlights: list[str] = Field(default_factory=list, title="工作亮点", description="可用于通报表彰的事实")
    issues: list[str] = Field(default_factory=list, title="存在问题", description="可用于通报批评的事实")

    @field_validator("weekly_logins")
    @classmethod
    def _non_negative(cls, v: list[int]):
        if any(x < 0 for x in v):
            raise PydanticCustomError("negative", "登录次数不能为负数", {})
        return v

    @field_validator("items_on_time", "warnings_handled", "evaluations_submitted")
    @classmethod
    def _part_not_above_whole(cls, v, info):
        whole_field = _WHOLE[info.field_name]
        whole = info.data.get(whole_field)
        if whole is not None and v > whole:
            part_title = cls.model_fields[info.field_name].title
            whole_title = cls.model_fields[whole_field].title
            raise PydanticCustomError(
                "count_order", "{p}（{v}）不能大于{w}（{n}）", {"p": part_title, "v": v, "w": whole_title, "n": whole}
            )
        return v


# Each "done" count and the total it is part of.
_WHOLE = {"items_on_time": "items_due", "warnings_handled": "warnings_received", "evaluations_submitted": "evaluations_due"}


class BulletinMeta(WenshuModel):
    """Issuing facts of the month's 通报 (numbers and date); the content is computed."""

    organ: str = Field(title="发文机关代号", description="district.yaml 中 organs 的 key，如 committee_office")
    commendation_seq: int | None = Field(default=None, title="通报表彰发文顺序号", description="如 5 表示〔年份〕5号；不写时由 wenshu 按发文登记簿编下一个号", ge=1)
    criticism_seq: int | None = Field(default=None, title="通报批评发文顺序号", description="不写时由 wenshu 按发文登记簿编下一个号", ge=1)
    commendation: bool = Field(default=True, title="发通报表彰", description="有符合条件的单位时发通报表彰；false：本月不发")
    criticism: bool = Field(default=True, title="发通报批评", description="有符合条件的单位时发通报批评；false：本月不发")
    issued_on: dt.date = Field(title="成文日期", description="通报的成文日期")


class SupervisionFile(WenshuModel):
    kind: Literal["supervision"] = Field(title="文件类型", description="固定为 supervision")
    year: int = Field(title="年度", description="督办年度", ge=2000, le=2100)
    month: int = Field(title="月份", description="督办月份 1—12", ge=1, le=12)
    records: list[DeptMonthRecord] = Field(title="部门督办记录", description="每个部门一条", min_length=1)
    bulletin: BulletinMeta | None = Field(default=None, title="通报发文信息", description="本月通报的发文字号顺序号和日期")

    @model_validator(mode="after")
    def _unique(self) -> SupervisionFile:
        names = [r.department for r in self.records]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise PydanticCustomError("duplicate", "同一月份部门重复：{d}", {"d": "、".join(dup)})
        return self
