"""The measured layout pass: what only the laid-out pages can tell, read back from the PDF and corrected.

After LibreOffice has laid a document out, the PDF is read with pypdf and checked against the rules
GB/T 9704 states about pages rather than paragraphs:

* the 版记 is on the last page, its last line on the bottom edge of the text area (7.4.1);
* with ``imprint_on_even_page`` (a setting carried in the document, see ``layout.record_settings``)
  the 版记 page is an even page, the back of the last sheet: when the text ends on an odd page the
  版记 moves to the next page; when it would land alone on an odd page, a blank page goes before it
  and neither the blank page nor the 版记 page carries a page number (7.5);
* no page holds only the 署名/成文日期 or only a 附注 (7.3.5.5);
* no text of the .docx is missing from the PDF.

A correction edits the .docx (a page break before the 版记, a last section without page numbers,
keep-with-next on the lines before the signature) and the document is converted again, at most
``MAX_ROUNDS`` times. Corrections depend only on the document and LibreOffice's layout of it, so the
same input gives the same bytes. Without LibreOffice nothing is measured and the status says so:
``UNVERIFIED`` ("版面未核验"), never a pass.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from wenshu.atomic import atomic_write
from wenshu.official import gbt9704 as gb

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
FOOTER_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
FOOTER_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
_Q = "{%s}" % W
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

VERIFIED = "版面已核验"
UNVERIFIED = "版面未核验"
FAILED = "版面未通过"
MAX_ROUNDS = 3

PT_PER_MM = 72 / 25.4
TEXT_BOTTOM_PT = (gb.PAPER_HEIGHT.value - gb.MARGIN_BOTTOM.value) * PT_PER_MM  # from the page top
IMPRINT_BOTTOM_TOLERANCE_MM = 8  # the 印发 baseline sits above the last rule by the line's descent and leading

SIG_STYLES = ("GwSignature", "GwDate", "GwJointSignature")
NOTE_STYLE = "GwNote"
IMPRINT_STYLE = "GwImprint"
BLANK_FOOTER = "word/footer_wenshu_blank.xml"
BLANK_RID = "rIdWenshuBlankFooter"


@dataclass
class LayoutReport:
    """What the pass measured and did; ``status`` goes into the manifest."""

    status: str = UNVERIFIED
    pages: int | None = None
    corrections: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    imprint_page: int | None = None
    docx_changed: bool = False

    @property
    def summary(self) -> str:
        if self.status == VERIFIED and self.corrections:
            return f"{VERIFIED}（已校正：{'；'.join(self.corrections)}）"
        if self.status == FAILED:
            done = f"（已校正：{'；'.join(self.corrections)}）" if self.corrections else ""
            return f"{FAILED}：{'；'.join(self.problems)}{done}"
        return self.status


# ─── reading the .docx ──────────────────────────────────────────────────────────────────────────


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _ptext(p) -> str:
    return "".join(t.text or "" for t in p.iter(_Q + "t"))


def _pstyle(p) -> str | None:
    ps = p.find(f"{_Q}pPr/{_Q}pStyle")
    return ps.get(_Q + "val") if ps is not None else None


@dataclass
class DocxFacts:
    even_page: bool
    imprint_text: str  # the last 版记 line ("印发机关 … 印发日期印发"), normalised
    imprint_texts: list[str]  # every 版记 line (抄送, 印发)
    signature_texts: set[str]
    note_texts: set[str]
    chars: Counter  # every visible character of the body


def read_docx(data: bytes) -> DocxFacts:
    z = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(z.read("word/document.xml"), _PARSER)
    even = gb.DEFAULT_SETTINGS.imprint_on_even_page
    if "word/settings.xml" in z.namelist():
        st = etree.fromstring(z.read("word/settings.xml"), _PARSER)
        for v in st.iter(_Q + "docVar"):
            if v.get(_Q + "name") == "wenshu.imprint_on_even_page":
                even = v.get(_Q + "val") == "true"
    imprint, imprints, sigs, notes = "", [], set(), set()
    for p in root.iter(_Q + "p"):
        st, text = _pstyle(p), _norm(_ptext(p))
        if not text:
            continue
        if st == IMPRINT_STYLE:
            imprint = text
            imprints.append(text)
        elif st in SIG_STYLES:
            sigs.add(text)
        elif st == NOTE_STYLE:
            notes.add(text)
    chars = Counter(_norm("".join(t.text or "" for t in root.iter(_Q + "t"))))
    return DocxFacts(even, imprint, imprints, sigs, notes, chars)


# ─── reading the PDF ────────────────────────────────────────────────────────────────────────────


@dataclass
class Line:
    top: float  # points from the page top (baseline − font size)
    bottom: float  # baseline, points from the page top
    text: str


def pdf_lines(pdf: Path) -> list[list[Line]]:
    """Text lines of every page, top to bottom (pypdf's text positions grouped by baseline)."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    pages = []
    for page in reader.pages:
        height = float(page.mediabox.height)
        frags: list[tuple[float, float, float, str]] = []

        def visit(text, cm, tm, font_dict, font_size, frags=frags):
            if not text or not text.strip():
                return
            # The text matrix in page space: tm × cm; f is the baseline's y from the bottom.
            a, b, c, d, e, f = tm
            A, B, C, D, E, F = cm
            x = e * A + f * C + E
            y = e * B + f * D + F
            scale = abs(d * D) or 1.0
            frags.append((height - y, x, font_size * scale, text))

        page.extract_text(visitor_text=visit)
        frags.sort(key=lambda t: (round(t[0]), t[1]))
        lines: list[Line] = []
        for base, _x, size, text in frags:
            if lines and abs(lines[-1].bottom - base) < 3:
                lines[-1].text += text
                lines[-1].top = min(lines[-1].top, base - size)
            else:
                lines.append(Line(base - size, base, text))
        for ln in lines:
            ln.text = _norm(ln.text)
        pages.append([ln for ln in lines if ln.text])
    return pages


_PAGE_NUMBER = re.compile(r"^[—－-]?\d+[—－-]?$")


def content_lines(page: list[Line]) -> list[Line]:
    """The lines inside the text area: the page number (below the text area) left out."""
    return [ln for ln in page if not (ln.top > TEXT_BOTTOM_PT - 2 and _PAGE_NUMBER.match(ln.text))]


@dataclass
class Measurement:
    pages: int
    imprint_page: int | None  # 1-based
    imprint_bottom: float | None
    imprint_alone: bool  # the 版记 page holds nothing but the 版记
    lone_signature_pages: list[int]
    lone_note_pages: list[int]
    missing: str  # characters of the .docx not found in the PDF
    imprint_lines: int = 2  # lines the 版记 takes on its page
    pushed: bool = False  # the page before the 版记 page is half empty: the float pushed a block over


def measure(pdf: Path, facts: DocxFacts) -> Measurement:
    pages = pdf_lines(pdf)
    imprint_page, imprint_bottom, alone, imprint_lines = None, None, False, 2
    lone_sig, lone_note = [], []
    for i, page in enumerate(pages, 1):
        lines = content_lines(page)
        if facts.imprint_text and any(facts.imprint_text in ln.text or ln.text.endswith(facts.imprint_text[-12:])
                                      for ln in lines):
            imprint_page = i
            hits = [ln for ln in lines if ln.text.endswith(facts.imprint_text[-12:])]
            imprint_bottom = max(ln.bottom for ln in hits) if hits else None
            # Nothing on the page but the 版记 (抄送 lines, the 印发 line).
            own = [ln for ln in lines if any(ln.text in t for t in facts.imprint_texts)]
            alone = len(own) == len(lines)
            imprint_lines = max(1, len(own))
        texts = [ln.text for ln in lines if not any(ln.text in t for t in facts.imprint_texts)]
        if texts:
            sig_like = [t for t in texts if any(t in s or s in t for s in facts.signature_texts)]
            note_like = [t for t in texts if any(t in s or s in t for s in facts.note_texts)]
            if sig_like and len(sig_like) + len(note_like) == len(texts):
                lone_sig.append(i)
            elif note_like and len(note_like) == len(texts):
                lone_note.append(i)
    pdf_chars = Counter()
    for page in pages:
        for ln in page:
            pdf_chars.update(ln.text)
    missing = "".join(sorted((facts.chars - pdf_chars).elements()))
    pushed = False
    if imprint_page and imprint_page > 1 and not alone:
        before = content_lines(pages[imprint_page - 2])
        top = gb.MARGIN_TOP.value * PT_PER_MM
        half = top + gb.TEXT_HEIGHT.value * PT_PER_MM / 2
        pushed = bool(before) and max(ln.bottom for ln in before) < half
    return Measurement(len(pages), imprint_page, imprint_bottom, alone, lone_sig, lone_note, missing,
                       imprint_lines, pushed)


# ─── corrections on the .docx ───────────────────────────────────────────────────────────────────


def _imprint_table(body):
    found = None
    for tbl in body.iter(_Q + "tbl"):
        if any(_pstyle(p) == IMPRINT_STYLE for p in tbl.iter(_Q + "p")):
            found = tbl
    return found


def _block_start(tbl):
    """The first element of the 版记 block: the one-twip paragraphs before the table belong to it."""
    start = tbl
    q = tbl.getprevious()
    while q is not None and q.tag == _Q + "p" and _pstyle(q) == IMPRINT_STYLE and not _norm(_ptext(q)):
        start = q
        q = q.getprevious()
    return start


def _imprint_own_page(root, lines: int) -> bool:
    """The 版记 on a page of its own, in the text flow instead of floating: LibreOffice pushed a whole
    table over the floating 版记 onto the next page. A spacer of exact height puts its last rule
    on the bottom edge of the text area (all 版记 lines have exact line heights)."""
    body = root.find(_Q + "body")
    tbl = _imprint_table(body)
    if tbl is None:
        return False
    tblpr = tbl.find(_Q + "tblPr")
    if tblpr is None or tblpr.find(_Q + "tblpPr") is None:
        return False  # already in the flow on a page of its own
    for tag in ("tblpPr", "tblOverlap"):
        el = tblpr.find(_Q + tag) if tblpr is not None else None
        if el is not None:
            tblpr.remove(el)
    start = _block_start(tbl)
    start.addprevious(_tiny_paragraph(page_break=True))
    spacer = _tiny_paragraph(page_break=False)
    # text height − the 版记 lines − its three rules (1 + 0.75 + 1 pt) and a little room
    height = gb.TEXT_HEIGHT_TWIPS - lines * gb.IMPRINT_LINE_PITCH.value - 200
    spacer.find(f"{_Q}pPr/{_Q}spacing").set(_Q + "line", str(height))
    tbl.addprevious(spacer)
    for p in list(tbl.iter(_Q + "p"))[:-1]:
        ppr = p.find(_Q + "pPr")
        if ppr is not None and ppr.find(_Q + "keepNext") is None:
            _insert_ppr(ppr, etree.Element(_Q + "keepNext"))  # the 版记 rows stay on one page
    return True


def _tiny_paragraph(page_break: bool, sect=None):
    """A one-twip paragraph; with ``page_break`` it starts a new page (pageBreakBefore, not a break
    character: LibreOffice anchors the floating 版记 to the paragraph before it, Word to the one
    after, and both then lie on the new page)."""
    p = etree.Element(_Q + "p")
    ppr = etree.SubElement(p, _Q + "pPr")
    etree.SubElement(ppr, _Q + "pStyle").set(_Q + "val", IMPRINT_STYLE)
    if page_break:
        etree.SubElement(ppr, _Q + "pageBreakBefore")
    sp = etree.SubElement(ppr, _Q + "spacing")
    sp.set(_Q + "line", "20")
    sp.set(_Q + "lineRule", "exact")
    if sect is not None:
        ppr.append(sect)
    return p


def _imprint_to_next_page(root) -> bool:
    body = root.find(_Q + "body")
    tbl = _imprint_table(body)
    if tbl is None:
        return False
    tbl.addprevious(_tiny_paragraph(page_break=True))
    return True


def _blank_page_before_imprint(root) -> bool:
    """The 版记 after a blank page; both without page numbers: the 版记 goes into a last section of
    its own whose footers are empty, and that section starts with a blank page."""
    body = root.find(_Q + "body")
    tbl = _imprint_table(body)
    final = body.find(_Q + "sectPr")
    if tbl is None or final is None:
        return False
    first = copy.deepcopy(final)
    start = _block_start(tbl)
    start.addprevious(_tiny_paragraph(page_break=False, sect=first))  # ends the numbered section
    start.addprevious(_tiny_paragraph(page_break=True))  # the blank page, then the 版记 page
    for ref in final.findall(_Q + "footerReference"):
        final.remove(ref)
    for kind in ("even", "default"):
        ref = etree.Element(_Q + "footerReference")
        ref.set(_Q + "type", kind)
        ref.set("{%s}id" % R, BLANK_RID)
        final.insert(0, ref)
    # headerReference elements must come first: move the new footer references after them.
    heads = final.findall(_Q + "headerReference")
    for h in heads:
        final.remove(h)
    for h in reversed(heads):
        final.insert(0, h)
    t = final.find(_Q + "type")
    if t is not None:
        final.remove(t)
    return True


def _keep_before_signature(root) -> bool:
    """Bring the last lines of text onto the signature's page: the last paragraph of text before the
    signature keeps its last two lines together (widow control) and with the signature."""
    changed = False
    for p in root.iter(_Q + "p"):
        if _pstyle(p) not in ("GwSignature", "GwJointSignature"):
            continue
        q = p.getprevious() if _pstyle(p) == "GwSignature" else _ancestor_tbl(p).getprevious()
        while q is not None and q.tag == _Q + "p" and not _norm(_ptext(q)):
            q = q.getprevious()
        if q is None or q.tag != _Q + "p":
            continue
        ppr = q.find(_Q + "pPr")
        if ppr is None:
            ppr = etree.SubElement(q, _Q + "pPr")
            q.insert(0, ppr)
        wc = ppr.find(_Q + "widowControl")
        if wc is None or wc.get(_Q + "val") == "0":
            if wc is None:
                wc = etree.Element(_Q + "widowControl")
                _insert_ppr(ppr, wc)
            wc.set(_Q + "val", "1")
            changed = True
        break
    return changed


def _keep_note_with_date(root) -> bool:
    changed = False
    for p in root.iter(_Q + "p"):
        if _pstyle(p) == "GwDate":
            nxt = p.getnext()
            if nxt is not None and _pstyle(nxt) == NOTE_STYLE:
                ppr = p.find(_Q + "pPr")
                if ppr is not None and ppr.find(_Q + "keepNext") is None:
                    _insert_ppr(ppr, etree.Element(_Q + "keepNext"))
                    changed = True
    return changed


def _ancestor_tbl(el):
    while el is not None and el.tag != _Q + "tbl":
        el = el.getparent()
    return el


_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl"]


def _insert_ppr(ppr, el) -> None:
    name = etree.QName(el).localname
    rank = _PPR_ORDER.index(name)
    for i, sib in enumerate(ppr):
        n = etree.QName(sib).localname
        if n not in _PPR_ORDER[: rank + 1]:
            ppr.insert(i, el)
            return
    ppr.append(el)


def _blank_footer_parts(z: zipfile.ZipFile) -> dict[str, bytes]:
    """The empty footer part and its relationship and content type (added once)."""
    out = {}
    rels_name = "word/_rels/document.xml.rels"
    rels = z.read(rels_name).decode("utf-8")
    if BLANK_RID not in rels:
        rels = rels.replace("</Relationships>", f'<Relationship Id="{BLANK_RID}" Type="{FOOTER_TYPE}" '
                                                 f'Target="{BLANK_FOOTER[5:]}"/></Relationships>')
        out[rels_name] = rels.encode("utf-8")
    ct = z.read("[Content_Types].xml").decode("utf-8")
    if BLANK_FOOTER not in ct:
        ct = ct.replace("</Types>", f'<Override PartName="/{BLANK_FOOTER}" ContentType="{FOOTER_CT}"/></Types>')
        out["[Content_Types].xml"] = ct.encode("utf-8")
    out[BLANK_FOOTER] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:ftr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="GwPageNumberOdd"/></w:pPr></w:p></w:ftr>'
    ).encode("utf-8")
    return out


