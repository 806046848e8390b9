"""GB/T 9704-2012 layout checks of a template, as warnings citing the clause.

Every number comes from ``official/gbt9704.py`` (value, clause, strength): nothing is repeated here.
The checks read what Word/WPS store — ``w:sectPr`` (page size, margins, document grid), the named
styles (fonts incl. the East Asian slot, sizes), the footers (PAGE field between U+2014 dashes) and
``w:evenAndOddHeaders`` — so a template edited in the office is held to the same standard as the
built-in ones. Layout findings are warnings: a district may have reasons (a landscape attachment),
and the 实务 numbers are not the standard's.
"""

from __future__ import annotations

import re
import zipfile

from lxml import etree

from wenshu.errors import Problem
from wenshu.official import gbt9704 as gb
from wenshu.official.gbt9704 import DEFAULT_SETTINGS, FontSpec, Spec
from wenshu.official.layout import StyleName
from wenshu.tplcheck.ooxml import q

W_VAL = q("val")
SIZE_TOLERANCE = 20  # twips: Word rounds mm settings in its dialogs


def _int(el, attr: str) -> int | None:
    if el is None:
        return None
    v = el.get(q(attr))
    try:
        return int(float(v)) if v is not None else None
    except ValueError:
        return None


def _mm(twips: int) -> str:
    return f"{gb.twips_to_mm(twips):.1f} mm"


class _Out:
    def __init__(self, label: str):
        self.label = label
        self.problems: list[Problem] = []

    def warn(self, code: str, where: str, message: str, spec: Spec | None, *, expected: str | None = None,
             found: str | None = None, hint: str | None = None, part: str | None = None) -> None:
        if spec is not None:
            message = f"{message}（{spec.cite()}）"
        self.problems.append(Problem(code=code, message=message, file=self.label, field_path=where,
                                     expected=expected, found=found, hint=hint, severity="warning", part=part))


def check_layout(zf: zipfile.ZipFile, names: list[str], roots: dict, label: str) -> list[Problem]:
    out = _Out(label)
    doc = roots.get("word/document.xml")
    if doc is not None:
        _sections(doc, out)
    if "word/styles.xml" in names:
        try:
            _styles(etree.fromstring(zf.read("word/styles.xml")), out)
        except etree.XMLSyntaxError:
            pass
    settings = None
    if "word/settings.xml" in names:
        try:
            settings = etree.fromstring(zf.read("word/settings.xml"))
        except etree.XMLSyntaxError:
            settings = None
    _footers(doc, roots, settings, names, zf, out)
    return out.problems


# ─── page ─────────────────────────────────────────────────────────────────────────────────────


def _sections(doc, out: _Out) -> None:
    sects = [s for s in doc.iter(q("sectPr")) if s.getparent().tag != q("sectPrChange")]
    for i, s in enumerate(sects, start=1):
        where = "页面设置" if len(sects) == 1 else f"页面设置（第{i}节）"
        pg = s.find(q("pgSz"))
        w, h = _int(pg, "w"), _int(pg, "h")
        landscape = w is not None and h is not None and w > h
        if w is None or h is None:
            out.warn("layout.page-size", where, "没有设置纸张大小，应为 A4（210 mm × 297 mm）", gb.PAPER_WIDTH)
        else:
            pw, ph = (h, w) if landscape else (w, h)
            if abs(pw - gb.PAGE_WIDTH_TWIPS) > SIZE_TOLERANCE or abs(ph - gb.PAGE_HEIGHT_TWIPS) > SIZE_TOLERANCE:
                out.warn("layout.page-size", where, "纸张不是 A4", gb.PAPER_WIDTH,
                         expected=f"{gb.PAPER_WIDTH.value} mm × {gb.PAPER_HEIGHT.value} mm",
                         found=f"{_mm(pw)} × {_mm(ph)}", hint="Word：布局 → 纸张大小 → A4。")
        mar = s.find(q("pgMar"))
        if mar is None:
            out.warn("layout.margin", where, "没有设置页边距", gb.MARGIN_TOP)
        elif not landscape:
            tol = gb.mm_to_twips(gb.MARGIN_TOLERANCE.value)
            for attr, spec, twips, name in (("top", gb.MARGIN_TOP, gb.MARGIN_TOP_TWIPS, "上边距（天头）"),
                                            ("left", gb.MARGIN_LEFT, gb.MARGIN_LEFT_TWIPS, "左边距（订口）")):
                v = _int(mar, attr)
                if v is None or abs(v - twips) > tol:
                    out.warn("layout.margin", where, f"{name}应为 {spec.value} mm ± {gb.MARGIN_TOLERANCE.value} mm", spec,
                             expected=f"{spec.value} mm", found=_mm(v) if v is not None else "未设置",
                             hint="Word：布局 → 页边距 → 自定义页边距。")
            if w is not None and h is not None:
                left, right = _int(mar, "left") or 0, _int(mar, "right") or 0
                top, bottom = abs(_int(mar, "top") or 0), abs(_int(mar, "bottom") or 0)
                tw, th = w - left - right, h - top - bottom
                if abs(tw - gb.TEXT_WIDTH_TWIPS) > tol:
                    out.warn("layout.margin", where, f"版心宽应为 {gb.TEXT_WIDTH.value} mm（右边距 {gb.MARGIN_RIGHT.value} mm）",
                             gb.TEXT_WIDTH, expected=f"{gb.TEXT_WIDTH.value} mm", found=_mm(tw))
                if abs(th - gb.TEXT_HEIGHT_TWIPS) > tol:
                    out.warn("layout.margin", where, f"版心高应为 {gb.TEXT_HEIGHT.value} mm（下边距 {gb.MARGIN_BOTTOM.value} mm）",
                             gb.TEXT_HEIGHT, expected=f"{gb.TEXT_HEIGHT.value} mm", found=_mm(th))
        grid = s.find(q("docGrid"))
        pitch = _int(grid, "linePitch")
        gtype = grid.get(q("type")) if grid is not None else None
        if pitch != gb.LINE_PITCH.value or gtype not in ("lines", "linesAndChars"):
            out.warn("layout.line-grid", where,
                     f"文档网格应为“只指定行网格，每页 {gb.LINES_PER_PAGE.value} 行”（行距 {gb.LINE_PITCH.value} twips）",
                     gb.LINES_PER_PAGE, expected=f"type=lines, linePitch={gb.LINE_PITCH.value}",
                     found=f"type={gtype or '无'}, linePitch={pitch if pitch is not None else '无'}",
                     hint="Word：布局 → 页面设置 → 文档网格 → 只指定行网格，每页 22 行。")


