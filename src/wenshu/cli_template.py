"""``wenshu template …``: check, document and export the Word templates.

Registered in cli.py with ``cli.add_command(template)`` (``from wenshu.cli_template import template``).
Exit codes as for the rest of wenshu: 0 fine (warnings allowed), 1 the template has errors, 2 usage.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from wenshu.cli_common import CONTEXT, OPTIONS_METAVAR, existing_file, kind_key, not_a_file, not_a_folder
from wenshu.errors import Problem, UsageError


@click.group("template", context_settings=CONTEXT, options_metavar=OPTIONS_METAVAR, subcommand_metavar="子命令 [参数]...")
def template() -> None:
    """模板工具：检查模板、查看可用字段、导出内置模板供修改。"""


@template.command("check", options_metavar=OPTIONS_METAVAR)
@click.argument("file", metavar="模板.docx", type=click.Path(path_type=Path))
@click.option("--kind", "kind", metavar="类型", help="文书类型，中文名称或代码（wenshu kinds 查看）；不写时按模板文档属性中记录的文书类型、其次按文件名判断。")
@click.option("--annotate", "annotate_out", metavar="文件", type=click.Path(path_type=Path),
              help="另存一份带批注的模板：每个问题在对应段落旁加一条 Word 批注。")
@click.option("-q", "--quiet", is_flag=True, help="只输出问题，不输出汇总。")
def check_cmd(file: Path, kind: str | None, annotate_out: Path | None, quiet: bool) -> None:
    """检查模板：一次列出所有问题（标签语法、被 Word 拆开的标签、字段名、格式）。

    每个问题给出所在部分（正文/页眉/页脚）、段落号和该段文字（问题处用【】标出）。
    退出码：0 没有错误（可能有警告）；1 有错误；2 用法错误。
    """
    from wenshu.tplcheck import annotate, check_template, detect_kind

    existing_file(file, "模板文件")
    not_a_folder(annotate_out, "带批注的模板文件")
    if kind is not None:
        kind = kind_key(kind)
    problems = check_template(file, kind)
    for p in problems:
        click.echo(p.format(), err=True)
        click.echo("", err=True)
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if annotate_out is not None:
        annotate(file, problems, annotate_out)
        click.echo(f"已写入带批注的模板 {annotate_out.as_posix()}（{len(problems)} 条批注）", err=True)
    if not quiet:
        used = kind or detect_kind(file)
        what = f"（按 {used} 检查字段）" if used else "（未检查字段）"
        if errors:
            click.echo(f"模板 {file.as_posix()}{what}：{errors} 个错误、{warnings} 个警告。", err=True)
        else:
            extra = f"，{warnings} 个警告" if warnings else ""
            click.echo(f"模板检查通过{what}：{file.as_posix()}{extra}。")
    sys.exit(1 if errors else 0)


@template.command("fields", options_metavar=OPTIONS_METAVAR)
@click.argument("kind_name", metavar="类型")
@click.option("--write-docs", is_flag=True, help="同时把所有文书类型的字段表写入 docs/fields/<类型>.md。")
@click.option("--docs-dir", metavar="目录", type=click.Path(path_type=Path), default=Path("docs/fields"),
              show_default=True, help="--write-docs 写入的目录。")
def fields_cmd(kind_name: str, write_docs: bool, docs_dir: Path) -> None:
    """列出一类文书的模板可用字段（字段、名称、类型、示例、模板写法）。

    类型写中文名称或代码（wenshu kinds 查看）；写 all 或“全部”表示全部类型。
    """
    from wenshu.documents import REGISTRY
    from wenshu.tplcheck import fields_for, write_field_docs

    not_a_file(docs_dir, "字段文档目录")
    keys = list(REGISTRY) if kind_name.strip() in ("all", "全部") else [kind_key(kind_name)]
    for key in keys:
        docs = fields_for(key)
        click.echo(f"# {REGISTRY[key].title}（{key}）")
        width = max((len(d.path) for d in docs), default=10)
        for d in docs:
            example = f"  例：{d.example}" if d.example else ""
            click.echo(f"{d.path:<{width}}  {d.title}（{d.type}）  {d.usage}{example}")
        click.echo("")
    if write_docs:
        for p in write_field_docs(docs_dir):
            click.echo(f"已写入 {p.as_posix()}")


@template.command("export", options_metavar=OPTIONS_METAVAR)
@click.argument("directory", metavar="目录", type=click.Path(path_type=Path))
@click.option("-f", "--force", is_flag=True, help="覆盖目录中已有的同名模板。")
def export_cmd(directory: Path, force: bool) -> None:
    """把内置模板复制到目录中，供在 Word/WPS 中修改。

    改好后用 wenshu template check 检查，再用 wenshu render … --templates 目录 使用。
    已有同名文件时不覆盖（一个也不复制），除非加 --force。
    """
    from wenshu.templates import bundled_dir

    src = bundled_dir()
    files = sorted(p for p in src.glob("*.docx") if not p.name.startswith("~$"))
    if directory.exists() and not directory.is_dir():
        raise UsageError(Problem(code="usage.not-a-directory", message="目标不是目录。", file=str(directory)))
    existing = [directory / p.name for p in files if (directory / p.name).exists()]
    if existing and not force:
        raise UsageError(Problem(
            code="usage.exists", message="目录中已有同名模板，未复制任何文件（以免覆盖已修改的模板）。",
            file=str(directory), found="、".join(p.name for p in existing), hint="加 --force 覆盖，或换一个目录。"))
    directory.mkdir(parents=True, exist_ok=True)
    for p in files:
        shutil.copyfile(p, directory / p.name)
        click.echo(f"已导出 {(directory / p.name).as_posix()}")
    click.echo(f"共 {len(files)} 个模板。修改后运行：wenshu template check {directory.as_posix()}/<模板>.docx")


@template.command("build", options_metavar=OPTIONS_METAVAR)
@click.argument("directory", metavar="目录", type=click.Path(path_type=Path))
@click.option("--settings", "settings_file", metavar="版式.yaml", type=click.Path(path_type=Path),
              help="版式设置 YAML（红色分隔线粗细、发文机关标志字号、字体等标准未规定的值）；不写时用默认值。")
@click.option("-f", "--force", is_flag=True, help="覆盖目录中已有的同名模板。")
def build_cmd(directory: Path, settings_file: Path | None, force: bool) -> None:
    """按 GB/T 9704 参数重新生成全部内置模板到目录中（可带本区的版式设置）。

    生成的模板与内置模板结构相同，可继续在 Word/WPS 中修改；render/batch 用 --templates 目录
    （或放在数据目录的 templates/ 下）使用它们。
    """
    from pydantic import ValidationError

    from wenshu.errors import DataError, Problem, UsageError
    from wenshu.loading import load_yaml
    from wenshu.official.gbt9704 import DEFAULT_SETTINGS, Settings
    from wenshu.documents import REGISTRY
    from wenshu.documents.base import build_templates
    from wenshu.validation import problems_from_validation

    not_a_file(directory, "模板目录")
    existing_file(settings_file, "版式设置文件")
    settings = DEFAULT_SETTINGS
    if settings_file is not None:
        loaded = load_yaml(settings_file)
        try:
            settings = Settings.model_validate(loaded.data or {})
        except ValidationError as e:
            raise DataError(problems_from_validation(e, Settings, loaded.display, loaded.locate, loaded.key_positions.get)) from None
    existing = [k.template for k in REGISTRY.values() if (directory / k.template).exists()]
    if existing and not force:
        raise UsageError(Problem(code="usage.exists", message="目录中已有同名模板，未覆盖：" + "、".join(existing),
                                 file=str(directory), hint="加 --force 覆盖。"))
    for path in build_templates(directory, settings):
        click.echo(f"已生成 {path.as_posix()}")
    for line in settings.deviations():
        click.echo(f"  {line}")
