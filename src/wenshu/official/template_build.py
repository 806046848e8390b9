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
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from wenshu.engine.docx_zip import COMPRESS_LEVEL, write_zip
from wenshu.engine.template import core_xml
from wenshu.official import gbt9704 as gb
from wenshu.official import layout
from wenshu.official.gbt9704 import DEFAULT_SETTINGS, Settings
from wenshu.official.layout import StyleName

CHAR_H2 = "二级标题文字"
CHAR_H3 = "三级标题文字"
CHAR_STRONG = "强调文字"
CHAR_SIGNER = "签发人姓名"

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
        layout.record_settings(self.doc, settings)
        self._char_styles()

    def _char_styles(self) -> None:
        """Run-in headings ("（一）项目生成规范化。成立……") need the heading font on part of a body paragraph."""
        for name, sid, font, bold in (
            (CHAR_H2, "GwHeading2Char", self.s.heading2_font, self.s.heading2_bold),
            (CHAR_H3, "GwHeading3Char", self.s.body_font, self.s.heading3_bold),
            (CHAR_STRONG, "GwStrongChar", self.s.heading1_font, False),
            (CHAR_SIGNER, "GwSignerNameChar", self.s.heading2_font, False),  # 7.2.6: names in 楷体
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

    def span_runs(self, para, seq: str, var: str = "s") -> None:
        """Runs of ``seq`` (text spans) with **emphasis** in 强调文字 (黑体): one run per span."""
        for text, char_style in ((f"{{%r for {var} in {seq} %}}", None), (f"{{%r if {var}.strong %}}", None),
                                 (f"{{{{ {var}.text }}}}", CHAR_STRONG), ("{%r else %}", None),
                                 (f"{{{{ {var}.text }}}}", None), ("{%r endif %}", None), ("{%r endfor %}", None)):
            run = para.add_run(text)
            if char_style:
                run.style = self.doc.styles[char_style]

    def run_in(self, heading_expr: str, char_style: str | None, b: str) -> None:
        """A heading with its lead on the same line: a body paragraph (no keep-with-next: it holds
        text), the heading in the heading's font, then the lead's spans."""
        para = self.p("", StyleName.BODY)
        run = para.add_run(heading_expr)
        if char_style:
            run.style = self.doc.styles[char_style]
        self.span_runs(para, f"{b}.spans")

    def blocks(self, seq: str, var: str = "b") -> None:
        """Structured body: headings 一、/（一）/1./（1） in 黑体/楷体/仿宋/仿宋, paragraphs with
        emphasis, tables and page breaks. A heading with a lead runs on into it (every level)."""
        b = var
        head = f"{{{{ {b}.label }}}}{{{{ {b}.text }}}}"
        self.ctl(f"{{%p for {b} in {seq} %}}")
        for level, char_style in ((1, CHAR_STRONG), (2, CHAR_H2), (3, CHAR_H3), (4, None)):
            self.ctl(f'{{%p {"if" if level == 1 else "elif"} {b}.kind == "h{level}" and {b}.lead %}}')
            self.run_in(head, char_style, b)
            self.ctl(f'{{%p elif {b}.kind == "h{level}" %}}')
            self.p(head, StyleName.HEADING[level])
        self.ctl(f'{{%p elif {b}.table %}}')  # kind "table": the only blocks with a table
        self.body_table(f"{b}.table")
        self.ctl(f'{{%p elif {b}.kind == "page_break" %}}')
        self.p("", StyleName.PAGE_BREAK)
        self.ctl("{%p else %}")
        self.span_runs(self.p("", StyleName.BODY), f"{b}.spans")
        self.ctl("{%p endif %}")
        self.ctl("{%p endfor %}")

    def body_table(self, t: str) -> None:
        """A table inside the body: optional caption and unit line, header row repeated on every page,
        one row per ``rows`` item and one cell per column (``{%tc for %}``); the column widths follow
        the content (set after rendering, official/fixups.py)."""
        self.ctl(f"{{%p if {t}.title %}}")
        self.p(f"{{{{ {t}.title }}}}", StyleName.TABLE_CAPTION)
        self.ctl("{%p endif %}")
        self.ctl(f"{{%p if {t}.unit %}}")
        self.p(f"单位：{{{{ {t}.unit }}}}", StyleName.TABLE_UNIT)
        self.ctl("{%p endif %}")
        tbl = layout.add_table(self.doc, [f"{{%tc for h in {t}.headers %}}", "{{ h }}", "{%tc endfor %}"], [
            [f"{{%tr for r in {t}.rows %}}", "", ""],
            ["{%tc for c in r.cells %}", "{{ c }}", "{%tc endfor %}"],
            ["{%tr endfor %}", "", ""],
        ])
        for row in tbl.rows[1:]:
            trpr = row._tr.get_or_add_trPr()
            for el in trpr.findall(qn("w:cantSplit")):
                trpr.remove(el)

    def attachment_notes(self, seq: str) -> None:
        """7.3.4: one blank line, then "附件：1.名称" 2 字 in; continuation lines under the name."""
        self.ctl(f"{{%p if {seq} %}}")
        self.blank()
        self.ctl(f"{{%p for a in {seq} %}}")
        self.p("{{ a.prefix }}{{ a.number }}{{ a.title }}{% if a.separate %}（另发）{% endif %}", StyleName.ATTACHMENT_NOTE)
        self.ctl("{%p endfor %}")
        self.ctl("{%p endif %}")

    def signature(self, joint: bool = False) -> None:
        """署名, 成文日期 and 附注; indents are set after rendering (official/fixups.py).

        ``joint``: 联合行文 as well — sealed: the organs two to a row, each seal over its own
        signature and the last one over the date (7.3.5.1); unsealed: the 主办机关 first and the
        others below it (7.3.5.2).
        """
        # One blank line: 7.3.5.2 for unsealed documents; for sealed ones the seal's top must be
        # within one line of the text (7.3.5.1), and page 1 of a red-header notice has no room to spare.
        self.blank()
        if joint:
            self.ctl("{%p if doc.signature_rows %}")
            t = layout.add_table(self.doc, ["{%tr for r in doc.signature_rows %}", ""], [
                ["{{ r.left }}", "{{ r.right }}"], ["{%tr endfor %}", ""]])
            layout.make_signature_table(t)
            self.ctl("{%p elif doc.signatures %}")
            self.ctl("{%p for g in doc.signatures %}")
            self.p("{{ g }}", StyleName.SIGNATURE)
            self.ctl("{%p endfor %}")
            self.ctl("{%p else %}")
        self.p("{{ doc.signature }}", StyleName.SIGNATURE)
        if joint:
            self.ctl("{%p endif %}")
        self.p("{{ doc.date }}", StyleName.DATE)
        if joint:
            # 7.3.6: each 附注 on its own line, 2 字 in, in round brackets.
            self.ctl("{%p for n in doc.notes %}")
            self.p("{{ n }}", StyleName.NOTE)
            self.ctl("{%p endfor %}")
        else:
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

    def h1(self, text: str):
        return self.p(text, StyleName.HEADING[1])

    def h2(self, label: str, lead: str = ""):
        """A run-in level-2 heading ("（一）项目概况。") followed by body text on the same line."""
        return self.runs([(label, CHAR_H2), (lead, None)] if lead else [(label, CHAR_H2)])

    def para_list(self, seq: str, var: str = "t") -> None:
        self.ctl(f"{{%p for {var} in {seq} %}}")
        self.p(f"{{{{ {var} }}}}")
        self.ctl("{%p endfor %}")

    def loop_table(self, headers: list[str], cells: list[str], seq: str, var: str = "r",
                   widths_mm: tuple | None = None, centre: tuple[int, ...] = (), small: bool = False) -> None:
        """A header row repeated on every page, then one row per item of ``seq``."""
        n = len(headers)
        t = layout.add_table(self.doc, headers, [
            [f"{{%tr for {var} in {seq} %}}"] + [""] * (n - 1),
            cells,
            ["{%tr endfor %}"] + [""] * (n - 1),
        ], widths_mm=widths_mm)
        for i in centre:
            for p in t.rows[2].cells[i].paragraphs:
                p.paragraph_format.alignment = 1
        if small:
            # Wide tables (9 columns) use 小四 so figures such as "100.0%" stay on one line.
            for row in t.rows:
                for cell in row.cells:
                    for p in cell.paragraphs:
                        for run in p.runs:
                            run.font.size = Pt(gb.XIAOSI.pt)
        for row in t.rows[1:]:
            trpr = row._tr.get_or_add_trPr()
            for el in trpr.findall(qn("w:cantSplit")):
                trpr.remove(el)

    def imprint(self) -> None:
        """版记: floated to the bottom of the last page's text area; no 抄送 row without 抄送."""
        self.ctl("{%p if doc.cc or doc.printer %}")
        layout.add_imprint(self.doc, "{{ doc.cc }}", "{{ doc.printer }}", "{{ doc.print_date }}", self.s,
                           cc_condition="doc.cc")
        self.ctl("{%p endif %}")

    # ── output ──
    def save(self, path: Path, title: str) -> None:
        buf = io.BytesIO()
        self.doc.save(buf)
        write_template(buf.getvalue(), path, title)


def write_template(docx_bytes: bytes, path: Path, title: str, kind: str | None = None) -> None:
    """Normalise a python-docx package so the committed template is byte-reproducible and valid.

    Fixed zip metadata and core properties; python-docx's sample thumbnail dropped; the template's
    kind stored in its document properties (custom property 文书类型 and core 类别, see templates.py;
    ``kind`` defaults to the kind whose built-in file name ``path`` has); ``w:zoom`` given its required
    ``w:percent``; every font the styles and parts use listed in ``fontTable.xml`` with its charset and
    替代 name (``w:altName``), as Word lists them.
    """
    from wenshu.official.fixups import settings_zoom
    from wenshu.templates import add_kind_property, kind_from_name

    kind = kind or kind_from_name(path)
    zin = zipfile.ZipFile(io.BytesIO(docx_bytes))
    parts: dict[str, bytes] = {}
    for name in zin.namelist():
        data = zin.read(name)
        if name == "docProps/thumbnail.jpeg":
            continue
        if name == "_rels/.rels":
            data = re.sub(rb'<Relationship [^>]*Target="docProps/thumbnail.jpeg"/>', b"", data)
        if name == "[Content_Types].xml":
            data = data.replace(b'<Default Extension="jpeg" ContentType="image/jpeg"/>', b"")
        if name == "docProps/core.xml":
            category = None
            if kind:
                from wenshu.templates import _kinds

                category = _kinds()[kind][1]
            data = core_xml(title=title, subject="wenshu 公文模板（GB/T 9704-2012）", creator="wenshu", category=category)
        if name == "word/settings.xml":
            data = settings_zoom(data)
        parts[name] = data
    if "word/fontTable.xml" in parts:
        parts["word/fontTable.xml"] = font_table(parts)
    if kind:
        parts = add_kind_property(parts, kind)
    entries = sorted(parts.items(), key=lambda e: (e[0] != "[Content_Types].xml", e[0] == "docProps/custom.xml"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_zip(f, entries, level=COMPRESS_LEVEL)


# Fonts the 公文 settings name (gbt9704.FontSpec): their Word 替代 name is the first alternate
# (仿宋_GB2312 → 仿宋, 黑体 → SimHei ...).
_SPECS = {f.name: f for f in (gb.FANGSONG, gb.XIAOBIAOSONG, gb.HEITI, gb.KAITI, gb.SONGTI)}
_SANS = {gb.HEITI.name}
_RFONTS = re.compile(rb"<w:rFonts\b[^>]*>")
_FONT_ATTRS = re.compile(rb'w:(?:ascii|hAnsi|eastAsia|cs)="([^"]+)"')


def font_table(parts: dict[str, bytes]) -> bytes:
    """``word/fontTable.xml`` listing every font used by styles, numbering and the templated parts.

    Fonts already listed keep their entries; each missing one is added with ``w:altName`` (the
    substitute Word uses when the font is missing), ``w:charset`` (86 = GB2312 for Chinese fonts) and
    ``w:family``/``w:pitch``.
    """
    used: list[str] = []
    for name in sorted(parts, key=lambda n: (n != "word/styles.xml", n)):
        if name.startswith("word/") and name.endswith(".xml") and name != "word/fontTable.xml":
            for el in _RFONTS.finditer(parts[name]):
                for m in _FONT_ATTRS.finditer(el.group(0)):
                    font = m.group(1).decode("utf-8")
                    if font not in used:
                        used.append(font)
    table = parts["word/fontTable.xml"].decode("utf-8")
    listed = set(re.findall(r'<w:font w:name="([^"]+)"', table))
    added = []
    for font in used:
        if font in listed:
            continue
        cjk = not font.isascii()
        spec = _SPECS.get(font)
        alt = f'<w:altName w:val="{spec.alternates[0]}"/>' if spec and spec.alternates else ""
        family = "modern" if font in _SANS else ("roman" if cjk else "auto")
        added.append(f'<w:font w:name="{font}">{alt}<w:charset w:val="{"86" if cjk else "00"}"/>'
                     f'<w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>')
    if added:
        table = table.replace("</w:fonts>", "".join(added) + "</w:fonts>")
    return table.encode("utf-8")


# ─── the templates ──────────────────────────────────────────────────────────────────────────────


def notice_header(b: Builder) -> None:
    """版头 of the general format: 份号 / 密级和保密期限 / 紧急程度 (7.2.1–7.2.3), the 发文机关标志 of
    one organ or of several (联合行文, 7.2.4), the 发文字号 centred (下行文) or 1 字 from the left with
    the 签发人 on the right (上行文, 7.2.6), and the red rule."""
    s = b.s
    for field, style in (("copy_number", StyleName.COPY_NUMBER), ("secrecy", StyleName.SECRECY),
                         ("urgency", StyleName.URGENCY)):
        b.ctl(f"{{%p if doc.{field} %}}")
        b.p(f"{{{{ doc.{field} }}}}", style)
        b.ctl("{%p endif %}")
    layout.add_mark_spacer(b.doc, s.mark_size_pt)
    b.ctl("{%p if doc.marks %}")
    layout.add_joint_mark(b.doc, "for m in doc.marks", "{{ m }}", "{{ doc.mark_suffix }}", s)
    b.ctl("{%p else %}")
    layout.add_mark(b.doc, "{{ doc.mark }}", s.mark_size_pt)
    b.ctl("{%p endif %}")
    layout.add_blank_lines(b.doc, gb.DOC_NUMBER_GAP.value, StyleName.DOC_NUMBER)
    b.ctl("{%p if doc.signer_lines %}")
    b.ctl("{%p for g in doc.signer_lines %}")
    b.ctl("{%p if not loop.last %}")
    label = "{% if loop.first %}签发人：{% else %}\u3000\u3000\u3000\u3000{% endif %}"  # later lines: names under names
    b.runs([(label, None), ("{{ g.names }}", CHAR_SIGNER)], StyleName.SIGNER)
    b.ctl("{%p else %}")
    up = b.runs([("\t{{ doc.number }}\t" + label, None), ("{{ g.names }}", CHAR_SIGNER)], StyleName.DOC_NUMBER_UP)
    zi = gb.SANHAO.twips
    up.paragraph_format.tab_stops.add_tab_stop(Twips(zi))
    up.paragraph_format.tab_stops.add_tab_stop(Twips(gb.TEXT_WIDTH_TWIPS - zi), alignment=WD_TAB_ALIGNMENT.RIGHT)
    layout.add_red_rule(up, s)
    b.ctl("{%p endif %}")
    b.ctl("{%p endfor %}")
    b.ctl("{%p else %}")
    layout.add_doc_number(b.doc, "{{ doc.number }}", s)
    b.ctl("{%p endif %}")


def build_notice(out: Path, s: Settings = DEFAULT_SETTINGS) -> None:
    """通知 (any document of the general format): 版头, 标题, 主送, 正文, 附件说明, 署名/日期, 附注,
    印发文件, 附件, 版记."""
    b = Builder(s)
    notice_header(b)
    b.blank(2, StyleName.BODY)
    b.title()
    b.blank()
    b.recipients()
    b.blocks("body")
    b.attachment_notes("doc.attachments")
    b.signature(joint=True)
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


def score_table(b: Builder, score: str = "score") -> None:
    b.loop_table(["维度", "指标", "指标值", "目标值", "权重", "得分"],
                 ["{{ r.dimension }}", "{{ r.name }}", "{{ r.value }}", "{{ r.target }}", "{{ r.weight }}", "{{ r.score }}"],
                 f"{score}.rows", widths_mm=(18, 46, 26, 26, 20, 20), centre=(0, 2, 3, 4, 5))


def report_title(b: Builder) -> None:
    b.title()
    b.blank()


def method_paragraph(b: Builder, label: str = "（二）评价方法和标准。") -> None:
    """评价方法 in words, as a 发改局 would write it; the numbers come from the district's rules."""
    b.h2(label,
         "采用{{ method.name }}评分，满分100分，由效率（{{ method.efficiency }}分）、效能（{{ method.effectiveness }}分）、"
         "效益（{{ method.benefit }}分）三个维度构成。各项指标以实际值与目标值相比计分，达到或超过目标值的得满分，"
         "数值越低越好的指标以目标值与实际值相比计分。各维度得分为维度内各项指标得分按权重加权平均，"
         "不适用的指标不计分，其权重按比例分配给同一维度的其他指标；某一维度无适用指标的，其分值按比例分配给其他维度；"
         "综合得分为各维度得分按分值加权计算。"
         "综合得分{{ method.excellent }}分（含）以上为“优”，{{ method.good }}分（含）至{{ method.excellent }}分为“良”，"
         "{{ method.fair }}分（含）至{{ method.good }}分为“中”，{{ method.fair }}分以下为“差”。"
         "{% if method.basis %}评分规则依据{{ method.basis }}确定。{% endif %}")


def numbered_list(b: Builder, seq: str) -> None:
    """User items numbered 1. 2. …, or 无。 when there are none."""
    b.ctl(f"{{%p if {seq} %}}")
    b.ctl(f"{{%p for i in {seq} %}}")
    b.p("{{ i.label }}{{ i.text }}")
    b.ctl("{%p endfor %}")
    b.ctl("{%p else %}")
    b.p("无。")
    b.ctl("{%p endif %}")


def build_project_report(out: Path, s: Settings = DEFAULT_SETTINGS) -> None:
    """项目绩效评价报告: outline of 财预〔2020〕10号 adapted to 效率/效能/效益 (domain.md §2.9(a)).

    Government projects are judged against the 可行性研究报告 and have a 两算 section; social projects
    against the 项目策划书, with 产能利用率、碳排放、亩均效益 (notice 二、（四）1)."""
    b = Builder(s)
    report_title(b)
    b.p("根据{{ basis.title }}（{{ basis.number }}）要求，{{ evaluation.lead }}{% if evaluation.partners %}会同"
        "{{ evaluation.partners }}{% endif %}，对照{{ evaluation.basis }}，结合投资项目绩效综合评价平台（以下简称“绩效平台”）"
        "归集的建设管理数据，对{{ project.name }}开展了绩效评价。现将有关情况报告如下。")
    b.h1("一、基本情况")
    b.h2("（一）项目概况。",
         "{{ project.name }}{% if project.code %}（项目代码：{{ project.code }}）{% endif %}由{{ project.department }}负责行业管理，"
         "项目业主单位为{{ project.owner }}，建设地点位于{{ project.address }}。主要建设内容：{{ project.content }}"
         "项目总投资{{ project.total }}{% if project.funding %}，资金来源为{{ project.funding }}{% endif %}。"
         "项目计划于{{ project.planned_start }}开工、{{ project.planned_completion }}竣工，实际于{{ project.actual_start }}开工、"
         "{{ project.actual_completion }}竣工{% if project.accepted_on %}，{{ project.accepted_on }}通过竣工验收{% endif %}"
         "{% if project.filed_on %}，{{ project.filed_on }}完成竣工验收备案{% endif %}。")
    b.h2("（二）项目绩效目标。", "项目功能效益目标为：{{ project.objectives }}。")
    b.h1("二、绩效评价工作开展情况")
    b.h2("（一）评价对象和范围。",
         "评价对象为{{ project.name }}，属{% if is_government %}政府投资项目{% else %}社会投资项目{% endif %}。"
         "评价依据为{{ evaluation.basis }}，评价数据来源于绩效平台，统计截止日为{{ as_of }}。")
    method_paragraph(b)
    b.h2("（三）评价工作过程。", "{{ evaluation.team }}组成评价组，于{{ evaluation.date }}完成评价。")
    b.h1("三、综合评价情况及评价结论")
    b.ctl("{%p if score.scored %}")
    b.p("经评价，{{ project.name }}综合得分{{ score.total }}分，等级为“{{ score.grade }}”，其中{{ score.parts }}。"
        "各项指标的实际值、目标值、权重和得分如下表。")
    score_table(b)
    b.ctl("{%p else %}")
    b.p("截至统计截止日，项目尚无可评分的指标，暂不评定等级。")
    b.ctl("{%p endif %}")
    b.h1("四、绩效评价指标分析")
    b.h2("（一）效率评价。", "{% if efficiency %}{{ efficiency }}。{% else %}本项目效率指标均不适用。{% endif %}")
    b.ctl("{%p if is_government %}")
    b.h2("（二）效能评价。", "对照可行性研究报告，重点评价功能建设达标率和供给能力利用率"
         "{% if effectiveness %}：{{ effectiveness }}{% endif %}。"
         "{% if capacity %}项目设计能力为{{ capacity.design }}，{{ capacity.year }}年实际达到{{ capacity.actual }}。{% endif %}")
    b.h2("（三）效益评价。", "政府投资项目以社会效益为主{% if benefit %}，{{ benefit }}{% endif %}。")
    b.h2("（四）“两算”情况。", "{% if liangsuan %}项目于{{ liangsuan.completed }}竣工。{{ liangsuan.steps }}。"
         "{% else %}项目尚未竣工，“两算”期限尚未起算。{% endif %}")
    b.h2("（五）红黄绿灯预警情况。", "截至{{ as_of }}，项目各预警事项情况如下表。")
    b.ctl("{%p else %}")
    b.h2("（二）效能评价。", "对照项目策划书，重点评价产能利用率（服务能力）{% if effectiveness %}：{{ effectiveness }}{% endif %}。"
         "{% if capacity %}项目设计能力为{{ capacity.design }}，{{ capacity.year }}年实际达到{{ capacity.actual }}。{% endif %}")
    b.h2("（三）效益评价。", "重点评价碳排放达标率和亩均效益{% if benefit %}：{{ benefit }}{% endif %}。")
    b.h2("（四）红黄绿灯预警情况。", "截至{{ as_of }}，项目各预警事项情况如下表。")
    b.ctl("{%p endif %}")
    b.loop_table(["预警事项", "灯色", "情况"], ["{{ r.name }}", "{{ r.colour }}", "{{ r.reason }}"], "lights",
                 widths_mm=(24, 20, 112), centre=(0, 1))
    b.h1("五、主要经验及做法、存在的问题")
    b.h2("（一）主要经验及做法。")
    numbered_list(b, "findings")
    b.h2("（二）存在的问题。")
    numbered_list(b, "problems")
    b.h1("六、有关建议")
    numbered_list(b, "recommendations")
    b.h1("七、其他需要说明的问题")
    b.p("{% if other %}{{ other }}{% else %}无。{% endif %}")
    b.signature()
    b.save(out / "project_report.docx", "项目绩效评价报告")


def build_industry_report(out: Path, s: Settings = DEFAULT_SETTINGS) -> None:
    """行业绩效评价报告 (domain.md §2.9(b)): 政府投资 industries analyse 供给能力利用率, 社会投资 ones
    产能利用率 (notice 二、（四）2)."""
    b = Builder(s)
    report_title(b)
    b.p("根据{{ basis.title }}（{{ basis.number }}）要求，{{ department }}对照上级部门评价标准，"
        "组织开展了{{ year }}年度{{ industry }}行业投资项目绩效评价。现将有关情况报告如下。")
    b.h1("一、行业投资基本情况")
    b.ctl("{%p if background %}")
    b.p("{{ background }}")
    b.ctl("{%p endif %}")
    b.p("截至{{ as_of }}，全区{{ industry }}行业共有{{ count }}个项目纳入投资项目绩效综合评价平台（以下简称“绩效平台”）管理，"
        "总投资{{ total }}，其中{{ libraries }}。{% if investment_completion %}行业项目投资完成率为{{ investment_completion }}。{% endif %}")
    b.h1("二、评价工作开展情况")
    b.h2("（一）评价范围。", "评价范围为绩效平台中{{ industry }}行业全部{{ count }}个项目，围绕效率、效能、效益三个维度开展评价，"
         "数据来源于绩效平台，统计截止日为{{ as_of }}。")
    method_paragraph(b)
    b.h1("三、评价结果")
    b.p("{% if score.scored %}经评价，{{ industry }}行业综合得分{{ score.total }}分，等级为“{{ score.grade }}”，"
        "其中{{ score.parts }}。{% else %}截至统计截止日，本行业尚无可评分的指标，暂不评定等级。{% endif %}"
        "{% if scored_count %}行业内已竣工并评分的项目{{ scored_count }}个，其中{{ grades }}。"
        "{% else %}行业内暂无已竣工并评分的项目。{% endif %}行业项目预警情况为：{{ lights }}。")
    b.ctl("{%p if score.scored %}")
    score_table(b)
    b.ctl("{%p endif %}")
    b.h1("四、指标分析")
    b.h2("（一）效率。", "{% if efficiency %}{{ efficiency }}。{% else %}本行业效率指标均不适用。{% endif %}")
    b.ctl("{%p if is_government %}")
    b.h2("（二）效能（总量分析）。", "围绕供给能力利用率开展行业总量分析"
         "{% if effectiveness %}：{{ effectiveness }}。{% else %}，本行业暂无已竣工项目的运营数据。{% endif %}")
    b.h2("（三）效益。", "本行业为政府投资行业，以社会效益为主。")
    b.ctl("{%p else %}")
    b.h2("（二）效能（总量分析）。", "围绕产能利用率（服务能力）开展行业总量分析"
         "{% if effectiveness %}：{{ effectiveness }}。{% else %}，本行业暂无已竣工项目的运营数据。{% endif %}")
    b.h2("（三）效益。", "{% if benefit %}{{ benefit }}。{% else %}本行业暂无已竣工项目的效益数据。{% endif %}")
    b.ctl("{%p endif %}")
    b.ctl("{%p if structure %}")
    b.h2("（四）结构分析。")
    b.para_list("structure")
    b.ctl("{%p endif %}")
    b.h1("五、存在的主要问题")
    numbered_list(b, "problems")
    b.h1("六、意见建议及下一步工作")
    numbered_list(b, "recommendations")
    b.ctl("{%p if rectifications %}")
    b.p("针对上述问题，制定整改清单如下表。")
    b.loop_table(["序号", "问题", "整改措施", "责任单位", "完成时间"],
                 ["{{ r.seq }}", "{{ r.problem }}", "{{ r.measure }}", "{{ r.unit }}", "{{ r.due }}"], "rectifications",
                 widths_mm=(14, 38, 52, 24, 28), centre=(0, 3))
    b.ctl("{%p endif %}")
    b.attachment_notes("doc.attachments")
    b.signature()
    annex_page(b, "附件", "{{ annex_title }}")
    b.loop_table(["序号", "项目名称", "项目代码", "所在库", "总投资（万元）", "预警", "得分", "等级"],
                 ["{{ r.seq }}", "{{ r.name }}", "{{ r.code }}", "{{ r.library }}", "{{ r.total }}", "{{ r.light }}",
                  "{{ r.score }}", "{{ r.grade }}"],
                 "projects", widths_mm=(10, 42, 34, 15, 21, 14, 10, 10), centre=(0, 3, 5, 6, 7), small=True)
    b.save(out / "industry_report.docx", "行业绩效评价报告")


def annex_page(b: Builder, label: str, title: str) -> None:
    """An attachment page (7.3.7): label on line 1 in 黑体, title centred, one blank line each."""
    b.p(label, StyleName.ATTACHMENT_LABEL)
    b.blank()
    b.p(title, StyleName.ATTACHMENT_TITLE)
    b.blank()


def build_annual_report(out: Path, s: Settings = DEFAULT_SETTINGS) -> None:
    """年度投资项目综合绩效评价报告 (domain.md §2.9(c))."""
    b = Builder(s)
    report_title(b)
    b.p("根据{{ basis.title }}（{{ basis.number }}）要求，{{ lead }}根据项目绩效评价、行业绩效评价结果，"
        "围绕全区投资项目效率、效能、效益开展定量分析，围绕总体趋势、投入产出比、发展态势开展定性分析，"
        "形成{{ year }}年度投资项目综合绩效评价报告。报告数据统计截至{{ as_of }}。")
    b.h1("一、总体情况")
    b.p("截至{{ as_of }}，全区纳入绩效平台管理的投资项目共{{ project_count }}个，总投资{{ total }}。"
        "{{ previous_year }}年全区投资规模为{{ previous_year_investment }}，“三库”规模如下表。")
    b.loop_table(["库", "项目数（个）", "总投资（万元）", "为上年度投资规模的倍数", "目标倍数", "是否达到"],
                 ["{{ r.name }}", "{{ r.projects }}", "{{ r.total }}", "{{ r.multiple }}",
                  "{% if r.target %}{{ r.target }}{% else %}—{% endif %}", "{% if r.met %}{{ r.met }}{% else %}—{% endif %}"],
                 "libraries", widths_mm=(20, 22, 32, 36, 22, 24), centre=(0, 1, 2, 3, 4, 5))
    b.h1("二、改革推进情况")
    b.h2("（一）项目生成规范化。",
         "目录库项目{{ catalogue.projects }}个、总投资{{ catalogue.total_text }}，为上年度投资规模的{{ catalogue.multiple }}"
         "{% if catalogue.target %}（目标{{ catalogue.target }}，{{ catalogue.met }}）{% endif %}；"
         "储备库项目{{ reserve.projects }}个、总投资{{ reserve.total_text }}，为上年度投资规模的{{ reserve.multiple }}"
         "{% if reserve.target %}（目标{{ reserve.target }}，{{ reserve.met }}）{% endif %}；"
         "实施库项目{{ implementation.projects }}个、总投资{{ implementation.total_text }}。")
    b.h2("（二）项目论证标准化。",
         "{% if appraisal.judged %}已到期或已完成的论证入库事项{{ appraisal.judged }}项，其中在15个工作日内完成"
         "{{ appraisal.on_time }}项，论证按时率{{ appraisal.rate }}。"
         "{% else %}截至{{ as_of }}，尚无已到期或已完成的论证入库事项。{% endif %}")
    b.h2("（三）项目“两算”高效化。",
         "{% if liangsuan.judged %}已竣工的政府投资项目中，“两算”已完成或已到期的{{ liangsuan.judged }}个，"
         "其中在竣工后11个月内完成决算备案的{{ liangsuan.on_time }}个，两算按时率{{ liangsuan.rate }}。"
         "{% else %}截至{{ as_of }}，尚无“两算”已到期的政府投资项目。{% endif %}"
         "{% if cohort.count %}{{ cohort.year }}年竣工的政府投资项目{{ cohort.count }}个，结算率{{ cohort.settlement }}，"
         "决算率{{ cohort.final }}。{% endif %}")
    b.h2("（四）绩效评价客观化。",
         "截至{{ as_of }}，完成竣工项目绩效评价{{ evaluations }}个、行业绩效评价{{ industry_reports }}个。")
    b.h1("三、综合评价结果")
    method_paragraph(b, label="（一）评价方法和标准。")
    b.ctl("{%p if score.scored %}")
    b.h2("（二）评价结果。", "经评价，全区投资项目综合得分{{ score.total }}分，等级为“{{ score.grade }}”，"
         "其中{{ score.parts }}。各项指标得分如下表。")
    score_table(b)
    b.ctl("{%p else %}")
    b.h2("（二）评价结果。", "截至统计截止日，尚无可评分的指标，暂不评定等级。")
    b.ctl("{%p endif %}")
    b.ctl("{%p if industries %}")
    b.h2("（三）行业排名。", "各行业综合得分排名如下表。")
    b.loop_table(["排名", "行业", "项目数（个）", "得分", "等级"],
                 ["{{ r.rank }}", "{{ r.name }}", "{{ r.projects }}", "{{ r.score }}", "{{ r.grade }}"], "industries",
                 widths_mm=(18, 62, 24, 26, 26), centre=(0, 2, 3, 4))
    b.h2("（四）部门排名。", "各行业主管部门综合得分排名如下表。")
    b.loop_table(["排名", "部门", "项目数（个）", "得分", "等级"],
                 ["{{ r.rank }}", "{{ r.name }}", "{{ r.projects }}", "{{ r.score }}", "{{ r.grade }}"], "departments",
                 widths_mm=(18, 62, 24, 26, 26), centre=(0, 2, 3, 4))
    b.ctl("{%p endif %}")
    b.h1("四、效率、效能、效益分析")
    b.h2("（一）定量分析。", "全区投资项目主要指标如下表。")
    b.loop_table(["指标", "全区", "政府投资", "社会投资"],
                 ["{{ r.name }}", "{{ r.all }}", "{{ r.gov }}", "{{ r.social }}"], "indicators",
                 widths_mm=(60, 32, 32, 32), centre=(1, 2, 3))
    b.ctl("{%p if qualitative.trend or qualitative.input_output or qualitative.development %}")
    b.h2("（二）定性分析。")
    for key in ("trend", "input_output", "development"):
        b.para_list(f"qualitative.{key}")
    b.ctl("{%p endif %}")
    b.h1("五、红黄绿灯预警及整改情况")
    b.p("截至{{ as_of }}，全区项目中红灯{{ lights.red }}个、黄灯{{ lights.yellow }}个、绿灯{{ lights.green }}个"
        "{% if lights.na %}，另有{{ lights.na }}个项目尚无适用的预警事项{% endif %}。"
        "{% if reds %}红灯项目及其原因见{{ reds_label }}，由{{ committee }}协调调整和推进；"
        "黄灯项目由行业主管部门督促明确整改时限、限期整改。{% else %}全区无红灯项目。{% endif %}")
    b.h1("六、存在问题")
    numbered_list(b, "problems")
    b.h1("七、结果运用")
    b.p("{% if use.month %}根据{{ use.month }}督办考评结果，{% if use.commended %}对{{ use.commended }}予以通报表彰"
        "{% if use.criticised %}，{% endif %}{% endif %}{% if use.criticised %}对{{ use.criticised }}予以通报批评{% endif %}"
        "{% if not use.commended and not use.criticised %}各部门均未达到通报表彰或通报批评的条件{% endif %}。{% endif %}"
        "绩效评价结果作为实行差异化支持政策、经济调控、项目谋划、论证入库、要素配置的重要依据。")
    b.h1("八、有关建议和下一年度工作安排")
    b.ctl("{%p for g in suggestions %}")
    b.h2("{{ g.label }}{{ g.area }}。")
    b.ctl("{%p for i in g.entries %}")
    b.p("{{ i.label }}{{ i.text }}")
    b.ctl("{%p endfor %}")
    b.ctl("{%p endfor %}")
    b.ctl("{%p if next_tasks %}")
    b.p("{{ year + 1 }}年度重点工作任务见{{ next_tasks_label }}。")
    b.ctl("{%p endif %}")
    b.attachment_notes("doc.attachments")
    b.signature()
    b.ctl("{%p if reds %}")
    annex_page(b, "{{ reds_label }}", "{{ reds_title }}")
    b.loop_table(["序号", "项目名称", "项目代码", "行业主管部门", "红灯原因"],
                 ["{{ r.seq }}", "{{ r.name }}", "{{ r.code }}", "{{ r.department }}", "{{ r.reasons }}"], "reds",
                 widths_mm=(10, 36, 30, 20, 60), centre=(0,), small=True)
    b.ctl("{%p endif %}")
    b.ctl("{%p if next_tasks %}")
    annex_page(b, "{{ next_tasks_label }}", "{{ next_tasks.title }}")
    b.task_table("next_tasks")
    b.ctl("{%p endif %}")
    b.save(out / "annual_report.docx", "年度投资项目综合绩效评价报告")


def _bulletin(out: Path, s: Settings, criticise: bool) -> None:
    """通报表彰 / 通报批评: 事实 → 评价 → 决定 → 希望/要求 (domain.md §3.2–3.3)."""
    b = Builder(s)
    b.red_header()
    b.blank(2)
    b.title()
    b.blank()
    b.recipients()
    if criticise:
        b.p("根据{{ basis.title }}（{{ basis.number }}）建立的督办考评机制，{{ office }}对{{ month }}各部门投资项目绩效综合评价"
            "改革工作落实情况（包括项目录入论证、“红黄绿”灯预警、“两算”工作开展、绩效评价等）进行了督办检查。"
            "经检查，{{ units_text }}{% if count > 1 %}等{{ count }}个单位{% endif %}工作推进不力，影响改革进程。现将有关情况通报如下。")
        b.h1("一、存在的问题")
    else:
        b.p("根据{{ basis.title }}（{{ basis.number }}）建立的督办考评机制，{{ office }}对{{ month }}各部门投资项目绩效综合评价"
            "改革工作落实情况（包括项目录入论证、“红黄绿”灯预警、“两算”工作开展、绩效评价等）进行了督办检查。"
            "经考评，{{ units_text }}{% if count > 1 %}等{{ count }}个单位{% endif %}工作进展较快、成效较好。现将有关情况通报如下。")
        b.h1("一、工作成效")
    b.ctl("{%p for u in units %}")
    b.h2("{{ u.label }}{{ u.name }}。", "{{ u.facts }}")
    b.ctl("{%p endfor %}")
    if criticise:
        b.h1("二、处理决定")
        b.p("为严肃工作纪律，推动改革落地见效，决定对{{ units_text }}予以通报批评，并约谈主要负责人。")
        b.h1("三、有关要求")
        b.p("被通报单位要认真查找原因，制定整改措施，于{{ deadline }}前将整改情况书面报{{ office }}。"
            "各部门要引以为戒，对照督办考评要求举一反三，切实履行职责，确保各项改革任务按时完成。")
    else:
        b.h1("二、表彰决定")
        b.p("为表彰先进、推动工作，决定对{{ units_text }}予以通报表彰。")
        b.h1("三、有关希望")
        b.p("希望受表彰单位珍惜荣誉、再接再厉，及时总结做法，形成可复制、可推广的经验。"
            "各部门要以先进为榜样，强化措施，狠抓落实，推动投资项目绩效综合评价改革取得更大成效。")
    b.p("特此通报。")
    b.attachment_notes("doc.attachments")
    b.signature()
    annex_page(b, "附件", "{{ annex_title }}")
    b.loop_table(["排名", "部门", "得分", "平台登录", "事项办理", "预警处置", "两算报送", "评价报送", "结果"],
                 ["{{ r.rank }}", "{{ r.department }}", "{{ r.score }}", "{{ r.logins }}", "{{ r.handling }}",
                  "{{ r.warnings }}", "{{ r.report }}", "{{ r.evaluations }}", "{{ r.result }}"], "scores",
                 widths_mm=(10, 26, 14, 17, 17, 17, 17, 17, 21), centre=(0, 2, 3, 4, 5, 6, 7, 8), small=True)
    b.p("注：督办考评满分100分，其中平台登录{{ rule.logins }}分（每周登录平台不少于{{ rule.min_logins }}次的周数占比）、"
        "事项办理{{ rule.handling }}分（按时办结率）、预警处置{{ rule.warnings }}分（预警处置率）、"
        "两算报送{{ rule.report }}分（每月10日前报送上月进展得满分，逾期报送得该项分值的{{ rule.late_report }}，未报送不得分）、"
        "评价报送{{ rule.evaluations }}分（报送率）；当月不适用的事项不计分，其分值按比例分配给其他事项。"
        "表中各事项为得分率，“—”表示当月不适用。")
    b.imprint()
    b.save(out / ("criticism.docx" if criticise else "commendation.docx"), "通报批评" if criticise else "通报表彰")


def build_commendation(out: Path, s: Settings = DEFAULT_SETTINGS) -> None:
    _bulletin(out, s, criticise=False)


def build_criticism(out: Path, s: Settings = DEFAULT_SETTINGS) -> None:
    _bulletin(out, s, criticise=True)


BUILDERS: dict[str, Callable[[Path, Settings], None]] = {
    "notice.docx": build_notice,
    "task_list.docx": build_task_list,
    "project_report.docx": build_project_report,
    "industry_report.docx": build_industry_report,
    "annual_report.docx": build_annual_report,
    "commendation.docx": build_commendation,
    "criticism.docx": build_criticism,
}


def build_all(out: Path, settings: Settings = DEFAULT_SETTINGS) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    for name, fn in BUILDERS.items():
        fn(out, settings)
    return [out / n for n in BUILDERS]


if __name__ == "__main__":
    for p in build_all(Path(sys.argv[1] if len(sys.argv) > 1 else "templates")):
        print(p)
