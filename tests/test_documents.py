"""Every document kind rendered from data_examples, reopened and checked: GB/T 9704 layout and content."""

from __future__ import annotations

from wenshu.official.fmt import cn_date

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from docx_inspect import NS, Docx, q
from tests.conftest import EXAMPLES, ROOT
from wenshu.pipeline import Pipeline, plan_all
from wenshu.documents import REGISTRY
from wenshu.official import gbt9704 as gb
from wenshu.render import compile_template, render_job

AS_OF = dt.date(2025, 11, 30)
# One representative document per kind (the key of the job to render).
PICK = {
    "notice": "港政办〔2024〕3号",
    "task_list": "2024-全区",
    "project_report": "HSG-2023-001",
    "industry_report": "教育",
    "annual_report": "2024",
    "commendation": "2025-10",
    "criticism": "2025-10",
}
RED_HEADER = {"notice", "commendation", "criticism"}


@pytest.fixture(scope="session")
def example():
    p = plan_all([EXAMPLES], as_of=AS_OF)
    return p.ds, p.analysis, p


@pytest.fixture(scope="session")
def rendered(tmp_path_factory, example) -> dict[str, Path]:
    ds, a, planned = example
    out = tmp_path_factory.mktemp("docs")
    paths = {}
    for kind, key in PICK.items():
        job = next(j for j in planned.of(kind) if j.key == key)
        paths[kind] = render_job(job, out / f"{kind}.docx")
    return paths


def test_every_registered_kind_is_covered():
    assert set(PICK) == set(REGISTRY)
    assert len(REGISTRY) == 7


@pytest.mark.parametrize("kind", sorted(PICK))
def test_page_setup(rendered, kind):
    d = Docx(rendered[kind])
    sect = d.document.find(".//w:body/w:sectPr", NS)
    size, mar, grid = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS), sect.find("w:docGrid", NS)
    assert (size.get(q("w")), size.get(q("h"))) == ("11906", "16838")  # A4
    assert [mar.get(q(k)) for k in ("top", "bottom", "left", "right")] == [
        str(gb.MARGIN_TOP_TWIPS), str(gb.MARGIN_BOTTOM_TWIPS), str(gb.MARGIN_LEFT_TWIPS), str(gb.MARGIN_RIGHT_TWIPS)]
    assert [mar.get(q(k)) for k in ("top", "bottom", "left", "right")] == ["2098", "1984", "1587", "1474"]
    assert grid.get(q("linePitch")) == "579"
    assert 22 * 579 <= gb.mm_to_twips(225) < 22 * 580


@pytest.mark.parametrize("kind", sorted(PICK))
def test_fonts_and_body_style(rendered, kind):
    d = Docx(rendered[kind])
    body = d.style("GwBody")
    rpr, ppr = body.find("w:rPr", NS), body.find("w:pPr", NS)
    assert rpr.find("w:sz", NS).get(q("val")) == "32"  # 三号 16 pt
    fonts = rpr.find("w:rFonts", NS)
    assert fonts.get(q("eastAsia")) == "仿宋_GB2312" and fonts.get(q("ascii"))
    assert ppr.find("w:ind", NS).get(q("firstLine")) == "640"  # 2 字
    spacing = ppr.find("w:spacing", NS)
    assert (spacing.get(q("line")), spacing.get(q("lineRule"))) == ("579", "exact")
    # Every paragraph style actually used names an East Asian font (directly or through its style).
    used = {d.paragraph_style(p) for p in d.paragraphs()} - {None}
    for sid in used:
        st = d.style(sid)
        assert st is not None, sid
        rf = st.find("w:rPr/w:rFonts", NS)
        assert rf is not None and rf.get(q("eastAsia")), f"{kind}: style {sid} has no eastAsia font"
    # Headings: 一级 黑体, 二级 楷体 (as a paragraph style and as the run-in character style).
    assert d.style("GwHeading1").find("w:rPr/w:rFonts", NS).get(q("eastAsia")) == "黑体"
    assert d.style("GwHeading2").find("w:rPr/w:rFonts", NS).get(q("eastAsia")) == "楷体_GB2312"
    assert d.style("GwHeading2Char").find("w:rPr/w:rFonts", NS).get(q("eastAsia")) == "楷体_GB2312"
    assert d.style("GwTitle").find("w:rPr/w:sz", NS).get(q("val")) == "44"  # 二号
    assert d.style("GwTitle").find("w:rPr/w:rFonts", NS).get(q("eastAsia")) == "方正小标宋简体"


