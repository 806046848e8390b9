"""Valid OOXML and templates from other editors: every template and every kind of output passes the
ECMA-376 schema check (../shared/tools/ooxml_check.py, as Word reads a file); templates saved by
LibreOffice/WPS, {%tc %} column loops and error locations behave as docxtpl and `template check` do."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docxtpl import DocxTemplate
from lxml import etree

import tplfixtures as F
from docx_inspect import Docx
from tests.conftest import EXAMPLES, ROOT
from wenshu.documents import REGISTRY
from wenshu.engine.env import make_env
from wenshu.engine.patch import number_lines, patch_xml
from wenshu.engine.template import CompiledTemplate
from wenshu.errors import RenderError, TemplateError
from wenshu.templates import bundled_dir, stored_kind
from wenshu.tplcheck import check_template

CHECKER = ROOT.parent / "shared" / "tools" / "ooxml_check.py"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
AS_OF = "2025-11-30"


def ooxml_check(files: list[Path]) -> str:
    """Run the schema checker on ``files``; its report (empty when every file is valid)."""
    if not CHECKER.is_file():
        pytest.fail(f"找不到 {CHECKER}（仓库旁的 ../shared/tools/ooxml_check.py）")
    assert files
    r = subprocess.run([sys.executable, str(CHECKER), *map(str, files)], capture_output=True, text=True)
    assert r.stdout.strip().endswith(f"{len(files)} files, 0 problems") or r.returncode != 0, r.stdout
    return "" if r.returncode == 0 else r.stdout


def wenshu(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wenshu", *map(str, args)], capture_output=True, text=True)


# ─── the schemas ──────────────────────────────────────────────────────────────────────────────


def test_every_template_is_valid_ooxml():
    templates = sorted(bundled_dir().glob("*.docx"))
    assert len(templates) == len(REGISTRY)
    assert ooxml_check(templates) == ""


def test_every_output_of_every_kind_is_valid_ooxml(tmp_path):
    out = tmp_path / "out"
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF)
    assert r.returncode == 0, r.stderr
    docs = sorted(out.rglob("*.docx"))
    kinds = {d.relative_to(out).parts[1] for d in docs}
    assert kinds == {k.title for k in REGISTRY.values()}  # every kind is among them
    assert ooxml_check(docs) == ""
    # the merges docxtpl's {% vm %} makes are there, in schema order (w:vMerge before w:vAlign)
    task_list = next(d for d in docs if "/任务清单/" in d.as_posix())
    root = etree.fromstring(zipfile.ZipFile(task_list).read("word/document.xml"))
    merged = [tcpr for tcpr in root.iter(W + "tcPr") if tcpr.find(W + "vMerge") is not None]
    assert merged
    for tcpr in merged:
        names = [etree.QName(c).localname for c in tcpr]
        if "vAlign" in names:
            assert names.index("vMerge") < names.index("vAlign"), names


def test_hostile_data_outputs_are_valid_ooxml(tmp_path):
    from test_hostile_data import PAYLOADS, run_one

    made = []
    for i, payload in enumerate(PAYLOADS):
        sub = tmp_path / f"c{i}"
        sub.mkdir()
        shutil.copy(EXAMPLES / "district.yaml", sub / "district.yaml")
        if run_one(sub, "测试" + payload[:50], payload, payload[:200] or "开展评价工作。", True) is not None:
            made.append((sub / "out.docx").rename(sub / f"hostile-{i}.docx"))
    assert len(made) == len(PAYLOADS) - 4  # all but the XML-illegal payloads render
    assert ooxml_check(made) == ""


def test_font_table_lists_the_fonts_with_charset_and_substitutes():
    for t in sorted(bundled_dir().glob("*.docx")):
        table = etree.fromstring(zipfile.ZipFile(t).read("word/fontTable.xml"))
        fonts = {f.get(W + "name"): f for f in table.iter(W + "font")}
        for name, alt in (("仿宋_GB2312", "仿宋"), ("方正小标宋简体", "方正小标宋_GBK"), ("黑体", "SimHei"),
                          ("楷体_GB2312", "楷体"), ("宋体", "SimSun")):
            assert name in fonts, (t.name, name)
            assert fonts[name].find(W + "charset").get(W + "val") == "86"
            assert fonts[name].find(W + "altName").get(W + "val") == alt
        settings = zipfile.ZipFile(t).read("word/settings.xml").decode()
        assert re.search(r'<w:zoom [^>]*w:percent="100"', settings)


# ─── docxtpl's clean-up, one line per paragraph ───────────────────────────────────────────────


def _corpus(tmp_path: Path) -> list[Path]:
    files = sorted(bundled_dir().glob("*.docx"))
    for name in dir(F):
        edit = getattr(F, name)
        if isinstance(edit, F.Edit):
            for t in ("notice.docx", "task_list.docx"):
                try:
                    files.append(F.copy_with(F.builtin(t), tmp_path / f"{name}-{t}", [edit]))
                except AssertionError:
                    pass  # the edit is for the other template
    return files


def test_patch_is_docxtpls_with_one_line_per_paragraph(tmp_path):
    """engine/patch.py gives exactly docxtpl's patch_xml once its newlines are removed, and keeps a
    line per paragraph (so error line numbers are paragraph numbers)."""
    checked = 0
    for f in _corpus(tmp_path):
        with zipfile.ZipFile(f) as z:
            for name in z.namelist():
                if re.match(r"word/(document|header\d*|footer\d*)\.xml$", name):
                    xml = z.read(name).decode("utf-8")
                    numbered = number_lines(xml)
                    ours = patch_xml(numbered)
                    assert ours.replace("\n", "") == DocxTemplate.patch_xml(None, xml).replace("\n", ""), (f.name, name)
                    assert ours.count("\n") == numbered.count("\n"), (f.name, name)
                    checked += 1
    assert checked > 40


def notice_context() -> dict:
    from wenshu.render import plan

    return plan("notice", [EXAMPLES])[1][0].context_dict()


def task_context() -> dict:
    from wenshu.render import plan

    return plan("task_list", [EXAMPLES])[1][0].context_dict()


def test_render_error_names_the_paragraph_template_check_names(tmp_path):
    """A misspelt field deep in the body (after many {%p %} paragraphs) and one in a {%tr %} table row:
    the engine's location is template check's, word for word."""
    for edit, template, ctx in ((F.Edit("{{ doc.signature }}", "{{ doc.sigature }}"), "notice.docx", notice_context()),
                                (F.MISSPELT_IN_LOOP, "task_list.docx", task_context())):
        path = F.copy_with(F.builtin(template), tmp_path / template, [edit])
        with pytest.raises(RenderError) as e:
            CompiledTemplate(path).render_bytes(ctx)
        engine = e.value.problems[0]
        checker = [p for p in check_template(path) if p.code == "tpl.unknown-field"]
        assert len(checker) == 1
        assert engine.field_path == checker[0].field_path, (engine.format(), checker[0].format())
        n = F.para_number(path, edit.new.strip("{} "))
        assert engine.field_path.startswith(f"正文 第{n}段")
        assert (engine.part, engine.paragraph) == (checker[0].part, checker[0].paragraph) == ("word/document.xml", n)
        assert engine.context == engine.found
        # the same template with its XML pretty-printed (newlines and indents between elements, as
        # some tools save it): same paragraph numbers
        pretty = tmp_path / f"pretty-{template}"
        with zipfile.ZipFile(path) as zin, zipfile.ZipFile(pretty, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename == "word/document.xml":
                    data = etree.tostring(etree.fromstring(data), pretty_print=True, xml_declaration=True,
                                          encoding="UTF-8", standalone=True)
                    assert data.count(b"\n") > 100
                zout.writestr(item, data)
        with pytest.raises(RenderError) as e:
            CompiledTemplate(pretty).render_bytes(ctx)
        assert e.value.problems[0].field_path == engine.field_path


def test_template_that_does_not_compile_is_reported_as_template_check_reports_it(tmp_path):
    path = F.copy_with(F.builtin("notice.docx"), tmp_path / "notice.docx", [F.UNCLOSED_FOR_NOTE, F.P_IF_NO_SPACE])
    with pytest.raises(TemplateError) as e:
        CompiledTemplate(path)
    engine = [(p.code, p.field_path, p.part, p.paragraph) for p in e.value.problems]
    checker = [(p.code, p.field_path, p.part, p.paragraph) for p in check_template(path) if p.severity == "error"]
    assert engine == checker and len(engine) == 2
    text = "\n".join(p.format() for p in e.value.problems)
    assert not re.search(r"[A-Za-z]{4,} (of|end|template|expected)", text), text  # no Jinja English


# ─── templates saved by other editors ─────────────────────────────────────────────────────────


def _entity_encoded(src: Path, dst: Path) -> Path:
    """``src`` as LibreOffice and WPS write it: quotes inside tags as &quot; / &apos;."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(\{%[^%]*%\})", lambda m: m.group(1).replace('"', "&quot;"), text)
                text = text.replace("{{ doc.title }}", "{{ doc.title|replace(&apos;x&apos;, &apos;x&apos;) }}")
                assert "&quot;h1&quot;" in text
                data = text.encode("utf-8")
            zout.writestr(item, data)
    return dst


