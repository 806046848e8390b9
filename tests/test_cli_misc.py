"""analyze, template build, templates in the data folder, and the wheel a plain `pip install .` builds."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from docx_inspect import NS, Docx, q
from tests.conftest import EXAMPLES, ROOT


def test_analyze_lists_red_and_yellow_with_reasons_and_overdue(run_cli):
    code, out, err = run_cli("analyze", EXAMPLES, "--as-of", "2025-10-31")
    assert code == 0, err
    assert "红灯项目10个，黄灯项目1个" in out
    assert "黄石港区保障性租赁住房建设项目（项目代码2023-420202-70-01-117947，区住保局）" in out
    assert "【开工·红灯】计划于2025年5月15日开工，截至2025年10月31日已逾期169天未开工" in out
    assert "逾期" in out and "目录库：44个项目" in out


def test_analyze_json(run_cli):
    code, out, _ = run_cli("analyze", EXAMPLES, "--as-of", "2025-10-31", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["summary"]["red"] == 10 and data["as_of"] == "2025-10-31"
    light = next(x for x in data["projects"][0]["lights"]["lights"] if x["check"] == "start")
    assert set(light["reason"]) == {"key", "text"} and light["reason"]["key"].startswith("light.start.")


def test_analyze_bad_date_is_usage_error(run_cli):
    code, _, err = run_cli("analyze", EXAMPLES, "--as-of", "2025/10/31")
    assert code == 2 and "YYYY-MM-DD" in err


def test_template_build_with_district_settings(tmp_path, run_cli):
    (tmp_path / "s.yaml").write_text("red_rule_weight_pt: 1.5\n", encoding="utf-8")
    code, out, err = run_cli("template", "build", tmp_path / "tpl", "--settings", tmp_path / "s.yaml")
    assert code == 0, err
    d = Docx(tmp_path / "tpl" / "notice.docx")
    sz = [b.get(q("sz")) for b in d.document.iter(q("bottom")) if b.get(q("color")) == "FF0000"]
    assert sz and set(sz) == {"12"}  # 1.5 pt in eighths of a point (下行文 and 上行文 number lines)
    assert "1.5" in out
    code, _, err = run_cli("template", "build", tmp_path / "tpl")
    assert code == 2 and "--force" in err


def test_templates_folder_in_the_data_is_used(tmp_path, run_cli, examples_copy):
    from test_render_cli import edited_template

    (examples_copy / "templates").mkdir()
    edited_template(ROOT / "templates" / "notice.docx", examples_copy / "templates" / "notice.docx",
                    "{{ doc.title }}", "本区修改版：{{ doc.title }}")
    out = tmp_path / "n.docx"
    code, _, err = run_cli("render", "notice", examples_copy, "-o", out, "--item", "港政办〔2024〕3号")
    assert code == 0, err
    assert "本区修改版：" in Docx(out).all_text()


@pytest.mark.slow
def test_wheel_ships_templates_schemas_and_defaults(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    wheel = next(tmp_path.glob("wenshu-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in ("notice", "task_list", "project_report", "industry_report", "annual_report", "commendation", "criticism"):
        assert f"wenshu/_bundled/templates/{kind}.docx" in names
    assert "wenshu/_bundled/schemas/projects.schema.json" in names
    assert "wenshu/analysis/rules_default.yaml" in names
    # the PDF pool's stand-alone scripts, run by path from a copy (wenshu.pdf.pool._script)
    assert {"wenshu/pdf/uno_helper.py", "wenshu/pdf/reaper.py", "wenshu/pdf/fonts.conf"} <= names
    # Installed without the source tree, it finds its own templates and renders.
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True)
    code = ("import sys; sys.path.insert(0, %r)\n"
            "import wenshu; assert wenshu.__file__.startswith(%r), wenshu.__file__\n"
            "from wenshu.templates import bundled_dir; print(bundled_dir())\n"
            "from wenshu.cli import main\n"
            "main(['render', 'notice', %r, '--item', '港政办〔2024〕3号', '-o', %r])\n") % (str(target), str(target), str(EXAMPLES), str(tmp_path / "n.docx"))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "_bundled" in r.stdout
    assert (tmp_path / "n.docx").is_file()
