"""通知: the red-header cover notice, with an optional issued document (印发) and attachments.

The notice is the one kind that speaks the whole GB/T 9704 vocabulary (份号, 密级, 紧急程度, 签发人,
联合行文, several 附注, tables, page breaks, 附件另发 ...), so its blocks and frame extend the shared
ones in ``documents/base.py``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from wenshu.documents.base import (
    AttachmentNote,
    Ctx,
    DocJob,
    DocumentKind,
    Frame,
    TaskTable,
    attachment_notes,
    heading_text,
    register,
    responsibility_text,
    task_table,
)
from wenshu.models.notice import EMPHASIS, Attachment, NoticeFile, PageBreakItem, Section, TableItem
from wenshu.numbers import seq_of
from wenshu.official import fmt
from wenshu.official.titles import title_lines, title_words

SIGNERS_PER_LINE = 2  # 7.2.6: "签发人…一般每行排两个姓名"
JOINT_SIGNATURES_PER_ROW = 2  # sealed 联合行文: two seals side by side fit the 156 mm text width


class Span(Ctx):
    text: str = Field(title="文字", description="一段连续文字")
    strong: bool = Field(default=False, title="强调", description="true：用黑体（数据中写作 **文字**）")


class TableRow(Ctx):
    cells: list[str] = Field(title="单元格", description="一行各格的文字")


class TableCtx(Ctx):
    title: str = Field(default="", title="表格标题", description="表格上方居中的标题；没有为空")
    unit: str = Field(default="", title="计量单位", description="如 万元；模板在其前写“单位：”，没有为空")
    headers: list[str] = Field(title="表头", description="各列名称")
    rows: list[TableRow] = Field(title="表格行", description="各行")


class NoticeBlock(Ctx):
    kind: Literal["h1", "h2", "h3", "h4", "para", "table", "page_break"] = Field(
        title="块类型", description="h1—h4 为一至四级标题，para 为正文段落，table 为表格，page_break 为分页")
    label: str = Field(default="", title="序号", description="自动生成的序号，如 一、（一）1.（1）")
    text: str = Field(default="", title="文字", description="标题文字或段落文字（不含强调标记）")
    lead: str = Field(default="", title="标题后正文", description="与标题同段、标题之后的正文（不含强调标记）")
    spans: list[Span] = Field(default_factory=list, title="分段文字",
                              description="段落（para）或标题后正文（lead）按强调拆开的各段，用 {%r for s in b.spans %} 逐段排印")
    table: TableCtx | None = Field(default=None, title="表格", description="块类型为 table 时的表格")


class SignerLine(Ctx):
    names: str = Field(title="签发人姓名", description="本行的签发人姓名（楷体），每行两个")


class SignatureRow(Ctx):
    left: str = Field(default="", title="左侧署名", description="联合行文加盖印章时，本行左侧的机关署名")
    right: str = Field(default="", title="右侧署名", description="本行右侧的机关署名；最后一行右侧为最后一个机关，其印章压成文日期")


class NoticeFrame(Frame):
    copy_number: str = Field(default="", title="份号", description="6位阿拉伯数字，版心左上角第一行；没有为空")
    secrecy: str = Field(default="", title="密级和保密期限", description="如 机密★3年（3号黑体）；没有为空")
    urgency: str = Field(default="", title="紧急程度", description="特急或加急（3号黑体）；没有为空")
    signer_lines: list[SignerLine] = Field(default_factory=list, title="签发人",
                                           description="上行文的签发人行；最后一行与发文字号同行。下行文为空")
    marks: list[str] = Field(default_factory=list, title="联合发文机关标志",
                             description="联合行文时各机关名称（主办机关在前），上下排列；单一机关行文为空")
    mark_suffix: str = Field(default="", title="标志后缀", description="联合行文标志右侧的“文件”二字；没有为空")
    signatures: list[str] = Field(default_factory=list, title="联合署名",
                                  description="联合行文不加盖印章时各机关署名，主办机关在前，依次向下")
    signature_rows: list[SignatureRow] = Field(default_factory=list, title="联合署名（加盖印章）",
                                               description="联合行文加盖印章时的署名行，每行两个机关")
    notes: list[str] = Field(default_factory=list, title="附注", description="带圆括号的各条附注，每条一行")
    attachments: list[AttachmentNote] = Field(default_factory=list, title="附件说明", description="正文后的附件说明")


class AttachmentPage(Ctx):
    label: str = Field(title="附件标签", description="“附件”或“附件1”")
    title: str = Field(title="附件标题", description="与附件说明一致")
    blocks: list[NoticeBlock] = Field(default_factory=list, title="附件正文", description="文字附件的正文块")
    table: TaskTable | None = Field(default=None, title="任务清单表", description="附件为任务清单时的表格")


class EnclosureCtx(Ctx):
    title: str = Field(title="印发文件标题", description="如 …工作方案（试行）")
    blocks: list[NoticeBlock] = Field(title="正文", description="导语和各级标题、段落")
    attachments: list[AttachmentNote] = Field(default_factory=list, title="附件说明", description="印发文件的附件说明")


class NoticeContext(Ctx):
    doc: NoticeFrame = Field(title="公文要素", description="版头、标题、主送、署名、日期、版记等")
    body: list[NoticeBlock] = Field(title="正文", description="通知正文")
    enclosure: EnclosureCtx | None = Field(default=None, title="印发文件", description="印发的方案、办法等")
    attachment_pages: list[AttachmentPage] = Field(default_factory=list, title="附件", description="另面编排的附件")


# ─── text to blocks ─────────────────────────────────────────────────────────────────────────────


def spans(text: str) -> list[Span]:
    """"甲**乙**丙" → 甲 / 乙 (strong) / 丙; the model has checked the marks are paired."""
    out = []
    for i, part in enumerate(text.split(EMPHASIS)):
        if part:
            out.append(Span(text=part, strong=bool(i % 2)))
    return out


def plain(text: str) -> str:
    return text.replace(EMPHASIS, "")


def _cell(v) -> str:
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def item_blocks(items) -> list[NoticeBlock]:
    """Body items (paragraph text, table, page break) as blocks."""
    out: list[NoticeBlock] = []
    for it in items:
        if isinstance(it, TableItem):
            t = it.table
            out.append(NoticeBlock(kind="table", table=TableCtx(
                title=t.title or "", unit=t.unit or "", headers=list(t.headers),
                rows=[TableRow(cells=[_cell(c) for c in r]) for r in t.rows])))
        elif isinstance(it, PageBreakItem):
            out.append(NoticeBlock(kind="page_break"))
        elif it and it.strip():
            out.append(NoticeBlock(kind="para", text=plain(it), spans=spans(it)))
    return out


def section_blocks(sections: list[Section], level: int = 1) -> list[NoticeBlock]:
    """Numbered blocks (一、/（一）/1./（1）); a heading's ``lead`` continues on its line at every level."""
    out: list[NoticeBlock] = []
    for n, s in enumerate(sections, start=1):
        title, lead = heading_text(s.title, s.lead)
        items = list(s.paragraphs)
        resp = responsibility_text(s.responsibility.lead, s.responsibility.units) if s.responsibility else ""
        if resp:
            # The source notice's own style: the responsibility line closes the section's last paragraph.
            last_text = max((i for i, it in enumerate(items) if isinstance(it, str)), default=None)
            if last_text is not None:
                items[last_text] = items[last_text] + resp
            elif lead:
                lead = lead + resp
            else:
                items.append(resp)
        out.append(NoticeBlock(kind=f"h{level}", label=fmt.heading_ordinal(level, n), text=title,  # type: ignore[arg-type]
                               lead=plain(lead), spans=spans(lead) if lead else []))
        out.extend(item_blocks(items))
        out.extend(section_blocks(s.sections, level + 1))
    return out


