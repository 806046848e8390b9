"""Command line: a thin click layer that parses options, calls the library and maps errors to exit codes.

Exit codes: 0 success; 1 invalid data, template or render failure; 2 usage error; 70 internal error.
Heavy imports happen inside the command that needs them so ``wenshu --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from wenshu import __version__
from wenshu.errors import Problem, WenshuError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


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

    ds = load_dataset(paths, strict=False)
    _echo_problems(ds.problems)
    files, _ = discover(paths)
    errors, warnings = _summary(ds.problems)
    if not quiet:
        if errors:
            click.echo(f"共检查 {len(files)} 个文件：发现 {errors} 个错误、{warnings} 个警告。", err=True)
        else:
            extra = f"，{warnings} 个警告" if warnings else ""
            click.echo(f"校验通过：{len(files)} 个文件，{len(ds.projects)} 个项目{extra}。")
    sys.exit(1 if errors else 0)


@cli.command("schema")
@click.option("-o", "--out", "out", required=True, type=click.Path(path_type=Path, file_okay=False), help="写入 JSON Schema 的目录，如 schemas/。")
def schema_cmd(out: Path) -> None:
    """为每种输入文件写出带中文标题和说明的 JSON Schema（编辑器据此自动补全）。"""
    from wenshu.schema_export import write_schemas

    for p in write_schemas(out):
        click.echo(f"已写入 {p.as_posix()}")


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