def _rewrite(data: bytes, root, extra: dict[str, bytes] | None = None) -> bytes:
    """The same package with a new document.xml (and extra parts), entries in the same order."""
    from wenshu.package import write_zip

    z = zipfile.ZipFile(io.BytesIO(data))
    parts = dict(extra or {})
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    entries = []
    for name in z.namelist():
        entries.append((name, parts.pop(name) if name in parts else z.read(name)))
    entries.extend(sorted(parts.items()))
    buf = io.BytesIO()
    write_zip(buf, entries)
    return buf.getvalue()


def _adjust_spacer(root, baseline: float) -> bool:
    """The flowing 版记's spacer lengthened (or shortened) by what the PDF shows is missing, so the
    印发 line comes to 12 pt above the text-area bottom, well inside the tolerance."""
    tbl = _imprint_table(root.find(_Q + "body"))
    spacer = tbl.getprevious() if tbl is not None else None
    sp = spacer.find(f"{_Q}pPr/{_Q}spacing") if spacer is not None and spacer.tag == _Q + "p" else None
    if sp is None or int(sp.get(_Q + "line", "0")) < 1000:
        return False
    delta = int((TEXT_BOTTOM_PT - 12 - baseline) * 20)  # aim inside the tolerance: an overshoot would start a new page
    if abs(delta) < 20:
        return False
    sp.set(_Q + "line", str(int(sp.get(_Q + "line")) + delta))
    return True