# ─── styles ───────────────────────────────────────────────────────────────────────────────────


class _Styles:
    def __init__(self, root):
        self.root = root
        self.by_id = {s.get(q("styleId")): s for s in root.iter(q("style"))}
        self.by_name = {}
        for s in root.iter(q("style")):
            n = s.find(q("name"))
            if n is not None:
                self.by_name[n.get(W_VAL)] = s
        defaults = root.find(q("docDefaults"))
        self.default_rpr = defaults.find(f"{q('rPrDefault')}/{q('rPr')}") if defaults is not None else None

    def chain(self, style):
        seen = set()
        while style is not None and id(style) not in seen:
            seen.add(id(style))
            yield style.find(q("rPr"))
            based = style.find(q("basedOn"))
            style = self.by_id.get(based.get(W_VAL)) if based is not None else None
        yield self.default_rpr

    def effective(self, style) -> tuple[str | None, str | None, int | None]:
        """(eastAsia font, eastAsiaTheme, size in half-points) after basedOn and docDefaults."""
        font = theme = None
        size = None
        for rpr in self.chain(style):
            if rpr is None:
                continue
            rf = rpr.find(q("rFonts"))
            if rf is not None and font is None and theme is None:
                font, theme = rf.get(q("eastAsia")), rf.get(q("eastAsiaTheme"))
                if theme is not None:
                    font = None
            sz = rpr.find(q("sz"))
            if sz is not None and size is None:
                size = _int(sz, "val")
        return font, theme, size


def _accepted(fs: FontSpec, setting: str | None) -> set[str]:
    return {fs.name, *fs.alternates, *([setting] if setting else [])}


def _styles(root, out: _Out) -> None:
    st = _Styles(root)
    s = DEFAULT_SETTINGS
    body = st.by_name.get(StyleName.BODY)
    if body is None:
        body = next((x for x in root.iter(q("style")) if x.get(q("type")) == "paragraph" and x.get(q("default")) == "1"), None)
    roles = [(body, "正文", gb.BODY_FONT, s.body_font)]
    for name, spec, setting in ((StyleName.TITLE, gb.TITLE_FONT, s.title_font),
                                (StyleName.ATTACHMENT_LABEL, gb.ATTACHMENT_LABEL_FONT, s.heading1_font),
                                (StyleName.IMPRINT, gb.IMPRINT_FONT, s.body_font),
                                (StyleName.PAGE_NUMBER_ODD, gb.PAGE_NUMBER_FONT, s.page_number_font),
                                (StyleName.PAGE_NUMBER_EVEN, gb.PAGE_NUMBER_FONT, s.page_number_font)):
        roles.append((st.by_name.get(name), name, spec, setting))
    for level, name in StyleName.HEADING.items():
        font, size = gb.HEADING_FONTS.value[level]
        spec = Spec((font, size), "", gb.HEADING_FONTS.clause, gb.HEADING_FONTS.strength)
        setting = {1: s.heading1_font, 2: s.heading2_font}.get(level, s.body_font)
        roles.append((st.by_name.get(name), name, spec, setting))
    for style, name, spec, setting in roles:
        if style is None:
            continue
        fs, size = spec.value
        where = f"样式“{name}”"
        font, theme, sz = st.effective(style)
        if theme is not None:
            out.warn("layout.theme-font", where, f"中文字体用的是主题字体（{theme}），WPS 和未装该字体的电脑会换成别的字体",
                     spec, expected=fs.name, found=theme, hint=f"在样式中把“中文字体”直接设为 {fs.name}。")
        elif font is None:
            out.warn("layout.font", where, f"没有设置中文字体（eastAsia），中文会落到默认字体；应为{fs.category}",
                     spec, expected=fs.name, found="未设置", hint=f"修改样式 → 格式 → 字体 → 中文字体：{fs.name}。")
        elif font not in _accepted(fs, setting):
            out.warn("layout.font", where, f"中文字体应为{fs.category}", spec, expected=fs.name, found=font,
                     hint=f"修改样式 → 格式 → 字体 → 中文字体：{fs.name}。")
        if sz is not None and sz != size.half_points:
            out.warn("layout.font-size", where, f"字号应为{size.name}（{size.pt} pt）", spec,
                     expected=f"{size.name}（w:sz={size.half_points}）", found=f"{sz / 2:g} pt")


