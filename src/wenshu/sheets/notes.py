"""What the workbook tells the person filling it: column headers, header comments, the format of
each kind of value, and the 填表说明 sheet's text.
"""

from __future__ import annotations

from wenshu.models import FILE_KINDS
from wenshu.sheets.layout import BODY, BOOL, CHOICE, DATE, DECIMAL, GROUPS, INT, LINES, LIST, Column, Sheet

REQUIRED_MARK = "*"


def header_text(col: Column) -> str:
    return (REQUIRED_MARK if col.required else "") + col.header


# Model descriptions name YAML files and keys; in the workbook the same things are sheets and columns.
_IN_WORKBOOK = (
    ("district.yaml 的 departments 中", "“部门”工作表中"), ("district.yaml 中的 departments", "“部门”工作表"),
    ("须在 departments 中列出", "须在“部门”工作表中"), ("district.yaml 的 industries 中", "“行业”工作表中"),
    ("district.yaml 中 organs 的 key", "“发文机关”工作表中的机关代号"), ("district.yaml 中", "“部门”工作表中"),
    ("（projects 中的 id）", "（“项目”工作表中的平台项目编号）"), ("district.yaml 的", "“区情设置”的"),
    ("写 [] 表示", "写“无”表示"), ("true 表示", "“是”表示"), ("false 表示", "“否”表示"), ("true：", "是："), ("false：", "否："),
)


def describe(col: Column) -> str:
    text = col.description
    for a, b in _IN_WORKBOOK:
        text = text.replace(a, b)
    return text


def column_notes(col: Column) -> list[str]:
    """Meaning, allowed values and default of a column (its need and format are shown apart)."""
    lines = [describe(col)] if col.description else []
    if col.choices and col.kind != BOOL:
        lines.append("可选：" + "、".join(col.choices))
    if col.item_choices:
        lines.append("可选（可多选，用“、”分隔）：" + "、".join(col.item_choices))
    if col.has_default and col.default not in (None, [], {}):
        lines.append(f"不填时为：{_default_text(col)}")
    return lines


def need_text(col: Column) -> str:
    if col.required:
        return "必填。"
    if col.group:
        return f"填写“{col.group}”时按需填写。"
    return "可不填。"


def column_note(col: Column, sheet: Sheet) -> str:
    """The header comment: what a person needs to fill the column."""
    return "\n".join([col.header, *column_notes(col), need_text(col), "格式：" + format_text(col)])


def _default_text(col: Column) -> str:
    v = col.default
    if col.kind == BOOL:
        return "是" if v else "否"
    if isinstance(v, list):
        return "、".join(str(x) for x in v)
    return str(getattr(v, "value", v))


def format_text(col: Column) -> str:
    k = col.kind
    if k == DATE:
        return "日期，如 2024-04-28（也可写 2024/4/28、2024年4月28日）"
    if k == INT:
        return "整数"
    if k == DECIMAL:
        if col.unit == "万元":
            return "数字，单位万元，不写“万元”和千分位逗号，如 1250.50"
        if col.unit:
            return f"数字，单位{col.unit}"
        return "数字"
    if k == BOOL:
        return "是 或 否"
    if k == CHOICE:
        return "从下拉列表选择"
    if k == LINES:
        return "文字，多项时每项一行（单元格内按 Alt+Enter 换行）"
    if k == LIST:
        return {"int": "整数，多项用“、”分隔，如 3、2、3、2", "date": "日期，多项用“、”分隔"}.get(
            col.item or "", "多项用“、”分隔")
    if k == GROUPS:
        return "每组一行，组内用逗号分隔"
    if k == BODY:
        return ("每段一行（单元格内按 Alt+Enter 换行）；另起一页处单写一行【分页】；表格从【表格】"
                "（或【表格：标题；单位：万元】）一行开始，下一行为表头，其后每行一行数据，各格用“｜”分隔，"
                "最后单写一行【表格完】")
    if col.pattern:
        return "文字，按规定格式（见说明）"
    return "文字"


GUIDE_TEXT = (
    "一、本表由 wenshu 按数据模型生成：每个工作表对应一类数据，每列对应一个字段。请不要改动第1行的列名（可以调整列的顺序、隐藏不用的列）。",
    "二、列名前有红色“*”的为必填列；无“*”的列按需填写。列名上的批注说明了该列的含义、格式和可选值。",
    "三、金额一律以万元为单位，只写数字（如 1250.50），不写“万元”和千分位逗号；日期写 2024-04-28（2024/4/28、2024年4月28日也可）；数字用半角。",
    "四、带下拉箭头的列请从列表中选择；部门、行业取自“部门”“行业”工作表，新增部门或行业请先在那两个工作表中添加。",
    "五、一个单元格要填多项时（如存在的问题、功能效益目标），每项一行：在单元格内按 Alt+Enter 换行；部门名称、职责角色等多项用“、”分隔。",
    "六、资金来源、分年度投资计划、进度、论证记录、督办记录等一项记录有多行的数据，各有一个工作表：每行先写明所属记录（如平台项目编号），再填该行内容。",
    "七、“数据文件”列记录每条数据所在的 YAML 文件；新填的行可以不填，导入时自动按部门、年度等分文件。",
    "八、填好后运行：wenshu import 本表.xlsx -o 数据目录（数据目录已存在时加 --force），wenshu 一次列出所有问题（工作表、行、列名和原因）；没有问题才会写入。",
)


def sheet_intro(s: Sheet) -> str:
    kind = FILE_KINDS[s.kind].title
    if s.mode == "form":
        return f"{kind}：每行一项，在“值”一列填写"
    if s.mode == "files":
        return f"{kind}：每行一份（如每月一行、每份清单一行）"
    if s.parent is None:
        return f"{kind}：每行一条记录"
    keys = "、".join(c.header for c in s.parent_key)
    return (f"{s.list_title}：每行一项，先写 {keys}，对应“{s.parent.name}”中的记录" if keys
            else f"{s.list_title}：每行一项，属于“{s.parent.name}”")
