"""Write a copy of a template with a Word comment (批注) at each problem.

The clerk opens the copy in Word/WPS and sees every problem in place, in the margin, the way
docxtemplater's Error Location module does it (anchors.md §2.2). A real comment needs four things:
the ``word/comments.xml`` part, its relationship from ``document.xml``, its content type, and in the
paragraph a ``w:commentRangeStart``/``w:commentRangeEnd`` pair plus a run holding
``w:commentReference``.

Word does not allow comments in headers, footers or footnotes, so their problems (and the layout
warnings, which belong to no paragraph) are attached to the first paragraph of the body, with the
location written into the comment.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from wenshu.atomic import atomic_write
from wenshu.package import write_zip
from wenshu.errors import Problem, UsageError, render_problem
from wenshu.tplcheck.check import ANNOTATION_AUTHOR
from wenshu.tplcheck.ooxml import W, paragraphs, q

DOC = "word/document.xml"
COMMENTS = "word/comments.xml"
RELS = "word/_rels/document.xml.rels"
CT = "[Content_Types].xml"
COMMENTS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
COMMENTS_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
PKG_CT = "http://schemas.openxmlformats.org/package/2006/content-types"


def _comment(cid: int, lines: list[str]) -> etree._Element:
    c = etree.Element(q("comment"), {q("id"): str(cid), q("author"): ANNOTATION_AUTHOR, q("initials"): "WS"})
    for i, line in enumerate(lines):
        p = etree.SubElement(c, q("p"))
        if i == 0:
            etree.SubElement(etree.SubElement(p, q("r")), q("annotationRef"))
        r = etree.SubElement(p, q("r"))
        if i == 0:
            etree.SubElement(etree.SubElement(r, q("rPr")), q("b"))
        t = etree.SubElement(r, q("t"))
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = line
    return c


def _anchor(p: etree._Element, cid: int) -> None:
    start = etree.Element(q("commentRangeStart"), {q("id"): str(cid)})
    first = p[0] if len(p) else None
    if first is not None and first.tag == q("pPr"):
        first.addnext(start)
    else:
        p.insert(0, start)
    p.append(etree.Element(q("commentRangeEnd"), {q("id"): str(cid)}))
    r = etree.SubElement(p, q("r"))
    etree.SubElement(r, q("commentReference"), {q("id"): str(cid)})


def annotate(path: Path, problems: list[Problem], out: Path) -> Path:
    """Write ``out``: ``path`` with one Word comment per problem (code + Chinese explanation)."""
    path, out = Path(path), Path(out)
    if out.resolve() == path.resolve():
        raise UsageError(Problem(code="usage.same-file", message="批注版不能覆盖原模板，请另选文件名。", file=str(out)))
    with zipfile.ZipFile(path) as z:
        entries = [(n, z.read(n)) for n in z.namelist()]
    data = dict(entries)
    doc = etree.fromstring(data[DOC])
    paras = paragraphs(DOC, doc)
    if not paras:
        body = doc.find(q("body"))
        first = etree.Element(q("p"))
        body.insert(0, first)
        paras = paragraphs(DOC, doc)

    if COMMENTS in data:
        comments = etree.fromstring(data[COMMENTS])
        ids = [int(c.get(q("id"))) for c in comments.iter(q("comment")) if (c.get(q("id")) or "").isdigit()]
        next_id = max(ids, default=-1) + 1
    else:
        comments = etree.Element(q("comments"), nsmap={"w": W})
        next_id = 0
    for d in doc.iter(q("commentRangeStart"), q("commentReference")):
        v = d.get(q("id")) or ""
        if v.isdigit():
            next_id = max(next_id, int(v) + 1)

    for p in problems:
        # A problem's own paragraph, from the fields the checker set (part, paragraph); Word allows
        # comments in the body only.
        target, in_place = paras[0], False
        if p.part == DOC and p.paragraph and p.paragraph <= len(paras):
            target, in_place = paras[p.paragraph - 1], True
        comments.append(_comment(next_id, render_problem(p, comment=True, with_location=not in_place)))
        _anchor(target.el, next_id)
        next_id += 1

    new = {DOC: etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True),
           COMMENTS: etree.tostring(comments, xml_declaration=True, encoding="UTF-8", standalone=True)}
    rels = etree.fromstring(data[RELS])
    if not any(r.get("Type") == COMMENTS_TYPE for r in rels):
        used = {r.get("Id") for r in rels}
        rid = next(f"rId{n}" for n in range(1, 10_000) if f"rId{n}" not in used)
        etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", {"Id": rid, "Type": COMMENTS_TYPE, "Target": "comments.xml"})
        new[RELS] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
    ct = etree.fromstring(data[CT])
    if not any(o.get("PartName") == "/" + COMMENTS for o in ct):
        etree.SubElement(ct, f"{{{PKG_CT}}}Override", {"PartName": "/" + COMMENTS, "ContentType": COMMENTS_CT})
        new[CT] = etree.tostring(ct, xml_declaration=True, encoding="UTF-8", standalone=True)

    names = [n for n, _ in entries]
    if COMMENTS not in names:
        names.insert(names.index(DOC) + 1, COMMENTS)
    out_entries = [(n, new.get(n, data.get(n))) for n in names]
    out_entries.sort(key=lambda e: e[0] != CT)
    atomic_write(out, lambda f: write_zip(f, out_entries), force=True)
    return out
