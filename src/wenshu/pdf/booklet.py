"""Merge several PDFs into one print-ready booklet: a contents page (目录) first, one bookmark per document.

Printed double-sided, every document starts on the front of a sheet: the contents take an even
number of pages (a blank page after them if needed) and a blank page follows every document with an
odd number of pages. The pages are numbered through the booklet: each document is converted again
from its .docx with its first page number set (``w:pgNumType w:start``), so the number printed at the
foot of a page is the number the contents list. The contents pages themselves carry no number;
blank pages count but print nothing. Documents are in natural order (8月 < 9月 < 10月).

The contents page is a small .docx built with python-docx (GB/T 9704 page, 小标宋 title, 仿宋 entries
with dot leaders, long entries wrapped so the leader and the number always have room) and converted
through :class:`~wenshu.pdf.pool.PdfPool`, so it uses the same fonts as the documents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from wenshu.atomic import atomic_write
from wenshu.errors import Problem, RenderError


@dataclass(frozen=True)
class BookletEntry:
    title: str
    source: Path
    start_page: int  # 1-based page of the booklet file where this document starts
    pages: int
    printed_page: int | None = None  # the page number printed on that page (None: not renumbered)


def natural_key(text: str) -> tuple:
    """"2025年8月" < "2025年9月" < "2025年10月": digit runs compare as numbers."""
    import re

    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.split(r"(\d+)", str(text)) if t)


@dataclass
class BookletResult:
    out: Path
    pages: int  # total pages of the booklet
    contents_pages: int
    entries: list[BookletEntry] = field(default_factory=list)

    def manifest(self) -> list[dict]:
        """Rows for a manifest: title, source file, first page, page count."""
        return [{"title": e.title, "source": str(e.source), "start_page": e.start_page, "pages": e.pages,
                 "printed_page": e.printed_page} for e in self.entries]


def _fixed_date() -> dt.datetime:
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde and sde.isdigit():
        return dt.datetime.fromtimestamp(int(sde), tz=dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime(2000, 1, 1)


def contents_docx(title: str, rows: list[tuple[str, int]], out: Path) -> Path:
    """Write the contents page(s) as .docx: ``title`` centred, then "name ······ page" lines."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    from wenshu.official import gbt9704 as g

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    text_width = Mm(210 - 28 - 26)

    def font(run, name: str, size: float, bold: bool = False) -> None:
        run.font.name = name
        run.font.size = Pt(size)
        run.font.bold = bold
        rpr = run._element.get_or_add_rPr()  # noqa: SLF001 - python-docx sets only ascii/hAnsi
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)

    def spacing(p, line: float) -> None:
        pf = p.paragraph_format
        pf.space_before = pf.space_after = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(line)

    heading = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    spacing(heading, 40)
    font(heading.add_run("目　　录"), g.XIAOBIAOSONG.name, 22)
    subtitle = doc.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    spacing(subtitle, 28.95)
    font(subtitle.add_run(title), g.KAITI.name, 16)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    for i, (name, page) in enumerate(rows, 1):
        p = doc.add_paragraph()
        spacing(p, 28.95)
        p.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        prefix = f"{i}．"
        lines = wrap_entry(prefix + name, _zi_width(prefix))
        hang = Pt(16 * _zi_width(prefix))
        p.paragraph_format.left_indent = hang
        p.paragraph_format.first_line_indent = -hang
        for k, line in enumerate(lines):
            run = p.add_run(line)
            font(run, g.FANGSONG.name, 16)
            if k < len(lines) - 1:
                run.add_break()
        font(p.add_run(f"\t{page}"), g.FANGSONG.name, 16)
    cp = doc.core_properties
    cp.title, cp.author, cp.last_modified_by = f"{title}·目录", "wenshu", "wenshu"
    cp.created = cp.modified = _fixed_date()
    cp.revision = 1
    doc.save(str(out))
    return out


LINE_ZI = 27  # 仿宋 16 pt in the 156 mm text width: 27.6 characters
NUMBER_ZI = 4  # room kept at the end of an entry's last line: at least two dots and the page number


def _zi_width(text: str) -> float:
    import unicodedata

    return sum(1.0 if unicodedata.east_asian_width(c) in "FWA" else 0.5 for c in text)


def wrap_entry(text: str, hang: float) -> list[str]:
    """Lines of a contents entry: each fits the line (continuation lines after the hanging indent),
    and the last leaves NUMBER_ZI for the dot leader and the page number, so they never collide."""
    lines, cur, width = [], "", 0.0
    limit = LINE_ZI
    for ch in text:
        w = _zi_width(ch)
        if width + w > limit and cur and ch not in "，。、；：）》」』”’〕】":
            lines.append(cur)
            cur, width, limit = "", 0.0, LINE_ZI - hang
        cur += ch
        width += w
    if width > limit - NUMBER_ZI and len(cur) > 1:
        # the last line would run into the page number: carry its tail over to a line of its own
        keep = cur
        while _zi_width(keep) > limit - NUMBER_ZI and len(keep) > 1:
            keep = keep[:-1]
        if keep[-1:] in "（《“〔【":
            keep = keep[:-1] or keep
        lines.append(keep)
        cur = cur[len(keep):]
    lines.append(cur)
    return [l for l in lines if l]


