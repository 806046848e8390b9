"""``wenshu init``: a complete, valid data folder for a new district.

The district's own facts (organs, 机关代字, departments and their roles, industries, the reform plan)
come from the command line or from prompts — never from defaults written here, which would put one
district's names into another's documents. Everything else is an empty, valid file with its schema
header, so that ``wenshu validate`` passes at once and ``wenshu export`` gives the blank form.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from wenshu.atomic import current_umask
from wenshu.errors import DataError, Problem, UsageError
from wenshu.models.appraisal import AppraisalKind
from wenshu.models.district import DeptRole, DistrictFile, InvestmentType
from wenshu.models.rules import RulesFile
from wenshu.sheets.layout import field_key, is_model, unwrap
from wenshu.sheets.yamlio import file_text
from wenshu.validation import resolve, translate

# Collective recipients of a district's downward documents, the same words in every district.
DEFAULT_RECIPIENTS = ("各街道办事处", "区直各部门")

_SEP = re.compile(r"\s*[/／|｜]\s*")
_MULTI = re.compile(r"\s*[+＋、,，;；]\s*")

# Empty record files of a new folder (path, kind, list key).
EMPTY_FILES = (
    ("projects/项目.yaml", "projects", "projects"),
    ("appraisals.yaml", "appraisals", "appraisals"),
    ("evaluations.yaml", "evaluations", "evaluations"),
    ("reports/行业绩效评价.yaml", "industry_reports", "reports"),
)

# Organ keys for the usual issuing organs, recognised by the end of their full name.
_ORGAN_KEYS = (("人民政府办公室", "gov_office"), ("投资管理委员会办公室", "committee_office"), ("人民政府", "gov"))


@dataclass
class InitOptions:
    district: str
    government: str | None = None
    division_code: str | None = None
    year: int | None = None
    previous_year_investment: str | None = None
    reform_plan: str | None = None  # "名称/发文字号"
    organs: list[str] = field(default_factory=list)  # "全称/发文机关标志/机关代字[/代号]"
    departments: list[str] = field(default_factory=list)  # "全称/简称/角色+角色[/论证+论证][/负责人]"
    industries: list[str] = field(default_factory=list)  # "名称/主管部门简称/投资类型"
    recipients: list[str] = field(default_factory=list)
    printer: str | None = None


class OptionError(ValueError):
    """A command-line value in the wrong shape (message in Chinese)."""


def parse_organ(text: str, index: int) -> dict:
    parts = [p for p in _SEP.split(text.strip()) if p]
    if len(parts) not in (3, 4):
        raise OptionError(f"应写成“机关全称/发文机关标志/机关代字”，如 某区人民政府办公室/某区人民政府办公室/某政办；实际：“{text}”")
    out = {"name": parts[0], "mark": parts[1], "doc_prefix": parts[2]}
    out["key"] = parts[3] if len(parts) == 4 else organ_key(parts[0], index)
    return {"key": out["key"], "name": out["name"], "mark": out["mark"], "doc_prefix": out["doc_prefix"]}


def organ_key(name: str, index: int) -> str:
    for end, key in _ORGAN_KEYS:
        if name.endswith(end):
            return key
    return f"organ{index + 1}"


def parse_department(text: str) -> dict:
    parts = [p for p in _SEP.split(text.strip())]
    if len(parts) < 3 or len(parts) > 5 or not all(parts[:3]):
        raise OptionError("应写成“部门全称/简称/角色”（多个角色用+或、分隔，可再加“/负责的论证/主要负责人”），"
                          f"如 某区发展和改革局/区发展改革局/牵头部门+论证部门/能效水平+财力；实际：“{text}”")
    out: dict[str, Any] = {"name": parts[0], "short": parts[1], "roles": [r for r in _MULTI.split(parts[2]) if r]}
    if len(parts) > 3 and parts[3]:
        out["appraisals"] = [a for a in _MULTI.split(parts[3]) if a]
    if len(parts) > 4 and parts[4]:
        out["head"] = parts[4]
    return out


def parse_industry(text: str) -> dict:
    parts = [p for p in _SEP.split(text.strip()) if p]
    if len(parts) != 3:
        raise OptionError(f"应写成“行业名称/主管部门简称/投资类型”，如 教育/区教育局/政府投资；实际：“{text}”")
    return {"name": parts[0], "department": parts[1], "investment_type": parts[2]}


def parse_plan(text: str) -> dict:
    parts = [p for p in _SEP.split(text.strip()) if p]
    if len(parts) != 2:
        raise OptionError(f"应写成“方案名称/发文字号”，如 某区加快推动投资项目绩效综合评价改革工作方案（试行）/某政办〔2024〕3号；实际：“{text}”")
    return {"title": parts[0].strip("《》"), "doc_number": parts[1]}


def parse_money(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        raise OptionError(f"应为数字（单位万元，不写“万元”和逗号），如 452300；实际：“{text}”") from None
    return value


OPTION_OF = {"organs": "--organ", "departments": "--department", "industries": "--industry",
             "reform_plan": "--reform-plan", "recipients": "--recipient", "printer": "--printer",
             "division_code": "--division-code", "year": "--year", "government": "--government",
             "previous_year_investment": "--previous-year-investment", "name": "--district"}


def district_data(o: InitOptions) -> tuple[dict, list[Problem]]:
    """The district.yaml data from the options, and every problem with them (by option)."""
    problems: list[Problem] = []

    def bad(option: str, message: str) -> None:
        problems.append(Problem(code="init.option", message=message, field_path=None, field_title=option))

    data: dict[str, Any] = {"kind": "district", "name": o.district,
                            "government": o.government or f"{o.district}人民政府"}
    if o.division_code is not None:
        data["division_code"] = o.division_code
    data["year"] = o.year if o.year is not None else dt.date.today().year
    if o.previous_year_investment is not None:
        try:
            data["previous_year_investment"] = parse_money(o.previous_year_investment)
        except OptionError as e:
            bad("--previous-year-investment", str(e))
    if o.reform_plan is not None:
        try:
            data["reform_plan"] = parse_plan(o.reform_plan)
        except OptionError as e:
            bad("--reform-plan", str(e))
    organs = []
    for i, t in enumerate(o.organs):
        try:
            organs.append(parse_organ(t, i))
        except OptionError as e:
            bad(f"--organ 第{i + 1}个", str(e))
    data["organs"] = organs
    depts = []
    for i, t in enumerate(o.departments):
        try:
            depts.append(parse_department(t))
        except OptionError as e:
            bad(f"--department 第{i + 1}个", str(e))
    data["departments"] = depts
    inds = []
    for i, t in enumerate(o.industries):
        try:
            inds.append(parse_industry(t))
        except OptionError as e:
            bad(f"--industry 第{i + 1}个", str(e))
    data["industries"] = inds
    data["recipients"] = list(o.recipients) or list(DEFAULT_RECIPIENTS)
    printer = o.printer
    if printer is None and organs:
        printer = next((g["name"] for g in organs if g["name"].endswith("办公室")), organs[0]["name"])
    if printer is not None:
        data["printer"] = printer
    if problems:
        return data, problems
    try:
        DistrictFile.model_validate(data)
    except ValidationError as e:
        for err in e.errors(include_url=False):
            loc = tuple(err["loc"])
            msg, expected, found, hint = translate(err, DistrictFile)
            titles, _ = resolve(DistrictFile, loc)
            option = OPTION_OF.get(str(loc[0]) if loc else "", "")
            if option and len(loc) > 1 and isinstance(loc[1], int):
                option += f" 第{loc[1] + 1}个"
            if err["type"] == "missing" and option:
                msg = f"缺少{titles[-1] if titles else ''}：请用 {option.split()[0]} 给出。"
                hint = None
            problems.append(Problem(code=f"model.{err['type']}", message=msg, field_title=" › ".join(
                t for t in [option, " › ".join(titles)] if t) or None, expected=expected, found=found, hint=hint))
    return data, problems


# --------------------------------------------------------------------------------------------
# The stub files


def rules_stub() -> str:
    """rules.yaml of a new folder: ``kind: rules`` and every rule, commented out, with its default."""
    lines = [
        "# 计算规则：红黄绿灯阈值、指标目标值、评分权重、督办考评和通报条件。",
        "# 不写的项使用 wenshu 的默认值（下面注释中的值）。要修改某项，删去该行及其上级各行开头的“# ”，改为本区的值；",
        "# 规则的含义和公式见 wenshu 的 docs/计算规则-指标与评分.md。",
        "kind: rules",
    ]

    def walk(model: type[BaseModel], instance: BaseModel, indent: int) -> None:
        for name, f in model.model_fields.items():
            if name == "kind":
                continue
            key = field_key(name, f)
            tp, _ = unwrap(f.annotation)
            value = getattr(instance, name)
            pad = "  " * indent
            if is_model(tp):
                lines.append(f"# {pad}{key}:  # {f.title}")
                walk(tp, value, indent + 1)
                continue
            shown = _yaml_scalar(value)
            lines.append(f"# {pad}{key}: {shown}  # {f.title}")

    walk(RulesFile, RulesFile(), 0)
    return "\n".join(lines) + "\n"


def _yaml_scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(getattr(v, "value", v))


HOLIDAYS_STUB = """# 节假日补充：chinesecalendar 尚未覆盖的年份（国务院办公厅每年11月前后公布次年安排后）在这里补充。
# 例如：
# years:
#   "2027":
#     source: 国务院办公厅关于2027年部分节假日安排的通知
#     holidays: [2027-01-01, {from: 2027-02-06, to: 2027-02-12}]   # 放假日期：单日或区间（含两端）
#     workdays: [2027-02-20]                                       # 调休上班的周六、周日
kind: holidays
years: {}
"""

README = """# {name}投资项目绩效综合评价数据

