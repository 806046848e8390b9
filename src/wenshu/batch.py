"""Batch generation: every document the data calls for, for every department, in one run.

    wenshu batch data_examples -o out

* plan: the dataset is loaded and analysed once; each kind yields its jobs lazily;
* render: templates are compiled once per worker process; per document only the templated parts
  are rendered, checked as XML and zipped (unchanged parts keep their compressed bytes);
* write: atomically (temporary file in ``OUT/.wenshu-batch/tmp`` renamed into place), so a crash,
  ``kill -9`` or Ctrl-C never leaves a partial document;
* resume: a journal records, for every written file, the hash of its context and template;
  ``--resume`` skips files whose inputs and template are unchanged and still match on disk;
* record: ``manifest.json`` and ``manifest.csv`` (UTF-8 with BOM, opens in WPS/Excel) list every
  output with its kind, department, sources, template and sha256.

Memory does not grow with the number of documents: every per-document record (manifest rows, the
previous run's journal, file names taken, PDF results) lives in the dataset's spool
(``wenshu.spool``, in ``OUT/.wenshu-batch``) and is streamed back in path order at the end.
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import hashlib
import io
import json
import os
import resource
import shutil
import sys
import textwrap
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from wenshu import __version__
from wenshu.errors import Problem, UsageError, WenshuError

STATE_DIR = ".wenshu-batch"
DISTRICT_FOLDER = "全区"
CHUNK = 64  # documents per task sent to a worker: each round trip costs the parent pickling and a wake-up
CHUNK_WEIGHT = 256 * 1024  # ... or fewer when their contexts add up to this many characters


@dataclass
class BatchOptions:
    data_dir: Path
    out_dir: Path
    kinds: list[str] | None = None
    departments: list[str] | None = None
    period: str | None = None  # "2025-10": this month's 通报; "2024": this year's annual report
    as_of: dt.date | None = None
    templates_dir: Path | None = None
    workers: int = 0  # 0: all cores
    resume: bool = False
    force: bool = False
    pdf: bool = False
    booklet: bool = False


@dataclass
class Output:
    path: str  # relative to the output folder, POSIX
    kind: str
    kind_title: str
    department: str
    title: str
    key: str
    sources: list[str]
    template: str
    template_sha256: str
    context_sha256: str
    sha256: str = ""
    status: str = "planned"  # written / skipped / failed
    pdf: str = ""  # relative path of the PDF copy, when --pdf
    pages: int | None = None


@dataclass
class Failure:
    kind: str
    title: str
    problems: list[Problem]


class OutputLog:
    """Every finished output of a batch, kept in a spool and read back sorted by path.

    ``record`` stores an output once its status is final; ``set_pdf`` adds its PDF copy. Counts per
    kind and status stay in memory (a handful of numbers).
    """

    def __init__(self, spool=None):
        from wenshu.spool import Spool

        self._spool = spool if spool is not None else Spool()
        self._rows = self._spool.map("batch.outputs")
        self._pdfs = self._spool.map("batch.pdfs")
        self.counts: Counter = Counter()  # (kind, status) → number
        self.kind_titles: dict[str, str] = {}
        self._any_pdf = False

    def record(self, o: Output) -> None:
        self._rows.put(o.path, o, order=o.path)
        self.counts[(o.kind, o.status)] += 1
        self.kind_titles[o.kind] = o.kind_title

    def set_pdf(self, o: Output) -> None:
        self._pdfs.put(o.path, (o.pdf, o.pages))
        self._any_pdf = True

    def __iter__(self) -> Iterator[Output]:
        """Every recorded output, sorted by path (another table may be written meanwhile)."""
        for o in self._rows.values(ordered=True):
            if self._any_pdf:
                o.pdf, o.pages = self._pdfs.get(o.path, ("", None))
            yield o

    def documents(self) -> Iterator[Output]:
        """The outputs that exist on disk (written now or unchanged from the last run)."""
        return (o for o in self if o.status in ("written", "skipped"))

    def __len__(self) -> int:
        return len(self._rows)

    def count(self, status: str) -> int:
        return sum(n for (_, st), n in self.counts.items() if st == status)


@dataclass
class BatchResult:
    outputs: OutputLog = field(default_factory=OutputLog)
    failures: list[Failure] = field(default_factory=list)
    data_problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    worker_peak_mb: float = 0.0  # largest memory (PSS) reported by a rendering process
    booklets: list[dict] = field(default_factory=list)  # {"path", "department", "pages", "documents"}
    pdf_seconds: float = 0.0

    @property
    def written(self) -> int:
        return self.outputs.count("written")

    @property
    def skipped(self) -> int:
        return self.outputs.count("skipped")

    @property
    def ok(self) -> bool:
        return not self.failures and not any(p.severity == "error" for p in self.data_problems) and not self.interrupted


# ─── worker side ────────────────────────────────────────────────────────────────────────────────

_COMPILED: dict[str, Any] = {}


def _render_chunk(tasks: list[dict]) -> list[dict]:
    """Render a few documents in a worker; each task names its template, context and targets."""
    from wenshu.engine.docx_zip import write_zip
    from wenshu.engine.template import CompiledTemplate

    results = []
    for t in tasks:
        try:
            compiled = _COMPILED.get(t["template"])
            if compiled is None:
                compiled = _COMPILED[t["template"]] = CompiledTemplate(Path(t["template"]), label=t["template_label"])
            buf = io.BytesIO()
            write_zip(buf, compiled.render_parts(t["context"], core=t["core"]))
            data = buf.getvalue()
            for target in t["targets"]:
                _atomic_bytes(Path(target), data, Path(t["tmp"]))
            results.append({"id": t["id"], "sha256": hashlib.sha256(data).hexdigest()})
        except WenshuError as e:
            results.append({"id": t["id"], "problems": e.problems})
        except OSError as e:
            results.append({"id": t["id"], "problems": [Problem(code="batch.write", message=f"写入失败：{e.strerror or e}。", file=str(e.filename or ""))]})
        except Exception as e:  # noqa: BLE001 - one bad document must not stop the batch
            results.append({"id": t["id"], "problems": [Problem(code="batch.internal", message=f"内部错误：{type(e).__name__}: {e}")]})
    global _LAST_SAMPLE
    now = time.monotonic()
    if results and now - _LAST_SAMPLE > 0.5:
        # Reading smaps_rollup walks every mapping (milliseconds in a large process): twice a second is plenty.
        _LAST_SAMPLE = now
        results[-1]["rss_mb"] = own_memory_mb()
    return results


_LAST_SAMPLE = 0.0


def _proc_kb(path: str, key: str) -> float | None:
    """A "Key:  N kB" line of a /proc file, in MB."""
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (VmHWM: unlike ru_maxrss it starts afresh at exec,
    so a process started from a large parent does not report the parent's size)."""
    mb = _proc_kb("/proc/self/status", "VmHWM:")
    return mb if mb is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def own_memory_mb() -> float:
    """Memory this process adds in MB: proportional set size (pages shared with the parent it was
    forked from are split between the sharers, so a worker is not charged for the whole dataset)."""
    mb = _proc_kb("/proc/self/smaps_rollup", "Pss:")
    return mb if mb is not None else peak_rss_mb()


