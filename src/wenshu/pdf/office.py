"""Where LibreOffice is, which Python can talk UNO to it, and the fonts its processes see.

* :func:`find_soffice`: ``$WENSHU_SOFFICE``, PATH, then the usual install places.
* :func:`find_uno_python`: a Python that can ``import uno`` (our own interpreter usually cannot),
  used to run the UNO helper (``uno_helper.py``).
* :func:`write_fontconfig`: a ``FONTCONFIG_FILE`` for the soffice processes only, including the
  system configuration and then ``fonts.conf`` (official font names → free CJK fonts).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path

from wenshu.errors import Problem, WenshuError

INSTALL_HINT = "apt-get install -y libreoffice-writer-nogui"
UNO_HINT = "apt-get install -y python3-uno"


class LibreOfficeMissing(WenshuError):
    """No ``soffice`` executable was found. Exit code 1."""

    default_code = "pdf.libreoffice-missing"

    def __init__(self, problems=None):
        if problems is None:
            problems = Problem(
                code=self.default_code,
                message="未找到 LibreOffice（soffice），无法把 .docx 转换为 PDF。",
                hint=f"请以 root 身份安装：{INSTALL_HINT}（或设置环境变量 WENSHU_SOFFICE 指向 soffice）。",
            )
        super().__init__(problems)


# ─── locating LibreOffice and a Python that can talk UNO ────────────────────────────────────────

_SOFFICE_CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


def find_soffice() -> str | None:
    """Path of the ``soffice`` executable: $WENSHU_SOFFICE, PATH, usual install places; else None."""
    env = os.environ.get("WENSHU_SOFFICE")
    if env:
        return env if os.access(env, os.X_OK) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for cand in (*_SOFFICE_CANDIDATES, *sorted(glob.glob("/opt/libreoffice*/program/soffice"), reverse=True)):
        if os.access(cand, os.X_OK):
            return cand
    return None


def _program_dir(soffice: str) -> Path:
    return Path(os.path.realpath(soffice)).parent


@lru_cache(maxsize=8)
def find_uno_python(soffice: str | None = None) -> str | None:
    """A Python executable that can ``import uno`` for this LibreOffice, or None.

    Tried in order: $WENSHU_UNO_PYTHON, LibreOffice's bundled ``program/python``, ``/usr/bin/python3``
    (Debian/Ubuntu python3-uno), ``python3`` on PATH, and our own interpreter.
    """
    cands: list[str] = []
    if os.environ.get("WENSHU_UNO_PYTHON"):
        cands.append(os.environ["WENSHU_UNO_PYTHON"])
    if soffice:
        for name in ("python", "python.bin", "python3"):
            p = _program_dir(soffice) / name
            if p.is_file() and os.access(p, os.X_OK):
                cands.append(str(p))
    cands += ["/usr/bin/python3", shutil.which("python3") or "", sys.executable]
    seen: set[str] = set()
    for py in cands:
        if not py or py in seen or not os.access(py, os.X_OK):
            continue
        seen.add(py)
        try:
            r = subprocess.run([py, "-c", "import uno, unohelper"], capture_output=True, timeout=30,
                               env=clean_python_env())
        except (OSError, subprocess.SubprocessError):
            continue
        if r.returncode == 0:
            return py
    return None


def clean_python_env() -> dict[str, str]:
    """Our environment without the variables that would point another Python at our venv."""
    env = dict(os.environ)
    for k in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONEXECUTABLE"):
        env.pop(k, None)
    return env


def soffice_version(soffice: str) -> str | None:
    try:
        r = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    out = r.stdout.strip().splitlines()
    return out[0].strip() if out else None


# ─── fonts ────────────────────────────────────────────────────────────────────────────────────────

SYSTEM_FONTCONFIG = "/etc/fonts/fonts.conf"


def fonts_conf_text() -> str:
    """The packaged fontconfig rules (official font names → installed free CJK fonts)."""
    return resources.files("wenshu.pdf").joinpath("fonts.conf").read_text(encoding="utf-8")


def write_fontconfig(directory: Path) -> Path:
    """Write ``fonts.conf`` (ours) and ``fonts-main.conf`` (system config, then ours) into ``directory``.

    Returns the path to use as ``FONTCONFIG_FILE``. The system file is $FONTCONFIG_FILE if the caller
    already set one, else /etc/fonts/fonts.conf.
    """
    directory.mkdir(parents=True, exist_ok=True)
    ours = directory / "wenshu-fonts.conf"
    ours.write_text(fonts_conf_text(), encoding="utf-8")
    system = os.environ.get("FONTCONFIG_FILE") or SYSTEM_FONTCONFIG
    main = directory / "fonts-main.conf"
    main.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{_xml_escape(system)}</include>\n'
        f'  <include ignore_missing="yes">{_xml_escape(str(ours))}</include>\n'
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return main


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