本目录由 `wenshu init` 生成，是 wenshu 的数据目录：每个 .yaml 文件是一类数据，第一行指向 `schemas/` 中的
说明（在 VS Code 等编辑器中打开可自动补全和提示）。

| 文件 | 内容 |
|---|---|
| `district.yaml` | 区情设置：发文机关及其代字、部门及其角色、行业、改革工作方案、默认主送和印发机关 |
| `projects/` | 项目（目录库、储备库、实施库），一般每个行业主管部门一个文件 |
| `appraisals.yaml` | 论证记录 |
| `evaluations.yaml` | 项目绩效评价输入 |
| `reports/` | 行业绩效评价、年度综合绩效评价的文字部分 |
| `supervision/` | 每月督办记录（每月一个文件） |
| `tasks/` | 任务清单 |
| `rules.yaml` | 计算规则（只写要改的项；不写用默认值） |
| `holidays.yaml` | 节假日补充（chinesecalendar 尚未覆盖的年份） |

## 用表格填报

不必手写 YAML。各部门可以在 Excel 或 WPS 中填表：

```bash
wenshu export {folder} -o 填报表.xlsx            # 生成填报表（工作表、列名、下拉列表都已设好）
wenshu import 填报表.xlsx -o {folder} --force    # 填好后导入：先全部校验，有问题逐条列出，没有问题才写入
wenshu validate {folder}                         # 校验
wenshu batch {folder} -o 输出 --as-of 2025-11-30 # 生成全部文书
```

