"""表格别名 (``表格别名.yaml``): other names of the workbook's sheets and columns.

``wenshu import`` matches sheets and columns by their Chinese names. Programs that export the same
data under other names (the provincial platform's tables, a department's own spreadsheet) are read
too once those names are listed here. The package ships a default list; a district extends it with
this file in its data folder. Names are compared without spaces, ``*`` marks or full-width forms.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from wenshu.models.base import WenshuModel


class SheetAliasFile(WenshuModel):
    kind: Literal["sheet_aliases"] = Field(title="文件类型", description="固定为 sheet_aliases")
    sheets: dict[str, list[str]] = Field(
        default_factory=dict, title="工作表别名",
        description="键为 wenshu 填报表中的工作表名称（如 项目），值为其他程序中该表的名称列表（如 [项目信息表, 项目库]）",
    )
    columns: dict[str, dict[str, list[str]]] = Field(
        default_factory=dict, title="列名别名",
        description="按工作表列出：键为 wenshu 的列名（如 平台项目编号，不含单位和*），值为其他程序中该列的名称列表（如 [项目编号, 项目ID]）",
    )
