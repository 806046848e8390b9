"""A structured notice (通知) — any document in the GB/T 9704 general format, written in YAML.

The body is structured sections with levels 一、/（一）/1./（1）; the numbering is generated, never typed.
Besides the usual 下行文 elements the model covers the rest of the standard's vocabulary: 份号,
密级和保密期限, 紧急程度 (7.2.1–7.2.3), 签发人 for 上行文 (7.2.6), joint issuing by several organs
(联合行文, 7.2.4 / 7.3.5), several 附注 (7.3.6), closing paragraphs, tables and page breaks inside the
body, attachments issued separately (附件另发, 7.3.7), grouped 主送机关 and inline emphasis.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import (AfterValidator, BeforeValidator, Discriminator, Field, Tag, ValidationInfo, WithJsonSchema,
                      field_validator, model_validator)
from pydantic_core import PydanticCustomError

from wenshu.models.base import WenshuModel

MAX_LEVELS = 4
EMPHASIS = "**"  # **文字** prints 文字 in 黑体 (强调); the marks themselves never print


def _balanced_emphasis(text: str) -> str:
    if text.count(EMPHASIS) % 2:
        raise PydanticCustomError("emphasis", "强调标记“**”须成对出现（**要强调的文字**）", {})
    if EMPHASIS * 2 in text:
        raise PydanticCustomError("emphasis", "强调标记“**”之间没有文字", {})
    return text


Text = Annotated[str, AfterValidator(_balanced_emphasis)]


def _cell_text(v: Any) -> Any:
    """A table cell is text: a number is kept as written (3650.00 stays "3650.00", 5 is "5")."""
    if isinstance(v, bool):
        raise PydanticCustomError("cell", "单元格请写文字或数字，不写是非值", {})
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, float):
        return format(Decimal(repr(v)), "f")
    return v


def _as_groups(v: Any) -> Any:
    """主送机关 written flat ([甲, 乙]: one category each) is the grouped form [[甲], [乙]]: both print
    "甲，乙：", so the data means the same whichever way it was written."""
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return [[x] for x in v]
    return v


def _as_lines(v: Any) -> Any:
    """One 附注 written as a text is a list of one."""
    if v is None:
        return []
    return [v] if isinstance(v, str) else v


_STRINGS = {"type": "array", "items": {"type": "string"}}
# A table cell: text, or a number written as a number (kept as its text).
Cell = Annotated[str, BeforeValidator(_cell_text), WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number"}]})]
# 主送机关: a flat list of categories or a list of groups (stored as groups).
RecipientGroups = Annotated[list[list[str]], BeforeValidator(_as_groups),
                            WithJsonSchema({"anyOf": [_STRINGS, {"type": "array", "items": _STRINGS}]})]
# 附注: one text or several (stored as a list, one line each).
NoteLines = Annotated[list[str], BeforeValidator(_as_lines),
                      WithJsonSchema({"anyOf": [{"type": "string"}, _STRINGS, {"type": "null"}]})]


class BodyTable(WenshuModel):
    """A table inside the body or an attachment: headers and rows of text."""

    title: str | None = Field(default=None, title="表格标题", description="表格上方居中的标题，如 各地平台运行情况统计表（可选）")
    unit: str | None = Field(default=None, title="计量单位", description="表格右上方的“单位：…”，只写单位，如 万元（可选）")
    headers: list[str] = Field(title="表头", description="各列名称", min_length=1, max_length=12)
    rows: list[list[Cell]] = Field(title="表格行", description="每行一个列表，格数与表头相同；数字照写", min_length=1)

    @model_validator(mode="after")
    def _columns(self) -> BodyTable:
        for i, r in enumerate(self.rows, 1):
            if len(r) != len(self.headers):
                raise PydanticCustomError(
                    "columns", "表格第{i}行有{n}格，表头有{m}列；每行格数应与表头相同",
                    {"i": i, "n": len(r), "m": len(self.headers)})
        return self


class TableItem(WenshuModel):
    table: BodyTable = Field(title="表格", description="正文中的表格")


class PageBreakItem(WenshuModel):
    page_break: Literal[True] = Field(title="分页", description="写 true：其后的内容另起一页")


def _item_kind(v: Any) -> str | None:
    if isinstance(v, str):
        return "text"
    if isinstance(v, dict):
        return "table" if "table" in v else ("page_break" if "page_break" in v else None)
    if isinstance(v, TableItem):
        return "table"
    if isinstance(v, PageBreakItem):
        return "page_break"
    return None


BodyItem = Annotated[
    Union[Annotated[Text, Tag("text")], Annotated[TableItem, Tag("table")], Annotated[PageBreakItem, Tag("page_break")]],
    Discriminator(_item_kind, custom_error_type="body_item",
                  custom_error_message="每项应为一段文字、table（表格）或 page_break: true（分页）"),
]


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
    lead: Text | None = Field(default=None, title="标题后正文", description="与标题同段的正文，如“（一）项目生成规范化。成立区级投资管理委员会……”中标题后的部分")
    paragraphs: list[BodyItem] = Field(default_factory=list, title="段落", description="标题下的正文段落；也可以是 table（表格）或 page_break（分页）")
    responsibility: Responsibility | None = Field(default=None, title="责任分工", description="本节末尾的（牵头单位：…；责任单位：…）")
    sections: list[Section] = Field(default_factory=list, title="下级标题", description="下一层级的小节，最多4层：一、/（一）/1./（1）")


def _depth(sections: list[Section]) -> int:
    return 1 + max((_depth(s.sections) for s in sections if s.sections), default=0) if sections else 0


class Attachment(WenshuModel):
    title: str = Field(title="附件名称", description="附件说明和附件标题使用的名称，末尾不加标点", min_length=2)
    task_list: str | None = Field(default=None, title="任务清单文件", description="相对数据目录的 tasks 文件路径，如 tasks/2024.yaml")
    body: list[BodyItem] = Field(default_factory=list, title="附件正文段落", description="附件标题下、小节之前的段落或表格")
    sections: list[Section] = Field(default_factory=list, title="附件正文", description="附件为文字材料时的结构化正文")
    separate: bool = Field(default=False, title="附件另发", description="true：只在附件说明中列出名称（注“另发”），不随正文排印")

    @model_validator(mode="after")
    def _content(self) -> Attachment:
        if self.separate:
            if self.task_list is not None or self.sections or self.body:
                raise PydanticCustomError("separate", "另发的附件（separate: true）只写名称，不写 task_list、body 或 sections", {})
        elif self.task_list is None and not self.sections and not self.body:
            raise PydanticCustomError("empty", "附件须有内容：填写 task_list（任务清单文件）、body 或 sections（正文），或写 separate: true（附件另发）", {})
        if self.title.endswith(("。", "；", "，", ".")):
            raise PydanticCustomError("punct", "附件名称后不加标点符号（GB/T 9704 7.3.3）", {})
        return self


class Enclosure(WenshuModel):
    """The document a 印发通知 issues (e.g. a work plan), printed after the cover notice."""

    title: str = Field(title="印发文件标题", description="如 某区加快推动投资项目绩效综合评价改革工作方案（试行）", min_length=4)
    preamble: list[BodyItem] = Field(default_factory=list, title="导语", description="标题后、第一个小节前的段落")
    sections: list[Section] = Field(title="正文小节", description="一、/（一）/1./（1）结构的正文", min_length=1)
    closing: list[Text] = Field(default_factory=list, title="结束语", description="各小节之后的段落（可选）")
    attachments: list[Attachment] = Field(default_factory=list, title="附件", description="印发文件的附件，如任务清单")

    @model_validator(mode="after")
    def _levels(self) -> Enclosure:
        if _depth(self.sections) > MAX_LEVELS:
            raise PydanticCustomError("too_deep", "正文层级不能超过4层（一、/（一）/1./（1））", {})
        return self


Direction = Literal["下行文", "上行文", "平行文"]


class NoticeFile(WenshuModel):
    kind: Literal["notice"] = Field(title="文件类型", description="固定为 notice")
    organ: str = Field(title="发文机关代号", description="district.yaml 中 organs 的 key；联合行文时为主办机关")
    co_organs: list[str] = Field(default_factory=list, title="联合发文机关", description="联合行文时主办机关以外的发文机关代号，按排列顺序（7.2.4、7.3.5）")
    year: int = Field(title="发文年份", description="发文字号中的年份", ge=2000, le=2100)
    seq: int | None = Field(default=None, title="发文顺序号", description="发文字号中的顺序号，不编虚位；不写时由 wenshu 按发文登记簿编下一个号", ge=1)
    copy_number: str | None = Field(default=None, title="份号", description="涉密公文的份号：6位阿拉伯数字，写在引号里，如 \"000007\"（7.2.1）", pattern=r"^[0-9]{6}$")
    classification: Literal["秘密", "机密", "绝密"] | None = Field(default=None, title="密级", description="秘密、机密或绝密（7.2.2）；须同时填写份号")
    secrecy_term: str | None = Field(default=None, title="保密期限", description="如 3年、6个月、长期；印作“机密★3年”", pattern=r"^([1-9][0-9]*(年|个月)|长期)$")
    urgency: Literal["特急", "加急"] | None = Field(default=None, title="紧急程度", description="特急或加急（7.2.3）")
    direction: Direction = Field(default="下行文", title="行文方向", description="下行文、上行文或平行文；上行文标注签发人（7.2.6）")
    signers: list[str] = Field(default_factory=list, title="签发人", description="上行文的签发人姓名，按签发顺序（7.2.6）")
    title: str = Field(title="标题", description="发文机关+关于+事由+的通知", min_length=6)
    recipients: RecipientGroups | None = Field(default=None, title="主送机关", description="省略时使用 district.yaml 的默认主送机关；可按类分组：[[某管理区, 各街道办事处], [区直各部门]]")
    body: list[BodyItem] = Field(title="正文", description="通知正文段落；也可以是 table（表格）或 page_break（分页）；**文字** 为强调", min_length=1)
    sections: list[Section] = Field(default_factory=list, title="正文小节", description="结构化正文（可选）")
    closing: list[Text] = Field(default_factory=list, title="结束语", description="各小节之后的段落，如 特此通知。（可选）")
    enclosure: Enclosure | None = Field(default=None, title="印发文件", description="印发通知所印发的文件（方案、办法等），排在通知之后")
    attachments: list[Attachment] = Field(default_factory=list, title="附件", description="通知本身的附件")
    signed_on: dt.date = Field(title="成文日期", description="YYYY-MM-DD")
    sealed: bool = Field(default=True, title="加盖印章", description="true：成文日期右空四字；false：不加盖印章的署名格式")
    signature: str | None = Field(default=None, title="发文机关署名", description="省略时使用机关全称；联合行文时为主办机关的署名")
    note: NoteLines = Field(default_factory=list, title="附注", description="如 此件公开发布（不加括号，自动加圆括号）；多条附注写成列表，每条一行（7.3.6）")
    cc: list[list[str]] | None = Field(default=None, title="抄送机关", description="按组列出；省略时使用 district.yaml 的默认抄送；写 [] 表示不抄送")
    printer: str | None = Field(default=None, title="印发机关", description="省略时使用 district.yaml 的默认印发机关")
    printed_on: dt.date | None = Field(default=None, title="印发日期", description="省略时同成文日期")

    @field_validator("classification")
    @classmethod
    def _needs_copy_number(cls, v, info: ValidationInfo):
        if v and not info.data.get("copy_number"):
            raise PydanticCustomError("copy_number", "涉密公文应当标注份号（GB/T 9704 7.2.1）：请同时填写 copy_number，如 \"000001\"", {})
        return v

    @field_validator("secrecy_term")
    @classmethod
    def _needs_classification(cls, v, info: ValidationInfo):
        if v and "classification" in info.data and not info.data["classification"]:  # absent, not invalid
            raise PydanticCustomError("secrecy_term", "填写了保密期限却没有密级：请填写 classification（秘密、机密或绝密）", {})
        return v

    @model_validator(mode="after")
    def _levels(self) -> NoticeFile:
        if _depth(self.sections) > MAX_LEVELS:
            raise PydanticCustomError("too_deep", "正文层级不能超过4层（一、/（一）/1./（1））", {})
        if self.printed_on and self.printed_on < self.signed_on:
            raise PydanticCustomError("date_order", "印发日期不能早于成文日期", {})
        organs = [self.organ, *self.co_organs]
        dup = sorted({o for o in organs if organs.count(o) > 1})
        if dup:
            raise PydanticCustomError("co_organs", "联合发文机关重复：{k}", {"k": "、".join(dup)})
        names = [n for n in self.signers]
        if len(set(names)) != len(names):
            raise PydanticCustomError("signers", "签发人姓名重复", {})
        for n in self.notes:
            if not n.strip("（）() "):
                raise PydanticCustomError("note", "附注不能为空", {})
        return self

    @property
    def notes(self) -> list[str]:
        """The 附注 as a list (one line each), whether written as one text or as a list."""
        return list(self.note)

    def advisories(self) -> list[tuple[tuple, str, str]]:
        """Warnings the data allows but the standard advises against: (location, code, message)."""
        out = []
        if self.signers and self.direction != "上行文":
            out.append((("signers",), "notice.signers-downward",
                        f"签发人只在上行文中标注（GB/T 9704 7.2.6）；本文为{self.direction}，签发人不会印出。"))
        if self.direction == "上行文" and not self.signers:
            out.append((("direction",), "notice.no-signers", "上行文应当标注签发人（GB/T 9704 7.2.6）：请填写 signers。"))
        return out
