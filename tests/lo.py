"""Real LibreOffice and poppler for tests: convert, read text and word boxes, sample pixels."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

MM = 72 / 25.4  # PDF points per millimetre


def require_soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("WENSHU_ALLOW_NO_LIBREOFFICE"):
            pytest.skip("LibreOffice 未安装（WENSHU_ALLOW_NO_LIBREOFFICE 已设置）")
        pytest.fail("LibreOffice（soffice）未安装：请按 README 运行 tools/setup.sh")
    return exe


def convert(docs: list[Path], outdir: Path, profile: Path) -> list[Path]:
    exe = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [exe, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
         "--outdir", str(outdir), *map(str, docs)],
        check=True, capture_output=True, timeout=600,
    )
    out = [outdir / (d.stem + ".pdf") for d in docs]
    missing = [p for p in out if not p.exists()]
    assert not missing, f"LibreOffice produced no PDF for {missing}"
    return out


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def page_size(pdf: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    return float(m.group(1)), float(m.group(2))


def text(pdf: Path, page: int | None = None, layout: bool = True) -> str:
    args = ["pdftotext"]
    if layout:
        args.append("-layout")
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def words(pdf: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, word) in points from the top-left corner."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    out = []
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html):
        out.append((float(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4)), m.group(5)))
    return out


def body_lines(pdf: Path, page: int) -> int:
    """Non-empty text lines of a page, the page-number line excluded."""
    lines = [l for l in text(pdf, page).splitlines() if l.strip()]
    return len([l for l in lines if not re.fullmatch(r"\s*—\s*\d+\s*—\s*", l)])


def red_pixels(pdf: Path, page: int, top_fraction: float = 0.4) -> int:
    """Count strongly red pixels in the top part of a page (rasterised by pdftoppm at 30 dpi)."""
    raw = subprocess.run(["pdftoppm", "-r", "30", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, check=True).stdout
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+(\d+)\s", raw)
    w, h = int(m.group(1)), int(m.group(2))
    data = raw[m.end():]
    count = 0
    for y in range(int(h * top_fraction)):
        row = data[y * w * 3:(y + 1) * w * 3]
        for x in range(0, len(row), 3):
            r, g, b = row[x], row[x + 1], row[x + 2]
            if r > 200 and g < 80 and b < 80:
                count += 1
    return count
