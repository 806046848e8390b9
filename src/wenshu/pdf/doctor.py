"""``wenshu doctor``: is this machine able to make correct PDFs?

Checks LibreOffice (path, version, a Python that can talk UNO), poppler-utils (pdftotext, pdffonts)
and every official font name of GB/T 9704: installed, substituted by a free CJK font through
wenshu's fontconfig rules (``fonts.conf``), or missing (it would fall back to a Latin font such as
DejaVu Sans, which changes the line breaks and the page count).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from wenshu.pdf.office import (
    INSTALL_HINT,
    UNO_HINT,
    find_soffice,
    find_uno_python,
    soffice_version,
    write_fontconfig,
)

Status = Literal["ok", "substituted", "warning", "missing"]

STATUS_LABEL = {"ok": "正常", "substituted": "替代", "warning": "注意", "missing": "缺少"}

FONT_PACKAGES = "fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming"

# (official name, class, free fonts wenshu maps it to in fonts.conf, in order of preference)
OFFICIAL_FONTS: list[tuple[str, str]] = [
    ("方正小标宋简体", "小标宋"),
    ("方正小标宋_GBK", "小标宋"),
    ("仿宋_GB2312", "仿宋"),
    ("仿宋", "仿宋"),
    ("FangSong", "仿宋"),
    ("黑体", "黑体"),
    ("SimHei", "黑体"),
    ("楷体_GB2312", "楷体"),
    ("楷体", "楷体"),
    ("KaiTi", "楷体"),
    ("宋体", "宋体"),
    ("SimSun", "宋体"),
]

EXPECTED_SUBSTITUTE = {
    "小标宋": "Noto Serif CJK SC（粗体）",
    "仿宋": "AR PL UMing CN",
    "黑体": "Noto Sans CJK SC",
    "楷体": "AR PL UKai CN",
    "宋体": "Noto Serif CJK SC",
}


@dataclass(frozen=True)
class DoctorLine:
    item: str  # what was checked, e.g. "LibreOffice", "字体 仿宋_GB2312"
    status: Status
    detail: str  # what was found, in Chinese
    hint: str | None = None  # what to do (install command ...)
    required: bool = True  # False: a missing item does not make PDF output unusable

    def format(self) -> str:
        text = f"[{STATUS_LABEL[self.status]}] {self.item}：{self.detail}"
        if self.hint:
            text += f"\n        提示：{self.hint}"
        return text

    @property
    def usable(self) -> bool:
        return self.status in ("ok", "substituted", "warning") or not self.required


def _run(cmd: list[str], env: dict | None = None, timeout: float = 30) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except (OSError, subprocess.SubprocessError):
        return None


def _tool_line(name: str, purpose: str) -> DoctorLine:
    path = shutil.which(name)
    if not path:
        return DoctorLine(name, "warning", f"未找到（{purpose}需要）。", "apt-get install -y poppler-utils",
                          required=False)
    r = _run([name, "-v"])
    version = ""
    if r is not None:
        first = (r.stderr or r.stdout).strip().splitlines()
        version = first[0].strip() if first else ""
    return DoctorLine(name, "ok", f"{path}" + (f"（{version}）" if version else ""), required=False)


def _fc_installed(family: str) -> str | None:
    """The file of an installed font whose family is exactly ``family`` (system config only)."""
    r = _run(["fc-list", f":family={family}", "file"])
    if r is None or r.returncode != 0:
        return None
    files = [line.strip().rstrip(":") for line in r.stdout.splitlines() if line.strip()]
    return files[0] if files else None


def _fc_match(family: str, env: dict) -> tuple[str, str, str, str] | None:
    """(family, style, file, langs) that fontconfig picks for ``family`` with wenshu's rules."""
    r = _run(["fc-match", "--format=%{family[0]}\t%{style[0]}\t%{file}\t%{lang}", f"{family}:lang=zh-cn"],
             env=env)
    if r is None or r.returncode != 0 or not r.stdout:
        return None
    parts = r.stdout.split("\t")
    while len(parts) < 4:
        parts.append("")
    return parts[0], parts[1], parts[2], parts[3]


def font_lines() -> list[DoctorLine]:
    """One line per official font name."""
    if not shutil.which("fc-match") or not shutil.which("fc-list"):
        return [DoctorLine("fontconfig", "missing", "未找到 fc-match / fc-list，无法检查字体。",
                           "apt-get install -y fontconfig " + FONT_PACKAGES)]
    import os

    lines: list[DoctorLine] = []
    with tempfile.TemporaryDirectory(prefix="wenshu-doctor-") as tmp:
        env = dict(os.environ, FONTCONFIG_FILE=str(write_fontconfig(Path(tmp))))
        for name, cls in OFFICIAL_FONTS:
            item = f"字体 {name}（{cls}）"
            installed = _fc_installed(name)
            if installed:
                lines.append(DoctorLine(item, "ok", f"已安装（{installed}）"))
                continue
            m = _fc_match(name, env)
            if m is None:
                lines.append(DoctorLine(item, "missing", "fontconfig 没有给出任何字体。",
                                        f"apt-get install -y {FONT_PACKAGES}"))
                continue
            family, style, file, langs = m
            cjk = "zh-cn" in langs.split("|") or "zh-cn" in langs
            label = f"{family} {style}".strip()
            if not cjk:
                lines.append(DoctorLine(
                    item, "missing",
                    f"未安装，也没有可用的中文替代字体（会退回到 {label}，换行和页数都会变）。",
                    f"apt-get install -y {FONT_PACKAGES}"))
                continue
            want = EXPECTED_SUBSTITUTE[cls]
            note = "" if want.split("（")[0] == family else f"；首选替代 {want} 未安装"
            hint = None if not note else f"apt-get install -y {FONT_PACKAGES}"
            lines.append(DoctorLine(item, "substituted", f"未安装，由 {label} 替代（{file}）{note}", hint))
    return lines


def doctor_report() -> list[DoctorLine]:
    """Everything ``wenshu doctor`` prints, in order."""
    lines: list[DoctorLine] = []
    soffice = find_soffice()
    if soffice is None:
        lines.append(DoctorLine("LibreOffice", "missing", "未找到 soffice，无法生成 PDF。", INSTALL_HINT))
    else:
        version = soffice_version(soffice)
        if version is None:
            lines.append(DoctorLine("LibreOffice", "missing", f"{soffice} 无法运行（soffice --version 失败）。",
                                    INSTALL_HINT))
        else:
            lines.append(DoctorLine("LibreOffice", "ok", f"{soffice}（{version}）"))
            py = find_uno_python(soffice)
            if py:
                lines.append(DoctorLine("UNO 接口", "ok", f"{py} 可以 import uno，使用常驻 LibreOffice 进程池转换。",
                                        required=False))
            else:
                lines.append(DoctorLine(
                    "UNO 接口", "warning",
                    "没有能 import uno 的 Python，将逐个文件启动 soffice 转换（结果相同，但慢数倍）。",
                    UNO_HINT, required=False))
    lines.append(_tool_line("pdftotext", "测试与版式检查"))
    lines.append(_tool_line("pdffonts", "测试与字体检查"))
    lines.extend(font_lines())
    return lines


def usable(lines: list[DoctorLine]) -> bool:
    """True when LibreOffice runs and every official font is installed or substituted."""
    return all(line.usable for line in lines)
