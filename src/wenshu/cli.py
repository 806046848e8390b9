"""Command line: a thin click layer that parses options, calls the library and maps errors to exit codes.

Exit codes: 0 success; 1 invalid data, template or render failure; 2 usage error; 70 internal error.
Heavy imports happen inside the command that needs them so ``wenshu --help`` stays fast.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from wenshu import __version__
from wenshu.errors import Problem, UsageError, WenshuError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# click's own words (headings, built-in options, common errors) in Chinese, like everything else a
# user reads. click looks them up through the module-level ``_`` of each of its modules.
_CLICK_ZH = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "Missing command.": "缺少子命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有子命令 {name!r}。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
}


def _zh(message: str) -> str:
    return _CLICK_ZH.get(message, message)


for _mod in ("core", "formatting", "decorators", "exceptions", "parser", "types"):
    _m = __import__(f"click.{_mod}", fromlist=["_"])
    if hasattr(_m, "_"):
        _m._ = _zh


def _echo_problems(problems: list[Problem]) -> None:
    for p in problems:
        click.echo(p.format(), err=True)
        click.echo("", err=True)


def _summary(problems: list[Problem]) -> tuple[int, int]:
    errors = sum(1 for p in problems if p.severity == "error")
    return errors, len(problems) - errors


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", message="wenshu %(version)s")
def cli() -> None:
    """wenshu（文书）：把投资项目绩效综合评价改革的 YAML 数据生成 GB/T 9704-2012 格式公文。"""


@cli.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-q", "--quiet", is_flag=True, help="只输出问题，不输出汇总。")
def validate_cmd(paths: tuple[Path, ...], quiet: bool) -> None:
    """校验数据文件或目录：一次报告所有文件的所有问题。

    退出码：0 全部有效；1 数据有问题；2 用法错误（如路径不存在）。
    """
    from wenshu.dataset import discover, load_dataset

    ds = load_dataset(paths, strict=False, lean=True)
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


@cli.command("schema")
@click.option("-o", "--out", "out", required=True, type=click.Path(path_type=Path, file_okay=False), help="写入 JSON Schema 的目录，如 schemas/。")
def schema_cmd(out: Path) -> None:
    """为每种输入文件写出带中文标题和说明的 JSON Schema（编辑器据此自动补全）。"""
    from wenshu.schema_export import write_schemas

    for p in write_schemas(out):
        click.echo(f"已写入 {p.as_posix()}")


def _parse_date(value: str | None):
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期“{value}”格式不对，应为 YYYY-MM-DD，如 2025-10-31。") from None


@cli.command("analyze")
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--as-of", "as_of", help="统计截止日期 YYYY-MM-DD，默认今天。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出全部计算结果。")
def analyze_cmd(data: Path, as_of: str | None, as_json: bool) -> None:
    """计算指标、红黄绿灯、期限、评分和督办排名，输出摘要（或 JSON）。"""
    import datetime as dt
    import json

    from wenshu.analysis.engine import analyze
    from wenshu.analysis_output import format_text, to_json
    from wenshu.dataset import load_dataset
    from wenshu.wording import load_wording

    day = _parse_date(as_of) or dt.date.today()
    # The text summary needs only the compact per-project results; --json dumps everything.
    ds = load_dataset([data], lean=not as_json)
    for p in ds.problems:
        click.echo(p.format(), err=True)
    result = analyze(ds, day, compact=not as_json)
    wording = load_wording(ds.root)
    if as_json:
        click.echo(json.dumps(to_json(result, wording), ensure_ascii=False, indent=2))
    else:
        click.echo(format_text(result, wording))


@cli.command("kinds")
def kinds_cmd() -> None:
    """列出可生成的文书类型及其所需数据。"""
    from wenshu.documents import REGISTRY

    for key, k in REGISTRY.items():
        click.echo(f"{key:<16} {k.title}")
        click.echo(f"{'':<16} 模板：{k.template}；数据：{k.inputs}")


@cli.command("render")
@click.argument("kind_key", metavar="KIND")
@click.argument("data", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out", type=click.Path(path_type=Path, dir_okay=False), help="输出 .docx 文件；默认按文书标题在当前目录命名。")
@click.option("--template", "template_file", type=click.Path(path_type=Path, dir_okay=False), help="使用指定的模板文件（.docx）。")
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path, file_okay=False), help="优先使用此目录中的模板（按模板中记录的文书类型识别，文件名可以改），缺少的用内置模板。")
@click.option("--item", "item", help="数据中有多份同类文书时，选择其中一份（如项目编号、发文字号、部门简称）。")
@click.option("--as-of", "as_of", help="统计截止日期 YYYY-MM-DD，默认今天。")
@click.option("-f", "--force", is_flag=True, help="覆盖已存在的输出文件。")
@click.option("--pdf", is_flag=True, help="同时生成同名 PDF（需要 LibreOffice）。")
def render_cmd(kind_key: str, data: Path, out: Path | None, template_file: Path | None,
               templates_dir: Path | None, item: str | None, as_of: str | None, force: bool, pdf: bool) -> None:
    """生成一份文书：wenshu render KIND DATA。

    DATA 是数据目录，或目录中的一个数据文件（此时只生成由该文件产生的文书）。
    用 wenshu kinds 查看 KIND 的取值。
    """
    from wenshu.dataset import load_dataset
    from wenshu.errors import UsageError
    from wenshu.naming import safe_filename
    from wenshu.render import compile_template, kind, plan, render_job

    kind(kind_key)
    if not data.exists():
        raise UsageError(Problem(code="usage.no-such-path", message="路径不存在。", file=str(data)))
    folder = data if data.is_dir() else _data_root(data)
    ds = load_dataset([folder])
    for p in ds.problems:
        click.echo(p.format(), err=True)
    jobs = plan(kind_key, ds, as_of=_parse_date(as_of))
    if data.is_file():
        target = data.resolve()
        jobs = [j for j in jobs if any((folder / s).resolve() == target for s in j.sources)]
    if item is not None:
        chosen = [j for j in jobs if item in (j.key, j.title, j.department)]
        if not chosen:
            raise UsageError(Problem(code="usage.no-such-item", message=f"没有找到“{item}”对应的文书。",
                                     expected="、".join(j.key for j in jobs) or "（无）"))
        jobs = chosen
    if not jobs:
        raise UsageError(Problem(code="usage.nothing", message="数据中没有可生成这类文书的记录。", file=str(data)))
    if len(jobs) > 1:
        listing = "\n".join(f"  {j.key}  {j.title}" for j in jobs[:30])
        raise UsageError(Problem(code="usage.ambiguous", message=f"数据中有 {len(jobs)} 份此类文书，请用 --item 选择一份，或用 wenshu batch 全部生成：\n{listing}"))
    job = jobs[0]
    compiled = compile_template(kind_key, templates_dir=templates_dir or _data_templates(folder), template_file=template_file)
    target = out or Path(safe_filename(job.title) + ".docx")
    try:
        render_job(job, target, compiled=compiled, force=force)
    except FileExistsError:
        raise UsageError(Problem(code="usage.exists", message="输出文件已存在，未覆盖。", file=str(target),
                                 hint="加 --force 覆盖，或用 -o 指定其他文件名。")) from None
    except OSError as e:
        reason = {13: "没有写入权限", 30: "所在文件系统是只读的", 28: "磁盘已满"}.get(e.errno, e.strerror or str(e))
        raise UsageError(Problem(code="usage.cannot-write", message=f"无法写入：{reason}，未生成文件。", file=str(target))) from None
    click.echo(f"已生成 {target.as_posix()}（{job.title}）")
    if pdf:
        from wenshu.pdf.pool import PdfPool

        pdf_target = target.with_suffix(".pdf")
        if pdf_target.exists() and not force:
            raise UsageError(Problem(code="usage.exists", message="PDF 文件已存在，未覆盖。", file=str(pdf_target), hint="加 --force 覆盖。"))
        with PdfPool(workers=1) as pool:
            r = pool.convert(target, pdf_target)
        if not r.ok:
            raise WenshuError([r.problem] if r.problem else "PDF 转换失败。")
        click.echo(f"已生成 {pdf_target.as_posix()}（{r.pages} 页）")


@cli.command("batch")
@click.argument("data", type=click.Path(path_type=Path, file_okay=False))
@click.option("-o", "--out", "out", required=True, type=click.Path(path_type=Path, file_okay=False), help="输出目录：按 部门/文书类型/ 分文件夹存放，另有“全区”文件夹和 manifest。")
@click.option("--kinds", help="只生成这些类型，逗号分隔（见 wenshu kinds），默认全部。")
@click.option("--departments", help="只生成这些部门的文件夹，逗号分隔（部门简称；“全区”为区级文件夹），默认全部。")
@click.option("--period", help="期间：YYYY-MM 只生成该月的通报；YYYY 只生成该年度的年度报告。")
@click.option("--as-of", "as_of", help="统计截止日期 YYYY-MM-DD，默认今天。")
@click.option("--templates", "templates_dir", type=click.Path(path_type=Path, file_okay=False), help="优先使用此目录中的模板（wenshu template export 导出后编辑；按模板中记录的文书类型识别，文件名可以改），缺少的用内置模板；认不出类型的文件会提示。")
@click.option("-j", "--jobs", "workers", type=int, default=0, show_default="全部核心", help="并行进程数。")
@click.option("--resume", is_flag=True, help="继续上次中断的任务：输入和模板未变、文件完好的文书直接跳过。")
@click.option("--force", is_flag=True, help="允许写入非 wenshu 生成的非空目录。")
@click.option("--pdf", is_flag=True, help="同时生成每份文书的 PDF（需要 LibreOffice）。")
@click.option("--booklet", is_flag=True, help="每个部门文件夹生成一本 PDF 汇编（带目录页和书签；隐含 --pdf）。")
def batch_cmd(data: Path, out: Path, kinds: str | None, departments: str | None, period: str | None, as_of: str | None,
              templates_dir: Path | None, workers: int, resume: bool, force: bool, pdf: bool, booklet: bool) -> None:
    """批量生成全部部门的文书：wenshu batch DATA -o OUT。

    一份文书出错不影响其他文书；出错的文书及原因在最后列出，退出码为 1。
    中断（Ctrl-C、断电）后用 --resume 继续，结果与一次完成完全相同。
    """
    from wenshu.batch import BatchOptions, interrupted_message, run_batch, set_aside_lines, summary_table
    from wenshu.progress import Progress

    if not data.is_dir():
        raise UsageError(Problem(code="usage.no-such-path", message="数据目录不存在。", file=str(data)))
    if period is not None and not re.fullmatch(r"\d{4}(-\d{2})?", period):
        raise click.BadParameter("期间格式应为 YYYY-MM 或 YYYY，如 2025-10。", param_hint="--period")
    opts = BatchOptions(
        data_dir=data, out_dir=out, kinds=_split(kinds), departments=_split(departments), period=period,
        as_of=_parse_date(as_of), templates_dir=templates_dir or _data_templates(data), workers=workers, resume=resume, force=force,
        pdf=pdf or booklet, booklet=booklet,
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


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [v.strip() for v in re.split(r"[,，、]", value) if v.strip()]


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
    from wenshu.cli_template import template

    cli.add_command(template)
    cli.add_command(doctor)


_register_subcommands()


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="wenshu", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("已中断。", err=True)
        sys.exit(130)
    except click.exceptions.UsageError as e:
        click.echo(f"用法错误：{e.format_message()}", err=True)
        if e.ctx is not None:
            click.echo(f"运行 “{e.ctx.command_path} --help” 查看帮助。", err=True)
        sys.exit(2)
    except click.exceptions.ClickException as e:
        click.echo(f"错误：{e.format_message()}", err=True)
        sys.exit(e.exit_code)
    except WenshuError as e:
        _echo_problems(e.problems)
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
