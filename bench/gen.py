"""Generate a large fictional district on disk from data_examples, for benchmarks and scale tests.

    python bench/gen.py OUT_DIR --projects 10000

Every project is a copy of one of the example projects with a new id, name and project code; every
completed copy gets an evaluation, so the data calls for one project report per completed project.
"""

from __future__ import annotations

import argparse
import copy
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data_examples"


def _load(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    def ignore_aliases(self, data):
        return True


def _dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)


def generate(out: Path, projects: int, *, evaluated_only: bool = False, per_file: int = 500,
             all_kinds: bool = False) -> int:
    """Write a data folder with ``projects`` projects; return the number of evaluations written.

    ``all_kinds`` also copies the examples' other inputs (industry and annual report inputs,
    supervision, task lists, notices, 发文登记簿), so the folder calls for every document kind.
    """
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy(EXAMPLES / "district.yaml", out / "district.yaml")
    if all_kinds:
        for sub in ("reports", "supervision", "tasks", "notices"):
            shutil.copytree(EXAMPLES / sub, out / sub)
        for f in EXAMPLES.glob("*.yaml"):
            if f.name not in ("district.yaml", "appraisals.yaml", "evaluations.yaml"):
                shutil.copy(f, out / f.name)
    templates = []
    for f in sorted((EXAMPLES / "projects").glob("*.yaml")):
        templates.extend(_load(f)["projects"])
    evals = {e["project"]: e for e in _load(EXAMPLES / "evaluations.yaml")["evaluations"]}
    if evaluated_only:
        templates = [p for p in templates if p["id"] in evals]
    new_projects, new_evals = [], []
    for i in range(projects):
        src = templates[i % len(templates)]
        p = copy.deepcopy(src)
        p["id"] = f"GEN-{i:06d}"
        p["name"] = f"{src['name']}（批量样例第{i + 1}号）"
        if p.get("reserve"):
            code = p["reserve"]["project_code"]
            p["reserve"]["project_code"] = code[:-6] + f"{i % 1000000:06d}"
        new_projects.append(p)
        if src["id"] in evals:
            e = copy.deepcopy(evals[src["id"]])
            e["project"] = p["id"]
            new_evals.append(e)
    (out / "projects").mkdir()
    for n in range(0, len(new_projects), per_file):
        chunk = new_projects[n:n + per_file]
        (out / "projects" / f"p{n // per_file:04d}.yaml").write_text(
            _dump({"kind": "projects", "projects": chunk}), encoding="utf-8")
    if new_evals:
        (out / "evaluations").mkdir()
        for n in range(0, len(new_evals), per_file):
            (out / "evaluations" / f"e{n // per_file:04d}.yaml").write_text(
                _dump({"kind": "evaluations", "evaluations": new_evals[n:n + per_file]}), encoding="utf-8")
    return len(new_evals)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="生成大规模虚构数据目录（基准测试用）")
    ap.add_argument("out", type=Path)
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--evaluated-only", action="store_true")
    a = ap.parse_args()
    print(generate(a.out, a.projects, evaluated_only=a.evaluated_only), "evaluations")
