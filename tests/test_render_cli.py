"""`wenshu render` as a user runs it: escaping, located template errors, the sandbox, no overwrite."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from docx_inspect import Docx
from tests.conftest import ROOT


def edited_template(src: Path, dst: Path, old: str, new: str) -> Path:
    """A copy of a template with one text replaced inside word/document.xml."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert old in text, old
                data = text.replace(old, new, 1).encode("utf-8")
            zout.writestr(item, data)
    return dst


def test_render_notice_from_its_file(tmp_path, run_cli, examples_copy):
    out = tmp_path / "通知.docx"
    code, stdout, err = run_cli("render", "notice", examples_copy / "notices" / "港政办〔2024〕3号.yaml", "-o", out)
    assert code == 0, err
    assert "已生成" in stdout
    assert "港政办〔2024〕3号" in Docx(out).all_text()


def test_markup_characters_come_out_literally(tmp_path, run_cli, examples_copy):
    f = examples_copy / "projects" / "07-区教育局.yaml"
    text = f.read_text(encoding="utf-8")
    text = text.replace("name: 黄石港区第二实验小学新建工程", 'name: "黄石港区第二实验小学<甲&乙>新建工程\\"A\\"\'B\'"', 1)
    f.write_text(text, encoding="utf-8")
    out = tmp_path / "r.docx"
    code, _, err = run_cli("render", "project_report", examples_copy, "--item", "HSG-2023-001", "--as-of", "2025-11-30", "-o", out)
    assert code == 0, err
    body = Docx(out).all_text()
    assert "黄石港区第二实验小学<甲&乙>新建工程\"A\"'B'" in body.replace("\n", "")
    raw = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    assert "&lt;甲&amp;乙&gt;" in raw


def test_missing_field_names_field_and_paragraph(tmp_path, run_cli, examples_copy):
    tpl = edited_template(ROOT / "templates" / "notice.docx", tmp_path / "bad.docx", "{{ doc.title }}", "{{ doc.nmae }}")
    out = tmp_path / "x.docx"
    code, _, err = run_cli("render", "notice", examples_copy, "--item", "港政办〔2024〕3号", "--template", tpl, "-o", out)
    assert code == 1
    assert "[render.undefined]" in err and "nmae" in err
    assert re.search(r"正文 第\d+段", err)
    assert not out.exists()
    assert not list(tmp_path.glob(".x.docx*"))  # no temporary leftovers


@pytest.mark.parametrize("expr", [
    "{{ doc.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].system('touch /tmp/wenshu-pwned') }}",
])
def test_template_reaching_for_python_internals_fails(tmp_path, run_cli, examples_copy, expr):
    tpl = edited_template(ROOT / "templates" / "notice.docx", tmp_path / "evil.docx", "{{ doc.title }}", expr)
    out = tmp_path / "x.docx"
    code, _, err = run_cli("render", "notice", examples_copy, "--item", "港政办〔2024〕3号", "--template", tpl, "-o", out)
    assert code == 1
    assert "Traceback" not in err
    assert "[render." in err
    assert not out.exists()
    assert not Path("/tmp/wenshu-pwned").exists()


def test_existing_file_is_not_overwritten_without_force(tmp_path, run_cli, examples_copy):
    out = tmp_path / "n.docx"
    out.write_bytes(b"keep me")
    code, _, err = run_cli("render", "notice", examples_copy, "--item", "港政办〔2024〕3号", "-o", out)
    assert code == 2 and "已存在" in err and "--force" in err
    assert out.read_bytes() == b"keep me"
    code, _, err = run_cli("render", "notice", examples_copy, "--item", "港政办〔2024〕3号", "-o", out, "--force")
    assert code == 0, err
    assert zipfile.is_zipfile(out)


def test_several_documents_need_a_choice(run_cli, examples_copy, tmp_path):
    code, _, err = run_cli("render", "project_report", examples_copy, "--as-of", "2025-11-30", "-o", tmp_path / "p.docx")
    assert code == 2
    assert "--item" in err and "HSG-2023-001" in err


