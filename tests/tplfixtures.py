"""Templates broken the way Word and WPS break them, built from a built-in template by editing its XML.

Each breaker is a (name, part, old, new) text substitution on a copy of the built-in template: the
rest of the package stays byte-identical, so a problem found can only come from the edit.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from wenshu.templates import bundled_dir

DOC = "word/document.xml"


@dataclass(frozen=True)
class Edit:
    old: str
    new: str
    part: str = DOC
    count: int = 1  # how many occurrences to replace (from the start)


def copy_with(src: Path, dst: Path, edits: Iterable[Edit]) -> Path:
    """Write ``dst``: ``src`` with each edit applied; fail loudly if an edit does not apply."""
    with zipfile.ZipFile(src) as zin:
        items = [(i, zin.read(i.filename)) for i in zin.infolist()]
    data = {i.filename: d.decode("utf-8") if i.filename.endswith((".xml", ".rels")) else d for i, d in items}
    for e in edits:
        text = data[e.part]
        if text.count(e.old) < e.count:
            raise AssertionError(f"edit does not apply to {e.part}: {e.old!r}")
        data[e.part] = text.replace(e.old, e.new, e.count)
    dst.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, _ in items:
            payload = data[info.filename]
            zout.writestr(info.filename, payload.encode("utf-8") if isinstance(payload, str) else payload)
    return dst


def builtin(name: str) -> Path:
    return bundled_dir() / name


def para_number(path: Path, needle: str, part: str = DOC) -> int:
    """1-based number of the first paragraph of ``part`` whose text contains ``needle``."""
    from lxml import etree

    from wenshu.tplcheck.ooxml import paragraphs

    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read(part))
    for p in paragraphs(part, root):
        if needle in p.text:
            return p.index
    raise AssertionError(f"no paragraph with {needle!r}")


R = '</w:t></w:r>'  # close the current run
def run(text: str, rsid: str = "00A1B2C3") -> str:
    return f'<w:r w:rsidR="{rsid}"><w:t xml:space="preserve">{text}'


# ── what Word and WPS do to tags ─────────────────────────────────────────────────────────────

# Spell-check and editing sessions split a tag's body over runs: docxtpl repairs this.
PROOF_SPLIT = Edit("{{ doc.title }}", "{{ doc." + R + '<w:proofErr w:type="spellStart"/>' + run("ti")
                   + R + '<w:proofErr w:type="spellEnd"/>' + run("tle }}", "00D4E5F6"))
# Markup between the two braces (new run with its own rsid, a bookmark): docxtpl repairs this too.
BRACE_SPLIT = Edit("{{ doc.title }}", "{" + R + '<w:bookmarkStart w:id="90" w:name="_GoBack"/><w:bookmarkEnd w:id="90"/>'
                   + run("{ doc.title }}"))
# notice.docx has two 发文字号 lines (上行文 with the 签发人, 下行文 centred): the edit targets the
# 下行文 one (the one the example notices render), anchored on its run.
DOC_NUMBER_DOWN = '</w:pPr><w:r><w:t>{{ doc.number }}</w:t>'
BOOKMARK_IN_TAG = Edit(DOC_NUMBER_DOWN, '</w:pPr><w:r><w:t>{{ doc.num' + R + '<w:bookmarkStart w:id="91" w:name="文号"/>'
                       + run("ber }}") + R + '<w:bookmarkEnd w:id="91"/>' + run("") + '</w:t>')
# A tracked deletion between the braces: text between them, which docxtpl cannot join.
DELETED_BETWEEN_BRACES = Edit("{{ doc.title }}", "{" + R + '<w:del w:id="92" w:author="办公室" w:date="2024-04-28T09:00:00Z">'
                              '<w:r><w:delText>x</w:delText></w:r></w:del>' + run("{ doc.title }}"))
# A tag that starts inside a hyperlink and ends outside it: joining it breaks the XML.
HYPERLINK_SPLIT = Edit('<w:r><w:t>{{ doc.signature }}</w:t></w:r>',
                       '<w:hyperlink w:anchor="sig"><w:r><w:t>{{ doc.sig</w:t></w:r></w:hyperlink>'
                       '<w:r><w:t>nature }}</w:t></w:r>')
SMART_QUOTES = Edit('{%p if b.kind == "h1" and b.lead %}', "{%p if b.kind == \u201ch1\u201d and b.lead %}")
CORNER_QUOTES = Edit('{%p if b.kind == "h1" and b.lead %}', "{%p if b.kind == \u300ch1\u300d and b.lead %}")
FULLWIDTH_BRACES = Edit("{{ doc.title }}", "\uff5b\uff5b doc.title \uff5d\uff5d")
MISSPELT_IN_LOOP = Edit("{{ r.work }}", "{{ r.wrok }}")
MISSPELT_BLOCK_TEXT = Edit("{{ b.text }}", "{{ b.txet }}")
P_IF_NO_SPACE = Edit("{%p if doc.recipients %}", "{%pif doc.recipients %}")
TR_SPACE = Edit("{%tr for r in g.rows %}", "{% tr for r in g.rows %}")
UNKNOWN_FILTER = Edit("{{ doc.date }}", "{{ doc.date|cn_dat }}")
# The 成文日期 paragraph of notice.docx: at the top level of the body, inside no block.
DATE_TAG = "<w:t>{{ doc.date }}</w:t>"
# The 附注 paragraph of notice.docx (one per note, inside {%p for n in doc.notes %}).
NOTE_TAG = "<w:t>{{ n }}</w:t>"
UNSAFE = Edit(NOTE_TAG, "<w:t>{{ ''.__class__.__mro__ }}</w:t>")
# Two {%p tags in one paragraph: the paragraph break between them deleted.
TWO_P_TAGS = Edit('{%p endif %}</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="GwBody"/></w:pPr><w:r><w:t>{%p for b in body %}',
                  "{%p endif %}{%p for b in body %}")
# task_list.docx: the inner {%tr endfor %} deleted, so the outer {%tr for g … %} is never closed.
UNCLOSED_TR = Edit("<w:t>{%tr endfor %}</w:t>", "<w:t></w:t>")
# notice.docx: the endfor after the 附注 paragraph deleted.
UNCLOSED_FOR_NOTE = Edit('<w:t>{{ n }}</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="GwBody"/></w:pPr><w:r><w:t>{%p endfor %}',
                         '<w:t>{{ n }}</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="GwBody"/></w:pPr><w:r><w:t>')
TR_IN_BODY = Edit("{%p for a in attachment_pages %}", "{%tr for a in attachment_pages %}")
ENDFOR_FOR_ENDIF = Edit('{%p endif %}</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="GwBody"/></w:pPr><w:r><w:t>{%p for b in body %}',
                        '{%p endfor %}</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="GwBody"/></w:pPr><w:r><w:t>{%p for b in body %}')

# Six mistakes of six kinds, in six different paragraphs of notice.docx.
SIX = (FULLWIDTH_BRACES, P_IF_NO_SPACE, MISSPELT_BLOCK_TEXT, UNKNOWN_FILTER, UNSAFE, SMART_QUOTES)
SIX_ERRORS = (FULLWIDTH_BRACES, P_IF_NO_SPACE, MISSPELT_BLOCK_TEXT, UNKNOWN_FILTER, UNSAFE, CORNER_QUOTES)
