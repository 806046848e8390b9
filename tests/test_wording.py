"""The district's own words: fixed sentences edited in the templates, varying phrases in wording.yaml."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from docx import Document

from docx_inspect import Docx
from tests.conftest import EXAMPLES, ROOT
from wenshu.analysis.facts import Amount, Percent, fact
from wenshu.models.wording import default_specs, placeholders
from wenshu.wording import Wording

AS_OF = "2025-11-30"


def wenshu(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wenshu", *map(str, args)], capture_output=True, text=True, cwd=cwd)


# (kind, item, a fixed sentence of its template, what the office writes instead)
EDITS = [
    ("project_report", "HSG-2023-001", "现将有关情况报告如下。", "现将评价情况报告如下。"),
    ("industry_report", "教育", "现将有关情况报告如下。", "现将本行业评价情况报告如下。"),
    ("annual_report", "2024", "报告数据统计截至", "本报告数据统计截至"),
    ("commendation", "2025-10", "希望受表彰单位珍惜荣誉", "望受表彰单位珍惜荣誉"),
    ("criticism", "2025-10", "各部门要引以为戒", "各部门务必引以为戒"),
    ("notice", None, None, None),
]


@pytest.mark.parametrize("kind,item,old,new", [e for e in EDITS if e[2]])
def test_editing_a_sentence_of_the_template_in_word_changes_the_document(tmp_path, kind, item, old, new):
    src = ROOT / "templates" / f"{kind}.docx"
    doc = Document(src)  # as Word or WPS would: open, change the words, save
    runs = [r for p in doc.paragraphs for r in p.runs if old in r.text]
    assert runs, f"{old} is not literal text in {src.name}"
    runs[0].text = runs[0].text.replace(old, new)
    edited = tmp_path / f"{kind}.docx"
    doc.save(edited)
    out = tmp_path / "out.docx"
    r = wenshu("render", kind, EXAMPLES, "--item", item, "--as-of", AS_OF, "--template", edited, "-o", out)
    assert r.returncode == 0, r.stderr
    text = Docx(out).all_text()
    assert new in text and old not in text.replace(new, "")


def test_every_default_phrase_is_valid_and_used_by_the_code():
    specs = default_specs()
    code = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "wenshu").rglob("*.py"))
    unused = []
    for key, spec in specs.items():
        assert placeholders(spec.text) <= set(spec.values), key
        # keys are written literally, or as a literal prefix with the variable part at the end
        if f'"{key}"' not in code and not any(f'"{key[:i]}' in code and ('{' in code) for i in range(key.rfind(".") + 1, len(key))):
            unused.append(key)
    assert not unused, f"措辞中没有代码使用的键：{unused}"


def test_wording_formats_each_value_by_its_type():
    w = Wording()
    text = w.say(fact("light.funds.rate_fiscal", planned=Amount("23400"), paid=Amount("14040.5"), rate=Percent("60.00216")))
    assert text == "财政性资金计划到位23,400.00万元，实际拨付14,040.50万元，到位率60.0%"


def test_a_district_rewords_a_phrase_in_wording_yaml(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(EXAMPLES, data)
    (data / "wording.yaml").write_text(
        "kind: wording\nphrases:\n"
        "  light.liangsuan.cycle_overdue: “两算”全周期已于{due}届满，超期{days}天，决算仍未备案（{completed}竣工）\n",
        encoding="utf-8")
    assert wenshu("validate", data).returncode == 0
    out = tmp_path / "r.docx"
    r = wenshu("render", "project_report", data, "--item", "HSG-2024-002", "--as-of", AS_OF, "-o", out)
    assert r.returncode == 0, r.stderr
    text = Docx(out).all_text()
    assert "“两算”全周期已于2024年5月20日届满，超期327天，决算仍未备案（2023年6月20日竣工）" in text
    r = wenshu("analyze", data, "--as-of", AS_OF)
    assert "决算仍未备案" in r.stdout and "措辞：" in r.stdout


def test_a_wrong_key_or_value_in_wording_yaml_is_located(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(EXAMPLES, data)
    (data / "wording.yaml").write_text(
        "kind: wording\nphrases:\n"
        "  light.start.overdu: 计划于{planned}开工\n"
        "  light.start.overdue: 计划于{planed}开工，已逾期{days}天\n", encoding="utf-8")
    r = wenshu("validate", data)
    assert r.returncode == 1
    assert "wording.yaml，第3行" in r.stderr and "light.start.overdue" in r.stderr  # did-you-mean
    assert "{planed}" in r.stderr and "{planned}" in r.stderr  # the values it may use
    assert "Traceback" not in r.stderr
    out = tmp_path / "out"
    r = wenshu("batch", data, "-o", out, "--as-of", AS_OF)
    assert r.returncode == 1 and "wording.yaml" in r.stderr and "Traceback" not in r.stderr


def test_a_kind_without_its_input_is_not_produced(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(EXAMPLES / "district.yaml", data / "district.yaml")
    shutil.copytree(EXAMPLES / "notices", data / "notices")
    shutil.copytree(EXAMPLES / "tasks", data / "tasks")
    out = tmp_path / "out"
    r = wenshu("batch", data, "-o", out, "--as-of", AS_OF)
    assert r.returncode == 0, r.stderr
    kinds = {p.parent.name for p in out.rglob("*.docx")}
    assert kinds == {"通知", "任务清单"}  # no annual report of "0个项目", no empty industry report


def test_validate_warns_where_a_document_would_say_something_untrue(tmp_path):
    import yaml

    data = tmp_path / "data"
    shutil.copytree(EXAMPLES, data)
    ev = data / "evaluations.yaml"
    ev.write_text(ev.read_text(encoding="utf-8").replace("  evaluated_on: 2025-04-11\n",
                                                          "  evaluated_on: 2025-04-11\n  data_as_of: 2025-11-30\n", 1),
                  encoding="utf-8")
    sup = data / "supervision" / "2025-10.yaml"
    doc = yaml.safe_load(sup.read_text(encoding="utf-8"))
    quiet = next(i for i, r in enumerate(doc["records"]) if not r.get("warnings_received"))
    text = sup.read_text(encoding="utf-8").replace("issued_on: 2025-11-20", "issued_on: 2025-10-28")
    lines = text.splitlines()
    at = [n for n, line in enumerate(lines) if line.startswith("- department:")][quiet]
    lines.insert(at + 1, "  highlights:\n  - 预警项目全部明确整改时限。")
    sup.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = wenshu("validate", data)
    assert r.returncode == 0, r.stderr  # warnings: the documents are still produced
    assert "[coherence.after-date]" in r.stderr and "evaluations.yaml，第" in r.stderr
    assert "[coherence.highlight]" in r.stderr and "当月没有收到预警" in r.stderr
    assert "[coherence.bulletin-early]" in r.stderr


def test_the_wording_doc_is_current():
    from wenshu.wording import wording_doc

    doc = ROOT / "docs" / "措辞.md"
    assert doc.read_text(encoding="utf-8") == wording_doc(), "运行 python -m wenshu.wording docs/措辞.md"