@pytest.mark.parametrize("kind", sorted(PICK))
def test_page_numbers_odd_right_even_left(rendered, kind):
    d = Docx(rendered[kind])
    assert d.xml("word/settings.xml").find("w:evenAndOddHeaders", NS) is not None
    sect = d.document.find(".//w:body/w:sectPr", NS)
    refs = {r.get(q("type")): r.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            for r in sect.findall("w:footerReference", NS)}
    assert {"default", "even"} <= set(refs)
    rels = d.xml("word/_rels/document.xml.rels")
    target = {r.get("Id"): r.get("Target") for r in rels}
    for kind_, style, jc in (("default", "GwPageNumberOdd", "right"), ("even", "GwPageNumberEven", "left")):
        footer = d.xml("word/" + target[refs[kind_]])
        p = footer.find(".//w:p", NS)
        assert d.paragraph_style(p) == style
        assert d.style(style).find("w:pPr/w:jc", NS).get(q("val")) == jc
        text = "".join(t.text or "" for t in footer.iter(q("t")))
        instr = "".join(t.text or "" for t in footer.iter(q("instrText")))
        assert "PAGE" in instr
        assert re.fullmatch(r"\u2014 ?\d+ ?\u2014", text.strip()), text
        size = d.style(style).find("w:rPr/w:sz", NS).get(q("val"))
        assert size == "28"  # 四号 14 pt
        assert d.style(style).find("w:rPr/w:rFonts", NS).get(q("eastAsia")) == "宋体"


@pytest.mark.parametrize("kind", sorted(RED_HEADER))
def test_red_header_and_imprint(rendered, kind):
    d = Docx(rendered[kind])
    paras = d.paragraphs()
    mark = next(p for p in paras if d.paragraph_style(p) == "GwIssuerMark")
    assert d.style("GwIssuerMark").find("w:rPr/w:color", NS).get(q("val")) == "FF0000"
    number = next(p for p in paras if d.paragraph_style(p) == "GwDocNumber" and d.text(p).strip())
    assert re.fullmatch(r"\S+〔20\d\d〕\d+号", d.text(number)), d.text(number)
    bottom = number.find("w:pPr/w:pBdr/w:bottom", NS)
    assert bottom.get(q("color")) == "FF0000"
    # 主送 flush left ending with the full-width colon
    rec = next(p for p in paras if d.paragraph_style(p) == "GwRecipients")
    assert d.text(rec).endswith("：")
    # 版记: outer rules 0.35 mm (sz 8), inner 0.25 mm (sz 6), floated to the bottom of the text area
    imprint = [t for t in d.document.iter(q("tbl")) if t.find("w:tblPr/w:tblpPr", NS) is not None][-1]
    tblpr = imprint.find("w:tblPr", NS)
    pos = tblpr.find("w:tblpPr", NS)
    assert (pos.get(q("vertAnchor")), pos.get(q("tblpYSpec"))) == ("margin", "bottom")
    borders = tblpr.find("w:tblBorders", NS)
    assert borders.find("w:top", NS).get(q("sz")) == "8"
    assert borders.find("w:bottom", NS).get(q("sz")) == "8"
    assert borders.find("w:insideH", NS).get(q("sz")) == "6"
    text = d.text(imprint)
    assert "抄送：" in text and text.rstrip().endswith("印发")
    assert mark is not None


def test_signature_centred_over_date_when_sealed(rendered):
    d = Docx(rendered["notice"])
    paras = d.paragraphs()
    sig = next(p for p in paras if d.paragraph_style(p) == "GwSignature")
    date = next(p for p in paras if d.paragraph_style(p) == "GwDate")
    assert d.text(date) == "2024年4月28日"
    r_sig = int(sig.find("w:pPr/w:ind", NS).get(q("right")))
    r_date = int(date.find("w:pPr/w:ind", NS).get(q("right")))
    assert r_date == 4 * 320  # 右空四字
    # signature (11 字) centred on the date (2024年4月28日 = 6.5 字: digits are half width):
    # 4 + (6.5 − 11) / 2 = 1.75 字
    assert r_sig == int(1.75 * 320)


def test_task_table_merges_units_and_repeats_header(rendered):
    d = Docx(rendered["task_list"])
    table = next(d.document.iter(q("tbl")))
    rows = table.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert [d.text(c) for c in rows[0].findall("w:tc", NS)] == ["序号", "重点工作", "责任单位", "完成时间"]
    body = rows[1:]
    assert len(body) == 18  # the source notice's 18 tasks
    units, merges = [], []
    for r in body:
        cell = r.findall("w:tc", NS)[2]
        vm = cell.find("w:tcPr/w:vMerge", NS)
        merges.append(vm.get(q("val")) if vm is not None else None)
        units.append(d.text(cell))
    # 区发改局 rows 2–5 share one merged cell; 区各行业主管部门 rows 6–10 another
    assert merges[1:5] == ["restart", "continue", "continue", "continue"]
    assert units[1] == "区发改局" and units[2:5] == ["", "", ""]
    assert merges[5:10] == ["restart"] + ["continue"] * 4 and units[5] == "区各行业主管部门"
    seqs = [d.text(r.findall("w:tc", NS)[0]) for r in body]
    assert seqs == [str(i) for i in range(1, 19)]
    dues = [d.text(r.findall("w:tc", NS)[3]) for r in body]
    assert dues[2] == "5月底前" and dues[1] == "每周登录平台至少1次，完成相关操作"


