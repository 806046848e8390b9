"""Layout that depends on the rendered text, applied to the rendered XML.

A template cannot know how long the organ's name or the date will be, yet GB/T 9704 positions depend
on it: the 发文机关标志 must fit the text width (7.2.4), a sealed document's 署名 is centred over its
成文日期 (7.3.5.1), an unsealed one is indented 2 字 with the date shifted 2 字 right (7.3.5.2). The
templates keep plain named paragraphs (editable in Word/WPS); these fix-ups set the numbers after
rendering, on the paragraphs carrying the 发文机关标志 / 署名 / 成文日期 styles.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from lxml import etree

from wenshu.official import gbt9704 as gb
from wenshu.official.layout import text_width_zi

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
_Q = "{%s}" % W

MARK_STYLE = "GwIssuerMark"
SIGNATURE_STYLE = "GwSignature"
DATE_STYLE = "GwDate"

# Child order inside w:pPr / w:rPr that we touch (OOXML schema order; Word rejects other orders).
_PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
              "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange"]
_RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
              "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
              "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
              "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"]


def _child(parent, tag: str, order: list[str]):
    el = parent.find(_Q + tag)
    if el is not None:
        return el
    el = etree.Element(_Q + tag)
    idx = order.index(tag)
    for i, existing in enumerate(parent):
        name = etree.QName(existing).localname
        if name in order and order.index(name) > idx:
            parent.insert(i, el)
            return el
    parent.append(el)
    return el


def _ppr(p):
    ppr = p.find(_Q + "pPr")
    if ppr is None:
        ppr = etree.Element(_Q + "pPr")
        p.insert(0, ppr)
    return ppr


def _style(p) -> str | None:
    ps = p.find(f"{_Q}pPr/{_Q}pStyle")
    return ps.get(_Q + "val") if ps is not None else None


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(_Q + "t"))


def _set_right_indent(p, twips: int) -> None:
    ind = _child(_ppr(p), "ind", _PPR_ORDER)
    ind.set(_Q + "right", str(max(0, twips)))


def _fix_mark(p, settings: gb.Settings) -> None:
    text = _text(p).strip()
    if not text:
        return
    size = settings.mark_size_for(text)
    if size == Decimal(settings.mark_size_pt):
        return
    half = str(gb.pt_to_half_points(size))
    for r in p.iter(_Q + "r"):
        rpr = r.find(_Q + "rPr")
        if rpr is None:
            rpr = etree.Element(_Q + "rPr")
            r.insert(0, rpr)
        _child(rpr, "sz", _RPR_ORDER).set(_Q + "val", half)
        _child(rpr, "szCs", _RPR_ORDER).set(_Q + "val", half)
    spacing = _child(_ppr(p), "spacing", _PPR_ORDER)
    spacing.set(_Q + "line", str(gb.pt_to_twips(size)))
    spacing.set(_Q + "lineRule", "exact")


@lru_cache(maxsize=256)
def _signature_indents(s_text: str, d_text: str, sealed: bool) -> tuple[int, int]:
    """(signature right indent, date right indent) in twips; a batch repeats the same few pairs."""
    zi = gb.SANHAO.twips
    sw, dw = text_width_zi(s_text), text_width_zi(d_text)
    if sealed:
        # 7.3.5.1: date 4 字 from the right; the signature centred on the date.
        four = Decimal(gb.SEALED_DATE_RIGHT_INDENT.value)
        return int((four + (dw - sw) / 2) * zi), int(four * zi)
    # 7.3.5.2: signature 2 字 from the right; the date's first character 2 字 right of the
    # signature's; a date longer than that sits 2 字 from the right and pushes the signature left.
    two = Decimal(gb.UNSEALED_SIGNATURE_RIGHT_INDENT.value)
    r_sig = two
    r_date = r_sig + sw - two - dw
    if r_date < two:
        r_date = two
        r_sig = r_date + dw + two - sw
    return int(r_sig * zi), int(r_date * zi)


def _fix_signature(sig, date, sealed: bool) -> None:
    s_text, d_text = _text(sig).strip(), _text(date).strip()
    if not s_text or not d_text:
        return
    r_sig, r_date = _signature_indents(s_text, d_text, sealed)
    _set_right_indent(sig, r_sig)
    _set_right_indent(date, r_date)


def _keep_with_signature(sig) -> None:
    """7.3.5.5: the signature never stands alone on a page. Chain keepNext from the last line of text
    (and the blank lines) down to the 署名, so Word/WPS/LibreOffice move them together."""
    q = sig.getprevious()
    while q is not None and q.tag == _Q + "p":
        _child(_ppr(q), "keepNext", _PPR_ORDER)
        if _text(q).strip():
            break
        q = q.getprevious()


_FIND = etree.XPath(f"//w:p[w:pPr/w:pStyle[{' or '.join(f'@w:val={chr(39)}{x}{chr(39)}' for x in (MARK_STYLE, SIGNATURE_STYLE))}]]",
                    namespaces=NS)


def apply(root, *, sealed: bool = True, settings: gb.Settings = gb.DEFAULT_SETTINGS) -> bool:
    """Fix the text-dependent layout in a rendered ``word/document.xml`` tree. True if changed."""
    changed = False
    for p in _FIND(root):
        st = _style(p)
        if st == MARK_STYLE:
            _fix_mark(p, settings)
            changed = True
        elif st == SIGNATURE_STYLE:
            nxt = p.getnext()
            while nxt is not None and (nxt.tag != _Q + "p" or not _text(nxt).strip()):
                nxt = nxt.getnext()
            if nxt is not None and _style(nxt) == DATE_STYLE:
                _fix_signature(p, nxt, sealed)
                _keep_with_signature(p)
                changed = True
    return changed


# ─── schema order and table grids after docxtpl's tags (any template, any editor) ─────────────

# CT_TcPr's children in schema order (ECMA-376 Part 1, 17.4.70). docxtpl's {% vm %} appends w:vMerge
# after w:vAlign, {% colspan %}/{% hm %}/{% cellbg %} insert w:gridSpan/w:shd before w:tcW.
_TCPR_ORDER = {name: i for i, name in enumerate(
    ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar", "textDirection",
     "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge", "tcPrChange"])}
_SINGLE = {_Q + n for n in ("vMerge", "gridSpan", "shd", "hMerge")}


def _tcpr_rank(el) -> int:
    if isinstance(el.tag, str) and el.tag.startswith(_Q):
        return _TCPR_ORDER.get(el.tag[len(_Q):], len(_TCPR_ORDER))
    return len(_TCPR_ORDER)


def order_cell_properties(root) -> bool:
    """Put every ``w:tcPr``'s children in schema order; of a property docxtpl added twice (the
    template's own w:vMerge and the tag's), keep the tag's (the last). True if anything moved."""
    changed = False
    for tcpr in root.iter(_Q + "tcPr"):
        kids = list(tcpr)
        seen: set[str] = set()
        keep = []
        for el in reversed(kids):
            if el.tag in _SINGLE:
                if el.tag in seen:
                    continue
                seen.add(el.tag)
            keep.append(el)
        keep.reverse()
        ordered = sorted(keep, key=_tcpr_rank)
        if ordered != kids:
            for el in kids:
                tcpr.remove(el)
            tcpr.extend(ordered)
            changed = True
    return changed