# ─── page numbers ─────────────────────────────────────────────────────────────────────────────

_PAGE_INSTR = re.compile(r"^\s*PAGE\b")
_DASH_LIKE = "-－–―─一‒⁃"


def _page_number_paragraphs(root):
    """Yield (text before the PAGE field, text after it) for each paragraph with a PAGE field."""
    for p in root.iter(q("p")):
        before, after, state, found = [], [], "before", False
        for el in p.iter():
            if el.tag == q("fldSimple") and _PAGE_INSTR.match(el.get(q("instr")) or ""):
                found, state = True, "after"
                continue
            if el.tag == q("instrText") and _PAGE_INSTR.match(el.text or ""):
                found, state = True, "in-field"
                continue
            if el.tag == q("fldChar") and state == "in-field" and el.get(q("fldCharType")) == "end":
                state = "after"
                continue
            if el.tag == q("t") and state != "in-field":
                anc = next(el.iterancestors(q("fldSimple")), None)
                if anc is not None and _PAGE_INSTR.match(anc.get(q("instr")) or ""):
                    continue
                (before if state == "before" else after).append(el.text or "")
        if found:
            yield "".join(before), "".join(after)


def _footers(doc, roots: dict, settings, names: list[str], zf, out: _Out) -> None:
    dash = gb.PAGE_NUMBER_DASH.value
    footers = sorted(n for n in names if re.match(r"^word/footer\d*\.xml$", n))
    any_page = False
    for name in footers:
        root = roots.get(name)
        if root is None:
            continue
        from wenshu.engine.template import part_label

        for before, after in _page_number_paragraphs(root):
            any_page = True
            b, a = before.strip(), after.strip()
            if not (b.endswith(dash) and a.startswith(dash)):
                wrong = [c for c in (b[-1:] + a[:1]) if c in _DASH_LIKE]
                msg = ("页码两侧的一字线应为“—”（U+2014），这里用了“" + "".join(dict.fromkeys(wrong)) + "”") if wrong \
                    else "页码两侧应各有一条一字线：“— 1 —”"
                out.warn("layout.page-number-dash", part_label(name), msg, gb.PAGE_NUMBER_DASH,
                         expected=f"{dash} 页码 {dash}", found=f"{b} 页码 {a}".strip(), part=name,
                         hint="用中文输入法 Shift+- 两次输入破折号的一半，或插入符号 U+2014。")
    if not any_page:
        out.warn("layout.page-number", "页脚", "页脚中没有页码域（PAGE）", gb.PAGE_NUMBER_DASH,
                 hint="Word：插入 → 页码 → 页面底端；格式为“— 1 —”，单页居右、双页居左。")
    if settings is not None:
        eo = settings.find(q("evenAndOddHeaders"))
        on = eo is not None and eo.get(W_VAL, "true") not in ("0", "false", "off")
        if not on:
            out.warn("layout.even-odd", "页面设置", "没有启用“奇偶页不同”，无法做到单页码居右、双页码居左",
                     gb.PAGE_NUMBER_SIDE_INDENT, hint="Word：布局 → 页面设置 → 版式 → 页眉和页脚：奇偶页不同。")
        elif doc is not None:
            refs = [r.get(q("type")) for r in doc.iter(q("footerReference"))]
            if "even" not in refs:
                out.warn("layout.even-odd", "页面设置", "启用了“奇偶页不同”，但没有偶数页页脚（双页没有页码）",
                         gb.PAGE_NUMBER_SIDE_INDENT, hint="在偶数页页脚插入页码，居左空一字。")
