"""Build the official-format .docx templates in ``templates/`` from the GB/T 9704 constants.

    python -m wenshu.official.template_build templates/

Every template is an ordinary Word document with named styles (公文正文, 一级标题 …) and docxtpl tags,
so the general office can keep editing it in Word or WPS. The numbers come only from
``official/gbt9704.py`` through ``official/layout.py``: correcting a number there and rebuilding
corrects every template. Building is reproducible: same constants, same bytes.

Paragraph-level tags (``{%p … %}``) sit alone in their paragraph and disappear on rendering; table
row tags (``{%tr … %}``) sit in the first cell of a row that disappears the same way.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Pt

from wenshu.engine.docx_zip import write_zip
from wenshu.engine.template import core_xml
from wenshu.official import gbt9704 as gb
from wenshu.official import layout
from wenshu.official.gbt9704 import DEFAULT_SETTINGS, Settings
from wenshu.official.layout import StyleName

CHAR_H2 = "二级标题文字"
CHAR_H3 = "三级标题文字"
CHAR_STRONG = "强调文字"

# Task-list columns (mm): 序号 | 重点工作 | 责任单位 | 完成时间 = 156 mm, the text width.
TASK_WIDTHS = (14, 78, 30, 34)


class Builder:
    """A python-docx document with the 公文 page, styles and page numbers installed."""

    def __init__(self, settings: Settings = DEFAULT_SETTINGS):
        self.s = settings
        self.doc = Document()
        layout.setup_page(self.doc, settings)
        layout.install_styles(self.doc, settings)
        layout.add_page_number_footers(self.doc, settings)
        self._char_styles()

    def _char_styles(self) -> None:
        """Run-in headings ("（一）项目生成规范化。成立……") need the heading font on part of a body paragraph."""
        for name, sid, font, bold in (
            (CHAR_H2, "GwHeading2Char", self.s.heading2_font, self.s.heading2_bold),
            (CHAR_H3, "GwHeading3Char", self.s.body_font, self.s.heading3_bold),
            (CHAR_STRONG, "GwStrongChar", self.s.heading1_font, False),
        ):
            st = self.doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
            st.element.set(qn("w:styleId"), sid)
            rpr = st.element.get_or_add_rPr()
            layout._set_fonts(rpr, font, self.s.font_for_latin(font))
            if bold:
                st.font.bold = True

    # ── primitives ──
    def p(self, text: str = "", style: str = StyleName.BODY):
        return layout.add_paragraph(self.doc, text, style)

    def ctl(self, tag: str):
        """A control paragraph holding one docxtpl paragraph tag; it vanishes when rendered."""
        return self.p(tag, StyleName.BODY)

    def blank(self, n: int = 1, style: str = StyleName.BODY):
        return layout.add_blank_lines(self.doc, n, style)

    def runs(self, parts: list[tuple[str, str | None]], style: str = StyleName.BODY):
        para = self.p("", style)
        for text, char_style in parts:
            run = para.add_run(text)
            if char_style:
                run.style = self.doc.styles[char_style]
        return para

    # ── 公文 pieces ──
    def red_header(self) -> None:
        layout.add_red_header(self.doc, "{{ doc.mark }}", "{{ doc.number }}", self.s, mark_size_pt=self.s.mark_size_pt)

    def title(self, expr: str = "{{ doc.title }}", *, page_break: bool = False):
        para = self.p(expr, StyleName.TITLE)
        if page_break:
            para.paragraph_format.page_break_before = True
        return para

    def recipients(self) -> None:
        self.ctl("{%p if doc.recipients %}")
        self.p("{{ doc.recipients }}", StyleName.RECIPIENTS)
        self.ctl("{%p endif %}")

    def blocks(self, seq: str, var: str = "b") -> None:
        """Structured body: headings 一、/（一）/1./（1） in 黑体/楷体/仿宋/仿宋 and paragraphs."""
        b = var
        self.ctl(f"{{%p for {b} in {seq} %}}")
        self.ctl(f'{{%p if {b}.kind == "h1" %}}')
        self.p(f"{{{{ {b}.label }}}}{{{{ {b}.text }}}}", StyleName.HEADING[1])
        self.ctl(f'{{%p elif {b}.kind == "h2" %}}')
        self.runs([(f"{{{{ {b}.label }}}}{{{{ {b}.text }}}}", CHAR_H2), (f"{{{{ {b}.lead }}}}", None)])
        self.ctl(f'{{%p elif {b}.kind == "h3" %}}')
        self.runs([(f"{{{{ {b}.label }}}}{{{{ {b}.text }}}}", CHAR_H3), (f"{{{{ {b}.lead }}}}", None)])
        self.ctl(f'{{%p elif {b}.kind == "h4" %}}')
        self.runs([(f"{{{{ {b}.label }}}}{{{{ {b}.text }}}}", None), (f"{{{{ {b}.lead }}}}", None)])
        self.ctl("{%p else %}")
        self.p(f"{{{{ {b}.text }}}}", StyleName.BODY)
        self.ctl("{%p endif %}")
        self.ctl("{%p endfor %}")

    def attachment_notes(self, seq: str) -> None:
        self.ctl(f"{{%p if {seq} %}}")
        self.blank()
        self.ctl(f"{{%p for a in {seq} %}}")
        self.p("{{ a.prefix }}{{ a.number }}{{ a.title }}", StyleName.ATTACHMENT_NOTE)
        self.ctl("{%p endfor %}")
        self.ctl("{%p endif %}")

    def signature(self) -> None:
        """署名 and 成文日期; their indents are set after rendering (official/fixups.py)."""
        # One blank line: 7.3.5.2 for unsealed documents; for sealed ones the seal's top must be
        # within one line of the text (7.3.5.1), and page 1 of a red-header notice has no room to spare.
        self.blank()
        self.p("{{ doc.signature }}", StyleName.SIGNATURE)
        self.p("{{ doc.date }}", StyleName.DATE)
        self.ctl("{%p if doc.note %}")
        self.p("{{ doc.note }}", StyleName.NOTE)
        self.ctl("{%p endif %}")

    def task_table(self, table: str) -> None:
        """序号 / 重点工作 / 责任单位 / 完成时间; 责任单位 merged over a department's consecutive rows."""
        t = layout.add_table(self.doc, ["序号", "重点工作", "责任单位", "完成时间"], [
            [f"{{%tr for g in {table}.groups %}}", "", "", ""],
            ["{%tr for r in g.rows %}", "", "", ""],
            ["{{ r.seq }}", "{{ r.work }}", "{% vm %}{{ g.units }}", "{{ r.due }}"],
            ["{%tr endfor %}", "", "", ""],
            ["{%tr endfor %}", "", "", ""],
        ], widths_mm=TASK_WIDTHS)
        content = t.rows[3]
        for i in (0, 2):
            for p in content.cells[i].paragraphs:
                p.paragraph_format.alignment = 1  # centred: 序号 and 责任单位
        # Content rows may break across pages (a long task); the header row repeats on each page.
        for row in t.rows[1:]:
            trpr = row._tr.get_or_add_trPr()
            for el in trpr.findall(qn("w:cantSplit")):
                trpr.remove(el)

    def imprint(self) -> None:
        """版记: floated to the bottom of the last page's text area."""
        self.ctl("{%p if doc.cc or doc.printer %}")
        layout.add_imprint(self.doc, "{{ doc.cc }}", "{{ doc.printer }}", "{{ doc.print_date }}", self.s)
        self.ctl("{%p endif %}")

    # ── output ──
    def save(self, path: Path, title: str) -> None:
        buf = io.BytesIO()
        self.doc.save(buf)
        write_template(buf.getvalue(), path, title)


