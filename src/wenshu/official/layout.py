"""python-docx building blocks that apply GB/T 9704-2012 to a ``docx.Document``.

Used by the template-builder script that writes the docxtpl templates. Those templates are edited
afterwards by office staff in Word/WPS, so formatting lives in **named styles** (公文正文, 一级标题,
版记 …) wherever a style can carry it; direct formatting is used only for values computed for one
paragraph (the spacer above the 发文机关标志, a mark shrunk to fit), and the code says why there.

Every number comes from ``official/gbt9704.py``; this package has no literal layout numbers of its
own. The building blocks are in this module (paragraphs, 版头, 版记, tables); the rest, re-exported
here under the names the template builder and the tests use, is in:

* ``official/ooxml.py``: child elements in schema order, borders, fonts, cells
* ``official/metrics.py``: widths in 字 and twips (附件说明 hanging indent, 署名 centring)
* ``official/styles.py``: the named styles (:class:`StyleName`, :func:`install_styles`)
* ``official/page.py``: page setup, page-number footers, document settings
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from docx.document import Document as DocxDocument
from docx.enum.text import WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.table import Table
from docx.text.paragraph import Paragraph

from wenshu.official import gbt9704 as gb
from wenshu.official.gbt9704 import DEFAULT_SETTINGS, Settings
from wenshu.official.metrics import attachment_note_hanging, mark_line_twips, signature_right_indent, text_width_zi, zi
from wenshu.official.ooxml import (PBDR_ORDER, PPR_ORDER, RPR_ORDER, SECTPR_ORDER, STYLE_ORDER, TBLBORDERS_ORDER,
                                   TBLPR_ORDER, TCPR_ORDER, THEME_ATTRS, TRPR_ORDER, clear_cell, get_or_add,
                                   local_name, nil_border, set_border, set_cell_width, set_fonts, set_size)
from wenshu.official.page import add_page_number_footers, footer_distance_twips, record_settings, setup_page
from wenshu.official.styles import StyleName, install_styles

__all__ = [
    "StyleName", "add_blank_lines", "add_body", "add_doc_number", "add_heading", "add_imprint", "add_joint_mark",
    "add_mark", "add_mark_spacer", "add_page_number_footers", "add_paragraph", "add_red_header", "add_red_rule",
    "add_table", "attachment_note_hanging", "footer_distance_twips", "install_styles", "make_signature_table",
    "record_settings", "setup_page", "signature_right_indent", "text_width_zi",
]

# The names these helpers had when they all lived in this module (the template builder, the tests
# and code being reworked elsewhere still use some of them).
_PPR_ORDER, _RPR_ORDER, _PBDR_ORDER, _TBLPR_ORDER = PPR_ORDER, RPR_ORDER, PBDR_ORDER, TBLPR_ORDER
_TBLBORDERS_ORDER, _TCPR_ORDER, _TRPR_ORDER = TBLBORDERS_ORDER, TCPR_ORDER, TRPR_ORDER
_SECTPR_ORDER, _STYLE_ORDER, _THEME_ATTRS = SECTPR_ORDER, STYLE_ORDER, THEME_ATTRS
_local, _child, _border, _no_border = local_name, get_or_add, set_border, nil_border
_set_fonts, _set_size, _set_cell_width, _clear_cell = set_fonts, set_size, set_cell_width, clear_cell
_zi, _mark_line_twips = zi, mark_line_twips


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


# ─── 版头: 发文机关标志, 发文字号, red rule ────────────────────────────────────────────────────


def add_mark_spacer(doc: DocxDocument, mark_size_pt: Decimal) -> Paragraph:
    """The empty paragraph that puts the 发文机关标志's top edge 35 mm below the text-area top (7.2.4).

    The mark line is one em tall (mark_line_twips) and the glyph's top sits MARK_GLYPH_INSET em
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
        set_size(rpr, mark_size_pt)
        mark.paragraph_format.line_spacing = Twips(mark_line_twips(mark_size_pt))
        mark.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    return mark


