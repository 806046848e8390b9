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
from wenshu.official.layout import attachment_note_hanging, text_width_zi

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
_Q = "{%s}" % W

MARK_STYLE = "GwIssuerMark"
SIGNATURE_STYLE = "GwSignature"
DATE_STYLE = "GwDate"
HEAD_STYLES = ("GwCopyNumber", "GwSecrecy", "GwUrgency")
JOINT_SIGNATURE_STYLE = "GwJointSignature"
NOTE_STYLE = "GwAttachmentNote"
PAGE_BREAK_STYLE = "GwPageBreak"
_TCPR_CHILDREN = ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
                  "textDirection", "tcFitText", "vAlign", "hideMark"]

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


def _ancestor(el, tag: str):
    el = el.getparent()
    while el is not None and el.tag != _Q + tag:
        el = el.getparent()
    return el


def _spacing(p, line: int) -> None:
    sp = _child(_ppr(p), "spacing", _PPR_ORDER)
    sp.set(_Q + "line", str(max(20, line)))
    sp.set(_Q + "lineRule", "exact")


def _fix_head(mark_p) -> None:
    """份号/密级/紧急程度 take lines 1–3 of the text area; the spacer below them, which puts the mark's
    top 35 mm below the text-area top, is shortened by one line per element (7.2.1–7.2.4)."""
    anchor = _ancestor(mark_p, "tbl") if _ancestor(mark_p, "tbl") is not None else mark_p
    spacer = anchor.getprevious()
    if spacer is None or spacer.tag != _Q + "p":
        return
    n = 0
    q = spacer.getprevious()
    while q is not None and q.tag == _Q + "p" and _style(q) in HEAD_STYLES:
        n += 1
        q = q.getprevious()
    if not n:
        return
    sp = spacer.find(f"{_Q}pPr/{_Q}spacing")
    if sp is not None and sp.get(_Q + "line"):
        _spacing(spacer, int(sp.get(_Q + "line")) - n * gb.LINE_PITCH.value)