def _atomic_bytes(target: Path, data: bytes, tmp_dir: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / f"{os.getpid()}-{hashlib.sha1(str(target).encode()).hexdigest()[:16]}.part"
    # No fsync per document: the rename alone guarantees that no partial document ever appears
    # under its final name (crash, kill -9, Ctrl-C); after a power loss --resume re-checks every
    # file's sha256 against the journal and rewrites what did not reach the disk.
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, target)


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
    if period is None:
        return True
    if job.kind in ("commendation", "criticism"):
        return job.key == period
    if job.kind == "annual_report":
        return job.key == period[:4]
    return True


def _journal_lines(path: Path) -> Iterator[dict]:
    """The entries of a journal file, line by line (a torn or foreign line is skipped)."""
    if not path.is_file():
        return
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if isinstance(e, dict) and isinstance(e.get("path"), str):
                yield e


class Journal:
    """Append-only record of written files, read back by --resume (a torn last line is ignored).

    The previous run's entries (``resume``) are indexed in the spool, not in memory.
    """

    def __init__(self, path: Path, spool, resume: bool):
        self.path = path
        self.entries = spool.map("journal.previous")
        if resume:
            for e in _journal_lines(path):
                if not e.get("pdf_of"):
                    self.entries.put(e["path"], e)
        self._f = None
        self.error: OSError | None = None

    def open(self, truncate: bool) -> None:
        self._f = open(self.path, "w" if truncate else "a", encoding="utf-8")

    def add(self, out: Output) -> None:
        e = {"path": out.path, "context": out.context_sha256, "template": out.template_sha256, "sha256": out.sha256}
        try:
            self._f.write(json.dumps(e, ensure_ascii=False) + "\n")
            self._f.flush()
        except OSError as err:
            # The document itself is complete; only --resume loses the record and will redo it.
            self.error = err

    def close(self) -> None:
        if self._f:
            try:
                self._f.close()
            except OSError as err:
                self.error = err

    def unchanged(self, out: Output, root: Path) -> str | None:
        e = self.entries.get(out.path)
        if not e or e.get("context") != out.context_sha256 or e.get("template") != out.template_sha256:
            return None
        target = root / out.path
        if not target.is_file():
            return None
        sha = hashlib.sha256(target.read_bytes()).hexdigest()
        return sha if sha == e.get("sha256") else None