def text_of(data: bytes, path: Path) -> str:
    path.write_bytes(data)
    return Docx(path).all_text()


def docxtpl_text(template: Path, context: dict, path: Path) -> str:
    tpl = DocxTemplate(str(template))
    tpl.render(context, jinja_env=make_env(), autoescape=True)
    tpl.save(str(path))
    return Docx(path).all_text()


def test_entity_encoded_tags_render_as_docxtpl_renders_them(tmp_path):
    ctx = notice_context()
    encoded = _entity_encoded(F.builtin("notice.docx"), tmp_path / "notice.docx")
    ours = text_of(CompiledTemplate(encoded).render_bytes(ctx), tmp_path / "ours.docx")
    plain = text_of(CompiledTemplate(F.builtin("notice.docx")).render_bytes(ctx), tmp_path / "plain.docx")
    assert ours == plain
    assert ours.replace("\n", "") == docxtpl_text(encoded, ctx, tmp_path / "docxtpl.docx").replace("\n", "")
    assert [p.code for p in check_template(encoded) if p.severity == "error"] == []


def _tc_template(path: Path) -> Path:
    """A three-column table whose middle cells come from a {%tc %} column loop."""
    doc = Document()
    table = doc.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, (["{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"],
                                       ["{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"])):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    doc.save(path)
    return path


