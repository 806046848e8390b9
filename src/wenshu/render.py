"""The public API for producing documents: plan jobs from data, render one job to a file.

    from wenshu.render import plan, render_job
    ds, jobs = plan("notice", ["data_examples"])
    for job in jobs:
        render_job(job, Path("out") / f"{job.title}.docx")
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from wenshu.data import Dataset
from wenshu.documents import REGISTRY, DocJob, DocumentKind
from wenshu.atomic import atomic_write
from wenshu.package import write_zip
from wenshu.engine.template import CompiledTemplate
from wenshu.errors import Problem, UsageError
from wenshu.pipeline import plan_all
from wenshu.templates import resolve


def kind(key: str) -> DocumentKind:
    if key not in REGISTRY:
        import difflib

        guess = difflib.get_close_matches(key, list(REGISTRY), n=1)
        raise UsageError(Problem(
            code="usage.unknown-kind",
            message=f"未知的文书类型“{key}”。" + (f"是否应为“{guess[0]}”？" if guess else ""),
            expected="、".join(f"{k}（{v.title}）" for k, v in REGISTRY.items()),
        ))
    return REGISTRY[key]


def plan(key: str, paths, *, as_of: dt.date | None = None) -> tuple[Dataset, list[DocJob]]:
    """Every document of one kind the data calls for, in one pass over the data (``wenshu.pipeline``).

    Raises ``DataError`` with every problem when the data has errors (warnings are in ``ds.problems``).
    """
    k = kind(key)
    p = plan_all(paths if isinstance(paths, (list, tuple)) else [paths], [k], as_of=as_of)
    return p.ds, p.jobs


def compile_template(key: str, *, templates_dir: Path | None = None, template_file: Path | None = None) -> CompiledTemplate:
    k = kind(key)
    path = resolve(k.template, override_dir=templates_dir, template_file=template_file)
    return CompiledTemplate(path, label=path.as_posix())


def core_for(job: DocJob) -> dict:
    # The author a reader sees in Word's document properties is the signing organ, not the software.
    doc = getattr(job.context, "doc", None)
    author = getattr(doc, "signature", "") or (job.department or "")
    return {"title": job.title, "subject": REGISTRY[job.kind].title, "creator": author, "date": job.date}


def render_job(job: DocJob, out: Path, *, compiled: CompiledTemplate | None = None, force: bool = False) -> Path:
    """Render one job to ``out`` atomically; the XML of every part is checked before writing."""
    compiled = compiled or compile_template(job.kind)
    parts = compiled.render_parts(job.context_dict(), core=core_for(job))
    atomic_write(out, lambda f: write_zip(f, parts), force=force)
    return out