def fix_table_grids(root) -> bool:
    """docxtpl's ``fix_tables``: after a ``{%tc %}`` column loop a row may have more or fewer cells
    than the table grid has columns; the grid gets columns added (the table keeps its width, every
    column scaled) or removed (their width shared out), as docxtpl does. True if a grid changed."""
    changed = False
    w_attr, val = _Q + "w", _Q + "val"

    def width(col) -> float:
        try:
            return float(col.get(w_attr) or 0)
        except ValueError:
            return 0.0

    def span(cell) -> int:
        gs = cell.find(f"{_Q}tcPr/{_Q}gridSpan")
        try:
            return int(gs.get(val)) if gs is not None else 1
        except (TypeError, ValueError):
            return 1

    for t in root.iter(_Q + "tbl"):
        grid = t.find(_Q + "tblGrid")
        if grid is None:
            continue
        columns = grid.findall(_Q + "gridCol")
        rows = list(t.iter(_Q + "tr"))
        to_add = 0
        for r in rows:
            cells = r.findall(_Q + "tc")
            if len(columns) + to_add < len(cells):
                to_add = len(cells) - len(columns)
        if to_add > 0 and columns:
            total = sum(width(c) for c in columns)
            if total > 0:
                old_average = total / len(columns)
                new_average = total / (len(columns) + to_add)
                for c in columns:
                    c.set(w_attr, str(int(width(c) * new_average / old_average)))
                for _ in range(to_add):
                    etree.SubElement(grid, _Q + "gridCol", {w_attr: str(int(new_average))})
                changed = True
        columns = grid.findall(_Q + "gridCol")
        widest = max((sum(span(c) for c in r.findall(_Q + "tc")) for r in rows), default=0)
        to_remove = len(columns) - widest
        if widest and to_remove > 0:
            removed = 0.0
            for c in columns[-to_remove:]:
                removed += width(c)
                grid.remove(c)
            left = grid.findall(_Q + "gridCol")
            extra = int(removed / len(left)) if left else 0
            for c in left:
                c.set(w_attr, str(int(width(c) + extra)))
            changed = True
    return changed


_ZOOM = re.compile(rb"<w:zoom\b([^>]*?)(/?)>")


def settings_zoom(data: bytes) -> bytes:
    """``w:zoom`` requires ``w:percent`` (python-docx's default settings.xml has only ``w:val``)."""
    def fix(m):
        if b"w:percent=" in m.group(1):
            return m.group(0)
        return b"<w:zoom" + m.group(1) + b' w:percent="100"' + m.group(2) + b">"
    return _ZOOM.sub(fix, data, count=1)
