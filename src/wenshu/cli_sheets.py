"""``wenshu init``, ``wenshu export`` and ``wenshu import``: a new district, and data in from spreadsheets.

Registered in cli.py with ``cli.add_command(...)`` (``from wenshu.cli_sheets import ...``).
Exit codes as for the rest of wenshu: 0 done, 1 invalid data, 2 usage.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from wenshu.errors import DataError, Problem, UsageError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
OPTIONS = "[选项]"


def _echo(problems: list[Problem]) -> None:
    for p in problems:
        click.echo(p.format(), err=True)
        click.echo("", err=True)


@click.command("init", context_settings=CONTEXT, options_metavar=OPTIONS)
@click.argument("folder", metavar="目录", type=click.Path(path_type=Path, file_okay=False))
@click.option("--district", metavar="区名", help="区名，如 某某区。")
@click.option("--government", metavar="全称", help="区人民政府全称；默认“区名+人民政府”。")
@click.option("--division-code", metavar="代码", help="6位行政区划代码。")
@click.option("--year", type=int, metavar="年度", help="工作年度；默认今年。")
@click.option("--previous-year-investment", metavar="万元", help="上年度全区固定资产投资完成额（万元，只写数字）。")
@click.option("--reform-plan", metavar="名称/字号", help="本区改革工作方案：“方案名称/发文字号”。")
@click.option("--organ", "organs", multiple=True, metavar="机关", help="发文机关（可多次）：“机关全称/发文机关标志/机关代字[/代号]”。")
@click.option("--department", "departments", multiple=True, metavar="部门",
              help="部门（可多次）：“全称/简称/角色+角色[/负责的论证+…][/主要负责人]”；须有一个“牵头部门”。")
@click.option("--industry", "industries", multiple=True, metavar="行业", help="行业（可多次）：“行业名称/主管部门简称/投资类型”。")
@click.option("--recipient", "recipients", multiple=True, metavar="机关", help="默认主送机关（可多次）；默认“各街道办事处”“区直各部门”。")
@click.option("--printer", metavar="机关", help="默认印发机关；默认名称以“办公室”结尾的第一个发文机关。")
@click.option("--no-input", is_flag=True, help="不提问：缺少的信息直接报错（脚本中使用）。")
def init_cmd(folder: Path, district: str | None, government: str | None, division_code: str | None, year: int | None,
             previous_year_investment: str | None, reform_plan: str | None, organs: tuple[str, ...],
             departments: tuple[str, ...], industries: tuple[str, ...], recipients: tuple[str, ...],
             printer: str | None, no_input: bool) -> None:
    """为一个新区建立数据目录：区情设置、空的数据文件、计算规则和节假日文件、说明。

    区情设置中的机关、部门、行业、改革工作方案由选项给出；缺少时逐项提问（加 --no-input 则报错）。
    生成的目录立即可以通过 wenshu validate；已存在的非空目录不会被改动。

    \b
    示例：
      wenshu init 某区数据 --district 某区 --division-code 420000 \\
        --previous-year-investment 300000 \\
        --reform-plan "某区加快推动投资项目绩效综合评价改革工作方案（试行）/某政办〔2024〕3号" \\
        --organ 某区人民政府办公室/某区人民政府办公室/某政办 \\
        --department 某区发展和改革局/区发展改革局/牵头部门+论证部门/能效水平+供需总量+财力 \\
        --department 某区教育局/区教育局/行业主管部门/财力 \\
        --industry 教育/区教育局/政府投资
    """
    from wenshu.sheets import scaffold as sc

    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(Problem(code="usage.exists", file=str(folder), message="目录已存在且不是空目录，未写入任何文件。",
                                 hint="wenshu init 从不覆盖已有数据；请指定一个新目录。"))
    ask = not no_input

    def need(value, prompt: str, convert=str):
        if value is not None or not ask:
            return value
        return click.prompt(prompt, type=convert)

    district = need(district, "区名（如 某某区）")
    if district is None:
        raise UsageError(Problem(code="init.option", field_title="--district", message="缺少区名：请用 --district 给出。"))
    division_code = need(division_code, "行政区划代码（6位数字）")
    previous_year_investment = need(previous_year_investment, "上年度全区固定资产投资完成额（万元，只写数字）")
    reform_plan = need(reform_plan, "改革工作方案（方案名称/发文字号）")
    organs = list(organs) or (_ask_list("发文机关", "机关全称/发文机关标志/机关代字，如 某区人民政府办公室/某区人民政府办公室/某政办",
                                         lambda t, i: sc.parse_organ(t, i)) if ask else [])
    departments = list(departments) or (_ask_list(
        "部门", f"全称/简称/角色（多个用+分隔；角色：{sc.ROLE_CHOICES}）[/负责的论证]，须有一个牵头部门",
        lambda t, i: sc.parse_department(t)) if ask else [])
    industries = list(industries) or (_ask_list("行业", f"行业名称/主管部门简称/投资类型（{sc.INVESTMENT_CHOICES}）",
                                                lambda t, i: sc.parse_industry(t)) if ask else [])
    options = sc.InitOptions(district=district, government=government, division_code=division_code, year=year,
                             previous_year_investment=previous_year_investment, reform_plan=reform_plan,
                             organs=organs, departments=departments, industries=industries,
                             recipients=list(recipients), printer=printer)
    written = sc.init_folder(folder, options)
    click.echo(f"已建立数据目录 {folder.as_posix()}：")
    for rel in written:
        click.echo(f"  {rel}")
    click.echo("下一步：")
    click.echo(f"  wenshu export {folder.as_posix()} -o 填报表.xlsx           # 生成填报表，交各部门填写")
    click.echo(f"  wenshu import 填报表.xlsx -o {folder.as_posix()} --force   # 导入填好的表")
    click.echo(f"  wenshu batch {folder.as_posix()} -o 输出                   # 生成文书")


def _ask_list(what: str, shape: str, parse) -> list[str]:
    click.echo(f"请逐个输入{what}（{shape}），直接回车结束：")
    out: list[str] = []
    while True:
        text = click.prompt(f"  {what}{len(out) + 1}", default="", show_default=False).strip()
        if not text:
            if out:
                return out
            click.echo(f"  至少需要一个{what}。")
            continue
        try:
            parse(text, len(out))
        except ValueError as e:
            click.echo(f"  {e}")
            continue
        out.append(text)


@click.command("export", context_settings=CONTEXT, options_metavar=OPTIONS)
@click.argument("data", metavar="数据目录", type=click.Path(path_type=Path, file_okay=False))
@click.option("-o", "--out", "out", required=True, metavar="填报表.xlsx", type=click.Path(path_type=Path, dir_okay=False),
              help="输出的填报表（.xlsx）。")
@click.option("-f", "--force", is_flag=True, help="覆盖已存在的输出文件。")
def export_cmd(data: Path, out: Path, force: bool) -> None:
    """把数据目录导出为一个填报表（.xlsx），在 Excel 或 WPS 中填写后用 wenshu import 导入。

    每类数据一个工作表，一项记录有多行的数据（资金来源、分年度投资计划、进度、论证记录、督办记录……）
    各一个工作表；列名、必填标记、下拉列表、日期和数字格式都已设好；“填表说明”工作表说明每一列。
    对 wenshu init 新建的目录，得到的就是空白填报表。
    """
    from wenshu.sheets.export import export_workbook

    try:
        result = export_workbook(data, out, force=force)
    except DataError as e:
        _echo(e.problems)
        click.echo(f"数据目录有 {len(e.errors)} 个错误，未生成填报表。请先修正（wenshu validate {data.as_posix()}）。", err=True)
        sys.exit(1)
    filled = {k: v for k, v in result.rows.items() if v}
    shown = "，".join(f"{k} {v} 行" for k, v in list(filled.items())[:8])
    click.echo(f"已生成 {out.as_posix()}：{len(result.rows)} 个工作表，来自 {result.files} 个数据文件" + (f"（{shown}……）" if shown else "（空白填报表）"))


@click.command("import", context_settings=CONTEXT, options_metavar=OPTIONS)
@click.argument("inputs", nargs=-1, required=True, metavar="表格...", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out", required=True, metavar="数据目录", type=click.Path(path_type=Path, file_okay=False), help="写入的数据目录。")
@click.option("-f", "--force", is_flag=True, help="数据目录已存在时，用表格中的数据替换对应的数据文件（其他文件保留）。")
@click.option("--check", is_flag=True, help="只检查表格，不写入任何文件。")
@click.option("--aliases", metavar="文件", type=click.Path(path_type=Path, dir_okay=False), help="另外使用的表格别名文件（格式同 表格别名.yaml）。")
def import_cmd(inputs: tuple[Path, ...], out: Path, force: bool, check: bool, aliases: Path | None) -> None:
    """把填好的表格导入数据目录：表格是 .xlsx 填报表，或 .csv 文件（每个工作表一个，文件名为工作表名）。

    工作表和列按名称对应（其他程序的名称见 表格别名.yaml）；所有问题一次列出（工作表、行、列名和原因）。
    全部正确才写入；已存在的目录要加 --force，写入时先在旁边的临时目录中写好并整体校验，再替换。
    """
    from wenshu.sheets.importer import import_tables

    try:
        r = import_tables(list(inputs), out, force=force, check=check, aliases=aliases)
    except DataError as e:
        _echo(e.problems)
        errors = len(e.errors)
        click.echo(f"共发现 {errors} 个错误" + (f"、{len(e.problems) - errors} 个警告" if len(e.problems) > errors else "")
                   + "，未写入任何文件。", err=True)
        sys.exit(1)
    _echo(r.warnings)
    rows = sum(r.rows.values())
    sheets = sum(1 for v in r.rows.values() if v)
    if r.checked_only:
        click.echo(f"检查通过：{sheets} 个工作表、{rows} 行数据，可以导入（未写入）。")
        return
    click.echo(f"已导入到 {out.as_posix()}：{sheets} 个工作表、{rows} 行数据；写入 {len(r.written)} 个文件，"
               f"未变 {len(r.unchanged)} 个，删除 {len(r.removed)} 个" + (f"，保留其他文件 {r.kept} 个" if r.kept else "") + "。")
    for rel in r.removed:
        click.echo(f"  已删除（表格中已没有它的数据）：{rel}")
