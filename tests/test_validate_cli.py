"""`wenshu validate` on real YAML files: every bad input gets a located Chinese message, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

DISTRICT = (EXAMPLES / "district.yaml").read_text(encoding="utf-8")

PROJECT = """\
kind: projects
projects:
  - id: T-001
    name: 测试区第一小学新建工程
    library: 实施库
    investment_type: 政府投资
    department: 区教育局
    industry: 教育
    nic_code: P8331
    intended_investment: 1000.00
    source_basis: 测试区教育发展规划
    summary: 新建教学楼及配套设施。
    location: 花湖街道
    catalogue_entered_on: 2023-01-05
    reserve:
      owner:
        name: 测试区教育建设中心
        legal_person: 王建国
        credit_code: "91420200MA4F0Q3X39"
      nature: 新建
      estimated_investment: 1000.00
      intended_funding:
        - source: 专项债
          amount: 600.00
        - source: 本级财政资金
          amount: 400.00
      annual_plan:
        - year: 2023
          amount: 1000.00
      content_scale: 新建教学楼一栋，建筑面积8000平方米。
      project_code: "2023-420202-83-01-100001"
      planned_start: 2023-03-01
      planned_completion: 2024-03-01
      address: 黄石市黄石港区花湖大道1号
      land_area_mu: 20
      objectives: [新增学位900个]
      applied_on: 2023-02-01
      entered_on: 2023-02-15
    implementation:
      total_investment: 1000.00
      funding:
        - source: 专项债
          amount: 600.00
        - source: 本级财政资金
          amount: 400.00
      applied_on: 2023-02-20
      actual_start: 2023-03-05
      actual_completion: 2024-03-20