def notes_of(attachments: list[Attachment]) -> list[AttachmentNote]:
    """附件说明 of the notice's own (or the enclosure's) attachments; 另发 ones marked so."""
    return attachment_notes([a.title for a in attachments], [a.separate for a in attachments])


def signer_lines(names: list[str]) -> list[SignerLine]:
    """7.2.6: two names a line; the template writes "签发人：" before the first line's names."""
    return [SignerLine(names="\u3000".join(names[i:i + SIGNERS_PER_LINE]))
            for i in range(0, len(names), SIGNERS_PER_LINE)]


def signature_rows(names: list[str]) -> list[SignatureRow]:
    """Rows of two; the last organ always on the right, over the date (7.3.5.1)."""
    rows = []
    rest = list(names)
    if len(rest) % 2:
        last = rest.pop()
        pairs = [rest[i:i + 2] for i in range(0, len(rest), 2)]
        rows = [SignatureRow(left=a, right=b) for a, b in pairs] + [SignatureRow(left="", right=last)]
    else:
        rows = [SignatureRow(left=rest[i], right=rest[i + 1]) for i in range(0, len(rest), 2)]
    return rows


def secrecy_text(n: NoticeFile) -> str:
    if not n.classification:
        return ""
    return n.classification + (f"\u2605{n.secrecy_term}" if n.secrecy_term else "")


# ─── jobs ───────────────────────────────────────────────────────────────────────────────────────


