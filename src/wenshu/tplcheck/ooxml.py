"""The .docx parts a template check reads (the paragraph numbering itself is engine/paragraphs.py).

Shared by the checker (which reports "正文 第12段" and sets ``Problem.part``/``paragraph``) and the
annotator (which puts a Word comment on that same paragraph), so both count paragraphs the same way:
every ``w:p`` of the part in document order, table-cell paragraphs included, 1-based.
"""

from __future__ import annotations

import re

from wenshu.engine.paragraphs import NS, PARA_START, W, Para, mark, paragraphs, part_label, q  # noqa: F401 (re-exported)

# The parts wenshu renders (engine/template.py TEMPLATED_PART), in a stable order: 正文 first.
TEMPLATED = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")


def part_order(name: str) -> tuple:
    m = re.match(r"word/(document|header|footer|footnotes|endnotes)(\d*)\.xml$", name)
    if not m:
        return (9, 0, name)
    rank = ["document", "header", "footer", "footnotes", "endnotes"].index(m.group(1))
    return (rank, int(m.group(2) or 0), name)