"""


def make(tmp_path: Path, text: str | bytes, name: str = "projects.yaml") -> Path:
    (tmp_path / "district.yaml").write_text(DISTRICT, encoding="utf-8")
    target = tmp_path / name
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    return target


def assert_located(err: str, code: str, file_name: str, line: int | None = None) -> None:
    """The message names the file, a line, the stable code, and is written in Chinese."""
    assert "Traceback" not in err
    assert f"[{code}]" in err, err
    pattern = re.escape(file_name) + r"，第(\d+)行"
    lines = [int(m) for m in re.findall(pattern, err)]
    assert lines, f"no located message for {file_name} in:\n{err}"
    if line is not None:
        assert line in lines, f"expected line {line}, got {lines}:\n{err}"
    assert re.search(r"[\u4e00-\u9fff]", err)


def line_of(text: str, needle: str) -> int:
    for i, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_example_district_is_valid(run_cli):
    code, out, err = run_cli("validate", EXAMPLES)
    assert code == 0, err
    assert "校验通过" in out
    assert "44 个项目" in out


def test_minimal_project_is_valid(tmp_path, run_cli):
    make(tmp_path, PROJECT)
    code, out, err = run_cli("validate", tmp_path)
    assert code == 0, err


# (id, replacement old → new, expected problem code, text on the reported line)
CASES = [
    ("wrong-type", ("intended_investment: 1000.00", "intended_investment: 一千万"), "model.decimal_parsing", "intended_investment"),
    ("missing-field", ("    name: 测试区第一小学新建工程\n", ""), "model.missing", "- id: T-001"),
    ("unknown-key", ("    location: 花湖街道", "    location: 花湖街道\n    colour: red"), "model.extra_forbidden", "colour"),
    ("misspelt-key", ("    summary:", "    sumary:"), "model.extra_forbidden", "sumary"),
    ("bad-credit-code", ("91420200MA4F0Q3X39", "91420200MA4F0Q3X38"), "model.credit_code", "credit_code"),
    ("credit-code-letter", ("91420200MA4F0Q3X39", "91420200MA4F0Q3XO9"), "model.credit_code", "credit_code"),
    ("bad-project-code", ("2023-420202-83-01-100001", "2023-42020-83-01-100001"), "model.project_code", "project_code"),
    ("funding-sum", ("        - source: 本级财政资金\n          amount: 400.00\n      applied_on: 2023-02-20", "        - source: 本级财政资金\n          amount: 300.00\n      applied_on: 2023-02-20"), "model.sum_mismatch", "      funding:"),
    ("impossible-date", ("planned_start: 2023-03-01", "planned_start: 2023-02-30"), "yaml.bad-date", "planned_start"),
    ("completion-before-start", ("actual_completion: 2024-03-20", "actual_completion: 2023-01-20"), "model.date_order", "actual_completion"),
    ("plan-order", ("planned_completion: 2024-03-01", "planned_completion: 2022-03-01"), "model.date_order", "planned_completion"),
    ("enum-value", ("library: 实施库", "library: 实施"), "model.enum", "library"),
    ("negative-money", ("intended_investment: 1000.00", "intended_investment: -5"), "model.greater_than_equal", "intended_investment"),
    ("ambiguous-bool", ("location: 花湖街道", "location: no"), "yaml.ambiguous-bool", "location"),
    ("leading-zero", ("land_area_mu: 20", "land_area_mu: 020"), "yaml.leading-zero", "land_area_mu"),
    ("code-as-number", ('credit_code: "91420200MA4F0Q3X39"', "credit_code: 914202001234567890"), "model.string_type", "credit_code"),
    ("datetime-not-date", ("actual_start: 2023-03-05", "actual_start: 2023-03-05 08:30:00"), "model.date_from_datetime_inexact", "actual_start"),
    ("library-needs-implementation", ("library: 实施库", "library: 储备库"), "model.library_fields", "implementation:"),
    ("duplicate-key", ("    location: 花湖街道", "    location: 花湖街道\n    location: 胜阳港街道"), "yaml.duplicate-key", "location: 胜阳港街道"),
    ("unknown-department", ("department: 区教育局", "department: 区教育"), "ref.unknown-department", "department"),
    ("unknown-industry", ("industry: 教育", "industry: 教育业"), "ref.unknown-industry", "industry"),
    ("tab-indentation", ("    location: 花湖街道", "\tlocation: 花湖街道"), "yaml.tab", "location"),
    ("syntax", ("objectives: [新增学位900个]", "objectives: [新增学位900个"), "yaml.syntax", None),
    ("apply-before-catalogue", ("applied_on: 2023-02-01", "applied_on: 2022-02-01"), "model.date_order", "reserve:"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_project_input(tmp_path, run_cli, case):
    _, (old, new), code, needle = case
    assert old in PROJECT
    text = PROJECT.replace(old, new, 1)
    make(tmp_path, text)
    exit_code, out, err = run_cli("validate", tmp_path)
    assert exit_code == 1, err
    line = line_of(text, needle) if needle else None
    assert_located(err, code, "projects.yaml", line)
    assert "校验通过" not in out


def test_misspelt_key_suggests_the_field(tmp_path, run_cli):
    make(tmp_path, PROJECT.replace("    summary:", "    sumary:"))
    _, _, err = run_cli("validate", tmp_path)
    assert "是否应为“summary”（建设内容概况）" in err


def test_code_read_as_number_hints_quotes(tmp_path, run_cli):
    make(tmp_path, PROJECT.replace('credit_code: "91420200MA4F0Q3X39"', "credit_code: 914202001234567890"))
    _, _, err = run_cli("validate", tmp_path)
    assert "加引号" in err
    assert "统一社会信用代码" in err


def test_field_title_and_path_are_shown(tmp_path, run_cli):
    make(tmp_path, PROJECT.replace("project_code: \"2023-420202-83-01-100001\"", "project_code: \"2023-1\""))
    _, _, err = run_cli("validate", tmp_path)
    assert "项目 › 储备库信息 › 项目代码（projects[0].reserve.project_code）" in err


@pytest.mark.parametrize(
    "name,content,code",
    [
        ("empty", "", "yaml.empty"),
        ("only-comments", "# 只有注释\n", "yaml.empty"),
        ("gbk", "kind: projects\nprojects:\n  - name: 测试项目\n".encode("gbk"), "yaml.encoding"),
        ("multi-document", "kind: tasks\n---\nkind: tasks\n", "yaml.multi-document"),
        ("top-level-list", "- kind: projects\n", "data.not-mapping"),
        ("no-kind", "projects: []\n", "data.kind"),
        ("unknown-kind", "kind: project\nprojects: []\n", "data.kind"),
        ("python-tag", "kind: !!python/object:os.system projects\n", "yaml.tag"),
    ],
)
def test_bad_files(tmp_path, run_cli, name, content, code):
    make(tmp_path, content, name="bad.yaml")
    exit_code, _, err = run_cli("validate", tmp_path)
    assert exit_code == 1
    assert "Traceback" not in err
    assert f"[{code}]" in err, err
    assert "bad.yaml" in err


def test_unknown_kind_suggests(tmp_path, run_cli):
    make(tmp_path, "kind: project\nprojects: []\n", name="bad.yaml")
    _, _, err = run_cli("validate", tmp_path)
    assert "是否应为“projects”" in err


def test_alias_bomb_is_rejected_quickly(tmp_path, run_cli):
    import time

    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 9) + "]")
    make(tmp_path, "kind: tasks\n" + "\n".join(lines) + "\n", name="bomb.yaml")
    t = time.perf_counter()
    exit_code, _, err = run_cli("validate", tmp_path)
    assert time.perf_counter() - t < 10  # generous: the point is it does not expand 10**9 nodes
    assert exit_code == 1
    assert "[yaml.alias-bomb]" in err


def test_very_large_file_is_rejected(tmp_path, run_cli):
    from wenshu import loading

    big = tmp_path / "big.yaml"
    (tmp_path / "district.yaml").write_text(DISTRICT, encoding="utf-8")
    with big.open("w", encoding="utf-8") as f:
        f.write("kind: tasks\nnotes: |\n")
        chunk = "  " + "很长的说明文字" * 20 + "\n"
        while f.tell() <= loading.MAX_FILE_BYTES:
            f.write(chunk * 1000)
    exit_code, _, err = run_cli("validate", tmp_path)
    assert exit_code == 1
    assert "[yaml.too-large]" in err


def test_deep_nesting_is_rejected(tmp_path, run_cli):
    make(tmp_path, "kind: tasks\nx: " + "[" * 5000 + "]" * 5000 + "\n", name="deep.yaml")
    exit_code, _, err = run_cli("validate", tmp_path)
    assert exit_code == 1
    assert "Traceback" not in err
    assert "[yaml.too-deep]" in err


def test_cross_file_references(tmp_path, run_cli):
    make(tmp_path, PROJECT)
    (tmp_path / "appraisals.yaml").write_text(
        "kind: appraisals\nappraisals:\n  - project: T-002\n    kind: 选址\n    department: 区资规分局\n"
        "    submitted_on: 2023-02-01\n    completed_on: 2023-02-10\n    conclusion: 通过\n",
        encoding="utf-8",
    )
    (tmp_path / "more.yaml").write_text(PROJECT, encoding="utf-8")
    exit_code, _, err = run_cli("validate", tmp_path)
    assert exit_code == 1
    assert_located(err, "ref.unknown-project", "appraisals.yaml", 3)
    assert "是否应为“T-001”" in err
    # Files are read in sorted order, so the second definition is the one in projects.yaml.
    assert_located(err, "ref.duplicate-project", "projects.yaml", 3)
    assert "more.yaml 第3行" in err


def test_evaluation_of_unfinished_project(tmp_path, run_cli):
    make(tmp_path, PROJECT.replace("      actual_completion: 2024-03-20\n", ""))
    (tmp_path / "evaluations.yaml").write_text(
        "kind: evaluations\nevaluations:\n  - project: T-001\n    basis: 《可行性研究报告》\n    evaluated_on: 2025-04-01\n"
        "    evaluators:\n      - organisation: 区发改局\n        role: 牵头\n",
        encoding="utf-8",
    )
    exit_code, _, err = run_cli("validate", tmp_path)
    assert exit_code == 1
    assert_located(err, "ref.not-completed", "evaluations.yaml", 3)


def test_task_with_two_due_kinds(tmp_path, run_cli):
    make(tmp_path, "kind: tasks\ntitle: 测试任务清单\nyear: 2025\nitems:\n  - work: 开展绩效评价工作。\n    units: [区发改局]\n"
         "    due_date: 2025-05-31\n    rhythm: 每周一次\n", name="tasks.yaml")
    exit_code, _, err = run_cli("validate", tmp_path)
    assert exit_code == 1
    assert_located(err, "model.task_due", "tasks.yaml", 5)


def test_five_errors_in_one_file_give_five_messages(tmp_path, run_cli):
    text = (PROJECT
            .replace("intended_investment: 1000.00", "intended_investment: 一千万")
            .replace("    summary:", "    sumary:")
            .replace("91420200MA4F0Q3X39", "91420200MA4F0Q3X38")
            .replace("2023-420202-83-01-100001", "2023-1")
            .replace("library: 实施库", "library: 实施"))
    make(tmp_path, text)
    exit_code, _, err = run_cli("validate", tmp_path)
    assert exit_code == 1
    codes = re.findall(r"projects\.yaml，第\d+行，第\d+列：错误 \[([\w.-]+)\]", err)
    assert sorted(codes) == sorted([
        "model.decimal_parsing", "model.extra_forbidden", "model.credit_code", "model.project_code", "model.enum",
    ]), err
    assert "发现 5 个错误" in err


def test_all_files_reported_in_one_run(tmp_path, run_cli):
    make(tmp_path, PROJECT.replace("library: 实施库", "library: 实施"))
    (tmp_path / "second.yaml").write_text("kind: tasks\ntitle: 清单\n", encoding="utf-8")
    (tmp_path / "third.yaml").write_text("kind: tasks\n\tbad\n", encoding="utf-8")
    _, _, err = run_cli("validate", tmp_path)
    assert "projects.yaml" in err and "second.yaml" in err and "third.yaml" in err


def test_missing_path_is_usage_error(tmp_path, run_cli):
    exit_code, _, err = run_cli("validate", tmp_path / "nope")
    assert exit_code == 2
    assert "路径不存在" in err


def test_no_arguments_is_usage_error(run_cli):
    exit_code, _, err = run_cli("validate")
    assert exit_code == 2


def test_single_file_finds_its_district(tmp_path, run_cli):
    f = make(tmp_path, PROJECT.replace("department: 区教育局", "department: 区教育"))
    exit_code, _, err = run_cli("validate", f)
    assert exit_code == 1
    assert "[ref.unknown-department]" in err


def test_console_script_end_to_end(tmp_path):
    """The installed entry point, as a user runs it, in a separate process."""
    make(tmp_path, PROJECT.replace("library: 实施库", "library: 实施"))
    r = subprocess.run([sys.executable, "-m", "wenshu", "validate", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "[model.enum]" in r.stderr
    r = subprocess.run([sys.executable, "-m", "wenshu", "validate", str(EXAMPLES)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