def test_notice_content(rendered):
    d = Docx(rendered["notice"])
    text = d.all_text()
    for s in ("黄石港区人民政府办公室", "港政办〔2024〕3号", "江北管理区、各街道办事处，区直各部门：",
              "一、工作目标", "（一）项目生成规范化。成立区级投资管理委员会", "（牵头单位：区发改局；责任单位：各行业主管部门）",
              "三、保障措施", "附件：投资项目绩效综合评价体系改革2024年任务清单",
              "抄送：区委各部门，区人武部，各人民团体；区人大，区政协，区法院，区检察院。"):
        assert s in text, s
    labels = [d.text(p) for p in d.paragraphs() if d.paragraph_style(p) == "GwAttachmentLabel"]
    assert labels == ["附件"]
    # Generated numbering runs 一、二、三、 at level 1 of the work plan
    h1 = [d.text(p) for p in d.paragraphs() if d.paragraph_style(p) == "GwHeading1"]
    assert h1 == ["一、工作目标", "二、工作任务", "三、保障措施"]


def test_project_report_numbers_are_computed(rendered, example):
    ds, a, planned = example
    d = Docx(rendered["project_report"])
    text = d.all_text()
    # The report's figures are as of its own date (the evaluation date), not the run's --as-of: the
    # same as a whole analysis run as of that date.
    ev = ds.evaluation("HSG-2023-001")
    seen = {}
    Pipeline([EXAMPLES], as_of=ev.evaluated_on, on_analysis=lambda p, pa: seen.setdefault(p.id, pa)).finish()
    pa = seen["HSG-2023-001"]
    assert f"综合得分{pa.score.total_display}分，等级为“{pa.score.grade}”" in text
    assert f"统计截止日为{cn_date(ev.evaluated_on)}" in text
    assert "项目总投资18,600.00万元" in text  # 万元 throughout the report
    assert "对照《黄石港区第二实验小学新建工程可行性研究报告》及其批复" in text  # government: 可研
    assert "区财政局" in text  # government evaluators


def test_social_project_report_differs(example, tmp_path):
    ds, a, planned = example
    social = next(j for j in planned.of("project_report") if not j.context.is_government)
    d = Docx(render_job(social, tmp_path / "s.docx"))
    text = d.all_text()
    assert "项目策划书" in text and "区科经局" in text and "碳排放达标率" in text
    assert "供给能力利用率" not in text.split("四、绩效评价指标分析")[1].split("五、")[0]


def test_bulletins_name_the_right_departments(rendered, example):
    ds, a, planned = example
    oct_ = a.supervision[-1]
    crit = Docx(rendered["criticism"]).all_text()
    for dep in oct_.criticised:
        assert dep.department in crit
    assert "予以通报批评，并约谈主要负责人" in crit and "特此通报。" in crit
    comm = Docx(rendered["commendation"]).all_text()
    assert {d.department for d in oct_.commended} <= set(re.findall(r"区\w+?局", comm)) | {"区发改局"}
    assert "予以通报表彰" in comm


def test_annual_report_library_multiples(rendered, example):
    ds, a, planned = example
    text = Docx(rendered["annual_report"]).all_text()
    cat = a.libraries.lines[0]
    assert f"为上年度投资规模的{(cat.multiple).quantize(Decimal('0.01'), rounding='ROUND_HALF_UP')}倍" in text
    assert "目录库" in text and "储备库" in text


def test_output_is_deterministic(example, tmp_path):
    ds, a, planned = example
    job = next(j for j in planned.of("notice"))
    one = render_job(job, tmp_path / "a.docx").read_bytes()
    two = render_job(job, tmp_path / "b.docx").read_bytes()
    assert one == two


def test_templates_are_reproducible_and_current(tmp_path):
    from wenshu.documents.base import build_templates

    for p in build_templates(tmp_path):
        assert p.read_bytes() == (ROOT / "templates" / p.name).read_bytes(), f"templates/{p.name} is stale: rebuild"


def test_every_template_compiles():
    for key in REGISTRY:
        compile_template(key)
