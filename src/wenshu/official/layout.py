"""python-docx building blocks that apply GB/T 9704-2012 to a ``docx.Document``.

Used by the template-builder script that writes the docxtpl templates. Those templates are edited
afterwards by office staff in Word/WPS, so formatting lives in **named styles** (公文正文, 一级标题,
版记 …) wherever a style can carry it; direct formatting is used only for values computed for one
paragraph (the spacer above the 发文机关标志, a mark shrunk to fit), and the code says why there.

Every number comes from ``official/gbt9704.py``; this module has no literal layout numbers of its
own. OOXML child elements are written in schema order (``_PPR_ORDER`` …): Word rejects or
"repairs" a document whose ``w:pPr``/``w:rPr`` children are out of order, LibreOffice does not, so
the order bug would only show up on the office's machines.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.table import Table
from docx.text.paragraph import Paragraph

from wenshu.official import gbt9704 as gb
from wenshu.official.gbt9704 import DEFAULT_SETTINGS, FontSize, Settings

# ─── OOXML schema order (ECMA-376 Part 1, CT_PPrBase / CT_RPr / CT_TblPr / CT_TcPr …) ─────────

_PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
    "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN "
    "bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
_RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
    "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()
_PBDR_ORDER = "top left bottom right between bar".split()
_TBLPR_ORDER = (
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
).split()
_TBLBORDERS_ORDER = "top left start bottom right end insideH insideV".split()
_TCPR_ORDER = (
    "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark"
).split()
_TRPR_ORDER = "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing jc hidden".split()
_SECTPR_ORDER = (
    "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
    "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings"
).split()
_STYLE_ORDER = (
    "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden unhideWhenUsed qFormat "
    "locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr tblStylePr"
).split()


def _local(el) -> str:
    return el.tag.rsplit("}", 1)[-1]


def _child(parent, tag: str, order: Sequence[str], attrs: dict[str, str] | None = None, *, replace=False):
    """Get or create ``w:tag`` under ``parent`` at its schema position; set ``attrs`` on it."""
    existing = parent.find(qn(f"w:{tag}"))
    if existing is not None and replace:
        parent.remove(existing)
        existing = None
    if existing is None:
        existing = OxmlElement(f"w:{tag}")
        rank = order.index(tag)
        for i, sib in enumerate(parent):
            name = _local(sib)
            if name in order and order.index(name) > rank:
                parent.insert(i, existing)
                break
        else:
            parent.append(existing)
    for k, v in (attrs or {}).items():
        existing.set(qn(f"w:{k}"), str(v))
    return existing


def _border(parent, side: str, order: Sequence[str], sz: int, color: str = "000000", space: int = 0):
    return _child(parent, side, order, {"val": "single", "sz": sz, "space": space, "color": color}, replace=True)


def _no_border(parent, side: str, order: Sequence[str]):
    return _child(parent, side, order, {"val": "nil"}, replace=True)


# ─── style names (what staff see in Word's style pane) ────────────────────────────────────────


class StyleName:
    """Names of the styles ``install_styles`` creates; templates and checks refer to these."""

    BODY = "公文正文"
    TITLE = "公文标题"
    HEADING = {1: "一级标题", 2: "二级标题", 3: "三级标题", 4: "四级标题"}
    RECIPIENTS = "主送"
    ATTACHMENT_NOTE = "附件说明"
    SIGNATURE = "署名"
    DATE = "成文日期"
    NOTE = "附注"
    ATTACHMENT_LABEL = "附件标签"
    ATTACHMENT_TITLE = "附件标题"
    IMPRINT = "版记"
    TABLE_TEXT = "表格文字"
    TABLE_HEADER = "表头"
    ISSUER_MARK = "发文机关标志"
    DOC_NUMBER = "发文字号"
    PAGE_NUMBER_ODD = "页码（单页）"
    PAGE_NUMBER_EVEN = "页码（双页）"
    TABLE = "公文表格"
    COPY_NUMBER = "份号"
    SECRECY = "密级和保密期限"
    URGENCY = "紧急程度"
    SIGNER = "签发人"
    DOC_NUMBER_UP = "发文字号（上行文）"
    JOINT_SIGNATURE = "联合署名"
    TABLE_CAPTION = "表格标题"
    TABLE_UNIT = "表格单位"
    PAGE_BREAK = "分页"


@dataclass(frozen=True)
class _StyleRecipe:
    name: str
    style_id: str  # ASCII ids: stable for XML checks, and Word shows the Chinese w:name anyway
    font: str
    size: Decimal  # pt
    line: int  # exact line spacing, twips
    jc: str = "both"
    first_line: int = 0
    left: int = 0
    right: int = 0
    hanging: int = 0
    bold: bool = False
    color: str | None = None
    char_spacing: int | None = None
    outline: int | None = None
    keep_next: bool = False
    page_break_before: bool = False
    latin_font: str | None = None


def _zi(size: FontSize, n: int | Decimal = 1) -> int:
    """n 字 at ``size`` in twips (one 字 = one full-width character)."""
    return int(Decimal(size.twips) * Decimal(n))


def _recipes(s: Settings) -> list[_StyleRecipe]:
    body_pt, title_pt, small_pt = gb.SANHAO.pt, gb.ERHAO.pt, gb.SIHAO.pt
    pitch, title_pitch = gb.LINE_PITCH.value, gb.TITLE_LINE_PITCH.value
    cs = gb.CHAR_SPACING_3HAO.value  # −5 twips on 3号 text only: it is what makes 28 字 fit
    indent2 = gb.FIRST_LINE_INDENT.value
    zi3, zi4 = _zi(gb.SANHAO), _zi(gb.SIHAO)
    fs, table_pitch = s.body_font, gb.TABLE_LINE_PITCH.value
    return [
        _StyleRecipe(StyleName.BODY, "GwBody", fs, body_pt, pitch, first_line=indent2, char_spacing=cs),
        _StyleRecipe(StyleName.TITLE, "GwTitle", s.title_font, title_pt, title_pitch, jc="center"),
        _StyleRecipe(StyleName.HEADING[1], "GwHeading1", s.heading1_font, body_pt, pitch,
                     first_line=indent2, char_spacing=cs, outline=0, keep_next=True),
        _StyleRecipe(StyleName.HEADING[2], "GwHeading2", s.heading2_font, body_pt, pitch,
                     first_line=indent2, char_spacing=cs, outline=1, keep_next=True, bold=s.heading2_bold),
        _StyleRecipe(StyleName.HEADING[3], "GwHeading3", fs, body_pt, pitch,
                     first_line=indent2, char_spacing=cs, outline=2, bold=s.heading3_bold),
        _StyleRecipe(StyleName.HEADING[4], "GwHeading4", fs, body_pt, pitch,
                     first_line=indent2, char_spacing=cs, outline=3),
        # 7.3.2: flush left, continuation lines flush left too, so no indent at all.
        _StyleRecipe(StyleName.RECIPIENTS, "GwRecipients", fs, body_pt, pitch, char_spacing=cs),
        # 7.3.4: "附件：" starts 2 字 in; continuation lines align with the first character of the
        # name: left = 2 字 + width of "附件：", hanging = that width (one attachment). With numbers
        # ("附件：1.名称") the width depends on the number; rendering sets it per paragraph
        # (official/fixups.py, attachment_note_indent).
        _StyleRecipe(StyleName.ATTACHMENT_NOTE, "GwAttachmentNote", fs, body_pt, pitch,
                     left=indent2 + attachment_note_hanging("附件："), hanging=attachment_note_hanging("附件："),
                     char_spacing=cs),
        # 7.3.5.1 (sealed, the usual case for 政府办 notices): date right-indented 4 字; the signature
        # is centred over the date, which depends on both texts, see signature_right_indent().
        _StyleRecipe(StyleName.SIGNATURE, "GwSignature", fs, body_pt, pitch, jc="right",
                     right=_zi(gb.SANHAO, gb.SEALED_DATE_RIGHT_INDENT.value), char_spacing=cs, keep_next=True),
        _StyleRecipe(StyleName.DATE, "GwDate", fs, body_pt, pitch, jc="right",
                     right=_zi(gb.SANHAO, gb.SEALED_DATE_RIGHT_INDENT.value), char_spacing=cs),
        _StyleRecipe(StyleName.NOTE, "GwNote", fs, body_pt, pitch, left=_zi(gb.SANHAO, gb.NOTE_INDENT.value),
                     char_spacing=cs),
        # 7.3.7: "附件应当另面编排" — the style itself starts a new page, so staff cannot forget it.
        _StyleRecipe(StyleName.ATTACHMENT_LABEL, "GwAttachmentLabel", s.heading1_font, body_pt, pitch,
                     jc="left", char_spacing=cs, page_break_before=True, keep_next=True),
        _StyleRecipe(StyleName.ATTACHMENT_TITLE, "GwAttachmentTitle", s.title_font, title_pt, title_pitch,
                     jc="center", keep_next=True),
        _StyleRecipe(StyleName.IMPRINT, "GwImprint", fs, small_pt, gb.IMPRINT_LINE_PITCH.value, jc="left",
                     left=_zi(gb.SIHAO, gb.IMPRINT_SIDE_INDENT.value), right=zi4),
        _StyleRecipe(StyleName.TABLE_TEXT, "GwTableText", fs, small_pt, table_pitch, jc="left"),
        _StyleRecipe(StyleName.TABLE_HEADER, "GwTableHeader", s.heading1_font, small_pt, table_pitch,
                     jc="center", keep_next=True),
        _StyleRecipe(StyleName.ISSUER_MARK, "GwIssuerMark", s.mark_font, s.mark_size_pt,
                     _mark_line_twips(s.mark_size_pt), jc="center", color=s.red_color),
        _StyleRecipe(StyleName.DOC_NUMBER, "GwDocNumber", fs, body_pt, pitch, jc="center", char_spacing=cs),
        # 7.2.1–7.2.3: 份号 (6 位 3号阿拉伯数字), 密级和保密期限, 紧急程度 (3号黑体): flush left, stacked
        # from line 1 of the text area in this order.
        _StyleRecipe(StyleName.COPY_NUMBER, "GwCopyNumber", fs, body_pt, pitch, jc="left", char_spacing=cs),
        _StyleRecipe(StyleName.SECRECY, "GwSecrecy", s.heading1_font, body_pt, pitch, jc="left", char_spacing=cs),
        _StyleRecipe(StyleName.URGENCY, "GwUrgency", s.heading1_font, body_pt, pitch, jc="left", char_spacing=cs),
        # 7.2.6 (上行文): "签发人" 3号仿宋 + 全角冒号 + names in 3号楷体, 1 字 from the right; the
        # 发文字号 1 字 from the left on the line of the last signer.
        _StyleRecipe(StyleName.SIGNER, "GwSigner", fs, body_pt, pitch, jc="right", right=zi3, char_spacing=cs),
        # No left indent: the red rule (its bottom border) must span the whole text width; a left tab
        # at 1 字 places the number and a right tab 1 字 from the right edge the last signer.
        _StyleRecipe(StyleName.DOC_NUMBER_UP, "GwDocNumberUp", fs, body_pt, pitch, jc="left", char_spacing=cs),
        # 7.3.5.1 (联合行文, sealed): each organ's signature centred in its column.
        _StyleRecipe(StyleName.JOINT_SIGNATURE, "GwJointSignature", fs, body_pt, pitch, jc="center",
                     char_spacing=cs, keep_next=True),
        # Tables inside the body (clause 8 says nothing of captions): a centred 黑体 caption and a
        # right-aligned "单位：…" line, both kept with the table.
        _StyleRecipe(StyleName.TABLE_CAPTION, "GwTableCaption", s.heading1_font, body_pt, pitch, jc="center",
                     char_spacing=cs, keep_next=True),
        _StyleRecipe(StyleName.TABLE_UNIT, "GwTableUnit", fs, small_pt, table_pitch, jc="right", keep_next=True),
        # A page break in the body: rendering moves the break onto the next paragraph and drops this
        # one (official/fixups.py); the style alone still breaks the page if a template keeps it.
        _StyleRecipe(StyleName.PAGE_BREAK, "GwPageBreak", fs, body_pt, pitch, page_break_before=True),
        # Page numbers: "半角宋体阿拉伯数字", so the Latin font is 宋体 too, whatever latin_font says.
        _StyleRecipe(StyleName.PAGE_NUMBER_ODD, "GwPageNumberOdd", s.page_number_font, small_pt,
                     gb.PAGE_NUMBER_LINE_PITCH.value, jc="right",
                     right=_zi(gb.SIHAO, gb.PAGE_NUMBER_SIDE_INDENT.value), latin_font=s.page_number_font),
        _StyleRecipe(StyleName.PAGE_NUMBER_EVEN, "GwPageNumberEven", s.page_number_font, small_pt,
                     gb.PAGE_NUMBER_LINE_PITCH.value, jc="left",
                     left=_zi(gb.SIHAO, gb.PAGE_NUMBER_SIDE_INDENT.value), latin_font=s.page_number_font),
    ]


def attachment_note_hanging(prefix: str) -> int:
    """Width in twips of the 附件说明 text before the attachment's name ("附件：", "附件：1.", "　　　2.").

    Each character advances its width (full-width 1 字, half-width ½ 字 of 3号) plus the 3号 character
    spacing (−5 twips), so the continuation lines start exactly under the name's first character.
    """
    w = 0
    for ch in prefix:
        full = unicodedata.east_asian_width(ch) in ("F", "W", "A")
        w += (gb.SANHAO.twips if full else gb.SANHAO.twips // 2) + gb.CHAR_SPACING_3HAO.value
    return w


def _mark_line_twips(size_pt: Decimal) -> int:
    # One em exactly: the spacer above computes the mark's glyph top from the line top, and a line
    # as tall as the font keeps that offset independent of how Word/LibreOffice share out extra
    # leading. The mark is a single line, so nothing below it can be clipped.
    return gb.pt_to_twips(size_pt)


# ─── fonts ────────────────────────────────────────────────────────────────────────────────────

_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def _set_fonts(rpr, cjk: str, latin: str | None = None) -> None:
    """All four rFonts slots + hint=eastAsia; theme attributes removed (they would win over names).

    Why all four: python-docx's ``font.name`` sets only ascii/hAnsi, and Chinese text then falls
    back to the theme's East Asian font (ＭＳ 明朝 in python-docx's default template). Why the hint:
    “ ” — … are ambiguous-width, and Word picks their font from the hint.
    """
    rf = _child(rpr, "rFonts", _RPR_ORDER)
    for a in _THEME_ATTRS:
        rf.attrib.pop(qn(f"w:{a}"), None)
    latin = latin or cjk
    for k, v in (("ascii", latin), ("hAnsi", latin), ("eastAsia", cjk), ("cs", latin), ("hint", "eastAsia")):
        rf.set(qn(f"w:{k}"), v)


def _set_size(rpr, size_pt: Decimal) -> None:
    hp = str(gb.pt_to_half_points(size_pt))
    _child(rpr, "sz", _RPR_ORDER, {"val": hp})
    _child(rpr, "szCs", _RPR_ORDER, {"val": hp})


def _apply_recipe(style_el, r: _StyleRecipe, s: Settings) -> None:
    for old in style_el.findall(qn("w:pPr")) + style_el.findall(qn("w:rPr")):
        style_el.remove(old)  # rebuild from scratch so re-running install_styles is idempotent
    ppr = _child(style_el, "pPr", _STYLE_ORDER)
    if r.keep_next:
        _child(ppr, "keepNext", _PPR_ORDER)
    if r.page_break_before:
        _child(ppr, "pageBreakBefore", _PPR_ORDER)
    # Widow control off: it moves single lines to the next page and breaks the 22-line grid.
    _child(ppr, "widowControl", _PPR_ORDER, {"val": "0"})
    # snapToGrid off: the exact line spacing alone sets the pitch. LibreOffice otherwise snaps
    # large type (title, mark) to two grid lines.
    _child(ppr, "snapToGrid", _PPR_ORDER, {"val": "0"})
    _child(ppr, "spacing", _PPR_ORDER, {"before": 0, "after": 0, "line": r.line, "lineRule": "exact"})
    ind = {"left": r.left, "right": r.right}
    if r.hanging:
        ind["hanging"] = r.hanging
    else:
        # Explicit firstLine=0: an inherited 2-字 indent would leak into titles, cells and footers.
        ind["firstLine"] = r.first_line
    _child(ppr, "ind", _PPR_ORDER, ind)
    _child(ppr, "jc", _PPR_ORDER, {"val": r.jc})
    if r.outline is not None:
        _child(ppr, "outlineLvl", _PPR_ORDER, {"val": r.outline})
    rpr = _child(style_el, "rPr", _STYLE_ORDER)
    _set_fonts(rpr, r.font, r.latin_font or s.font_for_latin(r.font))
    if r.bold:
        _child(rpr, "b", _RPR_ORDER)
        _child(rpr, "bCs", _RPR_ORDER)
    _child(rpr, "color", _RPR_ORDER, {"val": r.color or gb.TEXT_COLOR.value})
    if r.char_spacing is not None:
        _child(rpr, "spacing", _RPR_ORDER, {"val": r.char_spacing})
    _set_size(rpr, r.size)


def _ensure_style(doc: DocxDocument, name: str, style_id: str, kind=WD_STYLE_TYPE.PARAGRAPH):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, kind)
    el = style.element
    el.set(qn("w:styleId"), style_id)
    if kind == WD_STYLE_TYPE.PARAGRAPH:
        _child(el, "basedOn", _STYLE_ORDER, {"val": "Normal"})
        _child(el, "qFormat", _STYLE_ORDER)  # shows in Word's style gallery
    return style


def install_styles(doc: DocxDocument, settings: Settings = DEFAULT_SETTINGS) -> dict[str, str]:
    """Create (or reset) the 公文 named styles; return {style name: styleId}.

    Also sets docDefaults and Normal to 3号仿宋 with explicit fonts, and replaces theme font
    references in every existing style, so no text anywhere falls back to a Western/Japanese theme
    font (punctuation included).
    """
    s = settings
    styles_el = doc.styles.element
    latin = s.font_for_latin(s.body_font)

    # docDefaults: fonts, size and language; no indent here (it would leak everywhere).
    defaults = styles_el.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles_el.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    _set_fonts(rpr, s.body_font, latin)
    _set_size(rpr, gb.SANHAO.pt)
    _child(rpr, "lang", _RPR_ORDER, {"val": "en-US", "eastAsia": "zh-CN", "bidi": "ar-SA"})
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = OxmlElement("w:pPrDefault")
        defaults.append(ppr_default)
    ppr = ppr_default.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        ppr_default.append(ppr)
    _child(ppr, "spacing", _PPR_ORDER, {"before": 0, "after": 0, "line": gb.LINE_PITCH.value, "lineRule": "exact"},
           replace=True)

    # Every existing style: theme fonts → explicit names (the theme's East Asian font is not Chinese).
    for rf in list(styles_el.iter(qn("w:rFonts"))):
        if any(rf.get(qn(f"w:{a}")) for a in _THEME_ATTRS) or rf.get(qn("w:eastAsia")) is None:
            rf_parent = rf.getparent()
            _set_fonts(rf_parent, s.body_font, latin)

    normal = doc.styles["Normal"].element
    nppr = _child(normal, "pPr", _STYLE_ORDER)
    _child(nppr, "widowControl", _PPR_ORDER, {"val": "0"})
    # overflowPunct stated explicitly: without it (or with 0) LibreOffice 7.4 lays a line-end "，"
    # past the text area and does not print it at all (measured: "职责，确保" came out as "职责确保");
    # with it the comma and the character before it move to the next line (kinsoku). Word's default
    # is the same value, so Word is unchanged.
    _child(nppr, "overflowPunct", _PPR_ORDER, {"val": "1"})
    _child(nppr, "snapToGrid", _PPR_ORDER, {"val": "0"})
    _child(nppr, "spacing", _PPR_ORDER, {"before": 0, "after": 0, "line": gb.LINE_PITCH.value, "lineRule": "exact"})
    _child(nppr, "jc", _PPR_ORDER, {"val": "both"})
    nrpr = _child(normal, "rPr", _STYLE_ORDER)
    _set_fonts(nrpr, s.body_font, latin)
    _set_size(nrpr, gb.SANHAO.pt)

    ids = {}
    for recipe in _recipes(s):
        style = _ensure_style(doc, recipe.name, recipe.style_id)
        _apply_recipe(style.element, recipe, s)
        ids[recipe.name] = recipe.style_id
    _install_table_style(doc, s)
    ids[StyleName.TABLE] = "GwTable"
    return ids


def _install_table_style(doc: DocxDocument, s: Settings) -> None:
    style = _ensure_style(doc, StyleName.TABLE, "GwTable", WD_STYLE_TYPE.TABLE)
    el = style.element
    for old in el.findall(qn("w:tblPr")) + el.findall(qn("w:rPr")) + el.findall(qn("w:pPr")):
        el.remove(old)
    normal_table = doc.styles.element.find(f"{qn('w:style')}[@{qn('w:styleId')}='TableNormal']")
    if normal_table is not None:
        _child(el, "basedOn", _STYLE_ORDER, {"val": "TableNormal"})
    ppr = _child(el, "pPr", _STYLE_ORDER)
    _child(ppr, "ind", _PPR_ORDER, {"firstLine": 0})
    rpr = _child(el, "rPr", _STYLE_ORDER)
    _set_fonts(rpr, s.body_font, s.font_for_latin(s.body_font))
    _set_size(rpr, gb.SIHAO.pt)
    tblpr = _child(el, "tblPr", _STYLE_ORDER)
    borders = _child(tblpr, "tblBorders", _TBLPR_ORDER)
    sz = gb.pt_to_eighths(gb.TABLE_BORDER.value)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _border(borders, side, _TBLBORDERS_ORDER, sz)
    mar = _child(tblpr, "tblCellMar", _TBLPR_ORDER)
    for side, w in (("top", 0), ("left", 85), ("bottom", 0), ("right", 85)):
        # 85 twips ≈ 1.5 mm: Word's default 108 wastes width in narrow 序号 columns.
        _child(mar, side, ("top", "left", "start", "bottom", "right", "end"), {"w": w, "type": "dxa"})


# ─── page setup and page numbers ──────────────────────────────────────────────────────────────


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
        _child(sect, "docGrid", _SECTPR_ORDER, {"type": "lines", "linePitch": gb.LINE_PITCH.value}, replace=True)
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
    _child(rpr, "rFonts", _RPR_ORDER, {"hint": "eastAsia"})
    return run


def _fill_page_number(footer, style_name: str) -> Paragraph:
    footer.is_linked_to_previous = False
    paragraphs = footer.paragraphs
    p = paragraphs[0]
    for extra in paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    for child in list(p._p):
        if _local(child) != "pPr":
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


# ─── paragraphs ───────────────────────────────────────────────────────────────────────────────


def add_paragraph(doc_or_cell, text: str = "", style: str = StyleName.BODY) -> Paragraph:
    """A paragraph in a named style, without direct run formatting (so Word restyles it globally)."""
    return doc_or_cell.add_paragraph(text, style=style)


def add_body(doc: DocxDocument, text: str) -> Paragraph:
    return add_paragraph(doc, text, StyleName.BODY)


def add_heading(doc: DocxDocument, level: int, text: str) -> Paragraph:
    """A 公文 heading (一、/（一）/1./（1）); ``text`` includes its ordinal (see fmt.heading_ordinal)."""
    if level not in StyleName.HEADING:
        raise ValueError(f"heading level must be 1–4, got {level!r}")
    return add_paragraph(doc, text, StyleName.HEADING[level])


def add_blank_lines(doc: DocxDocument, n: int, style: str = StyleName.BODY) -> list[Paragraph]:
    """``n`` empty lines of one 行 each ("空二行" → n=2)."""
    return [add_paragraph(doc, "", style) for _ in range(n)]


def text_width_zi(text: str) -> Decimal:
    """Width of ``text`` in 字: full-width characters count 1, half-width (digits, Latin) ½."""
    w = Decimal(0)
    for ch in text:
        w += 1 if unicodedata.east_asian_width(ch) in ("F", "W", "A") else Decimal("0.5")
    return w


def signature_right_indent(signature: str, date_text: str, size: FontSize = gb.SANHAO) -> int:
    """Right indent (twips) that centres a sealed document's 署名 over its 成文日期 (7.3.5.1).

    The date sits 4 字 from the right; the signature's centre must match the date's centre:
    indent = 4 字 + (date width − signature width) / 2. Never below 0.
    """
    four = Decimal(gb.SEALED_DATE_RIGHT_INDENT.value)
    zi = four + (text_width_zi(date_text) - text_width_zi(signature)) / 2
    return max(0, int(zi * size.twips))


# ─── 版头: 发文机关标志, 发文字号, red rule ────────────────────────────────────────────────────


def add_mark_spacer(doc: DocxDocument, mark_size_pt: Decimal) -> Paragraph:
    """The empty paragraph that puts the 发文机关标志's top edge 35 mm below the text-area top (7.2.4).

    The mark line is one em tall (_mark_line_twips) and the glyph's top sits MARK_GLYPH_INSET em
    below the line top (negative: above it), so the spacer is 35 mm minus that inset. Direct
    formatting: the value depends on this mark's size. 份号/密级/紧急程度 lines above it shorten it
    by one line each (official/fixups.py).
    """
    inset = gb.pt_to_twips(Decimal(mark_size_pt) * gb.MARK_GLYPH_INSET.value)
    spacer = add_paragraph(doc, "", StyleName.DOC_NUMBER)
    spacer.paragraph_format.line_spacing = Twips(gb.mm_to_twips(gb.MARK_TOP.value) - inset)
    spacer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    return spacer


def add_mark(doc: DocxDocument, mark_text: str, mark_size_pt: Decimal) -> Paragraph:
    mark = add_paragraph(doc, "", StyleName.ISSUER_MARK)
    mark.add_run(mark_text)
    style_size = doc.styles[StyleName.ISSUER_MARK].font.size
    if style_size is None or Decimal(style_size.pt).quantize(Decimal("0.5")) != mark_size_pt:
        # Shrunk to fit this organ's name: run size and a matching one-em line.
        rpr = mark.runs[0]._r.get_or_add_rPr()
        _set_size(rpr, mark_size_pt)
        mark.paragraph_format.line_spacing = Twips(_mark_line_twips(mark_size_pt))
        mark.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    return mark


def add_red_rule(paragraph: Paragraph, settings: Settings = DEFAULT_SETTINGS) -> None:
    """7.2.7: the red rule 4 mm under the 发文字号, as wide as the text area: a bottom paragraph
    border spans exactly the paragraph (= text) width since the number styles have no right indent
    and the 上行文 left indent lies inside the border's span only for the text, not the rule."""
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = _child(ppr, "pBdr", _PPR_ORDER)
    # w:space (whole points) is measured from the bottom of the line box, which already lies
    # DOC_NUMBER_INK_TO_LINE_BOTTOM below the glyphs: only the remainder of the 4 mm is added.
    gap_mm = gb.RED_RULE_GAP.value - gb.DOC_NUMBER_INK_TO_LINE_BOTTOM.value
    space_pt = max(0, int(gb.mm_to_pt(gap_mm).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    _border(pbdr, "bottom", _PBDR_ORDER, settings.red_rule_eighths, settings.red_color, space_pt)


def add_doc_number(doc: DocxDocument, doc_number_text: str, settings: Settings = DEFAULT_SETTINGS) -> Paragraph:
    number = add_paragraph(doc, doc_number_text, StyleName.DOC_NUMBER)
    add_red_rule(number, settings)
    return number


def add_red_header(
    doc: DocxDocument,
    mark_text: str,
    doc_number_text: str,
    settings: Settings = DEFAULT_SETTINGS,
    *,
    mark_size_pt: Decimal | None = None,
) -> dict[str, Paragraph]:
    """The 版头 of a 下行文: spacer, red 发文机关标志, 2 blank lines, 发文字号, red rule.

    Must be called on an empty body (the spacer measures from the text-area top). ``mark_text`` may
    be a Jinja tag; then the mark is not auto-fitted (its real length is unknown) and the
    configured ``mark_size_pt`` applies. Returns the paragraphs by role.
    """
    s = settings
    if mark_size_pt is None:
        mark_size_pt = s.mark_size_pt if "{{" in mark_text else s.mark_size_for(mark_text)
    mark_size_pt = Decimal(mark_size_pt)
    spacer = add_mark_spacer(doc, mark_size_pt)
    mark = add_mark(doc, mark_text, mark_size_pt)
    blanks = add_blank_lines(doc, gb.DOC_NUMBER_GAP.value, StyleName.DOC_NUMBER)
    number = add_doc_number(doc, doc_number_text, s)
    return {"spacer": spacer, "mark": mark, "blank_lines": blanks, "doc_number": number}


def add_joint_mark(doc: DocxDocument, names_loop: str, name_expr: str, suffix_expr: str,
                   settings: Settings = DEFAULT_SETTINGS) -> Table:
    """联合行文的发文机关标志 (7.2.4): the organs' names stacked (主办机关 first), "文件" to their right,
    vertically centred on them. A borderless two-column table; one row per organ (``{%tr for %}``),
    the "文件" cell merged down the rows (``{% vm %}``). Widths, size and the names' equal width are
    set after rendering, when the names are known (official/fixups.py)."""
    table = doc.add_table(rows=3, cols=2)
    tbl = table._tbl
    tblpr = tbl.tblPr
    _child(tblpr, "tblW", _TBLPR_ORDER, {"w": gb.TEXT_WIDTH_TWIPS, "type": "dxa"})
    _child(tblpr, "jc", _TBLPR_ORDER, {"val": "center"})
    borders = _child(tblpr, "tblBorders", _TBLPR_ORDER)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _no_border(borders, side, _TBLBORDERS_ORDER)
    _child(tblpr, "tblLayout", _TBLPR_ORDER, {"type": "fixed"})
    mar = _child(tblpr, "tblCellMar", _TBLPR_ORDER)
    for side in ("top", "left", "bottom", "right"):
        _child(mar, side, ("top", "left", "start", "bottom", "right", "end"), {"w": 0, "type": "dxa"})
    half = gb.TEXT_WIDTH_TWIPS // 2
    for gc in tbl.tblGrid.findall(qn("w:gridCol")):
        gc.set(qn("w:w"), str(half))
    texts = [(f"{{%tr {names_loop} %}}", ""), (name_expr, f"{{% vm %}}{suffix_expr}"), ("{%tr endfor %}", "")]
    for r_idx, (row, (left, right)) in enumerate(zip(table.rows, texts)):
        for cell, text in zip(row.cells, (left, right)):
            _set_cell_width(cell, half)
            _child(cell._tc.get_or_add_tcPr(), "vAlign", _TCPR_ORDER, {"val": "center"})
            p = _clear_cell(cell)
            p.style = StyleName.ISSUER_MARK if r_idx == 1 else StyleName.BODY
            if text:
                p.add_run(text)
    table.rows[1].cells[0].paragraphs[0].paragraph_format.alignment = 0  # names spread to equal width after rendering
    table.rows[1].cells[1].paragraphs[0].paragraph_format.alignment = 2  # "文件" at the right of its cell
    return table


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
        if _local(child) in after:
            el.insert(i, dv)
            break
    else:
        el.append(dv)


# ─── 版记 ─────────────────────────────────────────────────────────────────────────────────────


def _set_cell_width(cell, twips: int) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    _child(tcpr, "tcW", _TCPR_ORDER, {"w": twips, "type": "dxa"})


def _clear_cell(cell) -> Paragraph:
    p = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    return p


def add_imprint(
    doc: DocxDocument,
    cc_text: str | None,
    printer: str,
    date_text: str,
    settings: Settings = DEFAULT_SETTINGS,
    *,
    cc_label: str = "抄送",
    cc_condition: str | None = None,
) -> Table:
    """The 版记 (7.4): 抄送 row, thin rule, "印发机关 … 印发日期印发" row, floated to the bottom.

    ``cc_text`` is the organ list as produced by ``fmt.cc_line`` (ending in "。"), or a Jinja tag,
    or None for no 抄送 row. ``date_text`` is the date alone; "印发" is appended. The table is
    anchored to the bottom of the text area (tblpPr vertAnchor=margin, tblpYSpec=bottom) so its
    last rule coincides with the bottom of the 版心 (7.4.1). ``cc_condition`` (a Jinja expression)
    wraps the 抄送 row in ``{%tr if … %}`` rows, so a document without 抄送 has no empty "抄送：" row.
    """
    s = settings
    width = gb.TEXT_WIDTH_TWIPS
    rows = (2 if cc_text is not None else 1) + (2 if cc_text is not None and cc_condition else 0)
    table = doc.add_table(rows=rows, cols=1)
    tbl = table._tbl
    tblpr = tbl.tblPr

    outer = gb.mm_to_eighths(gb.IMPRINT_OUTER_RULE.value)  # 0.35 mm → 8
    inner = gb.mm_to_eighths(gb.IMPRINT_INNER_RULE.value)  # 0.25 mm → 6
    # horzAnchor=page with tblpX = left margin, not horzAnchor=margin + center: LibreOffice (7.4)
    # turns a floating table into a frame only if it is narrower than the text area OR anchored
    # to the page horizontally; a 156 mm table anchored to the margin stays in the text flow and
    # the 版记 ends up right after the body. Word places both forms identically.
    _child(tblpr, "tblpPr", _TBLPR_ORDER, {
        "leftFromText": 0, "rightFromText": 0, "topFromText": 0, "bottomFromText": 0,
        "vertAnchor": "margin", "horzAnchor": "page", "tblpX": gb.MARGIN_LEFT_TWIPS, "tblpYSpec": "bottom",
    })
    _child(tblpr, "tblOverlap", _TBLPR_ORDER, {"val": "never"})
    _child(tblpr, "tblW", _TBLPR_ORDER, {"w": width, "type": "dxa"})
    _child(tblpr, "tblInd", _TBLPR_ORDER, {"w": 0, "type": "dxa"})
    borders = _child(tblpr, "tblBorders", _TBLPR_ORDER)
    _border(borders, "top", _TBLBORDERS_ORDER, outer)
    _no_border(borders, "left", _TBLBORDERS_ORDER)
    _border(borders, "bottom", _TBLBORDERS_ORDER, outer)
    _no_border(borders, "right", _TBLBORDERS_ORDER)
    _border(borders, "insideH", _TBLBORDERS_ORDER, inner)
    _no_border(borders, "insideV", _TBLBORDERS_ORDER)
    _child(tblpr, "tblLayout", _TBLPR_ORDER, {"type": "fixed"})
    # Zero cell margins: the rules then span exactly the 156 mm text width and the 1-字 indents
    # come from the 版记 style, not from invisible cell padding.
    mar = _child(tblpr, "tblCellMar", _TBLPR_ORDER)
    for side in ("top", "left", "bottom", "right"):
        _child(mar, side, ("top", "left", "start", "bottom", "right", "end"), {"w": 0, "type": "dxa"})
    for gc in tbl.tblGrid.findall(qn("w:gridCol")):
        gc.set(qn("w:w"), str(width))

    zi4 = _zi(gb.SIHAO)
    row_index = 0
    if cc_text is not None and cc_condition:
        for r, tag in ((0, f"{{%tr if {cc_condition} %}}"), (2, "{%tr endif %}")):
            cell = table.cell(r, 0)
            _set_cell_width(cell, width)
            p = _clear_cell(cell)
            p.style = StyleName.IMPRINT
            p.add_run(tag)
        row_index = 1
    if cc_text is not None:
        cell = table.cell(row_index, 0)
        _set_cell_width(cell, width)
        p = _clear_cell(cell)
        p.style = StyleName.IMPRINT
        label = f"{cc_label}："
        p.add_run(f"{label}{cc_text}")
        # 7.4.2: continuation lines align with the first organ after the colon → hanging indent
        # of the label width on top of the style's 1-字 left indent. Direct formatting: it
        # depends on the label ("抄送"/"主送").
        label_twips = int(text_width_zi(label) * zi4)
        p.paragraph_format.left_indent = Twips(zi4 + label_twips)
        p.paragraph_format.first_line_indent = Twips(-label_twips)
        row_index += 2 if cc_condition else 1

    cell = table.cell(row_index, 0)
    _set_cell_width(cell, width)
    p = _clear_cell(cell)
    p.style = StyleName.IMPRINT
    # 7.4.3: organ 1 字 from the left, date 1 字 from the right: a right tab at the right indent.
    # Tab positions in a cell are measured from the cell's left edge (cell margins are 0).
    p.paragraph_format.tab_stops.add_tab_stop(Twips(width - zi4), alignment=WD_TAB_ALIGNMENT.RIGHT)
    p.add_run(f"{printer}\t{date_text}印发")

    # Word cannot end a document with a table; a one-twip-high paragraph follows the float so it
    # never pushes anything onto a new page.
    tail = doc.add_paragraph("", style=StyleName.IMPRINT)
    tail.paragraph_format.line_spacing = Twips(20)
    tail.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    return table


def make_signature_table(table: Table) -> None:
    """The sealed 联合行文 signatures: borderless, two columns, names centred (7.3.5.1); the column
    widths put the right column's centre over the 成文日期 (set after rendering, fixups.py)."""
    tblpr = table._tbl.tblPr
    borders = _child(tblpr, "tblBorders", _TBLPR_ORDER)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _no_border(borders, side, _TBLBORDERS_ORDER)
    for row in table.rows:
        trpr = row._tr.get_or_add_trPr()
        for el in trpr.findall(qn("w:tblHeader")):
            trpr.remove(el)
        for cell in row.cells:
            for p in cell.paragraphs:
                p.style = StyleName.JOINT_SIGNATURE


# ─── tables ───────────────────────────────────────────────────────────────────────────────────


def add_table(
    doc: DocxDocument,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]] = (),
    widths_mm: Sequence[int | Decimal] | None = None,
) -> Table:
    """A full-width 公文 table: 表头 row repeated on every page (w:tblHeader), 表格文字 cells.

    Fonts come from the 表头/表格文字 paragraph styles, which carry all four rFonts slots, so cells
    never fall back to a theme font. Rows never split across pages (cantSplit).
    """
    ncols = len(headers)
    if widths_mm is None:
        widths = [gb.TEXT_WIDTH_TWIPS // ncols] * ncols
        widths[-1] += gb.TEXT_WIDTH_TWIPS - sum(widths)
    else:
        if len(widths_mm) != ncols:
            raise ValueError("widths_mm must have one width per column")
        widths = [gb.mm_to_twips(w) for w in widths_mm]
    table = doc.add_table(rows=1 + len(rows), cols=ncols)
    table.style = doc.styles[StyleName.TABLE]
    tblpr = table._tbl.tblPr
    _child(tblpr, "tblW", _TBLPR_ORDER, {"w": sum(widths), "type": "dxa"})
    _child(tblpr, "jc", _TBLPR_ORDER, {"val": "center"})
    _child(tblpr, "tblLayout", _TBLPR_ORDER, {"type": "fixed"})
    for gc, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        gc.set(qn("w:w"), str(w))
    for r_idx, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        _child(trpr, "cantSplit", _TRPR_ORDER)
        if r_idx == 0:
            _child(trpr, "tblHeader", _TRPR_ORDER)
        values = headers if r_idx == 0 else rows[r_idx - 1]
        for c_idx, cell in enumerate(row.cells):
            _set_cell_width(cell, widths[c_idx])
            _child(cell._tc.get_or_add_tcPr(), "vAlign", _TCPR_ORDER, {"val": "center"})
            p = _clear_cell(cell)
            p.style = StyleName.TABLE_HEADER if r_idx == 0 else StyleName.TABLE_TEXT
            text = values[c_idx] if c_idx < len(values) else ""
            if text:
                p.add_run(str(text))
    return table