def write_template(docx_bytes: bytes, path: Path, title: str) -> None:
    """Normalise a python-docx package so the committed template is byte-reproducible.

    Fixed zip metadata and core properties; python-docx's sample thumbnail dropped.
    """
    zin = zipfile.ZipFile(io.BytesIO(docx_bytes))
    entries = []
    for name in zin.namelist():
        data = zin.read(name)
        if name == "docProps/thumbnail.jpeg":
            continue
        if name == "_rels/.rels":
            data = re.sub(rb'<Relationship [^>]*Target="docProps/thumbnail.jpeg"/>', b"", data)
        if name == "[Content_Types].xml":
            data = data.replace(b'<Default Extension="jpeg" ContentType="image/jpeg"/>', b"")
        if name == "docProps/core.xml":
            data = core_xml(title=title, subject="wenshu 公文模板（GB/T 9704-2012）", creator="wenshu")
        entries.append((name, data))
    entries.sort(key=lambda e: e[0] != "[Content_Types].xml")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_zip(f, entries)


# ─── the templates ──────────────────────────────────────────────────────────────────────────────


def build_notice(out: Path, s: Settings = DEFAULT_SETTINGS) -> None:
    """通知（下行文，红头）: 版头, 标题, 主送, 正文, 附件说明, 署名/日期, 附注, 印发文件, 附件, 版记."""
    b = Builder(s)
    b.red_header()
    b.blank(2, StyleName.BODY)
    b.title()
    b.blank()
    b.recipients()
    b.blocks("body")
    b.attachment_notes("doc.attachments")
    b.signature()
    # The issued document (方案、办法) follows the cover notice on a new page.
    b.ctl("{%p if enclosure %}")
    b.title("{{ enclosure.title }}", page_break=True)
    b.blank()
    b.blocks("enclosure.blocks", "e")
    b.attachment_notes("enclosure.attachments")
    b.ctl("{%p endif %}")
    attachment_pages(b)
    b.imprint()
    b.save(out / "notice.docx", "通知")


def attachment_pages(b: Builder) -> None:
    """7.3.7: 附件 on a new page, label on line 1 in 黑体, title centred on line 3."""
    b.ctl("{%p for a in attachment_pages %}")
    b.p("{{ a.label }}", StyleName.ATTACHMENT_LABEL)
    b.blank()
    b.p("{{ a.title }}", StyleName.ATTACHMENT_TITLE)
    b.blank()
    b.blocks("a.blocks", "ab")
    b.ctl("{%p if a.table %}")
    b.task_table("a.table")
    b.ctl("{%p endif %}")
    b.ctl("{%p endfor %}")


def build_task_list(out: Path, s: Settings = DEFAULT_SETTINGS) -> None:
    """任务清单 as an attachment page: 附件 label, centred title, the table."""
    b = Builder(s)
    b.ctl("{%p if label %}")
    # The first page: no page break before the label (the style has one for attachments after a body).
    label = b.p("{{ label }}", StyleName.ATTACHMENT_LABEL)
    label.paragraph_format.page_break_before = False
    b.ctl("{%p endif %}")
    b.blank()
    b.p("{{ table.title }}", StyleName.ATTACHMENT_TITLE)
    b.blank()
    b.task_table("table")
    b.save(out / "task_list.docx", "任务清单")


BUILDERS: dict[str, Callable[[Path, Settings], None]] = {
    "notice.docx": build_notice,
    "task_list.docx": build_task_list,
}


def build_all(out: Path, settings: Settings = DEFAULT_SETTINGS) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    for name, fn in BUILDERS.items():
        fn(out, settings)
    return [out / n for n in BUILDERS]


if __name__ == "__main__":
    for p in build_all(Path(sys.argv[1] if len(sys.argv) > 1 else "templates")):
        print(p)
