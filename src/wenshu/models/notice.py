"""A structured notice (通知): any notice, including the source notice itself, written in YAML.

The body is structured sections with levels 一、/（一）/1./（1）; the numbering is generated, never typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from wenshu.models.base import WenshuModel

MAX_LEVELS = 4


class Responsibility(WenshuModel):
    """A responsibility line: （牵头单位：…；责任单位：…）."""

    lead: list[str] = Field(default_factory=list, title="牵头单位", description="牵头单位简称")
    units: list[str] = Field(default_factory=list, title="责任单位", description="责任单位简称或“各行业主管部门”等统称")

    @model_validator(mode="after")
    def _not_empty(self) -> Responsibility:
        if not self.lead and not self.units:
            raise PydanticCustomError("empty", "责任分工至少填写牵头单位或责任单位之一", {})
        return self


class Section(WenshuModel):
    """A numbered section. ``title`` is the heading; ``lead`` continues on the heading line."""

    title: str = Field(title="标题", description="不含序号（序号自动生成），如 工作目标", min_length=2)
    lead: str | None = Field(default=None, title="标题后正文", description="与标题同段的正文，如“（一）项目生成规范化。成立区级投资管理委员会……”中标题后的部分")
    paragraphs: list[str] = Field(default_factory=list, title="段落", description="标题下的正文段落")
    responsibility: Responsibility | None = Field(default=None, title="责任分工", description="本节末尾的（牵头单位：…；责任单位：…）")
    sections: list[Section] = Field(default_factory=list, title="下级标题", description="下一层级的小节，最多4层：一、/（一）/1./（1）")


def _depth(sections: list[Section]) -> int:
    return 1 + max((_depth(s.sections) for s in sections if s.sections), default=0) if sections else 0


class Attachment(WenshuModel):
    title: str = Field(title="附件名称", description="附件说明和附件标题使用的名称，末尾不加标点", min_length=2)
    task_list: str | None = Field(default=None, title="任务清单文件", description="相对数据目录的 tasks 文件路径，如 tasks/2024.yaml")
    sections: list[Section] = Field(default_factory=list, title="附件正文", description="附件为文字材料时的结构化正文")

    @model_validator(mode="after")
    def _content(self) -> Attachment:
        if self.task_list is None and not self.sections:
            raise PydanticCustomError("empty", "附件须有内容：填写 task_list（任务清单文件）或 sections（正文）", {})
        if self.title.endswith(("。", "；", "，", ".")):
            raise PydanticCustomError("punct", "附件名称后不加标点符号（GB/T 9704 7.3.3）", {})
        return self


class Enclosure(WenshuModel):
    """The document a 印发通知 issues (e.g. a work plan), printed after the cover notice."""

    title: str = Field(title="印发文件标题", description="如 某区加快推动投资项目绩效综合评价改革工作方案（试行）", min_length=4)
    preamble: list[str] = Field(default_factory=list, title="导语", description="标题后、第一个小节前的段落")
    sections: list[Section] = Field(title="正文小节", description="一、/（一）/1./（1）结构的正文", min_length=1)
    attachments: list[Attachment] = Field(default_factory=list, title="附件", description="印发文件的附件，如任务清单")

    @model_validator(mode="after")
    def _levels(self) -> Enclosure:
        if _depth(self.sections) > MAX_LEVELS:
            raise PydanticCustomError("too_deep", "正文层级不能超过4层（一、/（一）/1./（1））", {})
        return self


class NoticeFile(WenshuModel):
    kind: Literal["notice"] = Field(title="文件类型", description="固定为 notice")
    organ: str = Field(title="发文机关代号", description="district.yaml 中 organs 的 key")
    year: int = Field(title="发文年份", description="发文字号中的年份", ge=2000, le=2100)
    seq: int | None = Field(default=None, title="发文顺序号", description="发文字号中的顺序号，不编虚位；不写时由 wenshu 按发文登记簿编下一个号", ge=1)
    title: str = Field(title="标题", description="发文机关+关于+事由+的通知", min_length=6)
    recipients: list[str] | None = Field(default=None, title="主送机关", description="省略时使用 district.yaml 的默认主送机关")
    body: list[str] = Field(title="正文", description="通知正文段落", min_length=1)
    sections: list[Section] = Field(default_factory=list, title="正文小节", description="结构化正文（可选）")
    enclosure: Enclosure | None = Field(default=None, title="印发文件", description="印发通知所印发的文件（方案、办法等），排在通知之后")
    attachments: list[Attachment] = Field(default_factory=list, title="附件", description="通知本身的附件")
    signed_on: dt.date = Field(title="成文日期", description="YYYY-MM-DD")
    sealed: bool = Field(default=True, title="加盖印章", description="true：成文日期右空四字；false：不加盖印章的署名格式")
    signature: str | None = Field(default=None, title="发文机关署名", description="省略时使用机关全称")
    note: str | None = Field(default=None, title="附注", description="如 此件公开发布（不加括号，自动加圆括号）")
    cc: list[list[str]] | None = Field(default=None, title="抄送机关", description="按组列出；省略时使用 district.yaml 的默认抄送")
    printer: str | None = Field(default=None, title="印发机关", description="省略时使用 district.yaml 的默认印发机关")
    printed_on: dt.date | None = Field(default=None, title="印发日期", description="省略时同成文日期")

    @model_validator(mode="after")
    def _levels(self) -> NoticeFile:
        if _depth(self.sections) > MAX_LEVELS:
            raise PydanticCustomError("too_deep", "正文层级不能超过4层（一、/（一）/1./（1））", {})
        if self.printed_on and self.printed_on < self.signed_on:
            raise PydanticCustomError("date_order", "印发日期不能早于成文日期", {})
        return self
