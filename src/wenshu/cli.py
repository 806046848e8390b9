"""Command line: a thin click layer that parses options, calls the library and maps errors to exit codes.

Exit codes: 0 success; 1 invalid data, template or render failure; 2 usage error; 70 internal error.
Heavy imports happen inside the command that needs them so ``wenshu --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from wenshu import __version__
from wenshu.errors import Problem, UsageError, WenshuError

from wenshu.cli_common import (
    CONTEXT,
    OPTIONS_METAVAR,
    existing_dir,
    kind_key,
    kind_list,
    not_a_file,
    not_a_folder,
    parse_date,
    parse_period,
    parse_workers,
    parse_year,
    split_list,
)


def _echo_problems(problems: list[Problem], where: str | None = None) -> None:
    for p in problems:
        click.echo(p.format(where), err=True)
        click.echo("", err=True)


def _summary(problems: list[Problem]) -> tuple[int, int]:
    errors = sum(1 for p in problems if p.severity == "error")
    return errors, len(problems) - errors


@click.group(context_settings=CONTEXT, options_metavar=OPTIONS_METAVAR, subcommand_metavar="子命令 [参数]...")
@click.version_option(__version__, "-V", "--version", message="wenshu %(version)s")
def cli() -> None:
    """wenshu（文书）：把投资项目绩效综合评价改革的 YAML 数据生成 GB/T 9704-2012 格式公文。"""


@cli.command("validate", options_metavar=OPTIONS_METAVAR)
@click.argument("paths", nargs=-1, required=True, metavar="路径...", type=click.Path(path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="只输出问题，不输出汇总。")
def validate_cmd(paths: tuple[Path, ...], quiet: bool) -> None:
    """校验数据文件或目录：一次报告所有文件的所有问题。

    退出码：0 全部有效；1 数据有问题；2 用法错误（如路径不存在）。
    """
    from wenshu.data import discover, load_dataset

    ds = load_dataset(paths, strict=False)
    _echo_problems(ds.problems)
    files, _ = discover(paths)
    errors, warnings = _summary(ds.problems)
    if not quiet:
        if errors:
            click.echo(f"共检查 {len(files)} 个文件：发现 {errors} 个错误、{warnings} 个警告。", err=True)
        else:
            extra = f"，{warnings} 个警告" if warnings else ""
            click.echo(f"校验通过：{len(files)} 个文件，{ds.project_count} 个项目{extra}。")
    sys.exit(1 if errors else 0)


@cli.command("schema", options_metavar=OPTIONS_METAVAR)
@click.option("-o", "--out", "out", required=True, metavar="目录", type=click.Path(path_type=Path), help="写入 JSON Schema 的目录，如 schemas/。")
def schema_cmd(out: Path) -> None:
    """为每种输入文件写出带中文标题和说明的 JSON Schema（编辑器据此自动补全）。"""
    from wenshu.schema_export import write_schemas

    not_a_file(out, "JSON Schema 目录")
    for p in write_schemas(out):
        click.echo(f"已写入 {p.as_posix()}")


@cli.command("analyze", options_metavar=OPTIONS_METAVAR)
@click.argument("data", metavar="数据目录", type=click.Path(path_type=Path))
@click.option("--as-of", "as_of", metavar="日期", help="统计截止日期 YYYY-MM-DD，默认今天。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出全部计算结果。")
def analyze_cmd(data: Path, as_of: str | None, as_json: bool) -> None:
    """计算指标、红黄绿灯、期限、评分和督办排名，输出摘要（或 JSON）。"""
    import datetime as dt
    import json

    from wenshu.analysis_output import format_text, to_json
    from wenshu.errors import DataError
    from wenshu.pipeline import Pipeline
    from wenshu.data.settings import load_wording

    day = parse_date(as_of) or dt.date.today()
    # --json lists every project's whole analysis: collected as the projects pass.
    details: list = []
    run = Pipeline([data], as_of=day, analysis=True,
                   on_analysis=(lambda p, pa: details.append(pa)) if as_json else None)
    ds, result = run.finish()
    if any(p.severity == "error" for p in ds.problems):
        raise DataError(ds.problems)
    for p in ds.problems:
        click.echo(p.format(), err=True)
    wording = load_wording(ds.root)
    if as_json:
        click.echo(json.dumps(to_json(result, wording, details), ensure_ascii=False, indent=2))
    else:
        click.echo(format_text(result, wording))


@cli.command("kinds", options_metavar=OPTIONS_METAVAR)
def kinds_cmd() -> None:
    """列出可生成的文书类型及其所需数据（类型可写中文名称或代码）。"""
    from wenshu.documents import REGISTRY

    for key, k in REGISTRY.items():
        click.echo(f"{k.title}（{key}）")
        click.echo(f"    模板：{k.template}；数据：{k.inputs}")


@cli.command("render", options_metavar=OPTIONS_METAVAR)
@click.argument("kind_name", metavar="类型")
@click.argument("data", metavar="数据", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out", metavar="文件", type=click.Path(path_type=Path), help="输出 .docx 文件；默认按文书标题在当前目录命名。")
@click.option("--template", "template_file", metavar="模板", type=click.Path(path_type=Path), help="使用指定的模板文件（.docx）。")
@click.option("--templates", "templates_dir", metavar="目录", type=click.Path(path_type=Path), help="优先使用此目录中的模板（按模板中记录的文书类型识别，文件名可以改），缺少的用内置模板。")
@click.option("--item", "item", metavar="编号或名称", help="数据中有多份同类文书时选择其中一份：项目编号、项目名称、项目代码、发文字号、部门简称、行业或月份（如 2025-10）。")
@click.option("--as-of", "as_of", metavar="日期", help="统计截止日期 YYYY-MM-DD，默认今天。")
@click.option("-f", "--force", is_flag=True, help="覆盖已存在的输出文件。")
@click.option("--pdf", is_flag=True, help="同时生成同名 PDF（需要 LibreOffice）。")
def render_cmd(kind_name: str, data: Path, out: Path | None, template_file: Path | None,
               templates_dir: Path | None, item: str | None, as_of: str | None, force: bool, pdf: bool) -> None:
    """生成一份文书：wenshu render 类型 数据。

    类型写中文名称（如 通知、通报表彰、项目绩效评价报告）或代码（如 notice），用 wenshu kinds 查看。

    数据是数据目录，或目录中的一个数据文件（此时只生成由该文件产生的文书）。
    """
    from wenshu.naming import safe_filename
    from wenshu.numbers import record
    from wenshu.render import compile_template, plan, render_job

    key = kind_key(kind_name)
    if not data.exists():
        raise UsageError(Problem(code="usage.no-such-path", message="路径不存在。", file=str(data)))
    not_a_folder(out, "输出文件")
    not_a_folder(template_file, "模板文件")
    if templates_dir is not None:
        existing_dir(templates_dir, "模板目录")
    day = parse_date(as_of)
    folder = data if data.is_dir() else _data_root(data)
    ds, jobs = plan(key, [folder], as_of=day)
    for p in ds.problems:
        click.echo(p.format(), err=True)
    if data.is_file():
        target = data.resolve()
        jobs = [j for j in jobs if any((folder / s).resolve() == target for s in j.sources)]
    if item is not None:
        jobs = _choose(jobs, item, ds)
    if not jobs:
        raise UsageError(Problem(code="usage.nothing", message="数据中没有可生成这类文书的记录。", file=str(data)))
    if len(jobs) > 1:
        listing = "\n".join(f"  {j.key}  {j.title}" for j in jobs[:30])
        raise UsageError(Problem(code="usage.ambiguous", message=f"数据中有 {len(jobs)} 份此类文书，请用 --item 选择一份，或用 wenshu batch 全部生成：\n{listing}"))
    job = jobs[0]
    compiled = compile_template(key, templates_dir=templates_dir or _data_templates(folder), template_file=template_file)
    target = out or Path(safe_filename(job.title) + ".docx")
    if target.exists() and not force:
        raise UsageError(Problem(code="usage.exists", message="输出文件已存在，未覆盖。", file=str(target),
                                 hint="加 --force 覆盖，或用 -o 指定其他文件名。"))
    registered = record(ds, [job])
    for p in registered:
        click.echo(p.format(), err=True)
    if any(p.severity == "error" for p in registered):
        sys.exit(1)
    try:
        render_job(job, target, compiled=compiled, force=force)
    except FileExistsError:
        raise UsageError(Problem(code="usage.exists", message="输出文件已存在，未覆盖。", file=str(target),
                                 hint="加 --force 覆盖，或用 -o 指定其他文件名。")) from None
    except OSError as e:
        from wenshu.errors import os_reason

        raise UsageError(Problem(code="usage.cannot-write", message=f"无法写入：{os_reason(e)}，未生成文件。", file=str(target))) from None
    click.echo(f"已生成 {target.as_posix()}（{job.title}）")
    if pdf:
        from wenshu.pdf.pool import PdfPool

        pdf_target = target.with_suffix(".pdf")
        if pdf_target.exists() and not force:
            raise UsageError(Problem(code="usage.exists", message="PDF 文件已存在，未覆盖。", file=str(pdf_target), hint="加 --force 覆盖。"))
        with PdfPool(workers=1) as pool:
            from wenshu.pdf.layout_pass import check_and_correct

            r = check_and_correct(pool, target, pdf_target)  # measured layout: may correct the .docx
        if not r.ok:
            raise WenshuError([r.problem] if r.problem else "PDF 转换失败。")
        click.echo(f"已生成 {pdf_target.as_posix()}（{r.pages} 页，{r.layout.summary}）")


def _choose(jobs: list, item: str, ds) -> list:
    """The jobs ``--item`` names: by key (project id, 发文字号, 月份 ……), title or department, or a
    project by its name or 项目代码."""
    from wenshu.widechars import narrow_value

    wanted = {item.strip(), narrow_value(item.strip(), takes_text=True)}
    for p in ds.stubs.values():
        if p.name in wanted or (p.code is not None and p.code in wanted):
            wanted.add(p.id)
    chosen = [j for j in jobs if wanted & {j.key, j.title, j.department}]
    if not chosen:
        raise UsageError(Problem(code="usage.no-such-item", message=f"没有找到“{item}”对应的文书。",
                                 expected="、".join(j.key for j in jobs[:50]) + ("……" if len(jobs) > 50 else "") or "（无）",
                                 hint="--item 可写项目编号、项目名称、项目代码、发文字号、部门简称、行业或月份"))
    return chosen


@cli.command("batch", options_metavar=OPTIONS_METAVAR)
@click.argument("data", metavar="数据目录", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out", required=True, metavar="输出目录", type=click.Path(path_type=Path), help="输出目录：按 部门/文书类型/ 分文件夹存放，另有“全区”文件夹和 manifest。")
@click.option("--kinds", metavar="类型", help="只生成这些类型，逗号分隔，写中文名称或代码（如 通知,通报表彰；见 wenshu kinds），默认全部。")
@click.option("--departments", metavar="部门", help="只生成这些部门的文件夹，逗号分隔（部门简称；“全区”为区级文件夹），默认全部。")
@click.option("--period", metavar="期间", help="期间：YYYY-MM 只生成该月的通报；YYYY 只生成该年度的年度报告。")
@click.option("--as-of", "as_of", metavar="日期", help="统计截止日期 YYYY-MM-DD，默认今天。")
@click.option("--templates", "templates_dir", metavar="目录", type=click.Path(path_type=Path), help="优先使用此目录中的模板（wenshu template export 导出后编辑；按模板中记录的文书类型识别，文件名可以改），缺少的用内置模板；认不出类型的文件会提示。")
@click.option("-j", "--jobs", "workers", metavar="进程数", help="并行进程数（不小于 1），默认使用全部 CPU 核心。")
@click.option("--resume", is_flag=True, help="继续上次中断的任务：输入和模板未变、文件完好的文书直接跳过。")
@click.option("--force", is_flag=True, help="允许写入非 wenshu 生成的非空目录。")
@click.option("--pdf", is_flag=True, help="同时生成每份文书的 PDF（需要 LibreOffice）。")
@click.option("--booklet", is_flag=True, help="每个部门文件夹生成一本 PDF 汇编（带目录页和书签；隐含 --pdf）。")
def batch_cmd(data: Path, out: Path, kinds: str | None, departments: str | None, period: str | None, as_of: str | None,
              templates_dir: Path | None, workers: str | None, resume: bool, force: bool, pdf: bool, booklet: bool) -> None:
    """批量生成全部部门的文书：wenshu batch 数据目录 -o 输出目录。

    一份文书出错不影响其他文书；出错的文书及原因在最后列出，退出码为 1。

    中断（Ctrl-C、断电）后用 --resume 继续，结果与一次完成完全相同。
    """
    from wenshu.batch import BatchOptions, interrupted_message, run_batch, set_aside_lines, summary_table
    from wenshu.progress import Progress

    existing_dir(data, "数据目录")
    not_a_file(out, "输出目录")
    if templates_dir is not None:
        existing_dir(templates_dir, "模板目录")
    opts = BatchOptions(
        data_dir=data, out_dir=out, kinds=kind_list(kinds), departments=split_list(departments), period=parse_period(period),
        as_of=parse_date(as_of), templates_dir=templates_dir or _data_templates(data), workers=parse_workers(workers),
        resume=resume, force=force, pdf=pdf or booklet, booklet=booklet,
    )
    bar = Progress("生成文书")
    pdf_bar = Progress("转换 PDF")

    def pdf_plan(total: int) -> None:
        bar.close()
        pdf_bar.plan(total)

    result = run_batch(opts, on_progress=lambda n, f: bar.advance(n), on_plan=bar.plan,
                       on_pdf_progress=lambda n, f: pdf_bar.advance(n), on_pdf_plan=pdf_plan)
    if opts.pdf:
        pdf_bar.close()
    else:
        bar.close()
    for p in result.data_problems:
        click.echo(p.format(), err=True)
    for f in result.failures:
        click.echo(f"未生成：{f.title}（{f.kind}）", err=True)
        for p in f.problems:
            click.echo(p.format(), err=True)
    for line in set_aside_lines(result):
        click.echo(line, err=result.interrupted)
    if result.interrupted:
        click.echo(interrupted_message(result), err=True)
        sys.exit(130)
    click.echo(summary_table(result))
    if opts.pdf:
        pdfs = sum(1 for o in result.outputs.documents() if o.pdf)
        click.echo(f"PDF：{pdfs} 份，用时 {result.pdf_seconds:.1f} 秒" + (f"；汇编 {len(result.booklets)} 本" if result.booklets else ""))
    click.echo(f"输出目录：{out.as_posix()}（清单：manifest.json、manifest.csv）")
    if not result.ok:
        click.echo("有文书未生成或数据有问题，见上方说明。", err=True)
        sys.exit(1)


@cli.command("numbers", options_metavar=OPTIONS_METAVAR)
@click.argument("data", metavar="数据目录", type=click.Path(path_type=Path))
@click.option("--organ", metavar="机关", help="只列这个发文机关：机关代字（如 X政办）、全称或代号。")
@click.option("--year", metavar="年份", help="只列这一年，如 2025。")
@click.option("--csv", "as_csv", is_flag=True, help="以 CSV 输出（UTF-8 带 BOM，可直接用 WPS/Excel 打开）。")
def numbers_cmd(data: Path, organ: str | None, year: str | None, as_csv: bool) -> None:
    """发文登记簿：列出每个发文机关每年已用的发文字号（字号、文书、数据文件、成文日期）。

    重号是错误（在用到它的每个文件处报告），空号是警告。

    没有写明顺序号的公文显示将要编的号，生成文书时登记到数据目录的发文登记簿.yaml，以后重新生成时不变。

    退出码：0 没有重号；1 有重号或数据有误。
    """
    from wenshu.data import load_dataset
    from wenshu.numbers import STATUS_TEXT, format_table, to_csv

    existing_dir(data, "数据目录")
    wanted_year = parse_year(year)
    ds = load_dataset([data], strict=False)
    reg = ds.numbers
    wanted_organ = None
    if organ is not None:
        wanted_organ = _organ_key(ds, organ)
    rows = reg.rows(wanted_organ, wanted_year)
    for p in ds.problems:
        click.echo(p.format(), err=True)
        click.echo("", err=True)
    if as_csv:
        click.echo(to_csv(reg, rows), nl=False)
    elif rows:
        click.echo(format_table(reg, rows))
        gaps = {k: v for k, v in reg.gaps().items() if (wanted_organ is None or k[0] == wanted_organ)
                and (wanted_year is None or k[1] == wanted_year)}
        pending = sum(1 for r in rows if r.status == "pending")
        click.echo(f"共 {len(rows)} 个发文字号" + (f"，其中 {pending} 个待生成文书时登记（{STATUS_TEXT['pending']}）" if pending else "")
                   + (f"；{len(gaps)} 处有空号（见上方警告）" if gaps else "") + "。")
    else:
        click.echo("没有符合条件的发文字号。")
    sys.exit(1 if any(p.severity == "error" for p in ds.problems) else 0)


def _organ_key(ds, text: str) -> str:
    from wenshu.widechars import narrow_value

    t = narrow_value(text.strip(), takes_text=True)
    organs = ds.district.organs if ds.district is not None else []
    for o in organs:
        if t in (o.key, o.name, o.doc_prefix, o.mark):
            return o.key
    if ds.district is None:
        return t
    raise UsageError(Problem(code="usage.unknown-organ", message=f"--organ：没有发文机关“{text}”。",
                             expected="、".join(f"{o.doc_prefix}（{o.name}）" for o in organs)))


def _data_templates(folder: Path) -> Path | None:
    """A templates/ folder inside the data folder: the district's edited templates, used automatically."""
    candidate = folder / "templates"
    return candidate if candidate.is_dir() else None