def _fix_joint_mark(tbl, settings: gb.Settings) -> None:
    """联合行文标志: one size for every name (the longest name plus "文件" fits 96 % of the text
    width), the names spread to equal width, "文件" in a column of its own (7.2.4)."""
    rows = tbl.findall(_Q + "tr")
    names = [_text(r.findall(_Q + "tc")[0]).strip() for r in rows if r.findall(_Q + "tc")]
    suffix = next((_text(r.findall(_Q + "tc")[1]).strip() for r in rows if len(r.findall(_Q + "tc")) > 1
                   and _text(r.findall(_Q + "tc")[1]).strip()), "")
    longest = max((len(n) for n in names), default=0)
    if not longest:
        return
    gap = 1 if suffix else 0
    size = settings.mark_size_for("国" * (longest + len(suffix) + gap))
    half = str(gb.pt_to_half_points(size))
    line = gb.pt_to_twips(size * Decimal("1.2"))
    for p in tbl.iter(_Q + "p"):
        for r in p.iter(_Q + "r"):
            rpr = r.find(_Q + "rPr")
            if rpr is None:
                rpr = etree.Element(_Q + "rPr")
                r.insert(0, rpr)
            _child(rpr, "sz", _RPR_ORDER).set(_Q + "val", half)
            _child(rpr, "szCs", _RPR_ORDER).set(_Q + "val", half)
        _spacing(p, line)
    em = gb.pt_to_twips(size)
    for tr in rows:
        tcs = tr.findall(_Q + "tc")
        if tcs:
            _spread(tcs[0], longest, em)
    # Half an em of slack: LibreOffice wraps a cell whose text is exactly as wide as the cell.
    widths = [longest * em + em // 2, (len(suffix) + gap) * em if suffix else 0]
    _set_grid(tbl, widths)


def _spread(tc, longest: int, em: int) -> None:
    """A shorter name spread to the longest's width by letter spacing (Word's and LibreOffice's
    "distribute" alignment differ): every character but the last is followed by the extra space."""
    runs = [r for r in tc.iter(_Q + "r") if r.find(_Q + "t") is not None]
    text = "".join(_text(r) for r in runs).strip()
    n = len(text)
    if n < 2 or n >= longest or len(runs) != 1:
        return
    r = runs[0]
    extra = (longest - n) * em // (n - 1)
    t = r.find(_Q + "t")
    last = etree.fromstring(etree.tostring(r))  # the same run properties for the last character
    t.text = text[:-1]
    last.find(_Q + "t").text = text[-1]
    rpr = r.find(_Q + "rPr")
    if rpr is None:
        rpr = etree.Element(_Q + "rPr")
        r.insert(0, rpr)
    _child(rpr, "spacing", _RPR_ORDER).set(_Q + "val", str(extra))
    r.addnext(last)
    for p in tc.iter(_Q + "p"):
        _child(_ppr(p), "jc", _PPR_ORDER).set(_Q + "val", "left")


def _set_grid(tbl, widths: list[int]) -> None:
    """Column widths of a table: tblGrid, every cell's tcW (by grid position) and the table width."""
    grid = tbl.find(_Q + "tblGrid")
    if grid is None:
        grid = etree.SubElement(tbl, _Q + "tblGrid")
    for gc in list(grid):
        grid.remove(gc)
    for w in widths:
        etree.SubElement(grid, _Q + "gridCol").set(_Q + "w", str(w))
    tblpr = tbl.find(_Q + "tblPr")
    if tblpr is not None:
        tw = tblpr.find(_Q + "tblW")
        if tw is not None:
            tw.set(_Q + "w", str(sum(widths)))
            tw.set(_Q + "type", "dxa")
    for tr in tbl.findall(_Q + "tr"):
        col = 0
        for tc in tr.findall(_Q + "tc"):
            tcpr = tc.find(_Q + "tcPr")
            if tcpr is None:
                tcpr = etree.Element(_Q + "tcPr")
                tc.insert(0, tcpr)
            span_el = tcpr.find(_Q + "gridSpan")
            span = int(span_el.get(_Q + "val")) if span_el is not None else 1
            w = sum(widths[col:col + span])
            col += span
            tcw = _child(tcpr, "tcW", _TCPR_CHILDREN)
            tcw.set(_Q + "w", str(w))
            tcw.set(_Q + "type", "dxa")


def _fix_table_grid(tbl) -> None:
    """A table whose columns came from a ``{%tc for %}`` loop: as many grid columns as cells, widths
    after the content (the longest cell text of each column, shared out over the text width)."""
    rows = [tr.findall(_Q + "tc") for tr in tbl.findall(_Q + "tr")]
    grid = tbl.find(_Q + "tblGrid")
    ncols = max((len(r) for r in rows), default=0)
    if grid is None or not ncols or len(grid.findall(_Q + "gridCol")) == ncols:
        return
    total = gb.TEXT_WIDTH_TWIPS
    zi = gb.SIHAO.twips
    need = [2 * zi] * ncols  # at least two 4号 characters
    for r in rows:
        for i, tc in enumerate(r):
            text = _text(tc).strip()
            need[i] = max(need[i], int(float(text_width_zi(text)) * zi) + zi + 170)  # + cell margins
    widths = _share(need, total, min_w=2 * zi)
    _set_grid(tbl, widths)
    for r in rows:
        for tc in r:
            t = _text(tc).strip()
            if t and all(c in "0123456789.,%-—+（）() " for c in t):
                for p in tc.iter(_Q + "p"):
                    _child(_ppr(p), "jc", _PPR_ORDER).set(_Q + "val", "center")


def _share(need: list[int], total: int, min_w: int) -> list[int]:
    """Widths for columns needing ``need`` twips, summing to ``total``: all grow alike if there is
    room; otherwise the narrow columns keep their need and the wide ones share what is left."""
    if sum(need) <= total:
        extra = total - sum(need)
        out = [n + extra * n // sum(need) for n in need]
    else:
        out = list(need)
        while sum(out) > total:
            wide = [i for i, w in enumerate(out) if w > min_w]
            if not wide:
                break
            cap = max(out[i] for i in wide)
            second = max([out[i] for i in wide if out[i] < cap] + [min_w])
            top = [i for i in wide if out[i] == cap]
            over = sum(out) - total
            cut = min(cap - second, -(-over // len(top)))
            for i in top:
                out[i] -= cut
    out[-1] += total - sum(out)
    return out


_NOTE_PREFIX = re.compile(r"^(?:[^\u3000：]{1,6}：|\u3000+)")
_NOTE_NUMBER = re.compile(r"^\d+\.")


def _is_note(p) -> bool:
    return p is not None and p.tag == _Q + "p" and _style(p) == NOTE_STYLE


def _fix_attachment_note(p) -> None:
    """7.3.4: continuation lines under the first character of the attachment's name: the hanging
    indent is the width of "附件：1." (or "　　　2.") of this very paragraph.

    The label is whatever the paragraph starts with up to its full-width colon (or the run of
    full-width spaces under it); a number "1." is part of the prefix only when the 附件说明 has
    several items, so a name that itself starts with digits ("2024年……") is never cut."""
    text = _text(p)
    m = _NOTE_PREFIX.match(text)
    if not m:
        return
    prefix = m.group(0)
    if _is_note(p.getprevious()) or _is_note(p.getnext()):
        n = _NOTE_NUMBER.match(text[len(prefix):])
        if n:
            prefix += n.group(0)
    hang = attachment_note_hanging(prefix)
    ind = _child(_ppr(p), "ind", _PPR_ORDER)
    for k in ("firstLine", "firstLineChars", "hangingChars", "leftChars"):
        ind.attrib.pop(_Q + k, None)
    ind.set(_Q + "left", str(gb.FIRST_LINE_INDENT.value + hang))
    ind.set(_Q + "hanging", str(hang))


def _fix_page_break(p) -> None:
    """A page-break block: the break moves onto the next paragraph (so the new page has no empty
    first line) and the marker paragraph goes; before a table it stays (a table cannot carry it)."""
    nxt = p.getnext()
    if nxt is None or nxt.tag != _Q + "p":
        return
    _child(_ppr(nxt), "pageBreakBefore", _PPR_ORDER)
    p.getparent().remove(p)


def _fix_joint_signatures(tbl, date_text: str) -> None:
    """Sealed 联合行文: the right column centred over the 成文日期 (date 4 字 from the right, 7.3.5.1);
    rows after the first leave room for a seal."""
    zi = gb.SANHAO.twips
    four = Decimal(gb.SEALED_DATE_RIGHT_INDENT.value)
    right = int((four * 2 + text_width_zi(date_text)) * zi)
    total = gb.TEXT_WIDTH_TWIPS
    _set_grid(tbl, [total - right, right])
    rows = tbl.findall(_Q + "tr")
    for tr in rows[:-1]:
        # 7.3.5.1: seals "排列整齐、互不相交或相切": a seal is about four lines tall.
        trpr = tr.find(_Q + "trPr")
        if trpr is None:
            trpr = etree.Element(_Q + "trPr")
            tr.insert(0, trpr)
        h = trpr.find(_Q + "trHeight")
        if h is None:
            h = etree.SubElement(trpr, _Q + "trHeight")
        h.set(_Q + "val", str(5 * gb.LINE_PITCH.value))
        h.set(_Q + "hRule", "exact")
        for tc in tr.findall(_Q + "tc"):
            tcpr = tc.find(_Q + "tcPr")
            if tcpr is not None:
                _child(tcpr, "vAlign", _TCPR_CHILDREN).set(_Q + "val", "top")


def _fix_signature_group(sigs: list, date, sealed: bool) -> None:
    """Several unsealed signatures (联合行文, 7.3.5.2): the 主办机关 first and the others below it, one
    block whose first characters line up; the date's first character 2 字 right of theirs."""
    texts = [_text(s).strip() for s in sigs]
    d_text = _text(date).strip()
    if not d_text or not all(texts):
        return
    widest = max(texts, key=text_width_zi)
    r_sig, r_date = _signature_indents(widest, d_text, sealed)
    zi = gb.SANHAO.twips
    w_max = text_width_zi(widest)
    for s, t in zip(sigs, texts):
        _set_right_indent(s, r_sig + int((w_max - text_width_zi(t)) * zi))
    _set_right_indent(date, r_date)
    _keep_with_signature(sigs[0])
    for s in sigs:
        _child(_ppr(s), "keepNext", _PPR_ORDER)


_BODY = etree.XPath("/w:document/w:body", namespaces=NS)


# The paragraphs whose layout depends on their text, found by libxml2 in one pass (most paragraphs of a
# document are body text and never looked at from Python).
_WANTED = (MARK_STYLE, NOTE_STYLE, DATE_STYLE, PAGE_BREAK_STYLE)
_STYLED = etree.XPath("//w:p[w:pPr/w:pStyle[" + " or ".join(f"@w:val='{v}'" for v in _WANTED) + "]]", namespaces=NS)


def _styled(root) -> list[tuple]:
    """The paragraphs of the styles ``apply`` fixes, with their style, in document order."""
    return [(p, st) for p in _STYLED(root) for st in [_style(p)] if st in _WANTED]


def apply(root, *, sealed: bool = True, settings: gb.Settings = gb.DEFAULT_SETTINGS) -> bool:
    """Fix the text-dependent layout in a rendered ``word/document.xml`` tree. True if changed."""
    changed = False
    joint_marks = set()
    styled = _styled(root)
    for p, st in styled:
        if st == MARK_STYLE:
            tbl = _ancestor(p, "tbl")
            if tbl is not None:
                if id(tbl) not in joint_marks:
                    joint_marks.add(id(tbl))
                    _fix_joint_mark(tbl, settings)
                    _fix_head(p)
            else:
                _fix_mark(p, settings)
                _fix_head(p)
            changed = True
        elif st == NOTE_STYLE:
            _fix_attachment_note(p)
            changed = True
    # Signatures: a run of consecutive 署名 paragraphs (or a sealed joint table) before the 成文日期.
    for date in [p for p, st in styled if st == DATE_STYLE]:
        prev = date.getprevious()
        if prev is not None and prev.tag == _Q + "tbl" and any(_style(x) == JOINT_SIGNATURE_STYLE for x in prev.iter(_Q + "p")):
            _fix_joint_signatures(prev, _text(date).strip())
            _set_right_indent(date, int(Decimal(gb.SEALED_DATE_RIGHT_INDENT.value) * gb.SANHAO.twips))
            for x in prev.iter(_Q + "p"):
                _child(_ppr(x), "keepNext", _PPR_ORDER)
            q = prev.getprevious()
            while q is not None and q.tag == _Q + "p":
                _child(_ppr(q), "keepNext", _PPR_ORDER)
                if _text(q).strip():
                    break
                q = q.getprevious()
            changed = True
            continue
        sigs = []
        while prev is not None and prev.tag == _Q + "p" and _style(prev) == SIGNATURE_STYLE:
            sigs.insert(0, prev)
            prev = prev.getprevious()
        if len(sigs) == 1:
            _fix_signature(sigs[0], date, sealed)
            _keep_with_signature(sigs[0])
            changed = True
        elif sigs:
            _fix_signature_group(sigs, date, sealed)
            changed = True
    for p in [p for p, st in styled if st == PAGE_BREAK_STYLE]:
        _fix_page_break(p)
        changed = True
    for tbl in root.iter(_Q + "tbl"):
        grid = tbl.find(_Q + "tblGrid")
        rows = tbl.findall(_Q + "tr")
        if grid is not None and rows and max(len(r.findall(_Q + "tc")) for r in rows) != len(grid.findall(_Q + "gridCol")):
            _fix_table_grid(tbl)
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
        cells_per_row = [len(r.findall(_Q + "tc")) for r in rows]
        if all(n == len(columns) for n in cells_per_row) and t.find(f".//{_Q}gridSpan") is None:
            continue  # every row fills the grid exactly: nothing to add or remove
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
