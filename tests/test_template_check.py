"""wenshu template check / annotate / fields / export, on templates broken the way Word and WPS break them.

Every broken template is a copy of a built-in template with one XML edit (tests/tplfixtures.py), so
each expected problem has one cause and one place: the test asserts the code, the part and the
paragraph number, and that the offending tag is marked with 【】.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import tplfixtures as F
from wenshu.documents import REGISTRY
from wenshu.engine.template import CompiledTemplate
from wenshu.errors import RenderError, TemplateError, UsageError
from wenshu.templates import bundled_dir
from wenshu.tplcheck import annotate, check_template, detect_kind, fields_for, render_field_doc
from wenshu.tplcheck.check import ANNOTATION_AUTHOR

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data_examples"
NOTICE, TASKS = "notice.docx", "task_list.docx"


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def codes(problems):
    return sorted(p.code for p in errors(problems))


def broken(tmp_path: Path, edits, name: str = NOTICE, as_name: str | None = None) -> Path:
    edits = [edits] if isinstance(edits, F.Edit) else list(edits)
    return F.copy_with(F.builtin(name), tmp_path / (as_name or name), edits)


def notice_context():
    from wenshu.render import plan

    jobs = plan("notice", [EXAMPLES])[1]
    # the source notice: one organ, one signature, a 下行文 (the other examples are joint or 上行文)
    return next(j for j in jobs if j.key == "港政办〔2024〕3号").context_dict()


def rendered_text(data: bytes) -> str:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode("utf-8"))


# ─── the built-in templates ───────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_builtin_templates_check_clean(key):
    path = bundled_dir() / REGISTRY[key].template
    problems = check_template(path)
    assert errors(problems) == [], "\n\n".join(p.format() for p in problems)
    # warnings are allowed, but none is expected from templates built from gbt9704.py
    for p in problems:
        print(p.format())
    assert [p.code for p in problems] == []


def test_kind_is_detected_from_the_template_name(tmp_path):
    for key, k in REGISTRY.items():
        assert detect_kind(Path(k.template)) == key
        assert detect_kind(tmp_path / f"{k.title}（办公室修改）.docx") == key  # by its Chinese name
    # A template without the stored kind (as one made before wenshu stored it) and with a name that
    # says nothing: the fields cannot be checked.
    other = tmp_path / "我的模板.docx"
    with zipfile.ZipFile(F.builtin(NOTICE)) as zin, zipfile.ZipFile(other, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/custom.xml":
                continue
            if item.filename == "docProps/core.xml":
                data = data.replace("<cp:category>通知</cp:category>".encode(), b"")
            zout.writestr(item, data)
    problems = check_template(other)
    assert [p.code for p in problems] == ["tpl.no-kind"]
    assert errors(check_template(other, kind="notice")) == []


def test_kind_is_read_from_the_template_itself(tmp_path):
    """A renamed template is still checked as what it is: its kind is in its document properties."""
    renamed = shutil.copy(F.builtin(NOTICE), tmp_path / "我的模板.docx")
    assert detect_kind(Path(renamed)) == "notice"
    assert check_template(Path(renamed)) == []
    misspelt = F.copy_with(F.builtin(NOTICE), tmp_path / "新模板.docx", [F.MISSPELT_BLOCK_TEXT])
    assert "tpl.unknown-field" in [p.code for p in check_template(misspelt)]  # fields checked as a notice


def test_unknown_kind_and_missing_file_are_usage_errors(tmp_path):
    with pytest.raises(UsageError) as e:
        check_template(F.builtin(NOTICE), kind="notise")
    assert "notice" in e.value.problems[0].message
    with pytest.raises(UsageError):
        check_template(tmp_path / "nope.docx")


def test_not_a_docx(tmp_path):
    bad = tmp_path / "notice.docx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 an old .doc file")
    assert codes(check_template(bad)) == ["tpl.not-docx"]


# ─── what Word does that docxtpl repairs: no error, and the engine really renders it ──────────


@pytest.mark.parametrize("edit", [F.PROOF_SPLIT, F.BRACE_SPLIT, F.BOOKMARK_IN_TAG], ids=["proofErr+rsid", "brace-split", "bookmark"])
def test_splits_docxtpl_repairs_are_not_errors(tmp_path, edit):
    path = broken(tmp_path, edit)
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(F.builtin(NOTICE)) as orig:
        xml = z.read("word/document.xml").decode()
        before = orig.read("word/document.xml").decode()
    tag = "{{ doc.title }}" if "doc.title" in edit.old else "{{ doc.number }}"
    assert xml.count(tag) == before.count(tag) - 1  # the tag really is split
    assert errors(check_template(path)) == []
    ctx = notice_context()
    text = rendered_text(CompiledTemplate(path).render_bytes(ctx))
    assert ctx["doc"]["title"].replace("\n", "") in text and ctx["doc"]["number"] in text


# ─── the corpus: one Word/WPS mistake each → code, part, paragraph, 【mark】 ───────────────────

CORPUS = [
    # (id, edit, template, code, severity, text that locates the paragraph in the broken copy)
    ("deleted-between-braces", F.DELETED_BETWEEN_BRACES, NOTICE, "tpl.split-tag", "error", "doc.title"),
    ("hyperlink-split", F.HYPERLINK_SPLIT, NOTICE, "tpl.split-tag", "error", "{{ doc.signature }}"),
    ("smart-quotes", F.SMART_QUOTES, NOTICE, "tpl.smart-quotes", "warning", "\u201ch1\u201d"),
    ("corner-quotes", F.CORNER_QUOTES, NOTICE, "tpl.smart-quotes", "error", "\u300ch1\u300d"),
    ("fullwidth-braces", F.FULLWIDTH_BRACES, NOTICE, "tpl.fullwidth-brace", "error", "\uff5b\uff5b doc.title"),
    ("misspelt-in-loop", F.MISSPELT_IN_LOOP, TASKS, "tpl.unknown-field", "error", "{{ r.wrok }}"),
    ("misspelt-block-text", F.MISSPELT_BLOCK_TEXT, NOTICE, "tpl.unknown-field", "error", "{{ b.txet }}"),
    ("unclosed-tr-for", F.UNCLOSED_TR, TASKS, "tpl.unclosed-block", "error", "{%tr for g in table.groups %}"),
    ("unclosed-p-for", F.UNCLOSED_FOR_NOTE, NOTICE, "tpl.unclosed-block", "error", "{%p for n in doc.notes %}"),
    ("pif", F.P_IF_NO_SPACE, NOTICE, "tpl.missing-space", "error", "{%pif"),
    ("space-before-tr", F.TR_SPACE, TASKS, "tpl.prefix-space", "error", "{% tr for"),
    ("two-p-tags", F.TWO_P_TAGS, NOTICE, "tpl.two-paragraph-tags", "error", "{%p endif %}{%p for b in body %}"),
    ("unknown-filter", F.UNKNOWN_FILTER, NOTICE, "tpl.unknown-filter", "error", "cn_dat"),
    ("mro", F.UNSAFE, NOTICE, "tpl.unsafe", "error", "__mro__"),
    ("tr-outside-row", F.TR_IN_BODY, NOTICE, "tpl.tr-outside-row", "error", "{%tr for a in attachment_pages %}"),
    ("endfor-closes-if", F.ENDFOR_FOR_ENDIF, NOTICE, "tpl.mismatched-block", "error", "{%p if doc.recipients %}"),
]


@pytest.mark.parametrize("case", CORPUS, ids=[c[0] for c in CORPUS])
def test_corpus(tmp_path, case):
    _, edit, template, code, severity, needle = case
    path = broken(tmp_path, edit, template)
    problems = check_template(path)
    hits = [p for p in problems if p.code == code]
    assert hits, "\n\n".join(p.format() for p in problems)
    p = hits[0]
    assert p.severity == severity
    n = F.para_number(path, needle)
    assert p.field_path.startswith(f"正文 第{n}段"), p.format()
    assert "【" in p.found and "】" in p.found, p.format()
    assert (p.part, p.paragraph, p.context) == ("word/document.xml", n, p.found)  # the place as data
    assert p.file == str(path)
    assert re.search(r"[\u4e00-\u9fff]", p.message)  # a Chinese explanation
    # one mistake, one error: no cascade of follow-up errors
    assert len(errors(problems)) <= 2, "\n\n".join(x.format() for x in problems)


def test_misspelt_field_suggests_the_right_one(tmp_path):
    p = next(p for p in check_template(broken(tmp_path, F.MISSPELT_IN_LOOP, TASKS)) if p.code == "tpl.unknown-field")
    assert "wrok" in p.message and "“work”" in p.message
    assert "表格1 第4行第2列" in p.field_path
    assert p.found == p.context == "【{{ r.wrok }}】"
    assert p.field_path.startswith(f"正文 第{p.paragraph}段（")


def test_unopened_split_breaks_the_engine_too(tmp_path):
    """What the checker calls tpl.split-tag really does go wrong in the engine (literal braces or bad XML)."""
    ctx = notice_context()
    path = broken(tmp_path, F.DELETED_BETWEEN_BRACES)
    text = rendered_text(CompiledTemplate(path).render_bytes(ctx))
    assert "doc.title }}" in text  # printed literally instead of the title
    path2 = broken(tmp_path / "h", F.HYPERLINK_SPLIT)
    with pytest.raises((TemplateError, RenderError)):
        CompiledTemplate(path2).render_bytes(ctx)


# ─── all problems in one run ──────────────────────────────────────────────────────────────────


def test_six_planted_mistakes_give_six_located_messages(tmp_path):
    path = broken(tmp_path, F.SIX_ERRORS)
    problems = check_template(path)
    errs = errors(problems)
    assert len(errs) == 6, "\n\n".join(p.format() for p in problems)
    assert len({p.code for p in errs}) == 6
    assert len({p.field_path for p in errs}) == 6
    expected = {
        "tpl.fullwidth-brace": "\uff5b\uff5b doc.title", "tpl.missing-space": "{%pif",
        "tpl.smart-quotes": "\u300ch1\u300d", "tpl.unknown-field": "{{ b.txet }}",
        "tpl.unknown-filter": "cn_dat", "tpl.unsafe": "__mro__",
    }
    for p in errs:
        assert p.field_path.startswith(f"正文 第{F.para_number(path, expected[p.code])}段"), p.format()
        assert "【" in p.found


def test_several_block_errors_are_all_reported_at_their_opening_tags(tmp_path):
    path = broken(tmp_path, [F.ENDFOR_FOR_ENDIF, F.UNCLOSED_FOR_NOTE, F.MISSPELT_BLOCK_TEXT])
    problems = errors(check_template(path))
    got = {(p.code, p.field_path) for p in problems}
    assert ("tpl.mismatched-block", f"正文 第{F.para_number(path, '{%p if doc.recipients %}')}段") in got
    assert ("tpl.unclosed-block", f"正文 第{F.para_number(path, '{%p for n in doc.notes %}')}段") in got
    assert any(c == "tpl.unknown-field" for c, _ in got)  # field checks still ran


def test_a_syntax_error_does_not_stop_the_check(tmp_path):
    path = broken(tmp_path, [F.Edit("{{ doc.title }}", "{{ doc.title + }}"), F.MISSPELT_BLOCK_TEXT, F.UNKNOWN_FILTER])
    assert codes(check_template(path)) == ["tpl.syntax", "tpl.unknown-field", "tpl.unknown-filter"]


def test_problems_in_a_footer_name_the_footer(tmp_path):
    with zipfile.ZipFile(F.builtin(NOTICE)) as z:
        footer = z.read("word/footer1.xml").decode()
    assert "\u2014 " in footer
    path = broken(tmp_path, F.Edit("\u2014 </w:t>", "\u2014 {{ doc.titel }}</w:t>", part="word/footer1.xml"))
    p = next(p for p in check_template(path) if p.code == "tpl.unknown-field")
    assert p.field_path == "页脚1 第1段"
    assert (p.part, p.paragraph) == ("word/footer1.xml", 1)
    assert "是否应为“title”" in p.message


# ─── the resolver: loops, set, with, Optional, filters with attributes ───────────────────────


def injected(tmp_path, text: str) -> list:
    """notice.docx with the 成文日期 paragraph's tag (top level of the body, inside no block) replaced
    by ``text`` (inline tags only)."""
    xml = text.replace("&", "&amp;").replace("<", "&lt;")
    return check_template(broken(tmp_path, F.Edit(F.DATE_TAG, f"<w:t>{xml}</w:t>")))


@pytest.mark.parametrize("text,code,words", [
    ("{% for p in attachment_pages %}{{ p.tilte }}{% endfor %}", "tpl.unknown-field", ["tilte", "title"]),
    ("{% for p in body %}{{ loop.idx }}{% endfor %}", "tpl.unknown-field", ["idx", "index"]),
    ("{{ b.text }}", "tpl.unknown-field", ["循环"]),
    ("{% set t = doc %}{{ t.numbr }}", "tpl.unknown-field", ["numbr", "number"]),
    ("{% with x = enclosure %}{% if x %}{{ x.titel }}{% endif %}{% endwith %}", "tpl.unknown-field", ["titel"]),
    ("{{ body|map(attribute='txt')|join('、') }}", "tpl.unknown-field", ["txt", "text"]),
    ("{{ body.text }}", "tpl.unknown-field", ["列表"]),
    ("{{ doc.标题 }}", "tpl.unknown-field", ["title"]),
    ("{{ doc.title|money_atuo }}", "tpl.unknown-filter", ["money_auto"]),
    ("{% if doc.title is emptty %}x{% endif %}", "tpl.unknown-test", ["emptty"]),
    ("{{ cycler.__init__.__globals__ }}", "tpl.unsafe", ["__init__"]),
    ("{{ body.append(1) }}", "tpl.unsafe", ["append"]),
    ("{{ doc.title.mro }}", "tpl.unsafe", ["mro"]),
])
def test_resolver_errors(tmp_path, text, code, words):
    problems = injected(tmp_path, text)
    hit = [p for p in problems if p.code == code]
    assert hit, "\n\n".join(p.format() for p in problems)
    for w in words:
        assert w in hit[0].message + (hit[0].hint or ""), hit[0].format()


@pytest.mark.parametrize("text", [
    "{% for p in attachment_pages %}{{ loop.index }}{{ p.title }}{% if p.table %}{{ p.table.count }}{% endif %}{% endfor %}",
    "{% set n = body|length %}{{ n }}{{ doc.title|cn_number if false else '' }}",
    "{{ body|map(attribute='text')|join('、') }}{{ (body|first).label }}",
    "{% for k, v in doc.items() %}{{ k }}{% endfor %}{{ doc.get('title') }}",
    "{{ enclosure.title if enclosure else '' }}{{ enclosure and enclosure.title }}",
    "{% if enclosure %}{% for e in enclosure.blocks %}{{ e.text|ensure_end_punct }}{% endfor %}{% endif %}",
    "{{ doc.title|replace('通知', '') }}{{ doc.title.strip() }}",
])
def test_resolver_accepts_valid_templates(tmp_path, text):
    problems = injected(tmp_path, text)
    assert [p.format() for p in problems if p.code.startswith("tpl.")] == []


def test_optional_without_if_is_a_warning(tmp_path):
    problems = injected(tmp_path, "{{ enclosure.title }}{% for a in attachment_pages %}{{ a.table.title }}{% endfor %}")
    warn = [p for p in problems if p.code == "tpl.maybe-none"]
    assert {p.field_title for p in warn} == {"enclosure", "a.table"}
    assert all(p.severity == "warning" for p in warn) and not errors(problems)


def test_printing_a_list_is_a_warning(tmp_path):
    problems = injected(tmp_path, "{{ body }}")
    assert [p.code for p in problems] == ["tpl.prints-object"]


# ─── docxtpl container rules ─────────────────────────────────────────────────────────────────


def test_percent_inside_p_tag(tmp_path):
    path = broken(tmp_path, F.Edit('{%p if b.kind == "h1" and b.lead %}', '{%p if loop.index % 2 %}'))
    assert "tpl.container-tag-chars" in codes(check_template(path))


def test_text_beside_a_p_tag_is_lost(tmp_path):
    path = broken(tmp_path, F.Edit("{%p if doc.recipients %}", "主送：{%p if doc.recipients %}"))
    p = next(p for p in check_template(path) if p.code == "tpl.text-removed")
    assert p.severity == "warning" and "主送" in p.message


def test_tag_cut_by_enter(tmp_path):
    path = broken(tmp_path, F.Edit("{{ doc.title }}", "{{ doc.</w:t></w:r></w:p><w:p><w:r><w:t>title }}"))
    problems = errors(check_template(path))
    assert [p.code for p in problems] == ["tpl.unclosed-tag"]
    assert "下一段" in problems[0].message


def test_loop_from_one_cell_to_another(tmp_path):
    # the task table's {%tr endfor %} rows become inline tags in the wrong cells
    path = broken(tmp_path, [F.Edit("{%tr for r in g.rows %}", "{% for r in g.rows %}"),
                             F.Edit("{%tr endfor %}", "{% endfor %}")], TASKS)
    assert "tpl.block-crosses-cells" in codes(check_template(path))


def test_vm_outside_a_loop(tmp_path):
    path = broken(tmp_path, F.Edit("{{ doc.title }}", "{% vm %}{{ doc.title }}"))
    assert {"tpl.merge-outside-table", "tpl.merge-outside-loop"} <= set(codes(check_template(path)))


def test_rich_tag_and_unknown_tag(tmp_path):
    path = broken(tmp_path, [F.Edit("{{ doc.title }}", "{{p doc.title }}"), F.Edit("{%p endif %}", "{%p endiff %}", count=1)])
    got = codes(check_template(path))
    assert "tpl.rich-tag" in got and "tpl.unknown-tag" in got


def test_tracked_deletion_of_a_tag(tmp_path):
    path = broken(tmp_path, F.Edit("<w:r><w:t>{{ doc.title }}</w:t></w:r>",
                                   '<w:r><w:t>{{ doc.title }}</w:t></w:r><w:del w:id="7" w:author="a"><w:r>'
                                   "<w:delText>{{ doc.old }}</w:delText></w:r></w:del>"))
    problems = check_template(path)
    assert "tpl.deleted-tag" in codes(problems)
    assert "tpl.tracked-changes" in [p.code for p in problems]


# ─── GB/T 9704 layout warnings (read from gbt9704.py) ─────────────────────────────────────────


def body_style_font(font: str) -> F.Edit:
    with zipfile.ZipFile(F.builtin(NOTICE)) as z:
        styles = z.read("word/styles.xml").decode()
    m = re.search(r'<w:style [^>]*w:styleId="GwBody".*?</w:style>', styles)
    return F.Edit(m.group(0), m.group(0).replace('w:eastAsia="仿宋_GB2312"', f'w:eastAsia="{font}"'), part="word/styles.xml")


def test_layout_warnings_cite_the_clause(tmp_path):
    from wenshu.official import gbt9704 as gb

    top = f'w:top="{gb.MARGIN_TOP_TWIPS}"'
    pitch = f'w:linePitch="{gb.LINE_PITCH.value}"'
    path = broken(tmp_path, [
        F.Edit(top, 'w:top="1440"'),
        F.Edit(pitch, 'w:linePitch="312"'),
        F.Edit("\u2014 </w:t>", "- </w:t>", part="word/footer1.xml"),
        F.Edit("<w:evenAndOddHeaders/>", "", part="word/settings.xml"),
        body_style_font("微软雅黑"),
    ])
    problems = check_template(path)
    assert errors(problems) == []
    by = {p.code: p for p in problems}
    assert {"layout.margin", "layout.line-grid", "layout.page-number-dash", "layout.even-odd", "layout.font"} <= set(by)
    top_margin = next(p for p in problems if p.code == "layout.margin" and "天头" in p.message)
    assert top_margin.part is None and top_margin.paragraph is None  # a page setting, in no paragraph
    assert "5.2.1" in top_margin.message and top_margin.found == "25.4 mm" and top_margin.expected == "37 mm"
    assert "5.2.3" in by["layout.line-grid"].message
    assert "7.5" in by["layout.page-number-dash"].message and by["layout.page-number-dash"].field_path == "页脚1"
    assert all(p.severity == "warning" for p in problems)


# ─── annotate ─────────────────────────────────────────────────────────────────────────────────


def test_annotate_writes_real_comments(tmp_path):
    path = broken(tmp_path, F.SIX_ERRORS)
    problems = check_template(path)
    out = annotate(path, problems, tmp_path / "批注.docx")
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        comments = etree.fromstring(z.read("word/comments.xml"))
        doc = z.read("word/document.xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
        ct = z.read("[Content_Types].xml").decode()
    assert "word/comments.xml" in names
    assert "relationships/comments" in rels and "comments+xml" in ct
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    texts = ["".join(c.itertext()) for c in comments.iter(W + "comment")]
    assert len(texts) == len(problems) == 6
    assert all(c.get(W + "author") == ANNOTATION_AUTHOR for c in comments.iter(W + "comment"))
    assert any("tpl.unknown-filter" in t and "cn_date" in t for t in texts)
    assert doc.count("<w:commentReference ") == doc.count("<w:commentRangeStart ") == 6
    # the comment sits on the paragraph of the problem
    from wenshu.tplcheck.ooxml import paragraphs

    root = etree.fromstring(doc.encode())
    paras = paragraphs("word/document.xml", root)
    n = F.para_number(path, "cn_dat")
    assert paras[n - 1].el.find(W + "commentRangeStart") is not None
    # the annotated copy itself says it still carries the comments
    again = check_template(out, kind="notice")
    assert "tpl.leftover-comments" in [p.code for p in again]
    with pytest.raises(UsageError):
        annotate(path, problems, path)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed")
def test_annotate_places_comments_by_the_problem_fields(tmp_path):
    """The annotator reads Problem.part/paragraph, never the display text: a comment goes on the
    paragraph the fields name; a problem outside the body (or in no paragraph) goes on the first
    paragraph with its location written into the comment."""
    from wenshu.errors import Problem
    from wenshu.tplcheck.ooxml import paragraphs

    path = F.builtin(NOTICE)
    problems = [
        Problem(code="tpl.syntax", message="甲", field_path="正文 第5段", part="word/document.xml", paragraph=5),
        Problem(code="tpl.syntax", message="乙", field_path="页脚1 第1段", part="word/footer1.xml", paragraph=1),
        Problem(code="layout.margin", message="丙", field_path="正文 第9段", severity="warning"),  # no fields
    ]
    out = annotate(path, problems, tmp_path / "批注.docx")
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(out) as z:
        paras = paragraphs("word/document.xml", etree.fromstring(z.read("word/document.xml")))
        comments = {c.get(W + "id"): "".join(c.itertext()) for c in etree.fromstring(z.read("word/comments.xml"))}

    def anchored(i: int) -> list[str]:
        return [comments[s.get(W + "id")] for s in paras[i].el.iter(W + "commentRangeStart")]

    assert [t for t in anchored(4) if "甲" in t] and "位置" not in anchored(4)[0]
    first = "".join(anchored(0))
    assert "乙" in first and "位置：页脚1 第1段" in first
    assert "丙" in first and "位置：正文 第9段" in first
    assert not any("丙" in t for t in anchored(8))


def test_annotated_template_shows_six_comments_in_libreoffice(tmp_path):
    path = broken(tmp_path, F.SIX_ERRORS)
    runner = CliRunner()
    from wenshu.cli_template import template

    out = tmp_path / "annotated.docx"
    res = runner.invoke(template, ["check", str(path), "--annotate", str(out)])
    assert res.exit_code == 1
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "odt",
                    "--outdir", str(tmp_path / "odt"), str(out)], check=True, capture_output=True, timeout=180)
    with zipfile.ZipFile(tmp_path / "odt" / "annotated.odt") as z:
        content = etree.fromstring(z.read("content.xml"))
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    notes = content.findall(f".//{{{office}}}annotation")
    assert len(notes) == 6
    text = " ".join("".join(n.itertext()) for n in notes)
    for code in ("tpl.fullwidth-brace", "tpl.missing-space", "tpl.smart-quotes", "tpl.unknown-field",
                 "tpl.unknown-filter", "tpl.unsafe"):
        assert code in text


# ─── fields ───────────────────────────────────────────────────────────────────────────────────


def test_fields_for_walks_lists_and_nested_models():
    paths = {f.path: f for f in fields_for("notice")}
    assert {"doc.title", "body[]", "body[].text", "enclosure.blocks[].label",
            "attachment_pages[].table.groups[].rows[].work"} <= set(paths)
    assert paths["body[]"].type == "列表" and paths["body[]"].usage.startswith("{%p for b in body %}")
    assert paths["enclosure"].type == "对象（可为空）"
    assert paths["doc.number"].example == "某政办〔2024〕3号"
    assert paths["attachment_pages[].table.groups[].rows[].work"].usage == "{{ r.work }}"
    assert paths["body[].text"].title == "正文 › 文字"


@pytest.mark.parametrize("key", sorted(REGISTRY))
def test_field_docs_are_up_to_date(key):
    doc = ROOT / "docs" / "fields" / f"{key}.md"
    assert doc.is_file(), f"运行 wenshu template fields all --write-docs 生成 {doc}"
    assert doc.read_text(encoding="utf-8") == render_field_doc(key), f"{doc} 已过期：运行 wenshu template fields all --write-docs"


def test_every_documented_usage_checks_clean(tmp_path):
    """The usage column of the field docs is valid template text for that kind."""
    for f in fields_for("notice"):
        if f.usage.startswith("{{") and "." in f.usage and f.path.count("[]") == 0:
            assert not errors(injected(tmp_path / f.path.replace(".", "_"), f.usage)), f.usage


# ─── CLI ──────────────────────────────────────────────────────────────────────────────────────


def invoke(*args):
    from wenshu.cli_template import template

    return CliRunner().invoke(template, [str(a) for a in args])


def test_cli_check_exit_codes(tmp_path):
    ok = invoke("check", F.builtin(NOTICE))
    assert ok.exit_code == 0 and "模板检查通过" in ok.output
    bad = invoke("check", broken(tmp_path, F.SIX_ERRORS))
    assert bad.exit_code == 1
    assert "6 个错误" in bad.stderr and "[tpl.unknown-filter]" in bad.stderr and "位置：正文 第" in bad.stderr
    warn = invoke("check", broken(tmp_path / "w", F.SMART_QUOTES))
    assert warn.exit_code == 0 and "[tpl.smart-quotes]" in warn.stderr


def test_cli_fields(tmp_path):
    res = invoke("fields", "task_list")
    assert res.exit_code == 0 and "table.groups[].rows[].work" in res.output and "{{ r.work }}" in res.output
    res = invoke("fields", "notice", "--write-docs", "--docs-dir", tmp_path)
    assert res.exit_code == 0
    assert {p.name for p in tmp_path.glob("*.md")} == {f"{k}.md" for k in REGISTRY}


def test_cli_export_refuses_to_overwrite(tmp_path):
    d = tmp_path / "tpl"
    res = invoke("export", d)
    assert res.exit_code == 0
    assert sorted(p.name for p in d.iterdir()) == sorted(p.name for p in bundled_dir().glob("*.docx"))
    (d / NOTICE).write_bytes(b"edited")
    res = invoke("export", d)
    assert isinstance(res.exception, UsageError) and res.exception.problems[0].code == "usage.exists"
    assert (d / NOTICE).read_bytes() == b"edited"
    assert invoke("export", d, "--force").exit_code == 0
    assert (d / NOTICE).read_bytes() == F.builtin(NOTICE).read_bytes()


def test_export_edit_then_render_uses_the_edited_copy(tmp_path, examples_copy, run_cli):
    d = tmp_path / "模板"
    assert invoke("export", d).exit_code == 0
    edited = F.copy_with(d / NOTICE, tmp_path / "edited.docx", [F.Edit("{{ doc.title }}", "{{ doc.title }}（征求意见稿）")])
    shutil.copyfile(edited, d / NOTICE)
    assert invoke("check", d / NOTICE).exit_code == 0
    out = tmp_path / "out.docx"
    code, _, err = run_cli("render", "notice", examples_copy, "--item", "港政办〔2024〕3号", "-o", out, "--templates", d)
    assert code == 0, err
    assert "（征求意见稿）" in rendered_text(out.read_bytes())
    # without --templates the built-in template is used
    out2 = tmp_path / "out2.docx"
    code, _, err = run_cli("render", "notice", examples_copy, "--item", "港政办〔2024〕3号", "-o", out2)
    assert code == 0, err
    assert "（征求意见稿）" not in rendered_text(out2.read_bytes())


# ─── the guide documents every code and filter ────────────────────────────────────────────────


def test_guide_explains_every_code_and_filter():
    from wenshu.official.fmt import FILTERS

    guide = (ROOT / "docs" / "模板编辑指南.md").read_text(encoding="utf-8")
    src = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "wenshu" / "tplcheck").glob("*.py"))
    emitted = set(re.findall(r'"((?:tpl|layout)\.[a-z-]+)"', src))
    assert len(emitted) > 40
    missing = sorted(c for c in emitted if f"`{c}`" not in guide)
    assert missing == [], f"《模板编辑指南》缺少这些代码的说明：{missing}"
    assert sorted(f for f in FILTERS if f"`{f}`" not in guide) == []
