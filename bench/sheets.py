"""Spreadsheets at scale: export a generated district to one workbook, import it back, check the data.

    python bench/sheets.py                 # 10,000 projects
    python bench/sheets.py --sizes 1000 10000

Each step runs as its own process (as a user runs ``wenshu export`` / ``wenshu import``); the table
shows wall time, peak memory (RSS of that process) and the workbook's size. After the import the
imported folder is compared with the generated one (every file's data, Decimal texts included).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen import generate  # noqa: E402

STEP = """
import sys, time
from pathlib import Path
t = time.perf_counter()
step, a, b = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
count = 0
if step == "export":
    from wenshu.sheets.export import export_workbook
    r = export_workbook(a, b)
    count = sum(r.rows.values())
elif step == "import":
    from wenshu.sheets.importer import import_tables
    r = import_tables([a], b)
    count = sum(r.rows.values())
else:
    from wenshu.data.files import discover, load_file
    def data(folder):
        files, _ = discover([folder])
        out = {}
        for p in files:
            sf, probs = load_file(p)
            assert sf is not None and not [x for x in probs if x.severity == "error"], probs
            if sf.kind != "sheet_aliases":
                out[p.resolve().relative_to(folder.resolve()).as_posix()] = repr(sf.model.model_dump(by_alias=True))
        return out
    x, y = data(a), data(b)
    assert x.keys() == y.keys(), sorted(set(x) ^ set(y))[:5]
    bad = [k for k in x if x[k] != y[k]]
    assert not bad, bad[:5]
    count = len(x)
from wenshu.batch import peak_rss_mb
print(count, peak_rss_mb(), time.perf_counter() - t)
"""


def run(step: str, a: Path, b: Path) -> tuple[int, float, float]:
    r = subprocess.run([sys.executable, "-c", STEP, step, str(a), str(b)], capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stderr[-3000:], file=sys.stderr)
        raise SystemExit(1)
    count, peak, secs = r.stdout.split()
    return int(count), float(peak), float(secs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10000])
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wenshu-sheets-"))
    try:
        print(f"{'项目数':>8} {'步骤':<8} {'行数/文件数':>12} {'用时(秒)':>9} {'峰值内存(MB)':>13} {'工作簿(MB)':>11}")
        for n in sorted(set(args.sizes)):
            data = work / f"d{n}"
            generate(data, n)
            book = work / f"d{n}.xlsx"
            count, peak, secs = run("export", data, book)
            size = book.stat().st_size / 1024 / 1024
            print(f"{n:>8} {'export':<8} {count:>12} {secs:>9.1f} {peak:>13.0f} {size:>11.1f}")
            back = work / f"i{n}"
            count, peak, secs = run("import", book, back)
            print(f"{n:>8} {'import':<8} {count:>12} {secs:>9.1f} {peak:>13.0f} {'':>11}")
            count, peak, secs = run("compare", data, back)
            print(f"{n:>8} {'compare':<8} {count:>12} {secs:>9.1f} {peak:>13.0f} {'相同':>11}")
            shutil.rmtree(data, ignore_errors=True)
            shutil.rmtree(back, ignore_errors=True)
            book.unlink(missing_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