def _at_bottom(baseline: float) -> bool:
    """The 印发 line's baseline lies within a line of the text-area bottom (its last rule is on it)."""
    return TEXT_BOTTOM_PT - IMPRINT_BOTTOM_TOLERANCE_MM * PT_PER_MM <= baseline <= TEXT_BOTTOM_PT + 2


def plan_corrections(m: Measurement, facts: DocxFacts, root) -> list[str]:
    """Apply to ``root`` the corrections ``m`` calls for; return their Chinese descriptions."""
    done = []
    if m.lone_note_pages and _keep_note_with_date(root):
        done.append("附注与成文日期同页")
    if m.lone_signature_pages and _keep_before_signature(root):
        done.append("正文末行移至署名页")
    if done:
        return done  # re-measure before moving the 版记: the page count may change
    off_bottom = m.imprint_bottom is not None and not _at_bottom(m.imprint_bottom)
    if (m.pushed or off_bottom) and _imprint_own_page(root, m.imprint_lines):
        return ["版记另起一页置于版心底部"]
    if off_bottom and m.imprint_alone and _adjust_spacer(root, m.imprint_bottom):
        return ["版记末行对齐版心下边缘"]
    if facts.even_page and m.imprint_page is not None and m.imprint_page == m.pages and m.pages % 2 == 1:
        if m.imprint_alone:
            if _blank_page_before_imprint(root):
                done.append("版记前加空白页，空白页和版记页不编页码")
        elif _imprint_to_next_page(root):
            done.append("版记移至偶数页")
    return done


