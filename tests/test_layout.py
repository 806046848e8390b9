"""GB/T 9704 building blocks (official/layout.py): the OOXML they write, and a LibreOffice render."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from wenshu.official import fmt
from wenshu.official import gbt9704 as gb
from wenshu.official import layout as L

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
EM_DASH = "\u2014"


def w(attr: str) -> str:
    return f"{{{W}}}{attr}"


def build(path: Path, body_paragraphs: int = 40) -> Path:
    doc = Document()
    s = gb.DEFAULT_SETTINGS
    L.setup_page(doc, s)
    L.install_styles(doc, s)
    L.add_page_number_footers(doc, s)
    L.add_red_header(doc, "黄石港区人民政府办公室文件", fmt.doc_number("港政办", 2024, 3), s)
    L.add_blank_lines(doc, 2)
    L.add_paragraph(doc, "关于印发投资项目绩效综合评价改革工作方案的通知", L.StyleName.TITLE)
    L.add_blank_lines(doc, 1)
    L.add_paragraph(doc, fmt.recipients_line([["江北管理区", "各街道办事处"], ["区直各部门"]]), L.StyleName.RECIPIENTS)
    L.add_heading(doc, 1, fmt.heading_ordinal(1, 1) + "总体要求")
    # Each paragraph is exactly one full line: 2 字 indent + 26 字.
    for i in range(body_paragraphs):
        L.add_body(doc, "绩" * 26)
    L.add_table(doc, ["序号", "重点工作", "责任单位", "完成时间"], [["1", "录入项目", "区发改局", "5月底前"]],
                widths_mm=[15, 81, 30, 30])
    L.add_imprint(doc, fmt.cc_line([["区委各部门", "区人武部"], ["区人大"]]), "黄石港区人民政府办公室", "2024年4月28日")
    doc.save(path)
    return path


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("layout") / "gongwen.docx")


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def test_page_size_margins_and_grid(docx_path):
    sect = part(docx_path, "word/document.xml").find(".//w:body/w:sectPr", NS)
    pg = sect.find("w:pgSz", NS)
    assert (pg.get(w("w")), pg.get(w("h"))) == ("11906", "16838")
    mar = sect.find("w:pgMar", NS)
    assert [mar.get(w(k)) for k in ("top", "bottom", "left", "right")] == ["2098", "1984", "1587", "1474"]
    grid = sect.find("w:docGrid", NS)
    assert grid.get(w("type")) == "lines" and grid.get(w("linePitch")) == "579"
    assert 22 * 579 <= round(225 / 25.4 * 1440) < 22 * 580
    # schema order: docGrid is the last of these children
    names = [etree.QName(c).localname for c in sect]
    assert names.index("pgSz") < names.index("pgMar") < names.index("docGrid")


def test_even_and_odd_headers_enabled(docx_path):
    assert part(docx_path, "word/settings.xml").find("w:evenAndOddHeaders", NS) is not None


def test_every_style_names_an_east_asian_font(docx_path):
    styles = part(docx_path, "word/styles.xml")
    for rf in styles.iter(w("rFonts")):
        assert rf.get(w("eastAsia")), etree.tostring(rf.getparent().getparent())
        assert not any(rf.get(w(a)) for a in ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme"))
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert default.get(w("eastAsia")) == "仿宋_GB2312" and default.get(w("hint")) == "eastAsia"
    names = {s.find("w:name", NS).get(w("val")): s for s in styles.findall("w:style", NS)}
    for name in ("公文正文", "公文标题", "一级标题", "二级标题", "三级标题", "四级标题", "主送", "附件说明", "署名",
                 "成文日期", "附注", "附件标签", "附件标题", "版记", "表格文字", "表头", "发文机关标志", "发文字号"):
        rf = names[name].find("w:rPr/w:rFonts", NS)
        assert all(rf.get(w(a)) for a in ("ascii", "hAnsi", "eastAsia", "cs")), name
        sp = names[name].find("w:pPr/w:spacing", NS)
        assert sp.get(w("lineRule")) == "exact" and sp.get(w("before")) == "0" and sp.get(w("after")) == "0"


def test_body_style_numbers(docx_path):
    styles = part(docx_path, "word/styles.xml")
    body = styles.find("w:style[@w:styleId='GwBody']", NS)
    assert body.find("w:rPr/w:sz", NS).get(w("val")) == "32"
    assert body.find("w:rPr/w:spacing", NS).get(w("val")) == "-5"
    assert body.find("w:pPr/w:ind", NS).get(w("firstLine")) == "640"
    assert body.find("w:pPr/w:spacing", NS).get(w("line")) == "579"
    assert body.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "仿宋_GB2312"
    title = styles.find("w:style[@w:styleId='GwTitle']", NS)
    assert title.find("w:rPr/w:sz", NS).get(w("val")) == "44"
    assert title.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "方正小标宋简体"
    h1 = styles.find("w:style[@w:styleId='GwHeading1']", NS)
    assert h1.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "黑体"
    assert styles.find("w:style[@w:styleId='GwHeading2']/w:rPr/w:rFonts", NS).get(w("eastAsia")) == "楷体_GB2312"
    imprint = styles.find("w:style[@w:styleId='GwImprint']", NS)
    assert imprint.find("w:rPr/w:sz", NS).get(w("val")) == "28"  # 4号 = 14 pt, not 12


def _order_ok(parent, order) -> bool:
    ranks = [order.index(etree.QName(c).localname) for c in parent if etree.QName(c).localname in order]
    return ranks == sorted(ranks)


def test_children_in_schema_order(docx_path):
    for name in ("word/styles.xml", "word/document.xml"):
        root = part(docx_path, name)
        for ppr in root.iter(w("pPr")):
            assert _order_ok(ppr, L._PPR_ORDER), etree.tostring(ppr)
        for rpr in root.iter(w("rPr")):
            assert _order_ok(rpr, L._RPR_ORDER), etree.tostring(rpr)
        for tblpr in root.iter(w("tblPr")):
            assert _order_ok(tblpr, L._TBLPR_ORDER), etree.tostring(tblpr)


def _footer_for(docx: Path, kind: str) -> etree._Element:
    doc = part(docx, "word/document.xml")
    rels = part(docx, "word/_rels/document.xml.rels")
    ref = doc.find(f".//w:sectPr/w:footerReference[@w:type='{kind}']", NS)
    rid = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    target = next(r.get("Target") for r in rels if r.get("Id") == rid)
    return part(docx, f"word/{target}")


@pytest.mark.parametrize("kind, style_id, jc, indent_attr", [
    ("default", "GwPageNumberOdd", "right", "right"),
    ("even", "GwPageNumberEven", "left", "left"),
])
def test_page_number_footers(docx_path, kind, style_id, jc, indent_attr):
    footer = _footer_for(docx_path, kind)
    p = footer.find("w:p", NS)
    assert p.find("w:pPr/w:pStyle", NS).get(w("val")) == style_id
    # text in document order, with the field instruction marked
    seq = []
    for el in p.iter(w("t"), w("instrText"), w("fldChar")):
        if el.tag == w("fldChar"):
            seq.append(f"<{el.get(w('fldCharType'))}>")
        elif el.tag == w("instrText"):
            seq.append(f"[{el.text.strip()}]")
        else:
            seq.append(el.text)
    assert seq == [f"{EM_DASH} ", "<begin>", "[PAGE]", "<separate>", "1", "<end>", f" {EM_DASH}"]
    style = part(docx_path, "word/styles.xml").find(f"w:style[@w:styleId='{style_id}']", NS)
    assert style.find("w:pPr/w:jc", NS).get(w("val")) == jc
    assert style.find("w:pPr/w:ind", NS).get(w(indent_attr)) == "280"  # one 4号 character
    assert style.find("w:rPr/w:sz", NS).get(w("val")) == "28"
    assert style.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "宋体"


def test_red_header(docx_path):
    body = part(docx_path, "word/document.xml").find("w:body", NS)
    paras = body.findall("w:p", NS)
    styles = part(docx_path, "word/styles.xml")
    mark_style = styles.find("w:style[@w:styleId='GwIssuerMark']", NS)
    assert mark_style.find("w:rPr/w:color", NS).get(w("val")) == "FF0000"
    assert mark_style.find("w:rPr/w:rFonts", NS).get(w("eastAsia")) == "方正小标宋简体"
    assert paras[1].find("w:pPr/w:pStyle", NS).get(w("val")) == "GwIssuerMark"
    assert "".join(paras[1].itertext()) == "黄石港区人民政府办公室文件"
    number = paras[4]
    assert "".join(number.itertext()) == "港政办〔2024〕3号"
    bottom = number.find("w:pPr/w:pBdr/w:bottom", NS)
    assert bottom.get(w("color")) == "FF0000" and bottom.get(w("val")) == "single"
    assert bottom.get(w("sz")) == "18"  # 2.25 pt default (the standard gives no weight)
    assert number.find("w:pPr/w:ind", NS) is None  # rule spans the full 156 mm text width


def test_imprint_table(docx_path):
    body = part(docx_path, "word/document.xml").find("w:body", NS)
    tbl = body.findall("w:tbl", NS)[-1]
    pos = tbl.find("w:tblPr/w:tblpPr", NS)
    assert pos.get(w("vertAnchor")) == "margin" and pos.get(w("tblpYSpec")) == "bottom"
    borders = tbl.find("w:tblPr/w:tblBorders", NS)
    assert borders.find("w:top", NS).get(w("sz")) == "8"  # 0.35 mm
    assert borders.find("w:bottom", NS).get(w("sz")) == "8"
    assert borders.find("w:insideH", NS).get(w("sz")) == "6"  # 0.25 mm
    assert borders.find("w:left", NS).get(w("val")) == "nil"
    assert tbl.find("w:tblPr/w:tblW", NS).get(w("w")) == str(gb.TEXT_WIDTH_TWIPS)
    texts = ["".join(tc.itertext()) for tc in tbl.iter(w("tc"))]
    assert texts == ["抄送：区委各部门，区人武部；区人大。", "黄石港区人民政府办公室2024年4月28日印发"]
    last_row = tbl.findall("w:tr", NS)[-1]
    assert last_row.find(".//w:r/w:tab", NS) is not None  # organ ⇥ date, to a right tab stop
    tab = last_row.find(".//w:pPr/w:tabs/w:tab", NS)
    assert tab.get(w("val")) == "right" and tab.get(w("pos")) == str(gb.TEXT_WIDTH_TWIPS - 280)
    # the document must not end with a table (Word would "repair" it)
    assert etree.QName(body[-2]).localname == "p"


def test_task_table_header_repeats(docx_path):
    tbl = part(docx_path, "word/document.xml").find("w:body", NS).findall("w:tbl", NS)[0]
    rows = tbl.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert rows[1].find("w:trPr/w:tblHeader", NS) is None
    assert rows[0].find(".//w:pStyle", NS).get(w("val")) == "GwTableHeader"
    assert rows[1].find(".//w:pStyle", NS).get(w("val")) == "GwTableText"


def test_install_styles_is_idempotent(tmp_path):
    doc = Document()
    L.install_styles(doc)
    L.install_styles(doc)
    styles = doc.styles.element
    assert len(styles.findall(f"{{{W}}}style[@{{{W}}}styleId='GwBody']")) == 1
    assert len(styles.find(f"{{{W}}}style[@{{{W}}}styleId='GwBody']").findall(f"{{{W}}}pPr")) == 1


def test_signature_centred_over_date():
    # date "2024年4月28日" is 6.5 字 wide, "黄石港区人民政府办公室" 11 字 → signature sticks out
    assert L.signature_right_indent("区政府", "2024年4月28日") == int((4 + (6.5 - 3) / 2) * 320)
    assert L.signature_right_indent("黄石港区人民政府办公室", "2024年4月28日") == int((4 + (6.5 - 11) / 2) * 320)


# ─── rendered by LibreOffice ──────────────────────────────────────────────────────────────────

PT_PER_MM = 72 / 25.4


def _soffice_pdf(docx: Path, outdir: Path) -> Path:
    profile = outdir / "lo-profile"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(outdir),
         f"-env:UserInstallation={profile.as_uri()}", str(docx)],
        check=True, capture_output=True, timeout=180,
    )
    return outdir / (docx.stem + ".pdf")


def _lines(pdf: Path, page: int) -> list[tuple[float, float, float, str]]:
    """(yMin mm, xMin mm, xMax mm, text) of each text line of one page, from pdftotext -bbox-layout."""
    out = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         check=True, capture_output=True).stdout
    root = etree.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", out))
    lines = []
    for line in root.iter("{http://www.w3.org/1999/xhtml}line"):
        words = [wd.text or "" for wd in line.iter("{http://www.w3.org/1999/xhtml}word")]
        lines.append((float(line.get("yMin")) / PT_PER_MM, float(line.get("xMin")) / PT_PER_MM,
                      float(line.get("xMax")) / PT_PER_MM, " ".join(words)))
    return lines


@pytest.mark.libreoffice
@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                    reason="需要 LibreOffice 与 poppler-utils 做实际渲染核验")
def test_rendered_pdf_has_22_lines_and_page_numbers(tmp_path):
    pdf = _soffice_pdf(build(tmp_path / "render.docx", body_paragraphs=60), tmp_path)
    text_bottom = 37 + 225
    page2 = _lines(pdf, 2)
    body = [ln for ln in page2 if ln[0] < text_bottom]
    footer = [ln for ln in page2 if ln[0] > text_bottom]
    assert len(body) == 22, [ln[3] for ln in body]
    assert all(ln[3].replace(" ", "") == "绩" * 26 or len(ln[3].replace(" ", "")) <= 28 for ln in body)
    # "— 2 —": pdftotext drops the narrow half-width spaces, so compare without whitespace.
    assert len(footer) == 1 and re.sub(r"\s", "", footer[0][3]) == f"{EM_DASH}2{EM_DASH}"
    # even page: 1 字 (14 pt ≈ 4.9 mm) in from the left edge of the text area (28 mm)
    assert 28 + 4 < footer[0][1] < 28 + 6
    # dash line 7 mm below the text area: the line box starts a little above the dash
    assert text_bottom + 3 < footer[0][0] < text_bottom + 7.5
    page1_footer = [ln for ln in _lines(pdf, 1) if ln[0] > text_bottom]
    assert re.sub(r"\s", "", page1_footer[0][3]) == f"{EM_DASH}1{EM_DASH}"
    assert 210 - 26 - 6 < page1_footer[0][2] < 210 - 26 - 4  # odd page: 1 字 in from the right
    # 版记 floated to the bottom of the last page: its 印发 line is the last line of the 版心.
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    last = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    printed = [ln for ln in _lines(pdf, last) if "印发" in ln[3]]
    assert printed and text_bottom - 11 < printed[0][0] < text_bottom
