"""通知: the red-header cover notice, with an optional issued document (印发) and attachments."""

from __future__ import annotations

from pydantic import Field

from wenshu.documents.base import (
    AttachmentNote,
    Block,
    Ctx,
    DocJob,
    DocumentKind,
    Frame,
    TaskTable,
    attachment_notes,
    paragraphs,
    register,
    section_blocks,
    task_table,
)
from wenshu.numbers import seq_of
from wenshu.official import fmt


class AttachmentPage(Ctx):
    label: str = Field(title="附件标签", description="“附件”或“附件1”")
    title: str = Field(title="附件标题", description="与附件说明一致")
    blocks: list[Block] = Field(default_factory=list, title="附件正文", description="文字附件的正文块")
    table: TaskTable | None = Field(default=None, title="任务清单表", description="附件为任务清单时的表格")


class EnclosureCtx(Ctx):
    title: str = Field(title="印发文件标题", description="如 …工作方案（试行）")
    blocks: list[Block] = Field(title="正文", description="导语和各级标题、段落")
    attachments: list[AttachmentNote] = Field(default_factory=list, title="附件说明", description="印发文件的附件说明")


class NoticeContext(Ctx):
    doc: Frame = Field(title="公文要素", description="版头、标题、主送、署名、日期、版记等")
    body: list[Block] = Field(title="正文", description="通知正文")
    enclosure: EnclosureCtx | None = Field(default=None, title="印发文件", description="印发的方案、办法等")
    attachment_pages: list[AttachmentPage] = Field(default_factory=list, title="附件", description="另面编排的附件")


def _pages(attachments, ds, offset: int, total: int) -> list[AttachmentPage]:
    pages = []
    labels = fmt.attachment_labels(total)
    for i, a in enumerate(attachments):
        label = labels[offset + i]
        table = None
        if a.task_list is not None:
            tl = ds.task_lists.get(a.task_list)
            if tl is not None:
                table = task_table(tl.title, tl.items, tl.year)
        pages.append(AttachmentPage(label=label, title=fmt.title_lines(a.title), blocks=section_blocks(a.sections), table=table))
    return pages


def build(ds, analysis=None) -> list[DocJob]:
    jobs = []
    district = ds.district
    for key, n in sorted(ds.notices.items()):
        organ = district.organ(n.organ)
        own = list(n.attachments)
        encl = n.enclosure.attachments if n.enclosure else []
        total = len(own) + len(encl)
        frame = Frame(
            mark=organ.mark,
            number=fmt.doc_number(organ.doc_prefix, n.year, seq_of(ds, key, "seq", n.seq, organ=n.organ, year=n.year,
                                                                   title=n.title, date=n.signed_on)),
            title=fmt.title_lines(n.title),
            recipients=fmt.recipients_line(n.recipients if n.recipients is not None else district.recipients),
            signature=n.signature or organ.name,
            date=fmt.cn_date(n.signed_on),
            sealed=n.sealed,
            note=f"（{n.note.strip('（）()')}）" if n.note else "",
            attachments=attachment_notes([a.title for a in own]),
            cc=fmt.cc_line(n.cc if n.cc is not None else district.cc) if (n.cc or district.cc) else "",
            printer=n.printer or district.printer,
            print_date=fmt.cn_date(n.printed_on or n.signed_on),
        )
        enclosure = None
        if n.enclosure is not None:
            enclosure = EnclosureCtx(
                title=fmt.title_lines(n.enclosure.title),
                blocks=paragraphs(n.enclosure.preamble) + section_blocks(n.enclosure.sections),
                attachments=attachment_notes([a.title for a in encl]),
            )
        ctx = NoticeContext(
            doc=frame,
            body=paragraphs(n.body) + section_blocks(n.sections),
            enclosure=enclosure,
            attachment_pages=_pages(own, ds, 0, total) + _pages(encl, ds, len(own), total),
        )
        sources = [key] + [a.task_list for a in own + list(encl) if a.task_list]
        jobs.append(DocJob(kind="notice", key=frame.number, title=frame.number, context=ctx, sources=sources, date=n.signed_on))
    return jobs


KIND = register(DocumentKind(
    key="notice", title="通知", template="notice.docx",
    inputs="notices/*.yaml（kind: notice）；附件引用的 tasks 文件；district.yaml",
    context_model=NoticeContext, build=build, needs_analysis=False,
))
