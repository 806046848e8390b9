"""任务清单 (task lists): 重点工作, 责任单位 (first one leads), 完成时间."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from wenshu.models.base import WenshuModel

MONTH_RE = r"^\d{4}-(0[1-9]|1[0-2])$"


class TaskItem(WenshuModel):
    """One row. 完成时间 is exactly one of: a date, a month-end deadline, or a rhythm."""

    work: str = Field(title="重点工作", description="工作内容，以句号结尾", min_length=4)
    units: list[str] = Field(title="责任单位", description="一个或多个责任单位简称，列第一位的为牵头单位", min_length=1)
    due_date: dt.date | None = Field(default=None, title="完成时间（日期）", description="具体日期，显示为“2024年6月30日前”")
    due_month_end: str | None = Field(default=None, title="完成时间（月底前）", description="年月 YYYY-MM，显示为“5月底前”", pattern=MONTH_RE)
    rhythm: str | None = Field(default=None, title="完成时间（工作节奏）", description="经常性工作的节奏，如“每周登录平台至少1次，完成相关操作”", min_length=2)

    @model_validator(mode="after")
    def _one_due(self) -> TaskItem:
        given = [n for n in ("due_date", "due_month_end", "rhythm") if getattr(self, n) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "task_due",
                "完成时间须且只能填写一种：due_date（日期）、due_month_end（月底前）或 rhythm（工作节奏）；当前填写了{n}种",
                {"n": len(given)},
            )
        return self

    @property
    def lead(self) -> str:
        return self.units[0]

    @property
    def due_month(self) -> tuple[int, int] | None:
        if self.due_month_end is None:
            return None
        y, m = re.match(r"(\d{4})-(\d{2})", self.due_month_end).groups()  # type: ignore[union-attr]
        return int(y), int(m)


class TaskListFile(WenshuModel):
    kind: Literal["tasks"] = Field(title="文件类型", description="固定为 tasks")
    title: str = Field(title="清单标题", description="如 投资项目绩效综合评价体系改革2024年任务清单", min_length=4)
    year: int = Field(title="年度", description="任务年度", ge=2000, le=2100)
    items: list[TaskItem] = Field(title="任务", description="按序号顺序列出；同一责任单位的连续行在表格中合并单元格", min_length=1)
