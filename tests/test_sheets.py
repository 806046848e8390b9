"""wenshu init / export / import: real workbooks on disk, opened with openpyxl (and LibreOffice Calc)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import EXAMPLES
from wenshu.data.files import discover, load_file

INIT_ARGS = [
    "--no-input", "--district", "某区", "--division-code", "420000", "--year", "2025",
    "--previous-year-investment", "300000",
    "--reform-plan", "某区加快推动投资项目绩效综合评价改革工作方案（试行）/某政办〔2024〕3号",
    "--organ", "某区人民政府办公室/某区人民政府办公室/某政办",
    "--organ", "某区投资管理委员会办公室/某区投资管理委员会办公室/某投委办",
    "--department", "某区发展和改革局/区发改局/牵头部门+论证部门/能效水平+供需总量+财力",
    "--department", "某区教育局/区教育局/行业主管部门/财力",
    "--industry", "教育/区教育局/政府投资",
]


def folder_data(folder: Path) -> dict[str, object]:
    """rel path -> the file's data as validated (its meaning: defaults filled in), for comparisons."""
    files, _ = discover([folder])
    out = {}
    for p in files:
        sf, probs = load_file(p)
        assert sf is not None and not [x for x in probs if x.severity == "error"], [x.format() for x in probs]
        if sf.kind == "sheet_aliases":
            continue
        out[p.resolve().relative_to(folder.resolve()).as_posix()] = sf.model.model_dump(by_alias=True)
    return out


