"""Scale: a generated district of 1,000 and 10,000 projects through validate, analyze and batch.

    python bench/scale.py                 # 1,000, 10,000 and 20,000 projects
    python bench/scale.py --sizes 500 2000

Each step runs as its own process (as a user runs it); the table shows wall time and peak memory
(RSS of the main process; for batch also the largest rendering worker).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen import generate  # noqa: E402

AS_OF = "2025-11-30"

STEP = """
import resource, sys, time, datetime as dt
from pathlib import Path
t = time.perf_counter()
step, data, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
worker = 0.0
count = 0
if step == "validate":
    from wenshu.data import load_dataset
    ds = load_dataset([data], strict=False)
    count = ds.project_count
elif step == "analyze":
    from wenshu.pipeline import analyze
    from wenshu.analysis_output import format_text
    from wenshu.wording import Wording
    ds, a = analyze([data], dt.date.fromisoformat("%s"))
    format_text(a, Wording())
    count = len(a.projects)
else:
    from wenshu.batch import BatchOptions, run_batch
    r = run_batch(BatchOptions(data_dir=data, out_dir=out, as_of=dt.date.fromisoformat("%s"), workers=2))
    assert not r.failures, r.failures[:1]
    worker = r.worker_peak_mb
    count = r.written
from wenshu.batch import peak_rss_mb
print(count, peak_rss_mb(), worker, time.perf_counter() - t)
""" % (AS_OF, AS_OF)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 20000])
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wenshu-scale-"))
    try:
        print(f"{'项目数':>8} {'步骤':<10} {'数量':>8} {'用时(秒)':>9} {'主进程峰值(MB)':>14} {'工作进程峰值(MB)':>16}")
        peaks: dict[tuple[str, int], float] = {}
        for n in sorted(set(args.sizes)):
            data = work / f"d{n}"
            generate(data, n)
            for step in ("validate", "analyze", "batch"):
                out = work / f"o{n}"
                r = subprocess.run([sys.executable, "-c", STEP, step, str(data), str(out)], capture_output=True, text=True)
                if r.returncode != 0:
                    print(r.stderr[-2000:], file=sys.stderr)
                    raise SystemExit(1)
                count, peak, worker, secs = r.stdout.split()
                print(f"{n:>8} {step:<10} {int(count):>8} {float(secs):>9.1f} {float(peak):>14.0f} {float(worker):>16.0f}")
                peaks[(step, n)] = float(peak)
                shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(data, ignore_errors=True)
        # Below a few thousand projects the spool (wenshu.spool) is still in memory; past its 2 MB it
        # moves to disk, so the first step carries that bounded amount; later steps show growth.
        sizes = sorted(set(args.sizes))
        for lo, hi in zip(sizes, sizes[1:]):
            print(f"内存增长 {lo}→{hi} 个项目（主进程峰值，每多 1,000 个项目）：" + "，".join(
                f"{step} {(peaks[(step, hi)] - peaks[(step, lo)]) * 1000 / (hi - lo):+.2f} MB" for step in ("validate", "analyze", "batch")))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
