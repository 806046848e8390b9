"""Benchmark: .docx → PDF with PdfPool vs. plain ``soffice --convert-to``.

    .venv/bin/python bench/pdf.py [--docs 100] [--workers 2] [--keep DIR]

Generates ``--docs`` documents (the example notice, 13 pages, and the example task list, 3 pages,
alternating, each with a small text change), then converts all of them

  (a) with ``PdfPool(workers=2)`` (start-up and shut-down included),
  (b) with one ``soffice --headless --convert-to pdf`` call per document,
  (c) with one ``soffice --headless --convert-to pdf`` call for all documents.

(b) and (c) use one warm profile directory (created before timing) and the same font
configuration as the pool, so all three produce the same PDFs. (a) and (c) run ``--repeat`` times,
alternating, and the fastest run of each counts; before each timed run the script waits (up to
``--quiet-wait`` seconds) until other processes leave the CPUs idle, and prints the background load
it saw. The last line is ``speedup percall=<time(b)/time(a)> single=<time(c)/time(a)>``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from wenshu.pdf.office import find_soffice, write_fontconfig  # noqa: E402
from wenshu.pdf.pool import PdfPool  # noqa: E402
from wenshu.pdf.processes import kill_group  # noqa: E402


def render_examples(out: Path) -> tuple[Path, Path]:
    """Render the example notice and the 2024 task list with the real CLI."""
    n, t = out / "notice.docx", out / "task_list.docx"
    for args in (["notice", str(ROOT / "data_examples"), "-o", str(n)],
                 ["task_list", str(ROOT / "data_examples"), "--item", "2024-全区", "-o", str(t)]):
        subprocess.run([sys.executable, "-m", "wenshu", "render", *args, "--force"], check=True, cwd=out,
                       stdout=subprocess.DEVNULL)
    return n, t


def vary(src: Path, dst: Path, i: int) -> None:
    """Copy a .docx changing one number in the text (same length, so the layout stays)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                text, k = re.subn(r"〔2024〕\d+号", f"〔2024〕{i % 9 + 1}号", text, count=1)
                if not k:
                    text = re.sub(r"(\d{4})年任务清单", f"{2000 + i % 100:04d}年任务清单", text, count=1)
                data = text.encode("utf-8")
            zout.writestr(item, data)


def make_docs(work: Path, count: int) -> list[Path]:
    base = work / "base"
    base.mkdir()
    n, t = render_examples(base)
    docs_dir = work / "docx"
    docs_dir.mkdir()
    docs = []
    for i in range(count):
        d = docs_dir / f"doc{i:03d}.docx"
        vary(n if i % 2 == 0 else t, d, i)
        docs.append(d)
    return docs


def soffice_cmd(soffice: str, profile: Path, outdir: Path, files: list[Path]) -> list[str]:
    return [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
            "--norestore", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)]


def run_soffice(cmd: list[str], env: dict) -> None:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    try:
        proc.wait(timeout=1800)
    finally:
        kill_group(proc.pid, grace=0.2)
    if proc.returncode != 0:
        raise SystemExit(f"soffice failed ({proc.returncode}): {' '.join(cmd[:3])} …")