@pytest.mark.parametrize("cols", [["甲"], ["甲", "乙"], ["甲", "乙", "丙", "丁", "戊"]])
def test_table_grid_is_fixed_after_a_tc_loop_as_docxtpl_does(tmp_path, cols):
    path = _tc_template(tmp_path / "tc.docx")
    ours = etree.fromstring(zipfile.ZipFile(io.BytesIO(CompiledTemplate(path).render_bytes({"cols": cols}))).read("word/document.xml"))
    tpl = DocxTemplate(str(path))
    tpl.render({"cols": cols}, jinja_env=make_env(), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    theirs = etree.fromstring(zipfile.ZipFile(buf).read("word/document.xml"))

    def grid(root):
        return [g.get(W + "w") for g in root.iter(W + "gridCol")]

    def cells(root):
        return [len(r.findall(W + "tc")) for r in root.iter(W + "tr")]

    assert cells(ours) == [len(cols)] * 2
    assert len(grid(ours)) == len(cols)
    assert grid(ours) == grid(theirs)
    out = tmp_path / "out.docx"
    out.write_bytes(CompiledTemplate(path).render_bytes({"cols": cols}))
    assert ooxml_check([out]) == ""


@pytest.mark.libreoffice
def test_template_saved_by_libreoffice_and_renamed_still_works(tmp_path):
    """A built-in template opened and saved by LibreOffice (which writes &quot; in tags), then renamed
    by the office: `batch --templates` uses it for its kind, `template check` knows what it is."""
    import json

    import lo

    exe = lo.require_soffice()
    subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "lo"),
                    str(F.builtin("notice.docx"))], check=True, capture_output=True, timeout=180)
    saved = tmp_path / "lo" / "notice.docx"
    assert "&quot;h1&quot;" in zipfile.ZipFile(saved).read("word/document.xml").decode()
    tdir = tmp_path / "tpl"
    tdir.mkdir()
    renamed = tdir / "红头文件（办公室修改）.docx"  # a name that no longer says the kind
    shutil.move(saved, renamed)
    assert stored_kind(renamed) == "notice"
    assert [p.code for p in check_template(renamed) if p.severity == "error"] == []
    out = tmp_path / "out"
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF, "--kinds", "notice", "--templates", tdir)
    assert r.returncode == 0, r.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # the three example notices, every one from the renamed template
    assert manifest["count"] == 3 and {o["template"] for o in manifest["outputs"]} == {renamed.as_posix()}
    source = next(o for o in manifest["outputs"] if o["key"] == "港政办〔2024〕3号")
    assert "港政办〔2024〕3号" in Docx(out / source["path"]).all_text()