填表方法见 wenshu 的 docs/用表格填报数据.md。
"""


def _header_comment(kind: str) -> str:
    return {
        "projects": "项目：可直接在这里填写，也可以用 wenshu export 导出填报表，在“项目”等工作表中填写后 wenshu import 导入。",
        "appraisals": "论证记录：可直接在这里填写，也可以在填报表的“论证记录”工作表中填写后导入。",
        "evaluations": "项目绩效评价输入：可直接在这里填写，也可以在填报表的“项目绩效评价输入”等工作表中填写后导入。",
        "industry_reports": "行业绩效评价输入：可直接在这里填写，也可以在填报表的“行业绩效评价输入”工作表中填写后导入。",
    }.get(kind, "")


def folder_files(data: dict, folder_name: str) -> dict[str, str]:
    """rel path -> text of every file of a new folder (schemas excluded)."""
    files = {"district.yaml": file_text("district", data, "district.yaml")}
    for rel, kind, key in EMPTY_FILES:
        files[rel] = file_text(kind, {key: []}, rel, comment=_header_comment(kind))
    files["rules.yaml"] = rules_stub()
    files["holidays.yaml"] = HOLIDAYS_STUB
    files["说明.md"] = README.format(name=data["name"], folder=folder_name)
    return files


def init_folder(target: Path, options: InitOptions) -> list[str]:
    """Write the new folder (atomically: a temporary folder beside it, renamed into place)."""
    from wenshu.data import load_dataset
    from wenshu.schema_export import write_schemas

    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(Problem(code="usage.exists", file=str(target), message="目录已存在且不是空目录，未写入任何文件。",
                                 hint="wenshu init 从不覆盖已有数据；请指定一个新目录。"))
    data, problems = district_data(options)
    if problems:
        raise UsageError(problems)
    files = folder_files(data, target.name)
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.wenshu-init-", dir=parent))
    try:
        for rel, text in files.items():
            p = tmp / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        write_schemas(tmp / "schemas")
        ds = load_dataset([tmp], strict=False)  # the promise: validate passes at once
        errors = [p for p in ds.problems if p.severity == "error"]
        if errors:
            raise DataError(errors)
        os.chmod(tmp, 0o777 & ~current_umask())
        if target.exists():
            target.rmdir()
        os.rename(tmp, target)
        tmp = None  # type: ignore[assignment]
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return sorted(files) + ["schemas/"]


ROLE_CHOICES = "、".join(r.value for r in DeptRole)
APPRAISAL_CHOICES = "、".join(k.value for k in AppraisalKind)
INVESTMENT_CHOICES = "、".join(t.value for t in InvestmentType)
