"""The 公文 named styles (公文正文, 一级标题, 版记 …) that carry the formatting of the templates.

Office staff edit the templates in Word/WPS afterwards, so formatting lives in **named styles**
wherever a style can carry it. :func:`install_styles` creates them from recipes whose every number
comes from ``official/gbt9704.py``, and makes docDefaults and Normal 3号仿宋 with explicit fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from wenshu.official import gbt9704 as gb
from wenshu.official.gbt9704 import DEFAULT_SETTINGS, Settings
from wenshu.official.metrics import attachment_note_hanging, mark_line_twips, zi
from wenshu.official.ooxml import (PPR_ORDER, RPR_ORDER, STYLE_ORDER, TBLBORDERS_ORDER, TBLPR_ORDER, THEME_ATTRS,
                                   get_or_add, set_border, set_fonts, set_size)

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


def _recipes(s: Settings) -> list[_StyleRecipe]:
    body_pt, title_pt, small_pt = gb.SANHAO.pt, gb.ERHAO.pt, gb.SIHAO.pt
    pitch, title_pitch = gb.LINE_PITCH.value, gb.TITLE_LINE_PITCH.value
    cs = gb.CHAR_SPACING_3HAO.value  # −5 twips on 3号 text only: it is what makes 28 字 fit
    indent2 = gb.FIRST_LINE_INDENT.value
    zi3, zi4 = zi(gb.SANHAO), zi(gb.SIHAO)
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
                     right=zi(gb.SANHAO, gb.SEALED_DATE_RIGHT_INDENT.value), char_spacing=cs, keep_next=True),
        _StyleRecipe(StyleName.DATE, "GwDate", fs, body_pt, pitch, jc="right",
                     right=zi(gb.SANHAO, gb.SEALED_DATE_RIGHT_INDENT.value), char_spacing=cs),
        _StyleRecipe(StyleName.NOTE, "GwNote", fs, body_pt, pitch, left=zi(gb.SANHAO, gb.NOTE_INDENT.value),
                     char_spacing=cs),
        # 7.3.7: "附件应当另面编排" — the style itself starts a new page, so staff cannot forget it.
        _StyleRecipe(StyleName.ATTACHMENT_LABEL, "GwAttachmentLabel", s.heading1_font, body_pt, pitch,
                     jc="left", char_spacing=cs, page_break_before=True, keep_next=True),
        _StyleRecipe(StyleName.ATTACHMENT_TITLE, "GwAttachmentTitle", s.title_font, title_pt, title_pitch,
                     jc="center", keep_next=True),
        _StyleRecipe(StyleName.IMPRINT, "GwImprint", fs, small_pt, gb.IMPRINT_LINE_PITCH.value, jc="left",
                     left=zi(gb.SIHAO, gb.IMPRINT_SIDE_INDENT.value), right=zi4),
        _StyleRecipe(StyleName.TABLE_TEXT, "GwTableText", fs, small_pt, table_pitch, jc="left"),
        _StyleRecipe(StyleName.TABLE_HEADER, "GwTableHeader", s.heading1_font, small_pt, table_pitch,
                     jc="center", keep_next=True),
        _StyleRecipe(StyleName.ISSUER_MARK, "GwIssuerMark", s.mark_font, s.mark_size_pt,
                     mark_line_twips(s.mark_size_pt), jc="center", color=s.red_color),
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
                     right=zi(gb.SIHAO, gb.PAGE_NUMBER_SIDE_INDENT.value), latin_font=s.page_number_font),
        _StyleRecipe(StyleName.PAGE_NUMBER_EVEN, "GwPageNumberEven", s.page_number_font, small_pt,
                     gb.PAGE_NUMBER_LINE_PITCH.value, jc="left",
                     left=zi(gb.SIHAO, gb.PAGE_NUMBER_SIDE_INDENT.value), latin_font=s.page_number_font),
    ]


def _apply_recipe(style_el, r: _StyleRecipe, s: Settings) -> None:
    for old in style_el.findall(qn("w:pPr")) + style_el.findall(qn("w:rPr")):
        style_el.remove(old)  # rebuild from scratch so re-running install_styles is idempotent
    ppr = get_or_add(style_el, "pPr", STYLE_ORDER)
    if r.keep_next:
        get_or_add(ppr, "keepNext", PPR_ORDER)
    if r.page_break_before:
        get_or_add(ppr, "pageBreakBefore", PPR_ORDER)
    # Widow control off: it moves single lines to the next page and breaks the 22-line grid.
    get_or_add(ppr, "widowControl", PPR_ORDER, {"val": "0"})
    # snapToGrid off: the exact line spacing alone sets the pitch. LibreOffice otherwise snaps
    # large type (title, mark) to two grid lines.
    get_or_add(ppr, "snapToGrid", PPR_ORDER, {"val": "0"})
    get_or_add(ppr, "spacing", PPR_ORDER, {"before": 0, "after": 0, "line": r.line, "lineRule": "exact"})
    ind = {"left": r.left, "right": r.right}
    if r.hanging:
        ind["hanging"] = r.hanging
    else:
        # Explicit firstLine=0: an inherited 2-字 indent would leak into titles, cells and footers.
        ind["firstLine"] = r.first_line
    get_or_add(ppr, "ind", PPR_ORDER, ind)
    get_or_add(ppr, "jc", PPR_ORDER, {"val": r.jc})
    if r.outline is not None:
        get_or_add(ppr, "outlineLvl", PPR_ORDER, {"val": r.outline})
    rpr = get_or_add(style_el, "rPr", STYLE_ORDER)
    set_fonts(rpr, r.font, r.latin_font or s.font_for_latin(r.font))
    if r.bold:
        get_or_add(rpr, "b", RPR_ORDER)
        get_or_add(rpr, "bCs", RPR_ORDER)
    get_or_add(rpr, "color", RPR_ORDER, {"val": r.color or gb.TEXT_COLOR.value})
    if r.char_spacing is not None:
        get_or_add(rpr, "spacing", RPR_ORDER, {"val": r.char_spacing})
    set_size(rpr, r.size)


def _ensure_style(doc: DocxDocument, name: str, style_id: str, kind=WD_STYLE_TYPE.PARAGRAPH):
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, kind)
    el = style.element
    el.set(qn("w:styleId"), style_id)
    if kind == WD_STYLE_TYPE.PARAGRAPH:
        get_or_add(el, "basedOn", STYLE_ORDER, {"val": "Normal"})
        get_or_add(el, "qFormat", STYLE_ORDER)  # shows in Word's style gallery
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
    set_fonts(rpr, s.body_font, latin)
    set_size(rpr, gb.SANHAO.pt)
    get_or_add(rpr, "lang", RPR_ORDER, {"val": "en-US", "eastAsia": "zh-CN", "bidi": "ar-SA"})
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = OxmlElement("w:pPrDefault")
        defaults.append(ppr_default)
    ppr = ppr_default.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        ppr_default.append(ppr)
    get_or_add(ppr, "spacing", PPR_ORDER, {"before": 0, "after": 0, "line": gb.LINE_PITCH.value, "lineRule": "exact"},
           replace=True)

    # Every existing style: theme fonts → explicit names (the theme's East Asian font is not Chinese).
    for rf in list(styles_el.iter(qn("w:rFonts"))):
        if any(rf.get(qn(f"w:{a}")) for a in THEME_ATTRS) or rf.get(qn("w:eastAsia")) is None:
            rf_parent = rf.getparent()
            set_fonts(rf_parent, s.body_font, latin)

    normal = doc.styles["Normal"].element
    nppr = get_or_add(normal, "pPr", STYLE_ORDER)
    get_or_add(nppr, "widowControl", PPR_ORDER, {"val": "0"})
    # overflowPunct stated explicitly: without it (or with 0) LibreOffice 7.4 lays a line-end "，"
    # past the text area and does not print it at all (measured: "职责，确保" came out as "职责确保");
    # with it the comma and the character before it move to the next line (kinsoku). Word's default
    # is the same value, so Word is unchanged.
    get_or_add(nppr, "overflowPunct", PPR_ORDER, {"val": "1"})
    get_or_add(nppr, "snapToGrid", PPR_ORDER, {"val": "0"})
    get_or_add(nppr, "spacing", PPR_ORDER, {"before": 0, "after": 0, "line": gb.LINE_PITCH.value, "lineRule": "exact"})
    get_or_add(nppr, "jc", PPR_ORDER, {"val": "both"})
    nrpr = get_or_add(normal, "rPr", STYLE_ORDER)
    set_fonts(nrpr, s.body_font, latin)
    set_size(nrpr, gb.SANHAO.pt)

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
        get_or_add(el, "basedOn", STYLE_ORDER, {"val": "TableNormal"})
    ppr = get_or_add(el, "pPr", STYLE_ORDER)
    get_or_add(ppr, "ind", PPR_ORDER, {"firstLine": 0})
    rpr = get_or_add(el, "rPr", STYLE_ORDER)
    set_fonts(rpr, s.body_font, s.font_for_latin(s.body_font))
    set_size(rpr, gb.SIHAO.pt)
    tblpr = get_or_add(el, "tblPr", STYLE_ORDER)
    borders = get_or_add(tblpr, "tblBorders", TBLPR_ORDER)
    sz = gb.pt_to_eighths(gb.TABLE_BORDER.value)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        set_border(borders, side, TBLBORDERS_ORDER, sz)
    mar = get_or_add(tblpr, "tblCellMar", TBLPR_ORDER)
    for side, w in (("top", 0), ("left", 85), ("bottom", 0), ("right", 85)):
        # 85 twips ≈ 1.5 mm: Word's default 108 wastes width in narrow 序号 columns.
        get_or_add(mar, side, ("top", "left", "start", "bottom", "right", "end"), {"w": w, "type": "dxa"})
