"""End to end: a generated district through `wenshu batch` (all kinds, -j 2) against the plain route.

    python bench/e2e.py                    # 10,000 projects
    python bench/e2e.py --projects 2000    # a quicker run

The plain route is what a competent user would write with the same libraries and wenshu's own
document contexts: read every YAML file with PyYAML's C loader (floats as Decimal), validate it with
the pydantic models, then let wenshu check, analyse and build the contexts (its pipeline with the
reading swapped for this one), then ``DocxTemplate(path).render(ctx).save()`` per document in 2
processes. Both routes write the same documents (checked by count and by the
visible text of a sample). Prints both times, peak memory (the main process; for wenshu also its
largest worker), and ends with ``speedup e2e=<plain ÷ wenshu>``.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from batch import visible_text, wait_for_quiet  # noqa: E402
from gen import generate  # noqa: E402

AS_OF = "2025-11-30"

WENSHU = """
import sys, time, datetime as dt
from pathlib import Path
t = time.perf_counter()
from wenshu.batch import BatchOptions, run_batch, peak_rss_mb
r = run_batch(BatchOptions(data_dir=Path(sys.argv[1]), out_dir=Path(sys.argv[2]), as_of=dt.date.fromisoformat(sys.argv[3]),
                           workers=2))
assert not r.failures, r.failures[:1]
print(r.written, peak_rss_mb(), r.worker_peak_mb, time.perf_counter() - t)
"""
# (r.written counts files: a 通报 is also filed in each department it names.)

PLAIN = r"""
import hashlib, multiprocessing as mp, sys, time, datetime as dt
from decimal import Decimal
from pathlib import Path
t = time.perf_counter()
import yaml
from docxtpl import DocxTemplate
import wenshu.data.loader as loader
from wenshu.data.dataset import SourceFile
from wenshu.documents import REGISTRY
from wenshu.models import FILE_KINDS
from wenshu.pipeline import Pipeline
from wenshu.templates import resolve


class Loader(yaml.CSafeLoader):
    pass


# Money is Decimal from the digits written (as wenshu reads it): 3650.00 stays 3650.00.
Loader.add_constructor("tag:yaml.org,2002:float", lambda self, node: Decimal(self.construct_scalar(node).replace("_", "")))


def plain_load_file(path, display=None, raw=None):
    data = path.read_bytes()
    value = yaml.load(data, Loader=Loader)
    kind = value["kind"]
    model = FILE_KINDS[kind].model.model_validate(value)
    return SourceFile(path=path, display=display or path.as_posix(), kind=kind,
                      sha256=hashlib.sha256(data).hexdigest(), model=model), []


# Everything but the reading is wenshu's own: its checks, analysis and document contexts.
loader.load_file = plain_load_file
data, out, as_of = Path(sys.argv[1]), Path(sys.argv[2]), dt.date.fromisoformat(sys.argv[3])
kinds = list(REGISTRY.values())
run = Pipeline([data], kinds=kinds, as_of=as_of)
run.open()
jobs = [(str(resolve(REGISTRY[j.kind].template)), j.context_dict()) for j in run.project_jobs()]
run.finish()
for k in kinds:
    jobs += [(str(resolve(k.template)), j.context_dict()) for j in run.jobs(k)]
jobs = [(tpl, ctx, f"{i:06d}") for i, (tpl, ctx) in enumerate(jobs)]
planned = time.perf_counter() - t


def render(part):
    for template, ctx, name in part:
        tpl = DocxTemplate(template)
        tpl.render(ctx)
        tpl.save(str(out / (name + ".docx")))
    return len(part)


out.mkdir(parents=True, exist_ok=True)
with mp.get_context("fork").Pool(2) as pool:
    n = sum(pool.map(render, [jobs[0::2], jobs[1::2]]))
import resource
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(n, peak, planned, time.perf_counter() - t)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=10000)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wenshu-e2e-"))
    try:
        data = work / "data"
        generate(data, args.projects, all_kinds=True)
        print(f"数据：{args.projects} 个项目（全部文书类型的输入）")
        print(f"开始计时时的系统负载：{wait_for_quiet():.2f}")
        runs = {}
        for name, code in (("wenshu", WENSHU), ("plain", PLAIN)):
            out = work / f"out-{name}"
            r = subprocess.run([sys.executable, "-c", code, str(data), str(out), AS_OF], capture_output=True, text=True)
            if r.returncode != 0:
                print(r.stderr[-3000:], file=sys.stderr)
                raise SystemExit(1)
            runs[name] = r.stdout.split()
        n_w, peak_w, worker_w, secs_w = runs["wenshu"]
        n_p, peak_p, planned_p, secs_p = runs["plain"]
        print(f"wenshu batch -j 2 ：{int(n_w)} 份，{float(secs_w):6.1f} 秒，主进程峰值 {float(peak_w):.0f} MB，"
              f"工作进程峰值 {float(worker_w):.0f} MB")
        print(f"直接路线 2 进程   ：{int(n_p)} 份，{float(secs_p):6.1f} 秒（读取、校验、分析、规划 {float(planned_p):.1f} 秒），"
              f"主进程峰值 {float(peak_p):.0f} MB")
        # Same text: every wenshu document's visible text is among the plain route's.
        sample_w = {hashlib.sha256(visible_text(p).encode()).hexdigest() for p in (work / "out-wenshu").rglob("*.docx")}
        sample_p = {hashlib.sha256(visible_text(p).encode()).hexdigest() for p in (work / "out-plain").rglob("*.docx")}
        # wenshu also files a copy of each 通报 in every department it names: compare documents, not files.
        print(f"文本核对：wenshu {int(n_w)} 个文件中有 {len(sample_w)} 种文书，直接路线 {len(sample_p)} 种，"
              f"共同 {len(sample_w & sample_p)} 种")
        assert sample_w == sample_p, "两条路线生成的文书文字不同"
        print(f"speedup e2e={float(secs_p) / float(secs_w):.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
