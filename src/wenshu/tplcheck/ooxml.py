"""Locating template problems in a .docx part (the paragraph numbering itself is engine/paragraphs.py).

Shared by the checker (which reports "正文 第12段") and the annotator (which puts a Word comment on
that same paragraph), so both count paragraphs the same way: every ``w:p`` of the part in document
order, table-cell paragraphs included, 1-based.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wenshu.engine.paragraphs import NS, PARA_START, W, Para, mark, paragraphs, part_label, q  # noqa: F401 (re-exported)

# The parts wenshu renders (engine/template.py TEMPLATED_PART), in a stable order: 正文 first.
TEMPLATED = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")


def part_order(name: str) -> tuple:
    m = re.match(r"word/(document|header|footer|footnotes|endnotes)(\d*)\.xml$", name)
    if not m:
        return (9, 0, name)
    rank = ["document", "header", "footer", "footnotes", "endnotes"].index(m.group(1))
    return (rank, int(m.group(2) or 0), name)


def label_to_part(label: str) -> str | None:
    """Inverse of ``part_label``: 正文 → word/document.xml, 页脚2 → word/footer2.xml."""
    m = re.match(r"^(正文|页眉|页脚|脚注|尾注)(\d*)$", label)
    if not m:
        return None
    base = {"正文": "document", "页眉": "header", "页脚": "footer", "脚注": "footnotes", "尾注": "endnotes"}[m.group(1)]
    return f"word/{base}{m.group(2)}.xml"


@dataclass
class Located:
    """Where a problem is: part label, paragraph number (parsed back from ``Problem.field_path``)."""

    label: str
    index: int | None = None
    extra: dict = field(default_factory=dict)


_WHERE = re.compile(r"^(正文|页眉\d*|页脚\d*|脚注|尾注)(?: 第(\d+)段)?")


def locate(field_path: str | None) -> Located | None:
    if not field_path:
        return None
    m = _WHERE.match(field_path)
    if not m:
        return None
    return Located(m.group(1), int(m.group(2)) if m.group(2) else None)