def test_unknown_kind_suggests(run_cli, examples_copy):
    code, _, err = run_cli("render", "notic", examples_copy)
    assert code == 2 and "是否应为“notice”" in err


def test_kinds_lists_all_seven(run_cli):
    code, out, _ = run_cli("kinds")
    assert code == 0
    for key in ("notice", "task_list", "project_report", "industry_report", "annual_report", "commendation", "criticism"):
        assert key in out
    assert "通报批评" in out and "任务清单" in out


def test_render_bad_data_is_located(tmp_path, run_cli, examples_copy):
    f = examples_copy / "notices" / "港政办〔2024〕3号.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("seq: 3", "seq: 三"), encoding="utf-8")
    code, _, err = run_cli("render", "notice", examples_copy, "--item", "港政办〔2024〕3号", "-o", tmp_path / "n.docx")
    assert code == 1
    assert "港政办〔2024〕3号.yaml，第" in err and "[model.int_parsing]" in err
    assert not (tmp_path / "n.docx").exists()


@pytest.mark.parametrize("expr,code", [
    ("{% for i in range(10**9) %}x{% endfor %}", "render.error"),
    ("{{ 1 / 0 }}", "render.error"),
])
def test_runaway_or_broken_template_logic_is_stopped(tmp_path, run_cli, examples_copy, expr, code):
    tpl = edited_template(ROOT / "templates" / "notice.docx", tmp_path / "loop.docx", "{{ doc.title }}", expr)
    out = tmp_path / "x.docx"
    exit_code, _, err = run_cli("render", "notice", examples_copy, "--item", "港政办〔2024〕3号", "--template", tpl, "-o", out)
    assert exit_code == 1 and f"[{code}]" in err and "Traceback" not in err
    assert not out.exists()


def test_huge_output_and_slow_loops_are_bounded(tmp_path, run_cli, examples_copy, monkeypatch):
    from wenshu.engine import template as T

    monkeypatch.setattr(T, "MAX_PART_BYTES", 2_000_000)
    monkeypatch.setattr(T, "MAX_RENDER_SECONDS", 2.0)
    big = edited_template(ROOT / "templates" / "notice.docx", tmp_path / "big.docx", "{{ doc.title }}",
                          "{% for i in range(100000) %}{% for j in range(100000) %}xxxxxxxxxx{% endfor %}{% endfor %}")
    code, _, err = run_cli("render", "notice", examples_copy, "--item", "港政办〔2024〕3号", "--template", big, "-o", tmp_path / "a.docx")
    assert code == 1 and "[render.too-large]" in err
    slow = edited_template(ROOT / "templates" / "notice.docx", tmp_path / "slow.docx", "{{ doc.title }}",
                           "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
    code, _, err = run_cli("render", "notice", examples_copy, "--item", "港政办〔2024〕3号", "--template", slow, "-o", tmp_path / "b.docx")
    assert code == 1 and "[render.timeout]" in err
    assert not (tmp_path / "a.docx").exists() and not (tmp_path / "b.docx").exists()


def test_missing_or_broken_template_file(tmp_path, run_cli, examples_copy):
    code, _, err = run_cli("render", "notice", examples_copy, "--item", "港政办〔2024〕3号", "--template", tmp_path / "nope.docx", "-o", tmp_path / "a.docx")
    assert code == 1 and "[template.missing]" in err and "模板文件不存在" in err
    (tmp_path / "not.docx").write_bytes(b"this is a .doc from 1997")
    code, _, err = run_cli("render", "notice", examples_copy, "--item", "港政办〔2024〕3号", "--template", tmp_path / "not.docx", "-o", tmp_path / "b.docx")
    assert code == 1 and "[template.not-docx]" in err and "另存为 .docx" in err
    assert not (tmp_path / "a.docx").exists() and not (tmp_path / "b.docx").exists()