def _numbered_copy(docx: Path, start: int, dest: Path) -> Path:
    """A copy of ``docx`` whose first page carries the number ``start`` (w:pgNumType w:start on the
    first section; later sections continue the count)."""
    import io
    import zipfile

    from lxml import etree

    from wenshu.package import write_zip

    W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    q = "{%s}" % W
    order = ("headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
             "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings").split()
    data = Path(docx).read_bytes()
    z = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(z.read("word/document.xml"))
    sect = next(root.iter(q + "sectPr"), None)
    if sect is not None:
        for old in sect.findall(q + "pgNumType"):
            sect.remove(old)
        el = etree.Element(q + "pgNumType")
        el.set(q + "start", str(start))
        rank = order.index("pgNumType")
        for i, child in enumerate(sect):
            if etree.QName(child).localname in order and order.index(etree.QName(child).localname) > rank:
                sect.insert(i, el)
                break
        else:
            sect.append(el)
    doc_xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    entries = [(n, doc_xml if n == "word/document.xml" else z.read(n)) for n in z.namelist()]
    with open(dest, "wb") as f:
        write_zip(f, entries)
    return dest


def make_booklet(title: str, items: list[tuple], out: Path, *, pool=None, sort: bool = True) -> BookletResult:
    """Merge ``items`` (document title, PDF path[, .docx path]) into ``out`` with a contents page and
    bookmarks.

    Without a .docx path the .docx next to the PDF (same name) is used to renumber the pages; a PDF
    without its .docx keeps its own page numbers and the contents then list file pages. ``sort``:
    natural order of the PDF paths. ``pool`` is a running :class:`~wenshu.pdf.pool.PdfPool`; without
    one a single-worker pool is started. The file is written atomically.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    from wenshu.pdf.pool import PdfPool

    out = Path(out)
    if not items:
        raise RenderError(Problem(code="pdf.booklet-empty", message="汇编中没有任何文书。", file=str(out)))
    readers: list[tuple[str, Path, PdfReader]] = []
    sources: list[Path | None] = []
    problems: list[Problem] = []
    items = [tuple(it) for it in items]
    if sort:
        items = sorted(items, key=lambda it: natural_key(Path(it[1]).as_posix()))
    for item in items:
        name, path = item[0], Path(item[1])
        docx = Path(item[2]) if len(item) > 2 and item[2] else path.with_suffix(".docx")
        sources.append(docx if docx.is_file() else None)
        try:
            reader = PdfReader(str(path))
            _ = len(reader.pages)
        except FileNotFoundError:
            problems.append(Problem(code="pdf.booklet-input", message=f"要汇编的 PDF 不存在：{name}。", file=str(path)))
            continue
        except Exception as e:  # noqa: BLE001 - pypdf raises many kinds of errors on broken files
            problems.append(Problem(code="pdf.booklet-input", message=f"要汇编的 PDF 无法读取：{name}。",
                                    file=str(path), found=f"{type(e).__name__}: {e}"))
            continue
        readers.append((name, path, reader))
    if problems:
        raise RenderError(problems)

    own_pool = pool is None
    if own_pool:
        pool = PdfPool(workers=1)
    try:
        # inside the pool's own temporary folder: removed with the pool even if this process is killed
        with tempfile.TemporaryDirectory(prefix="wenshu-booklet-", dir=getattr(pool, "root", None)) as tmp:
            tmpdir = Path(tmp)
            # Printed numbers: every document starts on an odd number (the front of a sheet).
            printed, page = [], 1
            for (_n, _p, reader), src in zip(readers, sources):
                printed.append(page)
                page += len(reader.pages)
                page += page % 2 == 0  # a blank page after an odd count
            renumbered = all(src is not None for src in sources)
            if renumbered:
                pairs = [(_numbered_copy(src, start, tmpdir / f"doc{i}.docx"), tmpdir / f"doc{i}.pdf")
                         for i, (src, start) in enumerate(zip(sources, printed))]
                results = pool.convert_many(pairs)
                bad = [r for r in results if not r.ok]
                if bad:
                    raise RenderError([r.problem or Problem(code="pdf.booklet-renumber", message="汇编页码重排失败。")
                                       for r in bad])
                readers = [(n, p, PdfReader(str(pdf))) for (n, p, _r), (_d, pdf) in zip(readers, pairs)]
            contents_pages = 1
            for _ in range(4):  # the contents may need more than one page; its length shifts the file pages
                front = contents_pages + contents_pages % 2
                starts = [front + s for s in printed]
                shown = printed if renumbered else starts
                docx = contents_docx(title, [(n, s) for (n, _p, _r), s in zip(readers, shown)], tmpdir / "contents.docx")
                res = pool.convert(docx, tmpdir / "contents.pdf")
                if not res.ok:
                    raise RenderError(res.problem or Problem(code="pdf.booklet-contents", message="目录页转换失败。"))
                if res.pages == contents_pages:
                    break
                contents_pages = res.pages or 1
            if not renumbered:
                # file pages, counting the contents: recompute with the final contents length
                front = contents_pages + contents_pages % 2
                starts = [front + s for s in printed]
            writer = PdfWriter()
            writer.append(str(tmpdir / "contents.pdf"), import_outline=False)
            size = writer.pages[0].mediabox
            if contents_pages % 2:
                writer.add_blank_page(width=size.width, height=size.height)
            entries: list[BookletEntry] = []
            digest = hashlib.sha256(title.encode("utf-8"))
            for (name, path, reader), start, num in zip(readers, starts, printed):
                writer.append(reader, outline_item=name, import_outline=False)
                if len(reader.pages) % 2:
                    writer.add_blank_page(width=size.width, height=size.height)
                entries.append(BookletEntry(name, path, start, len(reader.pages), num if renumbered else None))
                digest.update(name.encode("utf-8"))
                digest.update(path.read_bytes())
            writer.add_metadata({"/Title": title, "/Producer": "wenshu"})
            writer.page_mode = "/UseOutlines"
            ident = ByteStringObject(digest.digest()[:16])
            writer._ID = ArrayObject([ident, ident])  # noqa: SLF001 - reproducible /ID
            atomic_write(out, writer.write, force=True)
            return BookletResult(out, len(writer.pages), contents_pages, entries)
    finally:
        if own_pool:
            pool.close()
