"""Helpers to open a real .docx and read what Word would read: parts, styles, paragraphs, tables."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def q(tag: str) -> str:
    return "{%s}%s" % (W, tag)


class Docx:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.zip = zipfile.ZipFile(self.path)
        self.names = self.zip.namelist()

    def xml(self, name: str):
        return etree.fromstring(self.zip.read(name))

    @property
    def document(self):
        return self.xml("word/document.xml")

    @property
    def styles(self):
        return self.xml("word/styles.xml")

    def style(self, style_id: str):
        return self.styles.find(f"w:style[@w:styleId='{style_id}']", NS)

    def paragraphs(self):
        return list(self.document.iter(q("p")))

    @staticmethod
    def text(el) -> str:
        out = []
        for node in el.iter(q("t"), q("br"), q("tab")):
            if node.tag == q("t"):
                out.append(node.text or "")
            elif node.tag == q("br"):
                out.append("\n")
            else:
                out.append("\t")
        return "".join(out)

    def all_text(self) -> str:
        return "\n".join(self.text(p) for p in self.paragraphs())

    def paragraph_style(self, p) -> str | None:
        ps = p.find("w:pPr/w:pStyle", NS)
        return ps.get(q("val")) if ps is not None else None

    def footers(self) -> list[str]:
        return [n for n in self.names if n.startswith("word/footer")]