def _data_root(file: Path) -> Path:
    """The data folder a file belongs to: the nearest parent holding district.yaml."""
    for folder in [file.parent, *list(file.parent.parents)[:3]]:
        if (folder / "district.yaml").is_file():
            return folder
    return file.parent


def _register_subcommands() -> None:
    from wenshu.cli_pdf import doctor
    from wenshu.cli_sheets import export_cmd, import_cmd, init_cmd
    from wenshu.cli_template import template

    cli.add_command(template)
    cli.add_command(doctor)
    for command in (init_cmd, export_cmd, import_cmd):
        cli.add_command(command)


_register_subcommands()


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="wenshu", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("已中断。", err=True)
        sys.exit(130)
    except click.exceptions.UsageError as e:
        message = e.format_message()
        if isinstance(e, click.exceptions.MissingParameter):
            # click ends this one with an English full stop of its own.
            message = message.replace("'.", "'。", 1)
        click.echo(f"用法错误：{message}", err=True)
        if e.ctx is not None:
            click.echo(f"运行 “{e.ctx.command_path} --help” 查看帮助。", err=True)
        sys.exit(2)
    except click.exceptions.ClickException as e:
        click.echo(f"错误：{e.format_message()}", err=True)
        sys.exit(e.exit_code)
    except WenshuError as e:
        _echo_problems(e.problems, "命令行" if isinstance(e, UsageError) else None)
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        click.echo("已中断。", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 - last line of defence: never show a traceback
        click.echo(f"wenshu 内部错误：{type(e).__name__}: {e}", err=True)
        click.echo("这不是您的数据问题，请把以上信息和所用命令报告给维护人员。", err=True)
        if "WENSHU_DEBUG" in __import__("os").environ:
            raise
        sys.exit(70)
