"""The problem-code registry (wenshu/problem_codes.py) and the code agree, and docs/问题代码.md is current."""

from __future__ import annotations

import ast
import re

import pytest

from tests import code_scan
from tests.conftest import ROOT
from wenshu.errors import Problem
from wenshu.problem_codes import CODES, GROUPS, SEVERITY_TEXT, lookup, main, render_doc


@pytest.fixture(scope="module")
def scan():
    return code_scan.scan_codes({c.group for c in CODES.values()})


def _where(sites) -> str:
    return "、".join(str(s) for s in sites[:3])


def test_every_raised_code_is_registered(scan):
    missing = {c: _where(s) for c, s in scan.codes.items() if c not in CODES}
    assert not missing, f"codes raised but not in wenshu/problem_codes.py: {missing}"


def test_every_registered_code_is_raised(scan):
    dead = sorted(set(CODES) - set(scan.codes))
    assert not dead, f"registered codes that nothing raises (remove them): {dead}"


def test_computed_codes_are_followed(scan):
    """Every code that is not a literal at its sink was followed to its values (no blind spot)."""
    assert not scan.unresolved, "\n".join(f"{site}: {why}" for site, why in scan.unresolved)
    # and the scanner's own tables name sites that still exist
    assert set(code_scan.DYNAMIC) == scan.used_dynamic, set(code_scan.DYNAMIC) - scan.used_dynamic
    assert set(code_scan.ATTRIBUTES) == scan.used_attributes, set(code_scan.ATTRIBUTES) - scan.used_attributes
    assert set(code_scan.ITERATED) == scan.used_iterated, set(code_scan.ITERATED) - scan.used_iterated


def test_code_shaped_strings_are_registered(scan):
    """A string such as "tpl.split-tag" anywhere in src/ (a comparison, a helper's argument) is a registered code."""
    stray = {c: _where(s) for c, s in scan.literals.items() if c not in CODES}
    assert not stray, f"code-shaped strings that are not registered codes: {stray}"
    assert all(n in scan.all_strings for n in code_scan.NOT_CODES), code_scan.NOT_CODES - scan.all_strings


def test_scanner_follows_helpers_and_computed_codes(scan):
    """The scan sees through the ways codes reach Problem: helpers, loops, f-strings, exception classes."""
    assert any(s.module == "coherence.py" for s in scan.codes["coherence.highlight"])  # _warn(ref, code, …)
    assert "notice.no-signers" in scan.codes  # for loc, code, message in n.advisories()
    assert "model.holidays.bad-date" in scan.codes  # _error(code, message) → PydanticCustomError
    assert "model.int_parsing" in scan.codes  # CellError(f"model.{kind}") and validation's f"model.{err['type']}"
    assert "render.timeout" in scan.codes  # _Overrun("render.timeout") … Problem(code=e.code)
    assert {"tpl.two-paragraph-tags", "tpl.two-row-tags", "tpl.two-cell-tags"} <= set(scan.codes)  # dict lookup
    assert "pdf.office-died" in scan.codes and "pdf.convert-failed" in scan.codes  # a if … else b


def test_registry_entries_are_complete():
    for code, info in CODES.items():
        assert code == info.id
        assert re.fullmatch(r"[a-z]+(\.[a-z0-9_-]+)*", code), code
        assert info.group in GROUPS, code
        assert info.severity in SEVERITY_TEXT, code
        for text in (info.explanation, info.fix):
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text), f"{code}: not Chinese: {text}"
            assert text.endswith("。"), f"{code}: {text}"
        assert info.explanation.count("。") == 1, f"{code}: the explanation is one sentence"


def test_literal_severities_match_the_registry():
    """Where a call gives a registered code and a literal severity (or Problem(...) none: an error),
    the registry allows that severity."""
    wrong = []
    for path in sorted(code_scan.SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            args = [*node.args, *(k.value for k in node.keywords if k.arg in (None, "code"))]
            codes = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value in CODES]
            sev = next((k.value for k in node.keywords if k.arg == "severity"), None)
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if sev is None and name == "Problem":
                sev = ast.Constant("error")
            if not codes or not isinstance(sev, ast.Constant):
                continue
            for c in codes:
                if not CODES[c].allows(sev.value):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} {c} as {sev.value}")
    assert not wrong, wrong


def test_problem_codes_doc_is_current():
    doc = ROOT / "docs" / "问题代码.md"
    assert doc.is_file(), "运行 python -m wenshu.problem_codes 生成 docs/问题代码.md"
    assert doc.read_text(encoding="utf-8") == render_doc(), "docs/问题代码.md 已过期：运行 python -m wenshu.problem_codes"
    text = doc.read_text(encoding="utf-8")
    assert all(f"`{c}`" in text for c in CODES)


def test_template_guide_explains_every_template_code():
    """docs/模板编辑指南.md explains the template check's codes in more depth: it names every tpl.* and
    layout.* code of the registry, and no other."""
    guide = (ROOT / "docs" / "模板编辑指南.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:tpl|layout)\.[a-z-]+)`", guide))
    assert named == {c for c in CODES if c.startswith(("tpl.", "layout."))}


def test_problem_codes_main(tmp_path, capsys):
    page = tmp_path / "问题代码.md"
    assert main(["--check", str(page)]) == 1
    assert "已过期" in capsys.readouterr().err
    assert main([str(page)]) == 0
    assert page.read_text(encoding="utf-8") == render_doc()
    assert main(["--check", str(page)]) == 0


def test_problem_knows_its_registry_entry():
    p = Problem(code="yaml.duplicate-key", message="键“a”重复")
    assert p.info is lookup("yaml.duplicate-key") and p.info.severity == "error"
    assert "两次" in p.info.explanation and p.info.fix
    assert Problem(code="no.such-code", message="x").info is None
    # the registry never changes what a user reads
    assert "提示" not in p.format() and p.info.fix not in p.format()


# ─── one rendering of a Problem ──────────────────────────────────────────────────────────────


def test_render_problem_terminal_and_comment():
    from wenshu.errors import render_problem

    p = Problem(code="tpl.unknown-field", message="模板引用了不存在的字段“nmae”。", file="notice.docx",
                field_path="正文 第3段", found="【{{ p.nmae }}】", hint="见 wenshu template fields。",
                part="word/document.xml", paragraph=3, context="【{{ p.nmae }}】")
    assert p.format() == "\n".join(render_problem(p)) == (
        "notice.docx：错误 [tpl.unknown-field]\n  位置：正文 第3段\n  模板引用了不存在的字段“nmae”。\n"
        "  实际：【{{ p.nmae }}】\n  提示：见 wenshu template fields。")
    assert render_problem(p, comment=True) == [
        "【错误】tpl.unknown-field", "模板引用了不存在的字段“nmae”。", "位置：正文 第3段", "实际：【{{ p.nmae }}】",
        "提示：见 wenshu template fields。"]
    assert "位置：正文 第3段" not in render_problem(p, comment=True, with_location=False)
    data = Problem(code="model.missing", message="缺少必填字段。", file="p.yaml", line=12, column=5,
                   field_path="projects[3].name", field_title="项目 › 项目名称", expected="", severity="warning")
    assert data.format() == ("p.yaml，第12行，第5列：警告 [model.missing]\n  字段：项目 › 项目名称（projects[3].name）\n"
                             "  缺少必填字段。\n  期望：")
    assert Problem(code="usage.exists", message="已存在。").format() == "命令行：错误 [usage.exists]\n  已存在。"
