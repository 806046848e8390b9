"""发文登记簿 (``发文登记簿.yaml``): the 发文字号 an organ has given out, one entry per number.

wenshu writes an entry when it numbers a document whose data leaves the number out (a notice
without ``seq``, a month's 通报 without ``commendation_seq`` / ``criticism_seq``), so the document
keeps that number on every later run. The office may add entries by hand for documents wenshu does
not produce (no ``source``): those numbers are then never given out again.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from wenshu.models.base import WenshuModel

REGISTER_FILE_NAME = "发文登记簿.yaml"

# Where a document's number is written in its data file (the ``field`` of an entry).
NUMBER_FIELDS = ("seq", "bulletin.commendation_seq", "bulletin.criticism_seq")


class RegisterEntry(WenshuModel):
    """One 发文字号 given out."""

    organ: str = Field(title="发文机关代号", description="district.yaml 中 organs 的 key")
    year: int = Field(title="年份", description="发文字号中的年份", ge=2000, le=2100)
    seq: int = Field(title="顺序号", description="发文字号中的顺序号", ge=1)
    title: str = Field(title="文件标题", description="公文标题或简称，如 2025年11月通报表彰", min_length=2)
    date: dt.date | None = Field(default=None, title="成文日期", description="YYYY-MM-DD")
    source: str | None = Field(default=None, title="数据文件", description="产生该公文的数据文件（相对数据目录）；不由 wenshu 生成的公文不填")
    field: Literal["seq", "bulletin.commendation_seq", "bulletin.criticism_seq"] | None = Field(
        default=None, title="字号字段", description="数据文件中本应写顺序号的字段：seq、bulletin.commendation_seq 或 bulletin.criticism_seq")
    note: str | None = Field(default=None, title="备注", description="如 作废、由其他系统印发")

    @model_validator(mode="after")
    def _source_and_field(self) -> RegisterEntry:
        if (self.source is None) != (self.field is None):
            raise PydanticCustomError("register_source", "数据文件（source）和字号字段（field）要么都填，要么都不填", {})
        return self


class RegisterFile(WenshuModel):
    """The data folder's 发文登记簿."""

    kind: Literal["register"] = Field(title="文件类型", description="固定为 register")
    entries: list[RegisterEntry] = Field(default_factory=list, title="登记的发文字号", description="每个发文字号一项")
