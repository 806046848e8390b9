"""All problems in one run: cross-file checks on whatever could be read, and full-width digits.

Real data folders on disk (copies of data_examples), the real `wenshu validate`.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_validate_cli import DISTRICT, PROJECT


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


def blocks(err: str, code: str) -> list[str]:
    return [b for b in err.split("\n\n") if f"[{code}]" in b]


EDU = "projects/07-区教育局.yaml"
CULTURE = "projects/08-区文旅局.yaml"


def test_bad_date_unknown_department_and_duplicate_id_in_one_run(run_cli, examples_copy):
    """The issue's case: before, only the date (and a cascade of unknown projects) was reported."""
    edu, culture, tasks = examples_copy / EDU, examples_copy / CULTURE, examples_copy / "tasks/2025-任务清单.yaml"
    edit(edu, "planned_start: 2022-03-11", "planned_start: 2022-13-11")  # the whole file fails to load
    edit(tasks, "units: [区发改局]", "units: [区发改委]")
    edit(culture, "id: HSG-2023-040", "id: HSG-2023-001")  # the first project of 07-区教育局.yaml
    code, out, err = run_cli("validate", examples_copy)
    assert code == 1
    assert blocks(err, "yaml.bad-date") and "月份应为1至12" in err
    (dept,) = blocks(err, "ref.unknown-department")
    assert "区发改委" in dept and dept.startswith(tasks.as_posix())
    (dup,) = blocks(err, "ref.duplicate-project")
    # reported at the second place, pointing at the first
    assert dup.startswith(f"{culture.as_posix()}，第{line_of(culture, 'id: HSG-2023-001')}行")
    assert f"已在 {edu.as_posix()} 第{line_of(edu, 'id: HSG-2023-001')}行使用" in dup
    # projects of the failing file are known (read from its YAML): no cascade of "不存在"
    unknown = " ".join(blocks(err, "ref.unknown-project"))
    assert "HSG-2023-001" not in unknown and "HSG-2024-002" not in unknown
    assert "HSG-2023-040" in unknown  # really gone: renamed above


def test_duplicate_id_of_a_record_that_fails_validation(run_cli, examples_copy):
    edu, culture = examples_copy / EDU, examples_copy / CULTURE
    edit(edu, "planned_start: 2022-03-11", 'planned_start: "2022年3月"')  # a model error in one record
    edit(culture, "id: HSG-2023-040", "id: HSG-2023-001")
    code, _, err = run_cli("validate", examples_copy)
    assert code == 1
    assert blocks(err, "model.date_from_datetime_parsing") or blocks(err, "model.date_parsing")
    (dup,) = blocks(err, "ref.duplicate-project")
    assert dup.startswith(culture.as_posix()) and f"已在 {edu.as_posix()} 第4行使用" in dup


def test_duplicate_project_code(run_cli, examples_copy):
    edu, culture = examples_copy / EDU, examples_copy / CULTURE
    code_of_first = re.search(r'project_code: "([^"]+)"', edu.read_text(encoding="utf-8")).group(1)
    second = re.search(r'project_code: "([^"]+)"', culture.read_text(encoding="utf-8")).group(1)
    edit(culture, second, code_of_first)
    code, _, err = run_cli("validate", examples_copy)
    assert code == 1
    (dup,) = blocks(err, "ref.duplicate-project-code")
    assert dup.startswith(f"{culture.as_posix()}，第{line_of(culture, code_of_first)}行")
    assert f"已在 {edu.as_posix()} 第{line_of(edu, code_of_first)}行" in dup and "HSG-2023-001" in dup
    assert "projects[0].reserve.project_code" in dup


def test_invalid_district_is_not_reported_missing_and_its_names_still_check(run_cli, tmp_path):
    (tmp_path / "district.yaml").write_text(DISTRICT.replace("previous_year_investment: 452300.00",
                                                             "previous_year_investment: 很多"), encoding="utf-8")
    (tmp_path / "projects.yaml").write_text(PROJECT.replace("department: 区教育局", "department: 区教委"), encoding="utf-8")
    code, _, err = run_cli("validate", tmp_path)
    assert code == 1
    assert "未找到 district.yaml" not in err
    (note,) = blocks(err, "ref.district-invalid")
    assert "有错误" in note
    (dept,) = blocks(err, "ref.unknown-department")
    assert "区教委" in dept and "区教育局" in dept  # suggestion from the names the file still gives