@pytest.mark.parametrize("expr,words", [
    ("{{ 1 / 0 }}", "除以了零"),
    ("{% for i in range(10**9) %}x{% endfor %}", "次数过多"),
    ("{% for c in 5 %}{% endfor %}", "不是列表"),
    ("{{ doc.title + 1 }}", "不同类型"),
])
def test_template_runtime_errors_are_explained_in_chinese(tmp_path, expr, words):
    path = F.copy_with(F.builtin("notice.docx"), tmp_path / "notice.docx", [F.Edit("{{ doc.title }}", expr)])
    with pytest.raises(RenderError) as e:
        CompiledTemplate(path).render_bytes(notice_context())
    p = e.value.problems[0]
    assert words in p.message and not re.search(r"[A-Za-z]{3,}", p.message), p.message
    assert p.field_path.startswith(f"正文 第{F.para_number(path, expr)}段")


def test_cell_tags_are_patched_as_docxtpl_patches_them():
    """{% colspan %} and {% cellbg %} in a table cell (tags of docxtpl an office may use) become the
    cell's gridSpan / shading as docxtpl makes them, with a line per paragraph kept."""
    def cell(tag: str, text: str) -> str:
        return (f'<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/><w:gridSpan w:val="1"/><w:shd w:fill="FFFFFF"/></w:tcPr>'
                f'<w:p><w:r><w:t>{tag}</w:t></w:r><w:r><w:t></w:t></w:r><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>')
    xml = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:tbl><w:tr>'
           + cell("{% colspan n %}", "甲") + cell("{% cellbg colour %}", "乙") + cell("{%colspan 2%}", "丙")
           + "</w:tr></w:tbl><w:p><w:r><w:t>尾</w:t></w:r></w:p></w:body></w:document>")
    numbered = number_lines(xml)
    ours = patch_xml(numbered)
    theirs = DocxTemplate.patch_xml(None, xml)
    assert ours.replace("\n", "") == theirs.replace("\n", "")
    assert ours.count("\n") == numbered.count("\n")
    assert ours.count('<w:gridSpan w:val="{{n }}"/>') == 1 and ours.count('<w:gridSpan w:val="{{2}}"/>') == 1
    assert ours.count('<w:shd w:val="clear" w:color="auto" w:fill="{{colour }}"/>') == 1
    assert "colspan" not in ours and "cellbg" not in ours and ours.count('<w:gridSpan w:val="1"/>') == 1
