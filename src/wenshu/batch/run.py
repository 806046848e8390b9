"""One batch run: plan the documents (``wenshu.pipeline``), render them in the workers, place them,
then the PDF stage and the manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from typing import Any

from wenshu import __version__
from wenshu.errors import Problem, UsageError, WenshuError, os_reason
from wenshu.batch.model import BatchOptions, BatchResult, CHUNK, DISTRICT_FOLDER, Failure, Output, OutputLog, WITHDRAWN_DIR
from wenshu.batch.outdir import _clean_leftovers, _Lock, _Placer, _prepare_out, Journal
from wenshu.batch.pdfstage import pdf_stage
from wenshu.batch.report import write_manifest
from wenshu.batch.workers import _COMPILED, _render_chunk, _run_pool


# ─── planning ───────────────────────────────────────────────────────────────────────────────────


def _context_hash(kind: str, template_sha: str, context: dict, core: dict) -> tuple[str, int]:
    """sha256 of everything a document is made from, and the size of that text (how heavy the
    document's context is: an industry report carries a row per project of its industry)."""
    payload = json.dumps({"v": __version__, "k": kind, "t": template_sha, "c": context, "p": core},
                         sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest(), len(payload)


def _selected(job, departments: set[str] | None) -> list[str]:
    """Folders a job goes to: its department (or the district folder) and departments it concerns."""
    home = job.department or DISTRICT_FOLDER
    folders = [home] + [d for d in job.concerns if d != home]
    if departments is None:
        return folders
    return [f for f in folders if f in departments]


def _in_period(job, period: str | None) -> bool:
    from wenshu.documents import REGISTRY

    return REGISTRY[job.kind].selected_by(job.key, period)


def run_batch(opts: BatchOptions, on_progress: Callable[[int, int], None] | None = None,
              on_plan: Callable[[int], None] | None = None,
              on_pdf_progress: Callable[[int, int], None] | None = None,
              on_pdf_plan: Callable[[int], None] | None = None) -> BatchResult:
    """Plan, render and record every document. Never raises for one bad document or record."""
    from wenshu.documents import REGISTRY
    from wenshu.render import kind as get_kind

    kinds = opts.kinds or list(REGISTRY)
    for k in kinds:
        get_kind(k)
    state = _prepare_out(opts.out_dir, opts.force)
    with _Lock(state):
        _clean_leftovers(opts.out_dir, state)
        try:
            return _run(opts, kinds, state, on_progress, on_plan, on_pdf_progress, on_pdf_plan)
        finally:
            shutil.rmtree(state / "tmp", ignore_errors=True)


def _templates(opts: BatchOptions, kinds: list[str], result: BatchResult) -> dict[str, tuple[str, str, str, Any]]:
    """kind → (path, label, sha256, CompiledTemplate or the TemplateError), each compiled once here."""
    from wenshu.documents import REGISTRY
    from wenshu.engine.template import CompiledTemplate
    from wenshu.errors import TemplateError
    from wenshu.templates import bundled_dir, scan_folder

    folder = scan_folder(opts.templates_dir) if opts.templates_dir is not None else None
    if folder is not None:
        result.data_problems.extend(folder.warnings)
    builtin_dir = bundled_dir()
    out: dict[str, tuple[str, str, str, Any]] = {}
    for k in kinds:
        path = (folder.by_kind.get(k) if folder else None) or builtin_dir / REGISTRY[k].template
        builtin = path.resolve().parent == builtin_dir.resolve()
        # The manifest names a built-in template by file name only, so it does not depend on where
        # wenshu is installed; an edited template by the path the user gave.
        label = f"内置模板/{path.name}" if builtin else path.as_posix()
        try:
            sha = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            sha = ""
        key = str(path.resolve())
        try:
            compiled = _COMPILED.get(key)
            if compiled is None or compiled.sha256 != sha:
                compiled = _COMPILED[key] = CompiledTemplate(path, label=label)
        except TemplateError as e:
            compiled = e
        out[k] = (key, label, sha, compiled)
    return out


def _run(opts, kinds, state, on_progress, on_plan, on_pdf_progress, on_pdf_plan) -> BatchResult:
    from wenshu.documents import REGISTRY
    from wenshu.naming import UniqueNames, safe_filename
    from wenshu.numbers import duplicate_problems, record as record_numbers
    from wenshu.pipeline import Pipeline
    from wenshu.render import core_for

    started = time.perf_counter()
    result = BatchResult()
    out = opts.out_dir

    # One pass over the data (wenshu.pipeline): the project files are read once, while the render
    # workers are already busy with the project reports; the district's documents follow.
    run = Pipeline([opts.data_dir], kinds=[REGISTRY[k] for k in kinds], as_of=opts.as_of or dt.date.today(),
                   spool_dir=state)
    ds = run.open()
    result.outputs = OutputLog(ds.spool)
    if ds.district is None:
        ds, _ = run.finish()
        raise WenshuError(ds.problems + [Problem(code="batch.no-district", message="没有有效的 district.yaml，无法生成文书。",
                                                 file=str(opts.data_dir))])
    departments = set(opts.departments) if opts.departments else None
    if departments:
        known = {d.short for d in ds.district.departments} | {DISTRICT_FOLDER}
        unknown = sorted(departments - known)
        if unknown:
            raise UsageError(Problem(code="batch.unknown-department", message=f"未知的部门：{'、'.join(unknown)}。",
                                     expected="、".join(sorted(known))))

    templates = _templates(opts, kinds, result)
    for k, (_, label, _, compiled) in templates.items():
        if isinstance(compiled, Exception):
            result.failures.append(Failure(k, f"{REGISTRY[k].title}模板（{label}）：该类文书均未生成", compiled.problems,
                                           category="template", documents=0))

    journal = Journal(state / "journal.jsonl", ds.spool, out)
    journal.open()
    placer = _Placer(out, journal, result)

    def estimate_of(ks) -> int:
        return sum(REGISTRY[k].estimate(ds) for k in ks if REGISTRY[k].estimate is not None)

    estimate = estimate_of(kinds)
    if on_plan:
        on_plan(estimate)
    clashes: dict[int, list[Problem]] = {}  # id(job) → why its 发文字号 cannot be used

    def all_jobs(pool: Any = None) -> Iterator[Any]:
        """Per-project documents while the project files are read, then the district's documents."""
        count = 0
        for job in run.project_jobs(pool):
            count += 1
            yield job
        done_ds, _ = run.finish()
        result.data_problems = list(done_ds.problems) + result.data_problems
        job_lists: list[Iterator] = []
        numbered: list[Any] = []
        lazy = []
        for k in kinds:
            built = run.jobs(REGISTRY[k])
            if not isinstance(built, list):
                lazy.append(k)
            if isinstance(built, list):
                # A document whose 发文字号 another document also uses is not written (wenshu.numbers):
                # it fails like any document (its old files are moved to .生成失败/).
                for j in built:
                    if _in_period(j, opts.period) and _selected(j, departments):
                        found = duplicate_problems(done_ds, j)
                        if found:
                            clashes[id(j)] = found
                        else:
                            numbered.append(j)
                count += len(built)
            job_lists.append(iter(built))
        # Automatic 发文字号 of the documents about to be written go into the data folder's 发文登记簿
        # first, so a later run gives them the same numbers (wenshu.numbers).
        result.data_problems += record_numbers(done_ds, numbered)
        if on_plan:
            on_plan(count + estimate_of(lazy))
        for it in job_lists:
            yield from it

    taken = ds.spool.set("batch.names")  # every file name handed out, across folders
    planned = ds.spool.set("batch.planned")  # every output path this run calls for
    names: dict[str, UniqueNames] = {}
    pending: dict[int, tuple[Any, list[Output]]] = {}
    template_failures = {k: f for f in result.failures if f.category == "template" for k in [f.kind]}
    same_failure: dict[tuple, Failure] = {}  # one template problem, many documents: reported once

    def fail(job, outs: list[Output], problems: list[Problem], label: str) -> None:
        for o in outs:
            o.status = "failed"
            result.outputs.record(o)
            placer.failed(o)
        tf = template_failures.get(job.kind)
        if tf is not None:
            tf.documents += 1
            return
        located = bool(problems) and all(p.file == label and p.code.startswith(("render.", "template.")) for p in problems)
        key = (job.kind, tuple((p.code, p.field_path, p.message) for p in problems)) if located else None
        if key is not None and key in same_failure:
            f = same_failure[key]
            f.documents += 1
            f.title = f"{f.title.split('等 ')[0]}等 {f.documents} 份{REGISTRY[job.kind].title}"
            return
        f = Failure(job.kind, job.title, problems)
        result.failures.append(f)
        if key is not None:
            same_failure[key] = f

    def prepare(job: Any) -> Any:
        """What the render task needs of a job, its context hash included (done where the job is made:
        a worker reading project files prepares its projects' documents)."""
        core = core_for(job)
        csha, weight = _context_hash(job.kind, templates[job.kind][2], job.context.model_dump(mode="json"),
                                     {**core, "date": str(core["date"])})
        job.prepared = (job.context_dict(), core, csha, weight)
        job.context = None  # the dict above is what travels and renders
        return job

    run.prepare_job = prepare

    def tasks(pool: Any = None) -> Iterator[dict]:
        next_id = 0
        for job in all_jobs(pool):
            k = job.kind
            path, label, tsha, compiled = templates[k]
            title_k = REGISTRY[k].title
            if not _in_period(job, opts.period):
                continue
            folders = _selected(job, departments)
            if not folders:
                continue
            context, core, csha, weight = (job.prepared or prepare(job).prepared)  # type: ignore[misc]
            stem = safe_filename(job.title)
            outs = []
            for folder in folders:
                folder_stem = safe_filename(folder)
                where = f"{folder_stem}/{safe_filename(title_k)}/"
                if where not in names:
                    names[where] = UniqueNames(taken, prefix=where)
                rel = where + names[where].take(stem, ".docx")
                planned.add(rel)
                outs.append(Output(path=rel, kind=k, kind_title=title_k, department=folder, title=job.title, key=job.key,
                                   sources=list(job.sources), template=label, template_sha256=tsha, context_sha256=csha))
            if isinstance(compiled, Exception) or id(job) in clashes:
                fail(job, outs, clashes.get(id(job)) or compiled.problems, label)
                if on_progress:
                    on_progress(len(outs), 0)
                continue
            todo = []
            for o in outs:
                sha = journal.unchanged(o, out) if opts.resume else None
                if sha:
                    o.sha256, o.status = sha, "skipped"
                    prev = journal.previous(o.path)
                    if prev.get("kind") != o.kind or prev.get("key") != o.key:
                        journal.add(o)  # a line of an older wenshu: record what it is
                    result.outputs.record(o)
                else:
                    todo.append(o)
            if on_progress:
                on_progress(len(outs) - len(todo), 0)
            if not todo:
                continue
            next_id += 1
            pending[next_id] = (job, todo)
            yield {"id": next_id, "weight": weight, "template": path, "template_label": label, "context": context, "core": core,
                   "targets": [str(out / o.path) for o in todo], "tmp": str(state / "tmp")}

    def finish(res: dict) -> None:
        result.worker_peak_mb = max(result.worker_peak_mb, res.get("rss_mb", 0.0))
        job, todo = pending.pop(res["id"])
        if "sha256" in res:
            for o, tmp, existing in zip(todo, res["tmps"], res["existing"]):
                o.sha256, o.status = res["sha256"], "written"
                try:
                    placer.place(o, tmp, existing)
                except OSError as e:
                    o.status = "failed"
                    result.outputs.record(o)
                    result.failures.append(Failure(job.kind, job.title, [Problem(
                        code="batch.write", message=f"写入失败：{os_reason(e)}。", file=str(out / o.path))]))
                    continue
                result.outputs.record(o)
        else:
            fail(job, todo, res["problems"], templates[job.kind][1])
        if on_progress:
            on_progress(len(todo), 0)

    workers = opts.workers or os.cpu_count() or 1
    try:
        try:
            if workers <= 1:
                for t in tasks():
                    for r in _render_chunk([t]):
                        finish(r)
            else:
                # Big chunks for big batches (fewer round trips), small ones so that a small batch
                # still spreads over every worker.
                # The project files are read in the same pool (wenshu.pipeline), ahead of their documents.
                _run_pool(tasks, workers, finish, chunk_size=max(1, min(CHUNK, estimate // (workers * 4) or 1)))
        except KeyboardInterrupt:
            result.interrupted = True
        result.seconds = time.perf_counter() - started
        if not result.interrupted:
            _withdraw(opts, kinds, departments, journal, planned, placer, result)
            result.stage = "pdf"
            if opts.pdf or opts.booklet:
                try:
                    pdf_stage(opts, result, journal=journal, placer=placer, state=state,
                              on_progress=on_pdf_progress, on_plan=on_pdf_plan)
                except KeyboardInterrupt:
                    result.interrupted = True
        if not result.interrupted:
            result.stage = "done"
            try:
                write_manifest(out, result)
            except OSError as err:
                result.failures.append(Failure("manifest", "清单", [Problem(
                    code="batch.manifest", message=f"清单写入失败：{os_reason(err)}（磁盘已满或无写权限？）。",
                    file=str(out / "manifest.json"))], category="other"))
    finally:
        journal.close()
    if not result.interrupted:
        journal.compact(ds.spool)
    if journal.error is not None:
        result.failures.append(Failure("journal", "续跑日志", [Problem(
            code="batch.journal", message=f"续跑日志写入失败（{os_reason(journal.error)}）；已生成的文书完好，--resume 时会重新生成。",
            file=str(journal.path))], category="other"))
    return result


def _withdraw(opts, kinds, departments, journal: Journal, planned, placer: _Placer, result: BatchResult) -> None:
    """Move the outputs of earlier runs that this run no longer calls for to OUT/.已撤销/ (with their
    PDFs), within what this run covers (``--kinds``/``--departments``/``--period``). Not when the data
    has errors: a record that failed to load would look like a withdrawn one."""
    from wenshu.documents import REGISTRY

    titles = {v.title: k for k, v in REGISTRY.items()}
    candidates = []
    for path, e in journal.docs.items():
        if e.get("gone") or path in planned or not (placer.out / path).is_file():
            continue
        parts = path.split("/")
        kind = e.get("kind") or (titles.get(parts[1]) if len(parts) > 2 else None)
        dept = e.get("department") or parts[0]
        if kind is None or kind not in kinds or (departments is not None and dept not in departments):
            continue
        if not REGISTRY[kind].selected_by(e.get("key"), opts.period):
            continue
        candidates.append((path, dept))
    if not candidates:
        return
    if result.data_errors:
        result.data_problems.append(Problem(
            code="batch.withdraw-postponed", severity="warning", file=str(opts.data_dir),
            message=f"数据有错误，有 {len(candidates)} 份以前生成的文书本次没有对应的数据，暂不移走（可能正是出错的记录）；"
                    f"改正数据后重新运行，确实不再需要的文书会移到 {WITHDRAWN_DIR}/。"))
        return
    for path, dept in candidates:
        placer.move_to(WITHDRAWN_DIR, path, "withdrawn")
        pdf = path[:-5] + ".pdf"
        if (placer.out / pdf).is_file():
            placer.move_to(WITHDRAWN_DIR, pdf, "withdrawn")
        placer.folder_changed(dept)