def check_and_correct(pool, docx: Path, pdf: Path, work: Path | None = None):
    """Convert ``docx`` to ``pdf`` through ``pool``, measure, correct the .docx and convert again as
    needed. Returns the last conversion result with ``.layout`` (a LayoutReport) and ``.docx`` (the
    file the PDF was made from) attached.

    ``work``: write the corrected .docx there and leave ``docx`` as it is (the batch records the
    corrected file in its journal before renaming it into place); without it ``docx`` itself is
    replaced (atomically)."""
    res = pool.convert(docx, pdf)
    report = LayoutReport()
    res.layout, res.docx = report, Path(docx)
    if not res.ok:
        return res
    data = Path(docx).read_bytes()
    facts = read_docx(data)
    target = Path(work) if work is not None else Path(docx)
    for _round in range(MAX_ROUNDS + 1):
        m = measure(pdf, facts)
        report.pages, report.imprint_page = m.pages, m.imprint_page
        root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"), _PARSER)
        done = plan_corrections(m, facts, root) if _round < MAX_ROUNDS else []
        if not done:
            break
        extra = _blank_footer_parts(zipfile.ZipFile(io.BytesIO(data))) if any("不编页码" in d for d in done) else None
        data = _rewrite(data, root, extra)
        atomic_write(target, data, force=True)
        report.corrections += done
        report.docx_changed = True
        res = pool.convert(target, pdf)
        res.layout, res.docx = report, target
        if not res.ok:
            report.status = UNVERIFIED
            return res
    report.problems = problems(m, facts)
    report.status = FAILED if report.problems else VERIFIED
    res.docx_sha256 = hashlib.sha256(data).hexdigest()
    return res


