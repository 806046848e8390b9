"""Build the official-format .docx templates in ``templates/`` from the GB/T 9704 constants.

    wenshu template build templates/          (each kind writes its own: DocumentKind.template_builder)

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
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

from wenshu.package import COMPRESS_LEVEL, core_xml, write_zip

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


def annex_page(b: Builder, label: str, title: str) -> None:
    """An attachment page (7.3.7): label on line 1 in 黑体, title centred, one blank line each."""
    b.p(label, StyleName.ATTACHMENT_LABEL)
    b.blank()
    b.p(title, StyleName.ATTACHMENT_TITLE)
    b.blank()
