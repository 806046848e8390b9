"""OOXML primitives for building GB/T 9704 documents with python-docx: child elements written in
schema order, borders, fonts and sizes, table cells.

Word rejects or "repairs" a document whose ``w:pPr``/``w:rPr`` children are out of order, LibreOffice
does not, so an order bug would only show up on the office's machines: every child element goes
through :func:`get_or_add`, which inserts it at its place in the schema order (ECMA-376 Part 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from wenshu.official import gbt9704 as gb

# ─── schema order (ECMA-376 Part 1, CT_PPrBase / CT_RPr / CT_TblPr / CT_TcPr …) ─────────────────

PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
    "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN "
    "bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
    "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()
PBDR_ORDER = "top left bottom right between bar".split()
TBLPR_ORDER = (
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
).split()
TBLBORDERS_ORDER = "top left start bottom right end insideH insideV".split()
TCPR_ORDER = (
    "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark"
).split()
TRPR_ORDER = "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing jc hidden".split()
SECTPR_ORDER = (
    "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
    "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings"
).split()
STYLE_ORDER = (
    "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden unhideWhenUsed qFormat "
    "locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr tblStylePr"
).split()


def local_name(el) -> str:
    return el.tag.rsplit("}", 1)[-1]


def get_or_add(parent, tag: str, order: Sequence[str], attrs: dict[str, str] | None = None, *, replace=False):
    """Get or create ``w:tag`` under ``parent`` at its schema position; set ``attrs`` on it."""
    existing = parent.find(qn(f"w:{tag}"))
    if existing is not None and replace:
        parent.remove(existing)
        existing = None
    if existing is None:
        existing = OxmlElement(f"w:{tag}")
        rank = order.index(tag)
        for i, sib in enumerate(parent):
            name = local_name(sib)
            if name in order and order.index(name) > rank:
                parent.insert(i, existing)
                break
        else:
            parent.append(existing)
    for k, v in (attrs or {}).items():
        existing.set(qn(f"w:{k}"), str(v))
    return existing


def set_border(parent, side: str, order: Sequence[str], sz: int, color: str = "000000", space: int = 0):
    return get_or_add(parent, side, order, {"val": "single", "sz": sz, "space": space, "color": color}, replace=True)


def nil_border(parent, side: str, order: Sequence[str]):
    return get_or_add(parent, side, order, {"val": "nil"}, replace=True)


# ─── fonts and sizes ─────────────────────────────────────────────────────────────────────────────

THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def set_fonts(rpr, cjk: str, latin: str | None = None) -> None:
    """All four rFonts slots + hint=eastAsia; theme attributes removed (they would win over names).

    Why all four: python-docx's ``font.name`` sets only ascii/hAnsi, and Chinese text then falls
    back to the theme's East Asian font (ＭＳ 明朝 in python-docx's default template). Why the hint:
    “ ” — … are ambiguous-width, and Word picks their font from the hint.
    """
    rf = get_or_add(rpr, "rFonts", RPR_ORDER)
    for a in THEME_ATTRS:
        rf.attrib.pop(qn(f"w:{a}"), None)
    latin = latin or cjk
    for k, v in (("ascii", latin), ("hAnsi", latin), ("eastAsia", cjk), ("cs", latin), ("hint", "eastAsia")):
        rf.set(qn(f"w:{k}"), v)


def set_size(rpr, size_pt: Decimal) -> None:
    hp = str(gb.pt_to_half_points(size_pt))
    get_or_add(rpr, "sz", RPR_ORDER, {"val": hp})
    get_or_add(rpr, "szCs", RPR_ORDER, {"val": hp})


# ─── table cells ─────────────────────────────────────────────────────────────────────────────────


def set_cell_width(cell, twips: int) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    get_or_add(tcpr, "tcW", TCPR_ORDER, {"w": twips, "type": "dxa"})


def clear_cell(cell) -> Paragraph:
    p = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    return p