class _Lock:
    """One batch at a time per output folder (flock on OUT/.wenshu-batch/lock)."""

    def __init__(self, state: Path):
        self.path = state / "lock"
        self.fd = None

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = os.read(self.fd, 32).decode(errors="replace").strip()
            os.close(self.fd)
            raise UsageError(Problem(
                code="batch.locked", message=f"另一个 wenshu batch 正在写入该输出目录（进程 {other or '未知'}），请等待其完成后再运行。",
                file=str(self.path.parent.parent))) from None
        os.ftruncate(self.fd, 0)
        os.write(self.fd, str(os.getpid()).encode())
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def _prepare_out(out: Path, force: bool) -> Path:
    state = out / STATE_DIR
    if out.exists() and not out.is_dir():
        raise UsageError(Problem(code="batch.out-not-dir", message="输出路径已存在且不是目录。", file=str(out)))
    if out.is_dir() and any(out.iterdir()) and not state.is_dir() and not force:
        raise UsageError(Problem(
            code="batch.out-not-empty", message="输出目录不为空，且不是 wenshu batch 的输出目录；为免覆盖他人文件，未写入。",
            file=str(out), hint="换一个空目录，或加 --force 确认写入该目录。"))
    try:
        (state / "tmp").mkdir(parents=True, exist_ok=True)
        probe = state / "tmp" / "probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        reason = {13: "没有写入权限", 30: "所在文件系统是只读的", 28: "磁盘已满"}.get(e.errno, e.strerror or str(e))
        raise UsageError(Problem(code="batch.cannot-write", message=f"无法写入输出目录：{reason}。", file=str(out),
                                 hint="换一个可写的目录，或检查磁盘和权限。")) from None
    return state