def add_red_rule(paragraph: Paragraph, settings: Settings = DEFAULT_SETTINGS) -> None:
    """7.2.7: the red rule 4 mm under the 发文字号, as wide as the text area: a bottom paragraph
    border spans exactly the paragraph (= text) width since the number styles have no right indent
    and the 上行文 left indent lies inside the border's span only for the text, not the rule."""
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = get_or_add(ppr, "pBdr", PPR_ORDER)
    # w:space (whole points) is measured from the bottom of the line box, which already lies
    # DOC_NUMBER_INK_TO_LINE_BOTTOM below the glyphs: only the remainder of the 4 mm is added.
    gap_mm = gb.RED_RULE_GAP.value - gb.DOC_NUMBER_INK_TO_LINE_BOTTOM.value
    space_pt = max(0, int(gb.mm_to_pt(gap_mm).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    set_border(pbdr, "bottom", PBDR_ORDER, settings.red_rule_eighths, settings.red_color, space_pt)


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
    get_or_add(tblpr, "tblW", TBLPR_ORDER, {"w": gb.TEXT_WIDTH_TWIPS, "type": "dxa"})
    get_or_add(tblpr, "jc", TBLPR_ORDER, {"val": "center"})
    borders = get_or_add(tblpr, "tblBorders", TBLPR_ORDER)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        nil_border(borders, side, TBLBORDERS_ORDER)
    get_or_add(tblpr, "tblLayout", TBLPR_ORDER, {"type": "fixed"})
    mar = get_or_add(tblpr, "tblCellMar", TBLPR_ORDER)
    for side in ("top", "left", "bottom", "right"):
        get_or_add(mar, side, ("top", "left", "start", "bottom", "right", "end"), {"w": 0, "type": "dxa"})
    half = gb.TEXT_WIDTH_TWIPS // 2
    for gc in tbl.tblGrid.findall(qn("w:gridCol")):
        gc.set(qn("w:w"), str(half))
    texts = [(f"{{%tr {names_loop} %}}", ""), (name_expr, f"{{% vm %}}{suffix_expr}"), ("{%tr endfor %}", "")]
    for r_idx, (row, (left, right)) in enumerate(zip(table.rows, texts)):
        for cell, text in zip(row.cells, (left, right)):
            set_cell_width(cell, half)
            get_or_add(cell._tc.get_or_add_tcPr(), "vAlign", TCPR_ORDER, {"val": "center"})
            p = clear_cell(cell)
            p.style = StyleName.ISSUER_MARK if r_idx == 1 else StyleName.BODY
            if text:
                p.add_run(text)
    table.rows[1].cells[0].paragraphs[0].paragraph_format.alignment = 0  # names spread to equal width after rendering
    table.rows[1].cells[1].paragraphs[0].paragraph_format.alignment = 2  # "文件" at the right of its cell
    return table


# ─── 版记 ─────────────────────────────────────────────────────────────────────────────────────


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
    get_or_add(tblpr, "tblpPr", TBLPR_ORDER, {
        "leftFromText": 0, "rightFromText": 0, "topFromText": 0, "bottomFromText": 0,
        "vertAnchor": "margin", "horzAnchor": "page", "tblpX": gb.MARGIN_LEFT_TWIPS, "tblpYSpec": "bottom",
    })
    get_or_add(tblpr, "tblOverlap", TBLPR_ORDER, {"val": "never"})
    get_or_add(tblpr, "tblW", TBLPR_ORDER, {"w": width, "type": "dxa"})
    get_or_add(tblpr, "tblInd", TBLPR_ORDER, {"w": 0, "type": "dxa"})
    borders = get_or_add(tblpr, "tblBorders", TBLPR_ORDER)
    set_border(borders, "top", TBLBORDERS_ORDER, outer)
    nil_border(borders, "left", TBLBORDERS_ORDER)
    set_border(borders, "bottom", TBLBORDERS_ORDER, outer)
    nil_border(borders, "right", TBLBORDERS_ORDER)
    set_border(borders, "insideH", TBLBORDERS_ORDER, inner)
    nil_border(borders, "insideV", TBLBORDERS_ORDER)
    get_or_add(tblpr, "tblLayout", TBLPR_ORDER, {"type": "fixed"})
    # Zero cell margins: the rules then span exactly the 156 mm text width and the 1-字 indents
    # come from the 版记 style, not from invisible cell padding.
    mar = get_or_add(tblpr, "tblCellMar", TBLPR_ORDER)
    for side in ("top", "left", "bottom", "right"):
        get_or_add(mar, side, ("top", "left", "start", "bottom", "right", "end"), {"w": 0, "type": "dxa"})
    for gc in tbl.tblGrid.findall(qn("w:gridCol")):
        gc.set(qn("w:w"), str(width))

    zi4 = zi(gb.SIHAO)
    row_index = 0
    if cc_text is not None and cc_condition:
        for r, tag in ((0, f"{{%tr if {cc_condition} %}}"), (2, "{%tr endif %}")):
            cell = table.cell(r, 0)
            set_cell_width(cell, width)
            p = clear_cell(cell)
            p.style = StyleName.IMPRINT
            p.add_run(tag)
        row_index = 1
    if cc_text is not None:
        cell = table.cell(row_index, 0)
        set_cell_width(cell, width)
        p = clear_cell(cell)
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
    set_cell_width(cell, width)
    p = clear_cell(cell)
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
    borders = get_or_add(tblpr, "tblBorders", TBLPR_ORDER)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        nil_border(borders, side, TBLBORDERS_ORDER)
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
    get_or_add(tblpr, "tblW", TBLPR_ORDER, {"w": sum(widths), "type": "dxa"})
    get_or_add(tblpr, "jc", TBLPR_ORDER, {"val": "center"})
    get_or_add(tblpr, "tblLayout", TBLPR_ORDER, {"type": "fixed"})
    for gc, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        gc.set(qn("w:w"), str(w))
    for r_idx, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        get_or_add(trpr, "cantSplit", TRPR_ORDER)
        if r_idx == 0:
            get_or_add(trpr, "tblHeader", TRPR_ORDER)
        values = headers if r_idx == 0 else rows[r_idx - 1]
        for c_idx, cell in enumerate(row.cells):
            set_cell_width(cell, widths[c_idx])
            get_or_add(cell._tc.get_or_add_tcPr(), "vAlign", TCPR_ORDER, {"val": "center"})
            p = clear_cell(cell)
            p.style = StyleName.TABLE_HEADER if r_idx == 0 else StyleName.TABLE_TEXT
            text = values[c_idx] if c_idx < len(values) else ""
            if text:
                p.add_run(str(text))
    return table
