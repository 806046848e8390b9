"""PDF-related commands. Registered in ``wenshu.cli`` with ``cli.add_command(doctor)``."""

from __future__ import annotations

import sys

import click

from wenshu.cli_common import CONTEXT, OPTIONS_METAVAR


@click.command("doctor", context_settings=CONTEXT, options_metavar=OPTIONS_METAVAR)
def doctor() -> None:
    """检查本机能否生成 PDF：LibreOffice、pdftotext/pdffonts 和公文字体。

    对每个公文字体（方正小标宋简体、仿宋_GB2312、黑体、楷体_GB2312、宋体等）报告：已安装、
    由哪种免费中文字体替代，或缺少（并给出要安装的软件包）。

    LibreOffice 和字体都可用时退出码为 0，否则为 1。详见 docs/PDF与字体.md。
    """
    from wenshu.pdf.doctor import doctor_report, usable

    lines = doctor_report()
    for line in lines:
        click.echo(line.format())
    ok = usable(lines)
    if ok:
        click.echo("结论：可以生成 PDF。")
    else:
        click.echo("结论：不能正确生成 PDF，请按上面的提示安装缺少的软件包。", err=True)
    sys.exit(0 if ok else 1)