def exact(value):
    """Data with every Decimal as its text, so 1250.50 and 1250.5 differ."""
    if isinstance(value, dict):
        return {k: exact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [exact(v) for v in value]
    if isinstance(value, Decimal):
        return ("D", str(value))
    return value


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def new_folder(tmp_path, run_cli) -> Path:
    target = tmp_path / "某区数据"
    code, out, err = run_cli("init", target, *INIT_ARGS)
    assert code == 0, err
    return target


@pytest.fixture(scope="module")
def examples_book(tmp_path_factory) -> Path:
    from wenshu.sheets.export import export_workbook

    out = tmp_path_factory.mktemp("book") / "填报表.xlsx"
    export_workbook(EXAMPLES, out)
    return out


# --------------------------------------------------------------------------------------------
# init


def test_init_writes_a_folder_that_validates(new_folder, run_cli):
    code, out, err = run_cli("validate", new_folder)
    assert code == 0, err
    assert "校验通过" in out
    for rel in ("district.yaml", "projects/项目.yaml", "appraisals.yaml", "evaluations.yaml", "rules.yaml",
                "holidays.yaml", "说明.md", "schemas/projects.schema.json"):
        assert (new_folder / rel).is_file(), rel
    head = (new_folder / "projects" / "项目.yaml").read_text(encoding="utf-8").splitlines()
    assert head[0] == "# yaml-language-server: $schema=../schemas/projects.schema.json"
    assert "projects: []" in head
    district = (new_folder / "district.yaml").read_text(encoding="utf-8")
    assert "doc_prefix: 某政办" in district and "key: committee_office" in district and "printer: 某区人民政府办公室" in district
    assert "kind: rules" in (new_folder / "rules.yaml").read_text(encoding="utf-8")


def test_init_never_overwrites(new_folder, run_cli):
    before = digest(new_folder)
    code, _, err = run_cli("init", new_folder, *INIT_ARGS)
    assert code == 2 and "不是空目录" in err
    assert digest(new_folder) == before


def test_init_reports_missing_and_malformed_options(tmp_path, run_cli):
    args = [a for a in INIT_ARGS]
    i = args.index("--industry")
    del args[i:i + 2]
    args[args.index("--department") + 1] = "某区发展和改革局/区发改局"
    code, _, err = run_cli("init", tmp_path / "x", *args)
    assert code == 2
    assert "--department 第1个" in err and "部门全称/简称/角色" in err
    assert not (tmp_path / "x").exists()
    args = [a for a in INIT_ARGS if a]
    del args[args.index("--industry"):args.index("--industry") + 2]
    code, _, err = run_cli("init", tmp_path / "x", *args)
    assert code == 2 and "--industry" in err and "行业" in err
    # A department without the 牵头部门 role: the model's own explanation.
    args = list(INIT_ARGS)
    args[args.index("--department") + 1] = "某区发展和改革局/区发改局/论证部门"
    code, _, err = run_cli("init", tmp_path / "x", *args)
    assert code == 2 and "牵头部门" in err


def test_init_asks_for_what_is_missing(tmp_path, run_cli, monkeypatch):
    answers = "\n".join([
        "某区", "420000", "300000", "某区改革工作方案（试行）/某政办〔2024〕3号",
        "某区人民政府办公室/某区人民政府办公室", "某区人民政府办公室/某区人民政府办公室/某政办", "",
        "某区发展和改革局/区发改局/牵头部门", "",
        "教育/区发改局/政府投资", "",
    ]) + "\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    code, out, err = run_cli("init", tmp_path / "问答")
    assert code == 0, out + err
    assert "应写成“机关全称/发文机关标志/机关代字”" in out  # the malformed answer was asked again
    code, _, err = run_cli("validate", tmp_path / "问答")
    assert code == 0, err


# --------------------------------------------------------------------------------------------
# export


def test_blank_form_of_a_new_folder(new_folder, tmp_path, run_cli):
    book = tmp_path / "空白.xlsx"
    code, out, err = run_cli("export", new_folder, "-o", book)
    assert code == 0, err
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[0] == "填表说明"
    for name in ("项目", "资金来源", "分年度投资计划", "年度投资计划与完成", "论证记录", "部门督办记录", "部门", "行业"):
        assert name in wb.sheetnames
    ws = wb["项目"]
    assert ws.max_row == 1  # headers only
    assert ws["A1"].value == "*平台项目编号"
    # The departments of district.yaml are in the 部门 sheet the dropdowns read.
    depts = [r[1] for r in wb["部门"].iter_rows(min_row=2, values_only=True)]
    assert depts == ["区发改局", "区教育局"]
    code, _, err = run_cli("export", new_folder, "-o", book)
    assert code == 2 and "已存在" in err


def test_workbook_is_a_real_form(examples_book):
    wb = openpyxl.load_workbook(examples_book)
    ws = wb["项目"]
    heads = {c.value: c for c in ws[1]}
    assert ws.freeze_panes == "B2"
    assert heads["*项目名称"].font.color.rgb.endswith("C00000")  # required: red with *
    assert "业主单位" in heads and heads["业主单位"].font.color.rgb.endswith("000000")  # conditional
    assert "必填" in heads["*项目名称"].comment.text
    assert "万元" in heads["*意向总投资（万元）"].comment.text
    col = {c.value: c.column_letter for c in ws[1]}
    # Dates are dates, money keeps its decimals, codes are text.
    row = {c.column_letter: c for c in ws[2]}
    assert isinstance(row[col["入目录库日期"]].value, dt.datetime) and row[col["入目录库日期"]].number_format == "yyyy-mm-dd"
    assert row[col["总投资（万元）"]].number_format == "0.00"
    assert isinstance(row[col["项目代码"]].value, str) and row[col["项目代码"]].number_format == "@"
    assert ws.column_dimensions[col["*建设内容概况"]].width > ws.column_dimensions[col["*所在库"]].width
    # Dropdowns: every choice column, and departments/industries from the 部门/行业 sheets.
    dvs = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    assert dvs[f"{col['*所在库']}2"].formula1 == '"目录库,储备库,实施库"'
    assert dvs[f"{col['建设性质']}2"].type == "list"
    assert dvs[f"{col['*行业主管部门']}2"].formula1.startswith("'部门'!$B$2:$B$")
    assert dvs[f"{col['*所属行业']}2"].formula1.startswith("'行业'!$A$2:$A$")
    assert dvs[f"{col['总投资（万元）']}2"].type == "decimal"
    assert ws.auto_filter.ref.startswith("A1:")
    # A repeated group names its record first.
    funding = wb["资金来源"]
    assert [c.value for c in funding[1]] == ["*平台项目编号", "*资金来源", "*金额（万元）"]
    assert funding.freeze_panes == "B2"
    # The 填表说明 sheet explains every column of every sheet.
    guide = [r for r in wb["填表说明"].iter_rows(values_only=True)]
    assert any(r[0] == "资金来源" for r in guide)
    assert any(r[1] == "统一社会信用代码" and r[2] == "条件" for r in guide)
    # Notice sections keep their levels.
    levels = [r[3] for r in wb["印发文件·正文小节"].iter_rows(min_row=2, values_only=True)]
    assert set(levels) <= {1, 2, 3, 4} and 2 in levels


def test_export_is_deterministic(examples_book, tmp_path):
    from wenshu.sheets.export import export_workbook

    again = tmp_path / "again.xlsx"
    export_workbook(EXAMPLES, again)
    assert again.read_bytes() == examples_book.read_bytes()


def test_export_refuses_an_invalid_folder(examples_copy, tmp_path, run_cli):
    p = examples_copy / "projects" / "07-区教育局.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("total_investment: 18600.00", "total_investment: 一万"), encoding="utf-8")
    code, _, err = run_cli("export", examples_copy, "-o", tmp_path / "x.xlsx")
    assert code == 1 and "07-区教育局.yaml" in err and "未生成填报表" in err
    assert not (tmp_path / "x.xlsx").exists()


# --------------------------------------------------------------------------------------------
# round trip


@pytest.mark.slow
def test_round_trip_gives_byte_identical_documents(examples_book, tmp_path, run_cli):
    imported = tmp_path / "导入"
    code, out, err = run_cli("import", examples_book, "-o", imported)
    assert code == 0, err
    assert exact(folder_data(imported)) == exact(folder_data(EXAMPLES))
    docs = {}
    for name, folder in (("a", EXAMPLES), ("b", imported)):
        code, _, err = run_cli("batch", folder, "-o", tmp_path / name, "--as-of", "2025-11-30", "-j", "1")
        assert code == 0, err
        docs[name] = {p.relative_to(tmp_path / name).as_posix(): p.read_bytes()
                      for p in sorted((tmp_path / name).rglob("*.docx"))}
    assert len(docs["a"]) > 50
    assert docs["a"].keys() == docs["b"].keys()
    assert [k for k in docs["a"] if docs["a"][k] != docs["b"][k]] == []


def test_reimport_into_the_same_folder_changes_nothing(examples_copy, examples_book, run_cli):
    before = digest(examples_copy)
    code, out, err = run_cli("import", examples_book, "-o", examples_copy, "--force")
    assert code == 0, err
    assert "写入 0 个文件" in out and "删除 0 个" in out
    after = digest(examples_copy)
    # Every data file keeps its bytes (comments and flow lists included); only schemas/ is added.
    assert {k: v for k, v in after.items() if not k.startswith("schemas/")} == before


def test_edited_workbook_updates_only_what_changed(examples_copy, examples_book, tmp_path, run_cli):
    wb = openpyxl.load_workbook(examples_book)
    ws = wb["项目"]
    col = {c.value: c.column for c in ws[1]}
    ws.cell(2, col["*建设内容概况"]).value = "改建内容已调整。"
    book = tmp_path / "改.xlsx"
    wb.save(book)
    before = digest(examples_copy)
    code, out, err = run_cli("import", book, "-o", examples_copy, "--force")
    assert code == 0, err
    changed = sorted(k for k, v in digest(examples_copy).items() if before.get(k) != v and not k.startswith("schemas/"))
    assert changed == ["projects/01-区住保局.yaml"]
    assert "summary: 改建内容已调整。" in (examples_copy / changed[0]).read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# import: problems


def _edit(book: Path, out: Path, edits: dict[str, list[tuple[int, str, object]]]) -> Path:
    wb = openpyxl.load_workbook(book)
    for sheet, cells in edits.items():
        ws = wb[sheet]
        col = {str(c.value).lstrip("*"): c.column for c in ws[1]}
        for row, header, value in cells:
            ws.cell(row, col[header]).value = value
    wb.save(out)
    return out


def test_bad_cells_are_all_reported_with_sheet_row_and_column(examples_book, tmp_path, run_cli):
    book = _edit(examples_book, tmp_path / "错.xlsx", {
        "项目": [(2, "总投资（万元）", "1,250万元"), (5, "运营数据年度", "２０２４"), (6, "项目名称", None),
                (7, "统一社会信用代码", 1.24202025000777e17), (8, "行业主管部门", "区不存在局"),
                (9, "入目录库日期", "2021年13月1日")],
        "资金来源": [(2, "平台项目编号", "HSG-9999-999")],
        "论证记录": [(3, "论证结论", "同意")],
    })
    target = tmp_path / "新目录"
    code, out, err = run_cli("import", book, "-o", target)
    assert code == 1
    assert not target.exists() and not list(tmp_path.glob(".新目录*"))  # nothing written, no temporary left
    blocks = err.split("\n\n")

    def block(row: int, sheet: str, *words: str) -> str:
        hits = [b for b in blocks if f"工作表“{sheet}”，第{row}行" in b and all(w in b for w in words)]
        assert hits, f"{sheet} {row} {words}\n{err}"
        return hits[0]

    money = block(2, "项目", "总投资（万元）")
    assert "应为数字" in money and "应填写 1250" in money and "“1,250万元”" in money
    assert "已按半角“2024”读取" in block(5, "项目", "运营数据年度", "全角")  # as validate reads it: a warning
    assert "缺少必填字段" in block(6, "项目", "B列“项目名称”")
    assert "超过15位" in block(7, "项目", "统一社会信用代码")
    assert "不在 district.yaml 的部门中" in block(8, "项目", "行业主管部门")  # the whole-folder check, traced back
    assert "不是有效的日期" in block(9, "项目", "入目录库日期")
    assert "没有平台项目编号为“HSG-9999-999”" in block(2, "资金来源")
    assert "通过、有条件通过、不通过" in block(3, "论证记录", "论证结论")
    assert "未写入任何文件" in err


def test_dates_are_normalised(examples_book, tmp_path, run_cli):
    book = _edit(examples_book, tmp_path / "日期.xlsx", {
        "项目": [(2, "入目录库日期", "2021/9/26"), (3, "入目录库日期", "2020年4月8日"), (4, "入目录库日期", "2021.3.5")],
    })
    target = tmp_path / "日期"
    code, _, err = run_cli("import", book, "-o", target)
    assert code == 0, err
    text = (target / "projects" / "01-区住保局.yaml").read_text(encoding="utf-8")
    assert "catalogue_entered_on: 2021-09-26" in text and "catalogue_entered_on: 2020-04-08" in text
    assert "catalogue_entered_on: 2021-03-05" in text


def test_existing_folder_needs_force_and_is_swapped_whole(examples_copy, examples_book, tmp_path, run_cli):
    (examples_copy / "templates").mkdir()
    (examples_copy / "templates" / "说明.txt").write_text("本区模板", encoding="utf-8")
    before = digest(examples_copy)
    code, _, err = run_cli("import", examples_book, "-o", examples_copy)
    assert code == 2 and "--force" in err
    bad = _edit(examples_book, tmp_path / "错.xlsx", {"项目": [(2, "所在库", "草稿库")]})
    code, _, err = run_cli("import", bad, "-o", examples_copy, "--force")
    assert code == 1 and "目录库、储备库、实施库" in err
    assert digest(examples_copy) == before  # a failed import leaves the folder as it was
    code, out, err = run_cli("import", examples_book, "-o", examples_copy, "--force")
    assert code == 0, err
    assert (examples_copy / "templates" / "说明.txt").read_text(encoding="utf-8") == "本区模板"  # other files kept
    assert not [p for p in examples_copy.parent.iterdir() if "wenshu-" in p.name]


def test_check_writes_nothing(examples_book, tmp_path, run_cli):
    code, out, err = run_cli("import", examples_book, "-o", tmp_path / "只检查", "--check")
    assert code == 0 and "检查通过" in out, err
    assert not (tmp_path / "只检查").exists()


def test_notice_level_jump_is_explained(examples_book, tmp_path, run_cli):
    book = _edit(examples_book, tmp_path / "层级.xlsx", {"印发文件·正文小节": [(3, "层级", 4)]})
    code, _, err = run_cli("import", book, "-o", tmp_path / "x")
    assert code == 1 and "工作表“印发文件·正文小节”，第3行" in err and "层级“4”不对" in err


def test_notice_body_with_tables_and_page_breaks(examples_book, tmp_path, run_cli):
    """The 正文 cell holds paragraphs, 【分页】 and tables between 【表格……】 and 【表格完】: the joint
    notice's table comes back as its cells, an edited body becomes YAML items, a table left open is
    explained at its cell."""
    wb = openpyxl.load_workbook(examples_book)
    ws = wb["通知"]
    col = {str(c.value).lstrip("*"): c.column for c in ws[1]}
    rows = {ws.cell(r, col["发文顺序号"]).value: r for r in range(2, ws.max_row + 1)}
    sections = wb["通知·正文小节"]
    scol = {str(c.value).lstrip("*"): c.column for c in sections[1]}
    cells = [sections.cell(r, scol["段落"]).value or "" for r in range(2, sections.max_row + 1)]
    table = next(c for c in cells if "【表格：专项督办项目“两算”逾期情况；单位：万元】" in c)
    assert "序号｜项目名称｜行业主管部门｜总投资｜逾期事项" in table and "3650.00｜竣工结算" in table
    assert table.rstrip().endswith("【表格完】")
    r = rows[41]
    ws.cell(r, col["正文"]).value = "第一段。\n【分页】\n【表格：统计表；单位：个】\n地区｜数量\n甲区｜5\n【表格完】\n第二段。"
    good = tmp_path / "表格.xlsx"
    wb.save(good)
    code, _, err = run_cli("import", good, "-o", tmp_path / "好")
    assert code == 0, err
    text = (tmp_path / "好" / "notices" / "港发改〔2025〕41号.yaml").read_text(encoding="utf-8")
    from wenshu.loading import load_yaml

    body = load_yaml(tmp_path / "好" / "notices" / "港发改〔2025〕41号.yaml", positions=False).data["body"]
    assert body == ["第一段。", {"page_break": True},
                    {"table": {"title": "统计表", "unit": "个", "headers": ["地区", "数量"], "rows": [["甲区", "5"]]}},
                    "第二段。"], text
    ws.cell(r, col["正文"]).value = "第一段。\n【表格】\n地区｜数量\n甲区｜5"
    bad = tmp_path / "错.xlsx"
    wb.save(bad)
    code, _, err = run_cli("import", bad, "-o", tmp_path / "错")
    assert code == 1 and f"工作表“通知”，第{r}行" in err and "表格没有结束" in err and "【表格完】" in err


def test_new_district_from_filled_form(new_folder, tmp_path, run_cli):
    """The README path: init, export the blank form, fill it, import, batch — no YAML typed."""
    book = tmp_path / "填报表.xlsx"
    assert run_cli("export", new_folder, "-o", book)[0] == 0
    wb = openpyxl.load_workbook(book)
    ws = wb["项目"]
    col = {str(c.value).lstrip("*"): c.column for c in ws[1]}
    values = {"平台项目编号": "MQ-2025-001", "项目名称": "某区实验小学改扩建工程", "所在库": "储备库", "投资类型": "政府投资",
              "行业主管部门": "区教育局", "所属行业": "教育", "国民经济行业分类": "P8331", "意向总投资（万元）": 3200,
              "项目来源依据": "某区教育发展规划", "建设内容概况": "新建教学楼一栋。", "所在地": "某街道",
              "入目录库日期": dt.datetime(2025, 1, 6), "业主单位": "某区教育局", "法定代表人": "张三",
              "统一社会信用代码": "11420000MB1234567X", "建设性质": "改建", "投资匡算（万元）": 3200,
              "建设内容和规模": "新建教学楼，建筑面积6000平方米。", "项目代码": "2025-420000-83-01-000001",
              "计划开工时间": "2025/7/1", "计划竣工时间": "2026年8月31日", "建设具体地址": "某区某路1号",
              "总用地面积（亩）": 12, "功能效益目标": "新增学位540个\n改善办学条件", "转库申请日期": "2025-03-03"}
    from wenshu.models.codes import credit_check_char

    values["统一社会信用代码"] = values["统一社会信用代码"][:17] + credit_check_char(values["统一社会信用代码"][:17])
    for header, v in values.items():
        ws.cell(2, col[header]).value = v
    ws.cell(2, col["意向总投资（万元）"]).number_format = "0.00"  # as Excel gives a typed cell its column's format
    for sheet, rows in {"意向资金来源": [("MQ-2025-001", "本级财政资金", 3200)],
                        "分年度投资计划": [("MQ-2025-001", 2025, 1200), ("MQ-2025-001", 2026, 2000)]}.items():
        for r, row in enumerate(rows, start=2):
            for c, v in enumerate(row, start=1):
                wb[sheet].cell(r, c).value = v
    wb["论证记录"].append(["MQ-2025-001", "能效水平", "区发改局", dt.datetime(2025, 3, 3)])
    wb.save(book)
    code, out, err = run_cli("import", book, "-o", new_folder, "--force")
    assert code == 0, err
    assert (new_folder / "projects" / "区教育局.yaml").is_file() and not (new_folder / "projects" / "项目.yaml").exists()
    text = (new_folder / "projects" / "区教育局.yaml").read_text(encoding="utf-8")
    assert "planned_start: 2025-07-01" in text and "planned_completion: 2026-08-31" in text
    assert "intended_investment: 3200.00" in text  # the column's two decimals
    assert "- 新增学位540个\n    - 改善办学条件" in text
    code, _, err = run_cli("validate", new_folder)
    assert code == 0, err
    code, out, err = run_cli("batch", new_folder, "-o", tmp_path / "文书", "--as-of", "2025-11-30", "-j", "1")
    assert code == 0, err


# --------------------------------------------------------------------------------------------
# CSV


def _csv_tables(book: Path, folder: Path, encoding: str, sheets: list[str]) -> list[Path]:
    import csv

    def shown(cell) -> str:  # what a spreadsheet program writes: the value as displayed
        v = cell.value
        if v is None:
            return ""
        if isinstance(v, dt.datetime):
            return f"{v.year}/{v.month}/{v.day}"
        if isinstance(v, (int, float)) and cell.number_format.startswith("0."):
            return f"{v:.{len(cell.number_format) - 2}f}"
        return str(v)

    wb = openpyxl.load_workbook(book, data_only=True)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name in sheets:
        path = folder / f"{name}.csv"
        with path.open("w", encoding=encoding, newline="") as fh:
            w = csv.writer(fh)
            for row in wb[name].iter_rows():
                w.writerow([shown(c) for c in row])
        out.append(path)
    return out


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_per_sheet_in_gbk_or_utf8(examples_copy, examples_book, tmp_path, run_cli, encoding):
    """A few sheets as CSV files into an existing folder: those kinds are replaced, the rest kept."""
    (examples_copy / "district.yaml").write_text(
        (examples_copy / "district.yaml").read_text(encoding="utf-8").replace("year: 2025", "year: 2024"), encoding="utf-8")
    (examples_copy / "appraisals.yaml").unlink()
    sheets = ["区情设置", "发文机关", "部门", "行业", "论证记录"]
    paths = _csv_tables(examples_book, tmp_path / "csv", encoding, sheets)
    code, out, err = run_cli("import", *paths, "-o", examples_copy, "--force")
    assert code == 0, err
    assert exact(folder_data(examples_copy)) == exact(folder_data(EXAMPLES))


def test_csv_with_platform_column_names_and_district_aliases(new_folder, tmp_path, run_cli):
    (new_folder / "表格别名.yaml").write_text(
        "kind: sheet_aliases\ncolumns:\n  论证记录:\n    论证部门: [承办科室]\n", encoding="utf-8")
    csv_path = tmp_path / "平台导出-论证情况.csv"
    csv_path.write_bytes(("序号,项目ID,论证事项,承办科室,申请日期,备注\n"
                          "1,MQ-2025-001,能效水平,区发改局,2025/3/3,无\n").encode("gbk"))
    code, _, err = run_cli("validate", new_folder)
    assert code == 0, err
    code, out, err = run_cli("import", csv_path, "-o", new_folder, "--check")
    # The project does not exist in this new folder: located at the 项目编号 cell of the CSV.
    assert code == 1
    assert "平台导出-论证情况.csv，第2行" in err and "B列“项目编号”" in err and "MQ-2025-001" in err
    assert "不认识的列" in err and "“备注”" in err  # unknown platform columns: a warning
    assert "“承办科室”" not in err


@pytest.mark.libreoffice
def test_workbook_opens_in_libreoffice_calc_and_its_csv_imports(examples_book, tmp_path, run_cli):
    """LibreOffice Calc opens the workbook and writes every sheet as CSV (as a user saving each sheet
    from a spreadsheet program would); those CSV files import to the same data."""
    import subprocess

    from tests.lo import require_soffice

    out = tmp_path / "csv"
    out.mkdir()
    r = subprocess.run([require_soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path / 'lo'}",
                        "--convert-to",
                        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
                        "--outdir", str(out), str(examples_book)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    files = sorted(out.glob("*.csv"))
    assert len(files) > 20, r.stdout + r.stderr
    target = tmp_path / "导入"
    code, _, err = run_cli("import", *files, "-o", target)
    assert code == 0, err
    assert exact(folder_data(target)) == exact(folder_data(EXAMPLES))


# --------------------------------------------------------------------------------------------
# validate and batch name spreadsheets


def test_validate_names_spreadsheets_in_a_data_folder(examples_copy, examples_book, run_cli):
    shutil.copy(examples_book, examples_copy / "projects" / "项目.xlsx")
    (examples_copy / "论证.csv").write_text("a,b\n", encoding="utf-8")
    code, out, err = run_cli("validate", examples_copy)
    assert code == 0
    assert "projects/项目.xlsx" in err and "论证.csv" in err and "wenshu import" in err
    code, _, err = run_cli("validate", examples_copy / "projects" / "项目.xlsx")
    assert code == 1 and "wenshu import" in err


def test_round_trip_of_every_kind(examples_copy, tmp_path, run_cli):
    """Rules, wording and holidays (not in data_examples) and the second district come back the same."""
    from tests.conftest import ROOT

    (examples_copy / "rules.yaml").write_text(
        "kind: rules\nbasis: 区投委会2025年第1次会议\nlights:\n  start:\n    red_over_days: 60\n"
        "supervision:\n  report_roles: [行业主管部门]\n  commend:\n    top_n: 2\n", encoding="utf-8")
    (examples_copy / "wording.yaml").write_text(
        'kind: wording\nphrases:\n  light.not_judged: "{library}项目不判断{check}"\n', encoding="utf-8")
    (examples_copy / "holidays.yaml").write_text(
        'kind: holidays\nyears:\n  "2027":\n    source: 国务院办公厅通知\n'
        "    holidays: [2027-01-01, {from: 2027-02-06, to: 2027-02-12}]\n    workdays: [2027-02-20]\n", encoding="utf-8")
    for name, folder in (("全部类型", examples_copy), ("第二个区", ROOT / "tests" / "fixtures" / "second_district")):
        book = tmp_path / f"{name}.xlsx"
        assert run_cli("export", folder, "-o", book)[0] == 0
        code, _, err = run_cli("import", book, "-o", tmp_path / name)
        assert code == 0, err
        assert exact(folder_data(tmp_path / name)) == exact(folder_data(folder)), name
    text = (tmp_path / "全部类型" / "rules.yaml").read_text(encoding="utf-8")
    assert "red_over_days: 60" in text and "yellow_over_days" not in text  # only what the district changed