def run_batch(opts: BatchOptions, on_progress: Callable[[int, int], None] | None = None,
              on_plan: Callable[[int], None] | None = None,
              on_pdf_progress: Callable[[int, int], None] | None = None,
              on_pdf_plan: Callable[[int], None] | None = None) -> BatchResult:
    """Plan, render and record every document. Never raises for one bad document or record."""
    from wenshu.analysis.engine import analyze
    from wenshu.dataset import load_dataset
    from wenshu.documents import REGISTRY
    from wenshu.naming import UniqueNames, safe_filename
    from wenshu.numbers import duplicate_problems, record as record_numbers
    from wenshu.render import core_for, kind as get_kind
    from wenshu.templates import resolve

    started = time.perf_counter()
    result = BatchResult()
    kinds = opts.kinds or list(REGISTRY)
    for k in kinds:
        get_kind(k)
    out = opts.out_dir
    state = _prepare_out(out, opts.force)

    # lean: project models are re-read file by file when needed, so memory does not grow with the
    # number of projects (see Dataset.iter_projects).
    ds = load_dataset([opts.data_dir], strict=False, lean=True, spool_dir=state)
    result.outputs = OutputLog(ds.spool)
    result.data_problems = list(ds.problems)
    if ds.district is None:
        raise WenshuError(ds.problems + [Problem(code="batch.no-district", message="没有有效的 district.yaml，无法生成文书。",
                                                  file=str(opts.data_dir))])
    day = opts.as_of or dt.date.today()
    from wenshu.render import cutoff_dates

    analysis = analyze(ds, day, compact=True, also=cutoff_dates([REGISTRY[k] for k in kinds], ds, day))
    departments = set(opts.departments) if opts.departments else None
    if departments:
        known = {d.short for d in ds.district.departments} | {DISTRICT_FOLDER}
        unknown = sorted(departments - known)
        if unknown:
            raise UsageError(Problem(code="batch.unknown-department", message=f"未知的部门：{'、'.join(unknown)}。",
                                     expected="、".join(sorted(known))))

    templates: dict[str, tuple[str, str, str]] = {}  # kind -> (path, label, sha256)
    for k in kinds:
        path = resolve(REGISTRY[k].template, override_dir=opts.templates_dir)
        if not path.is_file():
            result.failures.append(Failure(k, REGISTRY[k].title, [Problem(code="template.missing", message="模板文件不存在。", file=str(path))]))
            continue
        from wenshu.templates import bundled_dir

        builtin = path.resolve().parent == bundled_dir().resolve()
        # The manifest names a built-in template by file name only, so it does not depend on where
        # wenshu is installed; an edited template by the path the user gave.
        label = f"内置模板/{path.name}" if builtin else path.as_posix()
        templates[k] = (str(path.resolve()), label, hashlib.sha256(path.read_bytes()).hexdigest())

    journal = Journal(state / "journal.jsonl", ds.spool, resume=opts.resume)
    previous = journal if opts.resume else None
    journal.open(truncate=not opts.resume)
    shutil.rmtree(state / "tmp", ignore_errors=True)
    (state / "tmp").mkdir(parents=True, exist_ok=True)

    estimate = 0
    job_iters: list[tuple[str, Iterator]] = []
    numbered: list[Any] = []
    for k in kinds:
        if k not in templates:
            continue
        built = REGISTRY[k].build(ds, analysis)
        if isinstance(built, list):
            # A document whose 发文字号 another document also uses is not written (wenshu.numbers).
            chosen = [j for j in built if _in_period(j, opts.period) and _selected(j, departments)]
            clashes = {id(j): duplicate_problems(ds, j) for j in chosen}
            result.failures += [Failure(k, j.title, clashes[id(j)]) for j in chosen if clashes[id(j)]]
            built = [j for j in built if not clashes.get(id(j))]
            numbered += [j for j in chosen if not clashes[id(j)]]
            estimate += len(built)
        elif REGISTRY[k].estimate is not None:
            estimate += REGISTRY[k].estimate(ds)
        job_iters.append((k, iter(built)))
    # Automatic 发文字号 of the documents about to be written go into the data folder's 发文登记簿
    # first, so a later run gives them the same numbers (wenshu.numbers).
    result.data_problems += record_numbers(ds, numbered)
    if on_plan:
        on_plan(estimate)

    taken = ds.spool.set("batch.names")  # every file name handed out, across folders
    names: dict[str, UniqueNames] = {}
    pending: dict[int, tuple[Any, list[Output]]] = {}

    def tasks() -> Iterator[dict]:
        next_id = 0
        for k, it in job_iters:
            path, label, tsha = templates[k]
            title_k = REGISTRY[k].title
            for job in it:
                if not _in_period(job, opts.period):
                    continue
                folders = _selected(job, departments)
                if not folders:
                    continue
                context = job.context_dict()
                core = core_for(job)
                csha, weight = _context_hash(k, tsha, job.context.model_dump(mode="json"), {**core, "date": str(core["date"])})
                stem = safe_filename(job.title)
                outs = []
                for folder in folders:
                    folder_stem = safe_filename(folder)
                    where = f"{folder_stem}/{safe_filename(title_k)}/"
                    if where not in names:
                        names[where] = UniqueNames(taken, prefix=where)
                    rel = where + names[where].take(stem, ".docx")
                    outs.append(Output(path=rel, kind=k, kind_title=title_k, department=folder, title=job.title, key=job.key,
                                       sources=list(job.sources), template=label, template_sha256=tsha, context_sha256=csha))
                todo = []
                for o in outs:
                    sha = previous.unchanged(o, out) if previous else None
                    if sha:
                        o.sha256, o.status = sha, "skipped"
                        journal.add(o)
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
            for o in todo:
                o.sha256, o.status = res["sha256"], "written"
                journal.add(o)
                result.outputs.record(o)
        else:
            for o in todo:
                o.status = "failed"
                result.outputs.record(o)
            result.failures.append(Failure(job.kind, job.title, res["problems"]))
        if on_progress:
            on_progress(len(todo), 0)

    workers = opts.workers or os.cpu_count() or 1
    try:
        with _Lock(state):
            if workers <= 1:
                chunk: list[dict] = []
                for t in tasks():
                    for r in _render_chunk([t]):
                        finish(r)
            else:
                # Big chunks for big batches (fewer round trips), small ones so that a small batch
                # still spreads over every worker.
                _run_pool(tasks(), workers, finish, chunk_size=max(1, min(CHUNK, estimate // (workers * 4) or 1)))
    except KeyboardInterrupt:
        result.interrupted = True
    finally:
        journal.close()
        shutil.rmtree(state / "tmp", ignore_errors=True)

    result.seconds = time.perf_counter() - started
    if journal.error is not None:
        result.failures.append(Failure("journal", "续跑日志", [Problem(
            code="batch.journal", message=f"续跑日志写入失败（{journal.error.strerror or journal.error}）；已生成的文书完好，--resume 时会重新生成。",
            file=str(journal.path))]))
    if not result.interrupted and (opts.pdf or opts.booklet):
        try:
            pdf_stage(opts, result, journal_path=state / "journal.jsonl", on_progress=on_pdf_progress, on_plan=on_pdf_plan)
        except KeyboardInterrupt:
            result.interrupted = True
    if not result.interrupted:
        try:
            write_manifest(out, result)
        except OSError as err:
            result.failures.append(Failure("manifest", "清单", [Problem(
                code="batch.manifest", message=f"清单写入失败：{err.strerror or err}（磁盘已满或无写权限？）。", file=str(out / "manifest.json"))]))
    return result


def pdf_stage(opts: BatchOptions, result: BatchResult, *, journal_path: Path,
              on_progress: Callable[[int, int], None] | None = None, on_plan: Callable[[int], None] | None = None) -> None:
    """PDF copies of every document (through a warm LibreOffice pool) and one booklet per department.

    A PDF is redone only when its .docx changed (its sha256 is recorded in the journal). If
    LibreOffice is missing the .docx files stay, and the failure says what to install.
    """
    from wenshu.pdf.booklet import make_booklet
    from wenshu.pdf.pool import LibreOfficeMissing, PdfPool, count_pages

    out = opts.out_dir.absolute()  # the pool reports absolute paths
    started = time.perf_counter()
    log = result.outputs
    done_pdfs = log._spool.map("journal.pdfs")  # pdf path → sha256 of the .docx it was made from
    for e in _journal_lines(journal_path):
        if e.get("pdf_of"):
            done_pdfs.put(e["path"], e.get("docx_sha256", ""))
    total = log.count("written") + log.count("skipped")
    if on_plan:
        on_plan(total)
    try:
        pool = PdfPool(workers=max(1, min(opts.workers or os.cpu_count() or 1, 4)))
    except LibreOfficeMissing as e:
        result.failures.append(Failure("pdf", "PDF 副本与汇编", e.problems))
        return
    with pool, open(journal_path, "a", encoding="utf-8") as journal:
        def convert(chunk: list[Output]) -> None:
            by_pdf = {str(out / o.pdf): o for o in chunk}

            def progress(r) -> None:
                o = by_pdf[str(r.pdf)]
                if r.ok:
                    o.pages = r.pages
                    journal.write(json.dumps({"path": o.pdf, "pdf_of": o.path, "docx_sha256": o.sha256}, ensure_ascii=False) + "\n")
                    journal.flush()
                else:
                    o.pdf = ""
                    result.failures.append(Failure("pdf", f"{o.title}（PDF）", [r.problem] if r.problem else []))
                log.set_pdf(o)
                if on_progress:
                    on_progress(1, 0)

            pool.convert_many([(out / o.path, out / o.pdf) for o in chunk], progress=progress)

        # A page of documents at a time: the pool stays busy, and nothing per document is held.
        chunk: list[Output] = []
        for o in log.documents():
            o.pdf = o.path[:-5] + ".pdf"
            pdf = out / o.pdf
            if pdf.is_file() and done_pdfs.get(o.pdf) == o.sha256:
                o.pages = count_pages(pdf)
                log.set_pdf(o)
                if on_progress:
                    on_progress(1, 0)
                continue
            chunk.append(o)
            if len(chunk) >= 256:
                convert(chunk)
                chunk = []
        if chunk:
            convert(chunk)
        if opts.booklet:
            # Documents come sorted by path, so each department folder is one run of them.
            def booklet(folder: str, items: list[Output]) -> None:
                dept = items[0].department
                target = out / folder / f"{folder}文书汇编.pdf"
                try:
                    b = make_booklet(f"{dept}文书汇编", [(o.title, out / o.pdf) for o in items], target, pool=pool)
                except WenshuError as e:
                    result.failures.append(Failure("booklet", f"{dept}文书汇编", e.problems))
                    return
                result.booklets.append({"path": target.relative_to(out).as_posix(), "department": dept,
                                        "pages": b.pages, "documents": len(items)})

            folder, items = None, []
            for o in log.documents():
                if not o.pdf:
                    continue
                f = o.path.split("/", 1)[0]
                if f != folder and items:
                    booklet(folder, items)
                    items = []
                folder = f
                items.append(o)
            if items:
                booklet(folder, items)
    result.pdf_seconds = time.perf_counter() - started


def _run_pool(tasks: Iterator[dict], workers: int, finish: Callable[[dict], None], chunk_size: int = CHUNK) -> None:
    import multiprocessing as mp

    # fork: workers start in milliseconds with the renderer already imported (forkserver or spawn
    # cost ~0.5 s of imports, a fifth of a 1,000-document batch). gc.freeze() first moves every
    # object of this process out of the collector's reach, so the workers' garbage collections never
    # touch (and so never copy) the pages holding the dataset: they stay shared with this process.
    if sys.platform.startswith("linux"):
        import gc

        gc.freeze()  # no gc.collect() first: on a large heap it costs more than the garbage it frees
        ctx = mp.get_context("fork")
    else:
        ctx = mp.get_context("spawn")
    in_flight = set()
    limit = workers * 2  # chunks in flight: enough to keep every worker busy, few contexts held at once
    # A chunk also closes at CHUNK_WEIGHT characters of context, so a run of heavy documents (industry
    # reports of a large district) travels a few at a time instead of all in one chunk.
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
    try:
        exhausted = False
        while True:
            while not exhausted and len(in_flight) < limit:
                chunk = []
                weight = 0
                for t in tasks:
                    chunk.append(t)
                    weight += t.get("weight", 0)
                    if len(chunk) >= chunk_size or weight >= CHUNK_WEIGHT:
                        break
                if not chunk:
                    exhausted = True
                    break
                in_flight.add(pool.submit(_render_chunk, chunk))
            if not in_flight:
                break
            done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            for fut in done:
                for r in fut.result():
                    finish(r)
    except BaseException:
        for f in in_flight:
            f.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


# ─── manifest ───────────────────────────────────────────────────────────────────────────────────

MANIFEST_FIELDS = ["path", "kind", "kind_title", "department", "title", "key", "sources", "template", "template_sha256",
                   "sha256", "pdf", "pages", "status"]
CSV_HEADERS = ["文件", "文书类型代码", "文书类型", "部门", "标题", "编号", "数据来源", "模板", "模板sha256", "sha256",
               "PDF", "页数", "状态"]


def write_manifest(out: Path, result: BatchResult) -> None:
    """manifest.json and manifest.csv, sorted by path so they are byte-stable across runs.

    Both are streamed row by row from the spool (the same bytes ``json.dumps(doc, indent=2)`` of
    the whole manifest would give), so a batch of any size writes them without holding them.
    """
    from wenshu.engine.docx_zip import atomic_write

    log = result.outputs
    booklets = sorted(result.booklets, key=lambda b: b["path"])
    count = log.count("written") + log.count("skipped")

    def field(key: str, value: Any) -> str:
        return json.dumps({key: value}, ensure_ascii=False, indent=2)[2:-2]

    def write_json(f) -> None:
        head = {"generator": f"wenshu {__version__}", "count": count}
        f.write(("{\n" + ",\n".join(field(k, v) for k, v in head.items()) + ",\n").encode("utf-8"))
        f.write(b'  "outputs": [' if count else b'  "outputs": []')
        first = True
        for o in log.documents():
            row = {k: (v if k != "status" else "ok") for k, v in asdict(o).items() if k in MANIFEST_FIELDS}
            text = textwrap.indent(json.dumps(row, ensure_ascii=False, indent=2), "    ")
            f.write((("\n" if first else ",\n") + text).encode("utf-8"))
            first = False
        if count:
            f.write(b"\n  ]")
        tail = {
            "booklets": booklets,
            "failures": [{"kind": x.kind, "title": x.title, "problems": [p.format() for p in x.problems]} for x in result.failures],
        }
        f.write((",\n" + ",\n".join(field(k, v) for k, v in tail.items()) + "\n}\n").encode("utf-8"))

    atomic_write(out / "manifest.json", write_json, force=True)

    def write_csv(f) -> None:
        # UTF-8 with BOM and CRLF: WPS and Excel open it with the Chinese intact.
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        buf.write("\ufeff")
        w.writerow(CSV_HEADERS)

        def drain() -> None:
            f.write(buf.getvalue().encode("utf-8"))
            buf.seek(0)
            buf.truncate()

        for n, o in enumerate(log.documents(), 1):
            w.writerow([o.path, o.kind, o.kind_title, o.department, o.title, o.key, "；".join(o.sources), o.template,
                        o.template_sha256, o.sha256, o.pdf, "" if o.pages is None else o.pages, "正常"])
            if n % 256 == 0:
                drain()
        for b in booklets:
            w.writerow([b["path"], "booklet", "文书汇编", b["department"], f"{b['department']}文书汇编", "", "", "", "", "",
                        b["path"], b["pages"], "正常"])
        drain()

    atomic_write(out / "manifest.csv", write_csv, force=True)


def summary_table(result: BatchResult) -> str:
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for (kind, status), n in result.outputs.counts.items():
        by_kind[kind][status] += n
    titles = dict(result.outputs.kind_titles)
    for f in result.failures:
        titles.setdefault(f.kind, f.kind)
    def pad(text: str, width: int) -> str:
        # CJK characters take two columns in a terminal.
        return text + " " * max(0, width - sum(2 if ord(c) > 0x2E80 else 1 for c in text))

    lines = [pad("文书类型", 30) + pad("生成", 8) + pad("未变跳过", 10) + "失败"]
    for k in sorted(titles, key=lambda k: titles[k]):
        c = by_kind[k]
        lines.append(pad(titles[k], 30) + pad(str(c["written"]), 8) + pad(str(c["skipped"]), 10) + str(c["failed"]))
    total = result.written + result.skipped
    rate = result.written / result.seconds if result.seconds else 0
    lines.append(f"合计 {total} 份（新生成 {result.written}，未变跳过 {result.skipped}，失败 {len(result.failures)}），"
                 f"用时 {result.seconds:.1f} 秒，{rate:.1f} 份/秒")
    return "\n".join(lines)
