"""What every document kind shares: the context models (frame, blocks, task tables) and the registry.

A document kind is one module in this package: it declares its key, Chinese name, template and
inputs, and turns the dataset (and its analysis) into ``DocJob``s — one per output document, each
with a validated context. Adding a kind means one module here, one template, one example.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from wenshu.official import fmt

if TYPE_CHECKING:
    from wenshu.models.district import DistrictFile
    from wenshu.models.notice import Section


class Ctx(BaseModel):
    """Base of context models: what a template may reference (checked by `wenshu template check`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Block(Ctx):
    kind: Literal["h1", "h2", "h3", "h4", "para"] = Field(title="块类型", description="h1—h4 为一至四级标题，para 为正文段落")
    label: str = Field(default="", title="序号", description="自动生成的序号，如 一、（一）1.（1）")
    text: str = Field(title="文字", description="标题文字或段落文字")
    lead: str = Field(default="", title="标题后正文", description="与标题同段、标题之后的正文")


class AttachmentNote(Ctx):
    prefix: str = Field(title="前缀", description="第一项为“附件：”，其余为等宽的全角空格，使序号对齐")
    number: str = Field(default="", title="附件序号", description="多个附件时为“1.”“2.”（半角句点，其后不空格）")
    title: str = Field(title="附件名称", description="附件名称，末尾不加标点")
    separate: bool = Field(default=False, title="另发", description="附件另发（不随文排印）时为 true，模板在名称后注“（另发）”")


class TaskRow(Ctx):
    seq: int = Field(title="序号", description="任务序号，从1开始连续编号")
    work: str = Field(title="重点工作", description="工作内容")
    due: str = Field(title="完成时间", description="如 5月底前、每周登录平台至少1次，完成相关操作")


class TaskGroup(Ctx):
    """Consecutive rows with the same 责任单位: the cell is merged over them."""

    units: str = Field(title="责任单位", description="责任单位，多个单位用顿号分隔，第一个为牵头单位")
    rows: list[TaskRow] = Field(title="任务行", description="该责任单位的连续任务")


class TaskTable(Ctx):
    title: str = Field(title="清单标题", description="如 投资项目绩效综合评价体系改革2024年任务清单")
    groups: list[TaskGroup] = Field(title="分组", description="按责任单位分组的任务行")
    count: int = Field(title="任务数", description="任务总数")


class Frame(Ctx):
    """The 公文 elements around the body (GB/T 9704-2012 clause 7)."""

    mark: str = Field(default="", title="发文机关标志", description="红头上的机关标志；报告类文件为空")
    number: str = Field(default="", title="发文字号", description="如 某政办〔2024〕3号")
    title: str = Field(title="标题", description="公文标题")
    recipients: str = Field(default="", title="主送机关", description="主送机关，末尾带全角冒号")
    signature: str = Field(title="发文机关署名", description="署名")
    date: str = Field(title="成文日期", description="如 2024年4月28日")
    sealed: bool = Field(default=True, title="加盖印章", description="加盖印章与否决定署名和日期的位置")
    note: str = Field(default="", title="附注", description="带圆括号的附注，如（此件公开发布）")
    attachments: list[AttachmentNote] = Field(default_factory=list, title="附件说明", description="正文后的附件说明")
    cc: str = Field(default="", title="抄送机关", description="抄送机关名称，末尾带句号")
    printer: str = Field(default="", title="印发机关", description="版记中的印发机关")
    print_date: str = Field(default="", title="印发日期", description="如 2024年4月28日（模板中后接“印发”）")


# ─── builders ─────────────────────────────────────────────────────────────────────────────────


def heading_text(title: str, lead: str | None) -> tuple[str, str]:
    """A run-in heading ends with 。 before its lead text; a standalone heading has no end mark."""
    title = title.strip()
    if lead:
        return fmt.ensure_end_punct(title, "。"), lead.strip()
    return title.rstrip("。"), ""


def responsibility_text(lead: list[str], units: list[str]) -> str:
    return fmt.responsibility(lead, units)


def section_blocks(sections: Iterable[Section], level: int = 1) -> list[Block]:
    """Flatten structured sections into numbered blocks (一、/（一）/1./（1））."""
    out: list[Block] = []
    for n, s in enumerate(sections, start=1):
        label = fmt.heading_ordinal(level, n)
        title, lead = heading_text(s.title, s.lead)
        paragraphs = list(s.paragraphs)
        resp = responsibility_text(s.responsibility.lead, s.responsibility.units) if s.responsibility else ""
        if resp:
            # The notice's own style: the responsibility line closes the section's last paragraph.
            if paragraphs:
                paragraphs[-1] = paragraphs[-1] + resp
            elif lead:
                lead = lead + resp
            else:
                paragraphs.append(resp)
        kind = f"h{level}"
        out.append(Block(kind=kind, label=label, text=title, lead=lead))  # type: ignore[arg-type]
        out.extend(Block(kind="para", text=p) for p in paragraphs)
        out.extend(section_blocks(s.sections, level + 1))
    return out


def paragraphs(texts: Iterable[str]) -> list[Block]:
    return [Block(kind="para", text=t) for t in texts if t and t.strip()]


def attachment_notes(titles: list[str], separate: Iterable[bool] = ()) -> list[AttachmentNote]:
    """附件说明 (7.3.4): "附件：1.附件名称", later numbers under the first; ``separate``: which of
    them are 另发 (the template marks them)."""
    many = len(titles) > 1
    flags = list(separate) + [False] * len(titles)
    pad = "\u3000" * len(fmt.ATTACHMENT_NOTE_LABEL)
    return [
        AttachmentNote(prefix=fmt.ATTACHMENT_NOTE_LABEL if i == 0 else pad, number=f"{i + 1}." if many else "",
                       title=t, separate=flags[i])
        for i, t in enumerate(titles)
    ]


def task_table(title: str, items: Iterable[Any], year: int | None = None) -> TaskTable:
    """Group consecutive rows with the same 责任单位 (merged cell), number rows continuously."""
    groups: list[TaskGroup] = []
    current_units: str | None = None
    rows: list[TaskRow] = []
    seq = 0
    for item in items:
        seq += 1
        units = fmt.join_cn(item.units)
        row = TaskRow(seq=seq, work=item.work, due=due_text(item, year))
        if units != current_units and rows:
            groups.append(TaskGroup(units=current_units or "", rows=rows))
            rows = []
        current_units = units
        rows.append(row)
    if rows:
        groups.append(TaskGroup(units=current_units or "", rows=rows))
    return TaskTable(title=title, groups=groups, count=seq)


def due_text(item: Any, year: int | None) -> str:
    if item.due_date is not None:
        return fmt.date_before(item.due_date)
    if item.due_month_end is not None:
        y, m = item.due_month
        return fmt.month_end_label(y, m, ref_year=year)
    return item.rhythm


def default_frame_parts(district: DistrictFile) -> dict[str, Any]:
    return {"cc": fmt.cc_line(district.cc) if district.cc else "", "printer": district.printer}


# ─── registry ─────────────────────────────────────────────────────────────────────────────────


@dataclass
class DocJob:
    """One output document: what to render, with what, and where it belongs."""

    kind: str
    key: str  # stable id within the kind, e.g. a project id or "2025-10"
    title: str  # Chinese, for listings and file names
    context: Ctx
    department: str | None = None  # the department folder it belongs to (None: district folder)
    concerns: list[str] = field(default_factory=list)  # other departments that get a copy (通报)
    sources: list[str] = field(default_factory=list)  # data files it was built from
    date: dt.date | None = None  # 成文日期 (core properties)
    # What a batch renders from, made where the job was made (a worker reading project files), so the
    # context model need not travel: (context dict, core properties, context sha256, its weight).
    prepared: tuple | None = None

    def context_dict(self) -> dict[str, Any]:
        return self.context.model_dump(mode="python")


@dataclass(frozen=True)
class DocumentKind:
    """Everything about one kind of document: what it is called, what it is made from, its context,
    its template (built from the GB/T 9704 numbers, then the office's to edit), and how the command
    line selects it. A kind is one module of this package; ``wenshu.documents`` finds it there."""

    key: str
    title: str
    inputs: str  # Chinese: which data files it needs
    context_model: type[Ctx]
    # Writes the template's content with a wenshu.official.template_build.Builder (page, styles, footers
    # already in place); the built-in template is templates/<key>.docx.
    template_builder: Callable[[Any], None]
    # Documents built from the whole district: build(ds, analysis) -> list or iterator of DocJob.
    build: Callable[..., Any] | None = None
    # Documents of one project, made as the project passes (wenshu.pipeline.ProjectPass) -> DocJob or None.
    per_project: Callable[..., Any] | None = None
    needs_analysis: bool = True
    aliases: tuple[str, ...] = ()  # other names the command line accepts (besides key and title)
    # What --period selects: "month" (a job's key is its YYYY-MM), "year" (its key is the YYYY), None:
    # the kind has no period and --period leaves its documents in.
    period: str | None = None
    # The data field holding the document's 发文字号 sequence (wenshu.numbers keeps the register).
    number_field: str | None = None
    estimate: Callable[..., int] | None = None  # job count without building them (lazy kinds)
    # The 统计截止日 its documents state, analysed in the same pass: cutoffs(ds, as_of) -> (day, scope)
    # pairs, scope None for every project or a frozenset of the industries the document reports on.
    cutoffs: Callable[..., Any] | None = None


    @property
    def template(self) -> str:
        """The built-in template's file name."""
        return f"{self.key}.docx"

    def selected_by(self, key: str | None, period: str | None) -> bool:
        """Whether ``--period`` (YYYY-MM or YYYY) keeps a job of this kind with this key."""
        if period is None or self.period is None:
            return True
        if self.period == "month":
            return key == period
        return key is not None and key == period[:4]


REGISTRY: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    REGISTRY[kind.key] = kind
    return kind


def build_template(kind: DocumentKind, out_dir: Path, settings: Any = None) -> Path:
    """Write ``kind``'s template into ``out_dir`` (GB/T 9704 numbers from ``official.gbt9704``, with
    ``settings`` for the values the standard leaves open). Same numbers, same bytes."""
    from wenshu.official.gbt9704 import DEFAULT_SETTINGS
    from wenshu.official.template_build import Builder

    b = Builder(settings or DEFAULT_SETTINGS)
    kind.template_builder(b)
    path = out_dir / kind.template
    b.save(path, kind.title)
    return path


def build_templates(out_dir: Path, settings: Any = None) -> list[Path]:
    """Every kind's template (``wenshu template build``; templates/ is built this way)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [build_template(k, out_dir, settings) for k in REGISTRY.values()]