def problems(m: Measurement, facts: DocxFacts) -> list[str]:
    out = []
    if m.missing:
        out.append(f"PDF 中缺少文字“{m.missing[:20]}”")
    if facts.imprint_text:
        if m.imprint_page is None:
            out.append("PDF 中找不到版记")
        else:
            if m.imprint_page != m.pages:
                out.append(f"版记不在最后一页（第{m.imprint_page}页，共{m.pages}页）")
            if facts.even_page and m.imprint_page % 2:
                out.append(f"版记在奇数页（第{m.imprint_page}页）")
            if m.imprint_bottom is not None and not _at_bottom(m.imprint_bottom):
                out.append("版记末行不在版心下边缘")
    if m.lone_signature_pages:
        out.append(f"第{m.lone_signature_pages[0]}页只有署名和成文日期")
    if m.lone_note_pages:
        out.append(f"第{m.lone_note_pages[0]}页只有附注")
    return out


def convert_many(pool, pairs, progress=None):
    """``check_and_correct`` for many (docx, pdf[, work]) items, using every worker of the pool;
    ``progress`` is called in the calling thread, once per document as it finishes."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    if not pairs:
        return []
    results = [None] * len(pairs)
    with ThreadPoolExecutor(max_workers=2 * pool.workers, thread_name_prefix="wenshu-layout") as ex:
        futs = {ex.submit(check_and_correct, pool, *item): i for i, item in enumerate(pairs)}
        for fut in as_completed(futs):
            r = fut.result()
            results[futs[fut]] = r
            if progress is not None:
                progress(r)
    return results


def verify(docx: Path, pdf: Path) -> LayoutReport:
    """Measure an existing PDF of ``docx`` without correcting anything (a PDF kept from a previous
    run); a PDF that cannot be read is reported as not verified."""
    report = LayoutReport()
    try:
        facts = read_docx(Path(docx).read_bytes())
        m = measure(pdf, facts)
    except Exception:  # noqa: BLE001 - a damaged file is "not verified", never a pass
        return report
    report.pages, report.imprint_page = m.pages, m.imprint_page
    report.problems = problems(m, facts)
    report.status = FAILED if report.problems else VERIFIED
    return report
