"""Page setup, the page-number footers and the settings a document carries to the PDF stage.

A4 with the GB/T 9704 margins and a 22-line grid (7.1), "— N —" page numbers on odd and even pages
(7.5), and the document variables the measured layout pass reads (``pdf/layout_pass.py``).
"""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.text.paragraph import Paragraph

from wenshu.official import gbt9704 as gb
from wenshu.official.gbt9704 import DEFAULT_SETTINGS, Settings
from wenshu.official.ooxml import RPR_ORDER, SECTPR_ORDER, get_or_add, local_name
from wenshu.official.styles import StyleName


def footer_distance_twips() -> int:
    """Footer distance so the 一字线 of the page number sits 7 mm below the text area (7.5).

    The footer line is exactly one 4号 line (PAGE_NUMBER_LINE_PITCH) whose bottom is the footer
    distance above the paper edge; the dash is PAGE_NUMBER_DASH_HEIGHT em above that bottom.
    distance = bottom margin − 7 mm − dash height.
    """
    dash_above_bottom = gb.SIHAO.pt * gb.PAGE_NUMBER_DASH_HEIGHT.value
    return gb.MARGIN_BOTTOM_TWIPS - gb.mm_to_twips(gb.PAGE_NUMBER_GAP.value) - gb.pt_to_twips(dash_above_bottom)


def setup_page(doc: DocxDocument, settings: Settings = DEFAULT_SETTINGS) -> None:
    """A4 portrait, GB/T 9704 margins, a 22-line grid, odd/even footers on, for every section."""
    for section in doc.sections:
        section.page_width = Twips(gb.PAGE_WIDTH_TWIPS)
        section.page_height = Twips(gb.PAGE_HEIGHT_TWIPS)
        section.top_margin = Twips(gb.MARGIN_TOP_TWIPS)
        section.bottom_margin = Twips(gb.MARGIN_BOTTOM_TWIPS)
        section.left_margin = Twips(gb.MARGIN_LEFT_TWIPS)
        section.right_margin = Twips(gb.MARGIN_RIGHT_TWIPS)
        section.gutter = Twips(0)
        # No header content, but Word needs a distance; half the top margin keeps it out of the way.
        section.header_distance = Twips(gb.MARGIN_TOP_TWIPS // 2)
        section.footer_distance = Twips(footer_distance_twips())
        sect = section._sectPr
        # Word's 文档网格 "只指定行网格, 每页 22 行" writes exactly this; it is what staff see in the
        # dialog, and it keeps Word from snapping 3号 text to a 15.6 pt default grid.
        get_or_add(sect, "docGrid", SECTPR_ORDER, {"type": "lines", "linePitch": gb.LINE_PITCH.value}, replace=True)
    doc.settings.odd_and_even_pages_header_footer = True


def _add_field(paragraph: Paragraph, instr: str, placeholder: str = "1") -> None:
    """A complex field: fldChar begin / instrText / separate / cached text / end."""
    def run_with(child):
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)
        return r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    it = OxmlElement("w:instrText")
    it.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    it.text = f" {instr} "
    run_with(it)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    t = OxmlElement("w:t")
    t.text = placeholder
    run_with(t)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _hinted_run(paragraph: Paragraph, text: str):
    run = paragraph.add_run(text)
    # The style sets the fonts; the run-level hint makes Word pick the East Asian slot for the
    # ambiguous-width U+2014 even if someone later changes the style's Latin font.
    rpr = run._r.get_or_add_rPr()
    get_or_add(rpr, "rFonts", RPR_ORDER, {"hint": "eastAsia"})
    return run


def _fill_page_number(footer, style_name: str) -> Paragraph:
    footer.is_linked_to_previous = False
    paragraphs = footer.paragraphs
    p = paragraphs[0]
    for extra in paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    for child in list(p._p):
        if local_name(child) != "pPr":
            p._p.remove(child)
    p.style = style_name
    dash = gb.PAGE_NUMBER_DASH.value
    _hinted_run(p, f"{dash} ")  # half-width spaces: "— 1 —"
    _add_field(p, "PAGE")
    _hinted_run(p, f" {dash}")
    return p


def add_page_number_footers(doc: DocxDocument, settings: Settings = DEFAULT_SETTINGS) -> None:
    """"— N —" footers: odd pages right-aligned 1 字 in, even pages left-aligned 1 字 in (7.5).

    Alignment and indents come from the 页码（单页）/页码（双页） styles.
    """
    doc.settings.odd_and_even_pages_header_footer = True
    for section in doc.sections:
        _fill_page_number(section.footer, StyleName.PAGE_NUMBER_ODD)
        _fill_page_number(section.even_page_footer, StyleName.PAGE_NUMBER_EVEN)


# ─── document settings ─────────────────────────────────────────────────────────────────────────


def record_settings(doc: DocxDocument, settings: Settings = DEFAULT_SETTINGS) -> None:
    """Write the settings the measured layout pass needs (pdf/layout_pass.py) into the document as
    Word document variables (w:docVars), so a rendered document carries them to the PDF stage and
    staff editing the template in Word do not see or lose them."""
    el = doc.settings.element
    zoom = el.find(qn("w:zoom"))
    if zoom is not None and zoom.get(qn("w:percent")) is None:
        zoom.set(qn("w:percent"), "100")  # required by the schema; python-docx's default omits it
    for old in el.findall(qn("w:docVars")):
        el.remove(old)
    dv = OxmlElement("w:docVars")
    var = OxmlElement("w:docVar")
    var.set(qn("w:name"), "wenshu.imprint_on_even_page")
    var.set(qn("w:val"), "true" if settings.imprint_on_even_page else "false")
    dv.append(var)
    # CT_Settings order: … compat, docVars, rsids, mathPr, attachedSchema, themeFontLang …
    after = ("rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
             "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
             "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")
    for i, child in enumerate(el):
        if local_name(child) in after:
            el.insert(i, dv)
            break
    else:
        el.append(dv)