def busy_cores(seconds: float = 1.0) -> float:
    """Average number of busy CPUs over ``seconds`` (from /proc/stat), while we do nothing."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + (v[4] if len(v) > 4 else 0)
        return sum(v[:8]) - idle, sum(v[:8])
    try:
        b0, t0 = sample()
        time.sleep(seconds)
        b1, t1 = sample()
    except OSError:
        return 0.0
    ncpu = os.cpu_count() or 1
    return ncpu * (b1 - b0) / max(1, t1 - t0)


def wait_quiet(limit: float, max_wait: float) -> float:
    """Wait (up to ``max_wait`` s) until other processes use less than ``limit`` CPUs; return the load."""
    deadline = time.monotonic() + max_wait
    load = busy_cores()
    while load > limit and time.monotonic() < deadline:
        load = busy_cores()
    return load


def run_pool(docs: list[Path], out: Path, workers: int) -> tuple[float, str]:
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    with PdfPool(workers=workers) as pool:
        t_started = time.perf_counter()
        results = pool.convert_many([(d, out / (d.stem + ".pdf")) for d in docs])
        t_converted = time.perf_counter()
        mode = pool.mode
    total = time.perf_counter() - t
    bad = [r for r in results if not r.ok]
    if bad:
        for r in bad[:5]:
            print(r.problem.format() if r.problem else r)
        raise SystemExit(f"pool: {len(bad)} documents failed")
    pages = sum(r.pages or 0 for r in results)
    detail = (f"PdfPool(workers={workers}, {mode}): {total:.2f} s, {len(docs) / total:.2f} docs/s "
              f"(start {t_started - t:.2f} s, convert {t_converted - t_started:.2f} s, "
              f"close {total - (t_converted - t):.2f} s; {pages} pages)")
    return total, detail


def run_single(soffice: str, profile: Path, docs: list[Path], out: Path, env: dict) -> float:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    t = time.perf_counter()
    run_soffice(soffice_cmd(soffice, profile, out, docs), env)
    total = time.perf_counter() - t
    missing = [d for d in docs if not (out / (d.stem + ".pdf")).is_file()]
    if missing:
        raise SystemExit(f"single run produced no PDF for {len(missing)} documents")
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3,
                    help="run (a) and (c) this many times, alternating, and keep the fastest (default 3)")
    ap.add_argument("--quiet-wait", type=float, default=60,
                    help="before each timed run wait up to this many seconds for other processes to "
                         "use < 0.3 CPUs (default 60; 0 = do not wait)")
    ap.add_argument("--keep", type=Path, help="keep the generated files in this directory")
    ap.add_argument("--skip-percall", action="store_true", help="estimate (b) from 10 documents")
    args = ap.parse_args()
    soffice = find_soffice()
    if not soffice:
        raise SystemExit("soffice not found: apt-get install -y libreoffice-writer-nogui")

    work = Path(tempfile.mkdtemp(prefix="wenshu-bench-"))
    try:
        t = time.perf_counter()
        docs = make_docs(work, args.docs)
        print(f"generated {len(docs)} .docx in {time.perf_counter() - t:.1f} s ({work}); "
              f"{os.cpu_count()} CPUs")
        env = dict(os.environ, FONTCONFIG_FILE=str(write_fontconfig(work / "fontconfig")))

        # warm profile for (b) and (c), created outside the timings
        profile = work / "profile"
        warm = work / "warm"
        warm.mkdir()
        run_soffice(soffice_cmd(soffice, profile, warm, [docs[1]]), env)

        times_a: list[float] = []
        times_c: list[float] = []
        detail_a = ""
        for rep in range(max(1, args.repeat)):
            load = wait_quiet(0.3, args.quiet_wait) if args.quiet_wait else busy_cores()
            time_a, detail = run_pool(docs, work / "pdf_pool", args.workers)
            print(f"(a) run {rep + 1}: {detail} [background load {load:.2f} CPUs]")
            if not times_a or time_a < min(times_a):
                detail_a = detail
            times_a.append(time_a)
            load = wait_quiet(0.3, args.quiet_wait) if args.quiet_wait else busy_cores()
            time_c = run_single(soffice, profile, docs, work / "pdf_single", env)
            print(f"(c) run {rep + 1}: one soffice for all: {time_c:.2f} s, {len(docs) / time_c:.2f} docs/s "
                  f"[background load {load:.2f} CPUs]")
            times_c.append(time_c)

        # (b) one soffice call per document
        out_b = work / "pdf_percall"
        out_b.mkdir()
        todo = docs if not args.skip_percall else docs[:10]
        load = wait_quiet(0.3, args.quiet_wait) if args.quiet_wait else busy_cores()
        t = time.perf_counter()
        for d in todo:
            run_soffice(soffice_cmd(soffice, profile, out_b, [d]), env)
        time_b = (time.perf_counter() - t) * len(docs) / len(todo)
        note = "" if len(todo) == len(docs) else f" (estimated from {len(todo)} documents)"

        time_a, time_c = min(times_a), min(times_c)
        print(f"(a) {detail_a}")
        print(f"(b) soffice per document: {time_b:.2f} s, {len(docs) / time_b:.2f} docs/s{note} "
              f"[background load {load:.2f} CPUs]")
        print(f"(c) one soffice for all: {time_c:.2f} s, {len(docs) / time_c:.2f} docs/s")
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        print(f"speedup percall={time_b / time_a:.2f} single={time_c / time_a:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
