"""The paragraphs of a .docx part as a template author sees them: one numbering for everyone.

The engine (a render error "正文 第12段"), the checker (``wenshu template check``) and the annotator
(a Word comment on that same paragraph) all count paragraphs here: every ``w:p`` of the part in
document order, table-cell and text-box paragraphs included, 1-based. ``PARA_START`` finds the same
paragraphs in the part's XML text (the engine numbers the lines of its Jinja source with it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}

# The start tag of a paragraph in serialised XML (``<w:p>``, ``<w:p w:rsidR=…>``, ``<w:p/>``), not
# ``<w:pPr>`` or ``<w:pStyle>``: the same elements, in the same order, as ``root.iter(w:p)``.
PARA_START = re.compile(r"<w:p(?=[ >/])")


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def part_label(name: str) -> str:
    """Chinese name of a docx part for messages: 正文, 页眉1, 页脚2, 脚注."""
    m = re.match(r"word/(document|header|footer|footnotes|endnotes)(\d*)\.xml$", name)
    if not m:
        return name
    base = {"document": "正文", "header": "页眉", "footer": "页脚", "footnotes": "脚注", "endnotes": "尾注"}[m.group(1)]
    return base + m.group(2)


@dataclass
class Para:
    part: str
    index: int  # 1-based within the part
    el: etree._Element
    text: str  # visible text (w:t of this paragraph, not of nested text-box paragraphs)
    tc: etree._Element | None = None
    tr: etree._Element | None = None
    tbl: etree._Element | None = None
    table_pos: tuple[int, int, int] | None = None  # (table no., row no., column no.), 1-based
    deleted_text: str = ""  # w:delText (tracked deletions): invisible, but docxtpl still sees it

    @property
    def label(self) -> str:
        return part_label(self.part)

    @property
    def where(self) -> str:
        s = f"{self.label} 第{self.index}段"
        if self.table_pos:
            t, r, c = self.table_pos
            s += f"（表格{t} 第{r}行第{c}列）"
        return s


def _own(el: etree._Element, p: etree._Element) -> bool:
    """True if the nearest w:p ancestor of ``el`` is ``p``."""
    for anc in el.iterancestors(q("p")):
        return anc is p
    return False


def paragraphs(part: str, root: etree._Element) -> list[Para]:
    tables: dict[int, int] = {}
    out: list[Para] = []
    for i, p in enumerate(root.iter(q("p")), start=1):
        chunks, deleted = [], []
        for el in p.iter(q("t"), q("tab"), q("delText")):
            if not _own(el, p):
                continue
            if el.tag == q("t"):
                chunks.append(el.text or "")
            elif el.tag == q("tab"):
                if el.getparent() is not None and el.getparent().tag == q("r"):
                    chunks.append("\t")
            else:
                deleted.append(el.text or "")
        para = Para(part, i, p, "".join(chunks), deleted_text="".join(deleted))
        tc = next(p.iterancestors(q("tc")), None)
        if tc is not None:
            tr = tc.getparent()
            tbl = tr.getparent() if tr is not None else None
            para.tc, para.tr, para.tbl = tc, tr, tbl
            if tbl is not None and tbl.tag == q("tbl"):
                key = id(tbl)
                if key not in tables:
                    tables[key] = len(tables) + 1
                rows = [r for r in tbl if r.tag == q("tr")]
                cells = [c for c in tr if c.tag == q("tc")]
                para.table_pos = (tables[key], rows.index(tr) + 1 if tr in rows else 0,
                                  cells.index(tc) + 1 if tc in cells else 0)
        out.append(para)
    return out


def mark(text: str, start: int | None = None, end: int | None = None, width: int = 36) -> str:
    """The paragraph text with 【】 around text[start:end], shortened around the mark."""
    if start is None or end is None:
        s = text.strip()
        return s if len(s) <= 2 * width else s[: 2 * width] + "…"
    head, mid, tail = text[:start], text[start:end], text[end:]
    if len(head) > width:
        head = "…" + head[-width:]
    if len(tail) > width:
        tail = tail[:width] + "…"
    if len(mid) > 3 * width:
        mid = mid[: 3 * width] + "…"
    return f"{head}【{mid}】{tail}"
