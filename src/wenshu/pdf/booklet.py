"""Merge several PDFs into one booklet: a contents page (目录) first, one bookmark per document.

The contents page is a small .docx built with python-docx (GB/T 9704 page, 小标宋 title, 仿宋 entries
with dot leaders) and converted through :class:`~wenshu.pdf.pool.PdfPool`, so it uses the same fonts
as the documents. Page numbers in the contents are booklet page numbers (the page a PDF viewer
shows), counting the contents page(s) themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from wenshu.errors import Problem, RenderError


@dataclass(frozen=True)
class BookletEntry:
    title: str
    source: Path
    start_page: int  # 1-based page of the booklet where this document starts
    pages: int


@dataclass
class BookletResult:
    out: Path
    pages: int  # total pages of the booklet
    contents_pages: int
    entries: list[BookletEntry] = field(default_factory=list)

    def manifest(self) -> list[dict]:
        """Rows for a manifest: title, source file, first page, page count."""
        return [{"title": e.title, "source": str(e.source), "start_page": e.start_page, "pages": e.pages}
                for e in self.entries]


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
        font(p.add_run(f"{i}．{name}\t{page}"), g.FANGSONG.name, 16)
    cp = doc.core_properties
    cp.title, cp.author, cp.last_modified_by = f"{title}·目录", "wenshu", "wenshu"
    cp.created = cp.modified = _fixed_date()
    cp.revision = 1
    doc.save(str(out))
    return out


def make_booklet(title: str, items: list[tuple[str, Path]], out: Path, *, pool=None) -> BookletResult:
    """Merge ``items`` (document title, PDF path) into ``out`` with a contents page and bookmarks.

    ``pool`` is a running :class:`~wenshu.pdf.pool.PdfPool` used to convert the contents page; without
    one a single-worker pool is started for it. The file is written atomically.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    from wenshu.pdf.pool import PdfPool

    out = Path(out)
    if not items:
        raise RenderError(Problem(code="pdf.booklet-empty", message="汇编中没有任何文书。", file=str(out)))
    readers: list[tuple[str, Path, PdfReader]] = []
    problems: list[Problem] = []
    for name, path in items:
        path = Path(path)
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
            contents_pages = 1
            for _ in range(4):  # the contents may need more than one page; its length shifts numbers
                starts, page = [], contents_pages + 1
                for _name, _path, reader in readers:
                    starts.append(page)
                    page += len(reader.pages)
                docx = contents_docx(title, [(n, s) for (n, _p, _r), s in zip(readers, starts)],
                                     tmpdir / "contents.docx")
                res = pool.convert(docx, tmpdir / "contents.pdf")
                if not res.ok:
                    raise RenderError(res.problem or Problem(code="pdf.booklet-contents", message="目录页转换失败。"))
                if res.pages == contents_pages:
                    break
                contents_pages = res.pages or 1
            writer = PdfWriter()
            writer.append(str(tmpdir / "contents.pdf"), import_outline=False)
            entries: list[BookletEntry] = []
            digest = hashlib.sha256(title.encode("utf-8"))
            for (name, path, reader), start in zip(readers, starts):
                writer.append(reader, outline_item=name, import_outline=False)
                entries.append(BookletEntry(name, path, start, len(reader.pages)))
                digest.update(name.encode("utf-8"))
                digest.update(path.read_bytes())
            writer.add_metadata({"/Title": title, "/Producer": "wenshu"})
            writer.page_mode = "/UseOutlines"
            ident = ByteStringObject(digest.digest()[:16])
            writer._ID = ArrayObject([ident, ident])  # noqa: SLF001 - reproducible /ID
            out.parent.mkdir(parents=True, exist_ok=True)
            part = out.parent / f".{out.name}.{uuid.uuid4().hex[:12]}.part"
            try:
                with open(part, "wb") as f:
                    writer.write(f)
                os.replace(part, out)
            finally:
                part.unlink(missing_ok=True)
            total = contents_pages + sum(e.pages for e in entries)
            return BookletResult(out, total, contents_pages, entries)
    finally:
        if own_pool:
            pool.close()