def test_unreadable_district_is_said_to_be_unreadable(run_cli, tmp_path):
    (tmp_path / "district.yaml").write_text(DISTRICT.replace("kind: district", "kind: district\n\tbad: 1"), encoding="utf-8")
    (tmp_path / "projects.yaml").write_text(PROJECT, encoding="utf-8")
    code, _, err = run_cli("validate", tmp_path)
    assert code == 1 and "未找到 district.yaml" not in err
    (note,) = blocks(err, "ref.district-invalid")
    assert "无法读取" in note


def test_missing_district_is_still_reported_missing(run_cli, tmp_path):
    (tmp_path / "projects.yaml").write_text(PROJECT, encoding="utf-8")
    code, _, err = run_cli("validate", tmp_path)
    assert blocks(err, "ref.no-district") and "未找到 district.yaml" in err


def test_references_of_a_file_that_fails_are_still_checked(run_cli, examples_copy):
    tasks = examples_copy / "tasks/2025-任务清单.yaml"
    edit(tasks, "units: [区发改局]", "units: [区发改委]")
    edit(tasks, "kind: tasks", "kind: tasks\nextra_key: 1")  # the whole file now fails validation
    code, _, err = run_cli("validate", examples_copy)
    assert code == 1 and blocks(err, "model.extra_forbidden")
    (dept,) = blocks(err, "ref.unknown-department")
    assert "区发改委" in dept and "items[1].units[0]" in dept


# ── full-width digits and letters ────────────────────────────────────────────────────────────


def test_full_width_digits_are_read_as_half_width_everywhere_with_a_warning(run_cli, tmp_path):
    (tmp_path / "district.yaml").write_text(DISTRICT, encoding="utf-8")
    text = (PROJECT.replace("planned_start: 2023-03-01", "planned_start: ２０２３-03-01")
            .replace("intended_investment: 1000.00", "intended_investment: １０００")
            .replace("id: T-001", "id: Ｔ-００１")
            .replace('credit_code: "91420200MA4F0Q3X39"', 'credit_code: "９１420200MA4F0Q3X39"')
            .replace("name: 测试区第一小学新建工程", "name: 测试区第１小学新建工程（一期）"))
    (tmp_path / "projects.yaml").write_text(text, encoding="utf-8")
    code, out, err = run_cli("validate", tmp_path)
    assert code == 0, err
    warned = blocks(err, "data.full-width")
    fields = sorted(re.search(r"（(projects\[0\][^）]*)）", b).group(1) for b in warned)
    assert fields == ["projects[0].id", "projects[0].intended_investment", "projects[0].reserve.owner.credit_code",
                      "projects[0].reserve.planned_start"]
    assert any("“２０２３-03-01”" in b and "“2023-03-01”" in b and "第32行" in b for b in warned)

    from wenshu.data import load_dataset

    projects = []
    load_dataset([tmp_path], on_project=projects.append)
    p = projects[0]
    assert p.id == "T-001" and str(p.intended_investment) == "1000" and p.reserve.planned_start.isoformat() == "2023-03-01"
    assert p.name == "测试区第１小学新建工程（一期）"  # free text is left as written


def test_full_width_in_a_reference_matches_the_half_width_id(run_cli, examples_copy):
    appraisals = examples_copy / "appraisals.yaml"
    edit(appraisals, "project: HSG-2023-001", "project: ＨＳＧ-2023-001")
    code, _, err = run_cli("validate", examples_copy)
    assert code == 0, err
    assert blocks(err, "data.full-width") and not blocks(err, "ref.unknown-project")


def test_full_width_option_values(run_cli, examples_copy, tmp_path):
    code, out, err = run_cli("render", "通知", examples_copy, "--item", "港政办〔2024〕3号", "--as-of", "２０２５-11-30",
                             "-o", tmp_path / "n.docx")
    assert code == 0, err


def test_a_referenced_file_that_exists_but_fails_is_not_called_missing(run_cli, examples_copy):
    tasks = examples_copy / "tasks/2024-任务清单.yaml"
    edit(tasks, "kind: tasks", "kind: tasks\nextra_key: 1")
    code, _, err = run_cli("validate", examples_copy)
    assert code == 1 and not blocks(err, "ref.missing-file")
    (ref,) = blocks(err, "ref.invalid-file")
    assert "tasks/2024-任务清单.yaml" in ref and "有错误" in ref
    assert "notices/港政办〔2024〕3号.yaml" in ref.split("：")[0]
