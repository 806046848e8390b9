"""Tags that Word split over runs and docxtpl will not repair (step 2 of tplcheck/check.py).

Each paragraph's XML goes through docxtpl's own ``patch_xml`` (as the engine does); a tag the user
sees but that does not come out of the patch in one piece (or whose patch leaves broken XML) is
reported — that is exactly what docxtpl would NOT repair.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Callable

from docxtpl import DocxTemplate
from lxml import etree

from wenshu.tplcheck.ooxml import Para
from wenshu.tplcheck.tags import AUTO_QUOTES, FULLWIDTH, Tag


class SplitCheck:
    """Checker's step 2 (a mixin of ``tplcheck.check.Checker``), reporting through its ``add``."""

    add: Callable[..., None]

    def check_split(self, para: Para, tags: list[Tag]) -> None:
        if not tags:
            return
        xml = etree.tostring(para.el, encoding="unicode")
        if not re.search(r"\{|%|#", xml):
            return
        joined = _join(xml)
        spans = re.findall(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", joined, flags=re.S)
        survived = Counter(_key(_unescape(s)) for s in spans if "<" not in s)
        reported = False
        for t in tags:
            if any(c in FULLWIDTH for c in t.raw):
                continue  # already reported as full-width; not a tag for docxtpl anyway
            k = _key(t.raw)
            if survived[k] > 0:
                survived[k] -= 1
                continue
            reported = True
            self.add("tpl.split-tag",
                     "Word 把这个标签拆成了几段（中间夹了修订、超链接、域或其他内容），wenshu 无法把它拼回去。",
                     para, (t.start, t.end),
                     hint="选中整个标签，删除后用英文输入法一次性重新输入（不要分几次粘贴或修改其中几个字）。")
        if reported:
            return
        neutral = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", _patch(xml), flags=re.S).strip()
        if neutral and "<" in neutral:
            decl = " ".join(f'xmlns:{k}="{v}"' if k else f'xmlns="{v}"' for k, v in para.el.nsmap.items())
            try:
                etree.fromstring(f"<wenshu-check {decl}>{neutral}</wenshu-check>")
            except etree.XMLSyntaxError:
                self.add("tpl.split-tag", "这一段的标签横跨了超链接、域或内容控件的边界，生成时会破坏文档结构。", para,
                         (tags[0].start, tags[-1].end), hint="把标签移出超链接/域/内容控件，或删除后重新输入整段。")


# docxtpl's patch_xml steps that join a tag Word split over runs (docxtpl/template.py, patch_xml,
# first two substitutions). The later steps (container tags …) are checked separately.
_JOIN_BRACES = re.compile(r"(?<={)(<[^>]*>)+(?=[\{%\#])|(?<=[%\}\#])(<[^>]*>)+(?=\})", re.S)
_SPAN = re.compile(r"{%(?:(?!%}).)*|{#(?:(?!#}).)*|{{(?:(?!}}).)*", re.S)
_RUN_GAP = re.compile(r"</w:t>.*?(<w:t>|<w:t [^>]*>)", re.S)


def _patch(xml: str) -> str:
    """docxtpl's whole patch_xml, exactly as the engine runs it (it uses no instance state)."""
    return DocxTemplate.patch_xml(None, xml)  # type: ignore[arg-type]


def _join(xml: str) -> str:
    xml = _JOIN_BRACES.sub("", xml)
    return _SPAN.sub(lambda m: _RUN_GAP.sub("", m.group(0)), xml)


def _unescape(s: str) -> str:
    for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&#8216;", "'"), ("&amp;", "&")):
        s = s.replace(a, b)
    return s


def _key(tag: str) -> str:
    inner = tag[2:-2]
    for c in AUTO_QUOTES:
        inner = inner.replace(c, "'" if c in "‘’" else '"')
    inner = inner.strip().strip("-+").strip()
    inner = re.sub(r"^(tr|tc|p|r)\s+", "", inner)
    return re.sub(r"\s+", "", inner)