def _pages(attachments: list[Attachment], ds, offset: int, total: int, words) -> list[AttachmentPage]:
    pages = []
    labels = fmt.attachment_labels(total)
    for i, a in enumerate(attachments):
        if a.separate:
            continue  # 附件另发: named in the 附件说明 only
        label = labels[offset + i]
        table = None
        if a.task_list is not None:
            tl = ds.task_lists.get(a.task_list)
            if tl is not None:
                table = task_table(tl.title, tl.items, tl.year)
        pages.append(AttachmentPage(label=label, title=title_lines(a.title, words=words),
                                    blocks=item_blocks(a.body) + section_blocks(a.sections), table=table))
    return pages


def build(ds, analysis=None) -> list[DocJob]:
    jobs = []
    district = ds.district
    words = title_words(district)
    for key, n in sorted(ds.notices.items()):
        organ = district.organ(n.organ)
        co = [district.organ(k) for k in n.co_organs]
        co = [o for o in co if o is not None]
        own = list(n.attachments)
        encl = n.enclosure.attachments if n.enclosure else []
        total = len(own) + len(encl)
        signature = n.signature or organ.name
        joint = [signature] + [o.name for o in co]
        marks, suffix = [], ""
        if co:
            suffix = "文件" if organ.mark.endswith("文件") else ""
            marks = [o.mark[:-2] if o.mark.endswith("文件") else o.mark for o in (organ, *co)]
        cc = n.cc if n.cc is not None else district.cc
        frame = NoticeFrame(
            mark=organ.mark,
            number=fmt.doc_number(organ.doc_prefix, n.year, seq_of(ds, key, "seq", n.seq, organ=n.organ, year=n.year,
                                                                   title=n.title, date=n.signed_on)),
            copy_number=n.copy_number or "",
            secrecy=secrecy_text(n),
            urgency=n.urgency or "",
            signer_lines=signer_lines(n.signers) if n.direction == "上行文" else [],
            marks=marks,
            mark_suffix=suffix,
            title=title_lines(n.title, words=words),
            recipients=fmt.recipients_line(n.recipients if n.recipients is not None else district.recipients),
            signature=signature,
            signatures=joint if co and not n.sealed else [],
            signature_rows=signature_rows(joint) if co and n.sealed else [],
            date=fmt.cn_date(n.signed_on),
            sealed=n.sealed,
            note=f"（{n.notes[0].strip('（）()')}）" if n.notes else "",
            notes=[f"（{t.strip('（）()')}）" for t in n.notes],
            attachments=notes_of(own),
            cc=fmt.cc_line(cc) if cc else "",
            printer=n.printer or district.printer,
            print_date=fmt.cn_date(n.printed_on or n.signed_on),
        )
        enclosure = None
        if n.enclosure is not None:
            enclosure = EnclosureCtx(
                title=title_lines(n.enclosure.title, words=words),
                blocks=item_blocks(n.enclosure.preamble) + section_blocks(n.enclosure.sections)
                + item_blocks(n.enclosure.closing),
                attachments=notes_of(list(encl)),
            )
        ctx = NoticeContext(
            doc=frame,
            body=item_blocks(n.body) + section_blocks(n.sections) + item_blocks(n.closing),
            enclosure=enclosure,
            attachment_pages=_pages(own, ds, 0, total, words) + _pages(list(encl), ds, len(own), total, words),
        )
        sources = [key] + [a.task_list for a in own + list(encl) if a.task_list]
        jobs.append(DocJob(kind="notice", key=frame.number, title=frame.number, context=ctx, sources=sources, date=n.signed_on))
    return jobs


# ─── the template ──────────────────────────────────────────────────────────────────────────────


def build_template(b) -> None:
    """通知 (any document of the general format): 版头, 标题, 主送, 正文, 附件说明, 署名/日期, 附注,
    印发文件, 附件, 版记."""
    from wenshu.official.template_build import attachment_pages, notice_header
    from wenshu.official.layout import StyleName
    notice_header(b)
    b.blank(2, StyleName.BODY)
    b.title()
    b.blank()
    b.recipients()
    b.blocks("body")
    b.attachment_notes("doc.attachments")
    b.signature(joint=True)
    # The issued document (方案、办法) follows the cover notice on a new page.
    b.ctl("{%p if enclosure %}")
    b.title("{{ enclosure.title }}", page_break=True)
    b.blank()
    b.blocks("enclosure.blocks", "e")
    b.attachment_notes("enclosure.attachments")
    b.ctl("{%p endif %}")
    attachment_pages(b)
    b.imprint()


KIND = register(DocumentKind(
    key="notice", title="通知", template_builder=build_template, aliases=("红头通知",), number_field="seq",
    inputs="notices/*.yaml（kind: notice）；附件引用的 tasks 文件；district.yaml",
    context_model=NoticeContext, build=build, needs_analysis=False,
))
