"""Screenshots of the workbook for docs/用表格填报数据.md, rendered by LibreOffice (no hand editing).

    python tools/sheet_screenshots.py docs/img

Exports data_examples/ with ``wenshu export``, keeps one sheet per picture (its first rows and
columns), lets LibreOffice Calc print it to PDF (landscape, one page wide, grid lines) and turns the
page into a PNG with pdftoppm.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from wenshu.sheets.export import export_workbook  # noqa: E402

# (png name, sheet, rows, columns)
SHOTS = [
    ("填报表-填表说明.png", "填表说明", 24, 5),
    ("填报表-项目.png", "项目", 12, 9),
    ("填报表-资金来源.png", "资金来源", 12, 3),
    ("填报表-区情设置.png", "区情设置", 12, 3),
    ("填报表-部门督办记录.png", "部门督办记录", 10, 9),
]


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "img")
    out.mkdir(parents=True, exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("需要 LibreOffice（soffice）")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        book = work / "填报表.xlsx"
        export_workbook(ROOT / "data_examples", book)
        for png, sheet, rows, cols in SHOTS:
            wb = openpyxl.load_workbook(book)
            for name in list(wb.sheetnames):
                if name != sheet:
                    del wb[name]
            ws = wb[sheet]
            for r in ws.iter_rows(min_row=rows + 1):
                for c in r:
                    c.value = None
            # Row heights from the pictured columns only (the full sheet sizes rows for all of them).
            for r in range(2, rows + 1):
                lines = max((str(ws.cell(r, c).value).count("\n") + 1 for c in range(1, cols + 1)
                             if ws.cell(r, c).value is not None), default=1)
                ws.row_dimensions[r].height = 15 * lines if lines > 1 else None
            ws.print_area = f"A1:{get_column_letter(cols)}{rows}"
            ws.page_setup.orientation = "landscape"
            ws.page_setup.paperSize = ws.PAPERSIZE_A4
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 1
            ws.print_options.gridLines = True
            ws.print_options.headings = True
            single = work / f"{Path(png).stem}.xlsx"
            wb.save(single)
            subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{work / 'lo'}",
                            "--convert-to", "pdf", "--outdir", str(work), str(single)],
                           check=True, capture_output=True, timeout=300)
            pdf = single.with_suffix(".pdf")
            target = out / png
            x, y, w, h = _content_box(pdf, work)
            subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile",
                            "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h), str(pdf),
                            str(target.with_suffix(""))], check=True)
            print(f"已生成 {target.as_posix()}（{w}×{h}）")


DPI = 150
MARGIN = 12


def _content_box(pdf: Path, work: Path) -> tuple[int, int, int, int]:
    """The box of non-white pixels of the first page at DPI (from a plain PPM rendering)."""
    base = work / "box"
    subprocess.run(["pdftoppm", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile", "-gray", str(pdf), str(base)], check=True)
    data = (work / "box.pgm").read_bytes()
    parts = data.split(maxsplit=4)  # P5, width, height, maxval, pixels
    width, height, pixels = int(parts[1]), int(parts[2]), parts[4]
    rows = [i for i in range(height) if min(pixels[i * width:(i + 1) * width]) < 200]
    cols = [j for j in range(width) if any(pixels[i * width + j] < 200 for i in range(rows[0], rows[-1] + 1, 2))]
    x0, x1 = max(cols[0] - MARGIN, 0), min(cols[-1] + MARGIN, width)
    y0, y1 = max(rows[0] - MARGIN, 0), min(rows[-1] + MARGIN, height)
    return x0, y0, x1 - x0, y1 - y0


if __name__ == "__main__":
    main()
