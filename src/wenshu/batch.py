"""Batch generation: every document the data calls for, for every department, in one run.

    wenshu batch data_examples -o out

* plan: the dataset is loaded and analysed once; each kind yields its jobs lazily; every template is
  compiled once, in this process, before the workers are forked (a template error is reported once);
* render: per document only the templated parts are rendered, checked as XML and zipped (unchanged
  parts keep their compressed bytes), in forked worker processes that die with this one
  (``PR_SET_PDEATHSIG``) and never hold the batch lock;
* write: the worker writes a temporary file in ``OUT/.wenshu-batch/tmp``; this process records it in
  the journal, then renames it into place, so a crash, ``kill -9`` or Ctrl-C never leaves a partial
  document, and the journal knows every file it ever put there;
* nothing lost, nothing stale: a file at an output's path that wenshu did not write (its sha256 is not
  one the journal recorded: edited by hand) is kept as ``…（已修改）.docx``; an output no longer called
  for is moved to ``OUT/.已撤销/``; the old files of a document that failed are moved to
  ``OUT/.生成失败/``; a PDF (or booklet) made from an older .docx is removed as soon as the .docx
  changes;
* resume: ``--resume`` skips files whose inputs and template are unchanged and still match on disk;
* record: ``manifest.json`` and ``manifest.csv`` (UTF-8 with BOM, opens in WPS/Excel) list every
  output with its kind, department, sources, template and sha256, and every file set aside.

Memory does not grow with the number of documents: every per-document record (manifest rows, the
journal, file names taken, PDF results) lives in the dataset's spool (``wenshu.spool``, in
``OUT/.wenshu-batch``) and is streamed back in path order at the end.
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
import signal
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
WITHDRAWN_DIR = ".已撤销"  # outputs no longer called for (kept, with their relative path)
FAILED_DIR = ".生成失败"  # the previous files of documents that failed this time
EDITED_MARK = "（已修改）"  # a file at an output's path that wenshu did not write
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
    layout: str = "版面未核验"  # the measured layout pass (wenshu.pdf.layout_pass): only with a PDF


@dataclass
class Failure:
    kind: str
    title: str
    problems: list[Problem]
    # document: one document (or several failing the same way in the same template); template: a
    # template that cannot be used (its documents are counted as failed documents); pdf, booklet,
    # other: one failure each
    category: str = "document"
    documents: int = 1


@dataclass
class SetAside:
    """A file moved out of the way (never deleted): where it was, where it is now, and why."""

    path: str  # relative to the output folder
    moved_to: str  # relative to the output folder
    reason: str  # edited / withdrawn / failed

    REASONS = {"edited": "手工修改过，已保留为", "withdrawn": "不再需要，已移至", "failed": "本次生成失败，旧文件已移至"}

    def describe(self) -> str:
        return f"{self.path}：{self.REASONS[self.reason]} {self.moved_to}"


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
        self._pdfs.put(o.path, (o.pdf, o.pages, o.layout, o.sha256))
        self._any_pdf = True

    def __iter__(self) -> Iterator[Output]:
        """Every recorded output, sorted by path (another table may be written meanwhile)."""
        for o in self._rows.values(ordered=True):
            if self._any_pdf:
                o.pdf, o.pages, o.layout, o.sha256 = self._pdfs.get(o.path, ("", None, o.layout, o.sha256))
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
    data_problems: list[Problem] = field(default_factory=list)  # data errors and warnings (templates folder too)
    seconds: float = 0.0
    interrupted: bool = False
    stage: str = "render"  # where the run was when it ended: render / pdf / done
    worker_peak_mb: float = 0.0  # largest memory (PSS) reported by a rendering process
    booklets: list[dict] = field(default_factory=list)  # {"path", "department", "pages", "documents"}
    pdf_seconds: float = 0.0
    pdfs_made: int = 0  # PDFs converted by this run
    pdfs_kept: int = 0  # PDFs of unchanged documents kept from an earlier run
    set_aside: list[SetAside] = field(default_factory=list)
    stale_removed: int = 0  # PDFs/booklets of changed documents removed (wenshu made them; redone with --pdf)

    @property
    def written(self) -> int:
        return self.outputs.count("written")

    @property
    def skipped(self) -> int:
        return self.outputs.count("skipped")

    @property
    def failed_documents(self) -> int:
        return self.outputs.count("failed")

    @property
    def data_errors(self) -> int:
        return sum(1 for p in self.data_problems if p.severity == "error")

    def failure_counts(self) -> dict[str, int]:
        """What failed, by what: 文书 (documents), PDF, 汇编, 数据错误, 其他; their sum is the 失败 of
        the summary, and the exit code is 1 exactly when it is not 0."""
        c = Counter(f.category for f in self.failures)
        return {"文书": self.failed_documents, "PDF": c["pdf"], "汇编": c["booklet"], "数据错误": self.data_errors,
                "其他": c["other"]}

    @property
    def failed_total(self) -> int:
        return sum(self.failure_counts().values())

    @property
    def ok(self) -> bool:
        return self.failed_total == 0 and not self.interrupted


# ─── worker side ────────────────────────────────────────────────────────────────────────────────

_COMPILED: dict[str, Any] = {}  # template path → CompiledTemplate (filled in the parent before fork)
_LOCK_FD: int | None = None  # the batch lock's descriptor while a batch runs; closed in every worker


def die_with_parent(parent: int) -> None:
    """Make this process die when ``parent`` does (kill -9, OOM killer, closed terminal ...).

    Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``; the parent may already be gone by the time this runs,
    so the parent pid is checked afterwards.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


def _worker_init(parent: int) -> None:
    """First thing in every forked render worker: drop the inherited lock descriptor (a flock is held
    as long as any copy of its descriptor is open), and die with the batch."""
    global _LOCK_FD
    if _LOCK_FD is not None:
        try:
            os.close(_LOCK_FD)
        except OSError:
            pass
        _LOCK_FD = None
    die_with_parent(parent)


def _sha_of(path: Path) -> str | None:
    """sha256 of a file, None if there is none."""
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest() if hasattr(hashlib, "file_digest") \
                else hashlib.sha256(f.read()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _render_chunk(tasks: list[dict]) -> list[dict]:
    """Render a few documents in a worker; each task names its template, context and targets.

    The document goes to one temporary file per target; the parent records and renames them. The
    sha256 of whatever is at each target now is returned too (the parent decides whether wenshu
    wrote it)."""
    from wenshu.engine.docx_zip import write_zip
    from wenshu.engine.template import CompiledTemplate

    results = []
    for t in tasks:
        tmps: list[str] = []
        try:
            compiled = _COMPILED.get(t["template"])
            if compiled is None:
                compiled = _COMPILED[t["template"]] = CompiledTemplate(Path(t["template"]), label=t["template_label"])
            buf = io.BytesIO()
            write_zip(buf, compiled.render_parts(t["context"], core=t["core"]))
            data = buf.getvalue()
            for target in t["targets"]:
                tmps.append(_write_tmp(Path(target), data, Path(t["tmp"])))
            results.append({"id": t["id"], "sha256": hashlib.sha256(data).hexdigest(), "tmps": tmps,
                            "existing": [_sha_of(Path(target)) for target in t["targets"]]})
        except WenshuError as e:
            results.append({"id": t["id"], "problems": e.problems})
        except OSError as e:
            results.append({"id": t["id"], "problems": [Problem(code="batch.write", message=f"写入失败：{e.strerror or e}。", file=str(e.filename or ""))]})
        except Exception as e:  # noqa: BLE001 - one bad document must not stop the batch
            results.append({"id": t["id"], "problems": [Problem(code="batch.internal", message=f"内部错误：{type(e).__name__}: {e}")]})
        if "problems" in results[-1]:
            for tmp in tmps:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
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


def _write_tmp(target: Path, data: bytes, tmp_dir: Path) -> str:
    """``data`` in a temporary file of ``tmp_dir`` (the output folder's file system), for ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / f"{os.getpid()}-{hashlib.sha1(str(target).encode()).hexdigest()[:16]}.part"
    # No fsync per document: the rename alone guarantees that no partial document ever appears
    # under its final name (crash, kill -9, Ctrl-C); after a power loss --resume re-checks every
    # file's sha256 against the journal and rewrites what did not reach the disk.
    with open(tmp, "wb") as f:
        f.write(data)
    return str(tmp)


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
    """What the batch wrote into the output folder: an append-only file, the last line of a path wins.

    Lines (one JSON object each)::

        {"path": docx, "context", "template", "sha256", "kind", "department", "key"}   a document
        {"path": pdf, "pdf_of": docx, "docx_sha256", "sha256"}                          its PDF copy
        {"path": booklet, "booklet": folder, "sha256"}                                  a booklet
        {"path": p, "gone": true}                                                       moved away / removed

    A line is written *before* the file is renamed into place, so every file wenshu ever put at a path
    has its sha256 in the journal; a file whose sha256 is not there was written by someone else
    (edited by hand) and is never overwritten. Read back (into the spool, not memory) by every run;
    rewritten without superseded lines at the end of a complete run.
    """

    def __init__(self, path: Path, spool, out: Path):
        self.path = path
        self.out = out
        self.docs = spool.map("journal.docs")  # previous run(s): path → last document entry (or tombstone)
        self.pdfs = spool.map("journal.pdfs")  # pdf path → last PDF entry
        self.booklets = spool.map("journal.booklets")  # booklet path → last entry
        self.known = spool.set("journal.known")  # "path\0sha256" of every file the journal recorded
        self.any_previous = False
        for e in _journal_lines(path):
            self.any_previous = True
            self._index(e)
        if not self.any_previous:
            self._from_manifest()
        self._f = None
        self.error: OSError | None = None

    def _index(self, e: dict) -> None:
        p = e["path"]
        if e.get("gone"):
            table = self.pdfs if p.endswith(".pdf") else self.docs
            table.put(p, {"gone": True})
            if p.endswith(".pdf"):
                self.booklets.put(p, {"gone": True})
            return
        if e.get("pdf_of"):
            self.pdfs.put(p, e)
        elif e.get("booklet"):
            self.booklets.put(p, e)
        else:
            self.docs.put(p, e)
        if e.get("sha256"):
            self.known.add(f"{p}\0{e['sha256']}")

    def _from_manifest(self) -> None:
        """No journal (deleted, or an output folder from an older wenshu): the manifest's sha256s
        still tell which files wenshu wrote."""
        try:
            m = json.loads((self.out / "manifest.json").read_text(encoding="utf-8"))
            rows = m.get("outputs", []) if isinstance(m, dict) else []
        except (OSError, ValueError):
            return
        for row in rows:
            if isinstance(row, dict) and isinstance(row.get("path"), str) and isinstance(row.get("sha256"), str):
                self.known.add(f"{row['path']}\0{row['sha256']}")

    def ours(self, path: str, sha: str | None) -> bool:
        """Did wenshu write this content at this path (at any time the journal remembers)?"""
        return sha is not None and f"{path}\0{sha}" in self.known

    def previous(self, path: str) -> dict | None:
        e = self.docs.get(path)
        return None if not e or e.get("gone") else e

    def open(self) -> None:
        self._f = open(self.path, "a", encoding="utf-8")

    def write(self, entry: dict) -> None:
        try:
            self._f.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self._f.flush()
        except OSError as err:
            # The files themselves are complete; only --resume and the edit check lose the record.
            self.error = err
        if entry.get("sha256"):
            self.known.add(f"{entry['path']}\0{entry['sha256']}")

    def add(self, out: Output) -> None:
        self.write({"path": out.path, "context": out.context_sha256, "template": out.template_sha256, "sha256": out.sha256,
                    "kind": out.kind, "department": out.department, "key": out.key})

    def gone(self, path: str) -> None:
        self.write({"path": path, "gone": True})

    def close(self) -> None:
        if self._f:
            try:
                self._f.close()
            except OSError as err:
                self.error = err
            self._f = None

    def unchanged(self, out: Output, root: Path) -> str | None:
        e = self.previous(out.path)
        if not e or e.get("context") != out.context_sha256 or e.get("template") != out.template_sha256:
            return None
        sha = _sha_of(root / out.path)
        return sha if sha is not None and sha == e.get("sha256") else None

    def compact(self, spool) -> None:
        """Rewrite the journal with the last line of every path whose file is still there."""
        from wenshu.engine.docx_zip import atomic_write

        last = spool.map("journal.compact")
        for e in _journal_lines(self.path):
            last.put(e["path"], e, order=e["path"])

        def write(f) -> None:
            for e in last.values(ordered=True):
                if e.get("gone") or not (self.out / e["path"]).is_file():
                    continue
                f.write((json.dumps(e, ensure_ascii=False) + "\n").encode("utf-8"))

        try:
            atomic_write(self.path, write, force=True)
        except OSError as err:
            self.error = err


def _free_name(path: Path) -> Path:
    """``path``, or ``stem（2）.ext``, ``stem（3）.ext`` …: the first that does not exist."""
    if not path.exists():
        return path
    n = 2
    while True:
        cand = path.with_name(f"{path.stem}（{n}）{path.suffix}")
        if not cand.exists():
            return cand
        n += 1


class _Lock:
    """One batch at a time per output folder: a lock on OUT/.wenshu-batch/lock.

    The lock is a POSIX record lock (``lockf``), which a forked process does not inherit: the render
    workers never hold it, so it goes when the batch goes (the kernel drops it with the process). A
    ``flock`` is taken too, so that an older wenshu (which only knew flock) and this one still keep
    out of each other's way; the workers close their copy of the descriptor first thing
    (``_worker_init``), which is all a flock needs. The descriptor is close-on-exec, so no program the
    batch starts gets it. A flock still held by leftovers of a dead batch (workers of an older wenshu
    that outlived it) is freed at the next start: their batch is gone, so they are stopped.
    """

    def __init__(self, state: Path):
        self.path = state / "lock"
        self.fd = None

    def _take(self) -> None:
        fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fcntl.lockf(self.fd, fcntl.LOCK_UN)
            raise

    def __enter__(self):
        global _LOCK_FD
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        for attempt in range(2):
            try:
                self._take()
                break
            except OSError as e:
                if not isinstance(e, BlockingIOError) and e.errno not in (11, 13):  # EAGAIN, EACCES
                    raise
                other = os.pread(self.fd, 32, 0).decode(errors="replace").strip()
                if attempt == 0 and _stop_leftovers(self.path, other):
                    continue
                os.close(self.fd)
                raise UsageError(Problem(
                    code="batch.locked", message=f"另一个 wenshu batch 正在写入该输出目录（进程 {other or '未知'}），请等待其完成后再运行。",
                    file=str(self.path.parent.parent))) from None
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, str(os.getpid()).encode(), 0)
        _LOCK_FD = self.fd
        return self

    def __exit__(self, *exc):
        global _LOCK_FD
        _LOCK_FD = None
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        fcntl.lockf(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def _cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return []


def _is_batch(cmd: list[str]) -> bool:
    return "batch" in cmd and any("wenshu" in a for a in cmd)


def _stop_leftovers(lock: Path, owner: str) -> bool:
    """Stop the processes holding ``lock`` open if the batch that took it (pid ``owner``) is dead and
    they are wenshu batch processes of this user (its orphaned workers). True if any was stopped."""
    if owner.isdigit():
        pid = int(owner)
        try:
            os.kill(pid, 0)
            if _is_batch(_cmdline(pid)):
                return False  # a live batch: really locked
        except ProcessLookupError:
            pass
        except PermissionError:
            return False
    try:
        target = os.path.realpath(lock)
        procs = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return False
    stopped = []
    for pid in procs:
        if pid == os.getpid():
            continue
        try:
            if os.stat(f"/proc/{pid}").st_uid != os.getuid():
                continue
            holds = any(os.readlink(f"/proc/{pid}/fd/{fd}") == target for fd in os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            continue
        if holds and _is_batch(_cmdline(pid)):
            try:
                os.kill(pid, signal.SIGKILL)
                stopped.append(pid)
            except OSError:
                pass
    deadline = time.monotonic() + 5
    while stopped and time.monotonic() < deadline:
        stopped = [p for p in stopped if os.path.exists(f"/proc/{p}") and "State:\tZ" not in _status(p)]
        time.sleep(0.05)
    return True if not stopped else False


def _status(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _prepare_out(out: Path, force: bool) -> Path:
    state = out / STATE_DIR
    if out.exists() and not out.is_dir():
        raise UsageError(Problem(code="batch.out-not-dir", message="输出路径已存在且不是目录。", file=str(out)))
    if out.is_dir() and any(out.iterdir()) and not state.is_dir() and not force:
        raise UsageError(Problem(
            code="batch.out-not-empty", message="输出目录不为空，且不是 wenshu batch 的输出目录；为免覆盖他人文件，未写入。",
            file=str(out), hint="换一个空目录，或加 --force 确认写入该目录。"))
    try:
        state.mkdir(parents=True, exist_ok=True)
        probe = state / f"probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        reason = {13: "没有写入权限", 30: "所在文件系统是只读的", 28: "磁盘已满"}.get(e.errno, e.strerror or str(e))
        raise UsageError(Problem(code="batch.cannot-write", message=f"无法写入输出目录：{reason}。", file=str(out),
                                 hint="换一个可写的目录，或检查磁盘和权限。")) from None
    return state


def _clean_leftovers(out: Path, state: Path) -> None:
    """Temporary files of a batch that died (kill -9, power loss): its tmp folder, a half-written
    manifest or booklet, LibreOffice lock files. Called under the lock."""
    shutil.rmtree(state / "tmp", ignore_errors=True)
    (state / "tmp").mkdir(parents=True, exist_ok=True)
    from wenshu.pdf.pool import sweep_stale_folders

    sweep_stale_folders()  # LibreOffice temp folders of dead batches (/tmp/wenshu-pdf-*)
    for pattern in (".manifest.*.part", "*/.*.part", "*/*/.*.part", "*/*/.~lock.*#"):
        for p in out.glob(pattern):
            if STATE_DIR not in p.parts:
                try:
                    p.unlink()
                except OSError:
                    pass


class _Placer:
    """Puts finished files into the output folder without losing or leaving stale anything."""

    def __init__(self, out: Path, journal: Journal, result: BatchResult):
        self.out, self.journal, self.result = out, journal, result
        self.changed_folders: set[str] = set()  # department folders whose documents changed (booklets)

    def _move(self, rel: str, to: Path, reason: str) -> str:
        src = self.out / rel
        dst = _free_name(to)
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)
        moved = dst.relative_to(self.out).as_posix()
        self.result.set_aside.append(SetAside(rel, moved, reason))
        self.journal.gone(rel)
        return moved

    def keep_edited(self, rel: str) -> str:
        """Keep a file wenshu did not write as ``name（已修改）.ext`` beside it."""
        p = self.out / rel
        return self._move(rel, p.with_name(p.stem + EDITED_MARK + p.suffix), "edited")

    def move_to(self, folder: str, rel: str, reason: str) -> str:
        return self._move(rel, self.out / folder / rel, reason)

    def drop_stale_pdf(self, docx_rel: str) -> None:
        """The PDF beside a .docx whose content changed: made by wenshu from the old .docx, removed
        (``--pdf`` makes it again); a PDF wenshu did not make is kept as ``…（已修改）.pdf``."""
        rel = docx_rel[:-5] + ".pdf"
        path = self.out / rel
        if not path.is_file():
            return
        e = self.journal.pdfs.get(rel)
        sha = _sha_of(path)
        if e and not e.get("gone") and (not e.get("sha256") or e["sha256"] == sha):
            path.unlink()
            self.journal.gone(rel)
            self.result.stale_removed += 1
        else:
            self.keep_edited(rel)

    def folder_changed(self, folder: str) -> None:
        """A document of ``folder`` changed: its booklet no longer matches it and is removed (a booklet
        is only ever made by wenshu, from the PDFs; ``--booklet`` makes it again)."""
        if folder in self.changed_folders:
            return
        self.changed_folders.add(folder)
        rel = f"{folder}/{folder}文书汇编.pdf"
        if (self.out / rel).is_file():
            (self.out / rel).unlink()
            self.journal.gone(rel)
            self.result.stale_removed += 1

    def place(self, o: Output, tmp: str, existing: str | None) -> None:
        """Rename a rendered document into place (journal first)."""
        if existing is not None and existing != o.sha256 and not self.journal.ours(o.path, existing):
            self.keep_edited(o.path)
            existing = None
        self.journal.add(o)
        os.replace(tmp, self.out / o.path)
        if existing != o.sha256:
            self.drop_stale_pdf(o.path)
            self.folder_changed(o.department)

    def failed(self, o: Output) -> None:
        """A document that failed: its previous file (and PDF) must not pass for the current one."""
        for rel in (o.path, o.path[:-5] + ".pdf"):
            if (self.out / rel).is_file():
                self.move_to(FAILED_DIR, rel, "failed")
                self.folder_changed(o.department)


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

    def all_jobs() -> Iterator[Any]:
        """Per-project documents while the project files are read, then the district's documents."""
        count = 0
        for job in run.project_jobs():
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

    def tasks() -> Iterator[dict]:
        next_id = 0
        for job in all_jobs():
            k = job.kind
            path, label, tsha, compiled = templates[k]
            title_k = REGISTRY[k].title
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
                        code="batch.write", message=f"写入失败：{e.strerror or e}。", file=str(out / o.path))]))
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
                _run_pool(tasks(), workers, finish, chunk_size=max(1, min(CHUNK, estimate // (workers * 4) or 1)))
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
                    code="batch.manifest", message=f"清单写入失败：{err.strerror or err}（磁盘已满或无写权限？）。",
                    file=str(out / "manifest.json"))], category="other"))
    finally:
        journal.close()
    if not result.interrupted:
        journal.compact(ds.spool)
    if journal.error is not None:
        result.failures.append(Failure("journal", "续跑日志", [Problem(
            code="batch.journal", message=f"续跑日志写入失败（{journal.error.strerror or journal.error}）；已生成的文书完好，--resume 时会重新生成。",
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


def pdf_stage(opts: BatchOptions, result: BatchResult, *, journal: Journal, placer: _Placer, state: Path,
              on_progress: Callable[[int, int], None] | None = None, on_plan: Callable[[int], None] | None = None) -> None:
    """PDF copies of every document (through a warm LibreOffice pool) and one booklet per department.

    A PDF is redone only when its .docx changed (the journal records the sha256 of the .docx it was
    made from). Each PDF is converted into OUT/.wenshu-batch/tmp, recorded, then renamed into place,
    like the documents. If LibreOffice is missing the .docx files stay, and the failure says what to
    install.
    """
    from wenshu.pdf import layout_pass
    from wenshu.pdf.booklet import make_booklet
    from wenshu.pdf.pool import LibreOfficeMissing, PdfPool, page_count_bytes

    out = opts.out_dir.absolute()  # the pool reports absolute paths
    tmp_dir = (state / "tmp").absolute()
    started = time.perf_counter()
    log = result.outputs
    total = log.count("written") + log.count("skipped")
    if on_plan:
        on_plan(total)
    try:
        pool = PdfPool(workers=max(1, min(opts.workers or os.cpu_count() or 1, 4)))
    except LibreOfficeMissing as e:
        result.failures.append(Failure("pdf", "PDF 副本与汇编", e.problems, category="pdf"))
        return
    counter = iter(range(1, 1 << 62))

    def put(rel: str, tmp: Path, entry: dict, check: bool = True) -> None:
        """Rename a finished PDF into place: a PDF there that wenshu did not make is kept aside."""
        target = out / rel
        existing = _sha_of(target) if check else None
        if existing is not None and existing != entry["sha256"] and not journal.ours(rel, existing):
            prev = journal.pdfs.get(rel) or journal.booklets.get(rel)
            if not (prev and not prev.get("gone") and not prev.get("sha256")):  # old journals: no sha256 of PDFs
                placer.keep_edited(rel)
        journal.write(entry)
        os.replace(tmp, target)

    with pool:
        def convert(chunk: list[Output]) -> None:
            by_tmp = {str(tmp_dir / f"{next(counter)}.pdf"): o for o in chunk}

            def progress(r) -> None:
                o = by_tmp[str(r.pdf)]
                if r.ok:
                    o.pages, o.layout = r.pages, r.layout.summary
                    try:
                        if r.layout.docx_changed:
                            # The layout pass corrected the .docx (in the temporary folder): recorded in
                            # the journal before it is renamed into place, so --resume and the edit
                            # check know the corrected file as wenshu's own.
                            o.sha256 = r.docx_sha256
                            journal.add(o)
                            os.replace(r.docx, out / o.path)
                        data = Path(r.pdf).read_bytes()
                        put(o.pdf, Path(r.pdf), {"path": o.pdf, "pdf_of": o.path, "docx_sha256": o.sha256,
                                                 "sha256": hashlib.sha256(data).hexdigest(), "layout": o.layout})
                        result.pdfs_made += 1
                    except OSError as e:
                        o.pdf = ""
                        result.failures.append(Failure("pdf", f"{o.title}（PDF）", [Problem(
                            code="pdf.write-failed", message=f"PDF 写入失败：{e.strerror or e}。", file=str(out / o.path))],
                            category="pdf"))
                else:
                    o.pdf = ""
                    result.failures.append(Failure("pdf", f"{o.title}（PDF）", [r.problem] if r.problem else [], category="pdf"))
                log.set_pdf(o)
                if on_progress:
                    on_progress(1, 0)

            layout_pass.convert_many(pool, [(out / o.path, Path(t), Path(t).with_suffix(".docx")) for t, o in by_tmp.items()],
                                     progress=progress)

        # A page of documents at a time: the pool stays busy, and nothing per document is held.
        chunk: list[Output] = []
        for o in log.documents():
            o.pdf = o.path[:-5] + ".pdf"
            pdf = out / o.pdf
            e = journal.pdfs.get(o.pdf)
            if pdf.is_file() and e and not e.get("gone") and e.get("docx_sha256") == o.sha256:
                data = pdf.read_bytes()
                if not e.get("sha256") or e["sha256"] == hashlib.sha256(data).hexdigest():
                    o.pages = page_count_bytes(data)
                    if o.pages is None:
                        from wenshu.pdf.pool import count_pages

                        o.pages = count_pages(pdf)
                    # the layout measured when the PDF was made (older journals: measured again now)
                    o.layout = e.get("layout") or layout_pass.verify(out / o.path, pdf).summary
                    log.set_pdf(o)
                    result.pdfs_kept += 1
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
                rel = f"{folder}/{folder}文书汇编.pdf"
                tmp = tmp_dir / f"{next(counter)}-booklet.pdf"
                try:
                    b = make_booklet(f"{dept}文书汇编", [(o.title, out / o.pdf) for o in items], tmp, pool=pool)
                    put(rel, tmp, {"path": rel, "booklet": folder, "sha256": _sha_of(tmp)}, check=False)
                except WenshuError as e:
                    result.failures.append(Failure("booklet", f"{dept}文书汇编", e.problems, category="booklet"))
                    return
                except OSError as e:
                    result.failures.append(Failure("booklet", f"{dept}文书汇编", [Problem(
                        code="pdf.write-failed", message=f"汇编写入失败：{e.strerror or e}。", file=str(out / rel))],
                        category="booklet"))
                    return
                result.booklets.append({"path": rel, "department": dept, "pages": b.pages, "documents": len(items)})

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
    # Workers die with this process and drop the inherited lock descriptor (_worker_init).
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init, initargs=(os.getpid(),))
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
        # Ctrl-C: stop the workers now (a chunk in progress would go on writing temporary files after
        # this process has cleaned them up); what they had not handed back is done again by --resume.
        for f in in_flight:
            f.cancel()
        procs = list((getattr(pool, "_processes", None) or {}).values())
        for p in procs:
            p.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            p.join(timeout=5)
        raise
    pool.shutdown(wait=True)


# ─── manifest ───────────────────────────────────────────────────────────────────────────────────

MANIFEST_FIELDS = ["path", "kind", "kind_title", "department", "title", "key", "sources", "template", "template_sha256",
                   "sha256", "pdf", "pages", "layout", "status"]
CSV_HEADERS = ["文件", "文书类型代码", "文书类型", "部门", "标题", "编号", "数据来源", "模板", "模板sha256", "sha256",
               "PDF", "页数", "版面", "状态"]


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
            # files moved out of the way by this run (edited by hand, withdrawn, old files of failed documents)
            "set_aside": [asdict(a) for a in sorted(result.set_aside, key=lambda a: (a.path, a.moved_to))],
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
                        o.template_sha256, o.sha256, o.pdf, "" if o.pages is None else o.pages, o.layout, "正常"])
            if n % 256 == 0:
                drain()
        for b in booklets:
            w.writerow([b["path"], "booklet", "文书汇编", b["department"], f"{b['department']}文书汇编", "", "", "", "", "",
                        b["path"], b["pages"], "", "正常"])
        drain()

    atomic_write(out / "manifest.csv", write_csv, force=True)


def summary_table(result: BatchResult) -> str:
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for (kind, status), n in result.outputs.counts.items():
        by_kind[kind][status] += n
    titles = dict(result.outputs.kind_titles)
    for f in result.failures:
        if f.category in ("document", "template"):
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
    counts = result.failure_counts()
    failed = result.failed_total
    units = {"数据错误": "处", "汇编": "本", "其他": "项"}
    detail = "、".join(f"{k} {n} {units.get(k, '份')}" for k, n in counts.items() if n)
    failed_text = f"失败 {failed}" + (f"：{detail}" if failed and (failed != counts["文书"]) else "")
    lines.append(f"合计 {total} 份（新生成 {result.written}，未变跳过 {result.skipped}，{failed_text}），"
                 f"用时 {result.seconds:.1f} 秒，{rate:.1f} 份/秒")
    return "\n".join(lines)


def set_aside_lines(result: BatchResult, limit: int = 20) -> list[str]:
    """What this run moved out of the way, for the terminal (the manifest lists every file)."""
    lines = []
    for reason, head in (("edited", "手工修改过的文件未被覆盖，已保留"), ("withdrawn", f"不再需要的文书已移至 {WITHDRAWN_DIR}/"),
                         ("failed", f"生成失败的文书，旧文件已移至 {FAILED_DIR}/")):
        items = [a for a in result.set_aside if a.reason == reason]
        if not items:
            continue
        lines.append(f"{head}（{len(items)} 个）：")
        lines += [f"  {a.path} → {a.moved_to}" for a in items[:limit]]
        if len(items) > limit:
            lines.append(f"  ……其余 {len(items) - limit} 个见 manifest.json（set_aside）")
    if result.stale_removed:
        lines.append(f"已删除 {result.stale_removed} 份与新文书不符的旧 PDF/汇编"
                     + ("（已重新生成）" if result.stage == "done" and result.pdfs_made else "（加 --pdf 重新生成）"))
    return lines


def interrupted_message(result: BatchResult) -> str:
    """What an interrupted run had done, counted separately for .docx and PDF."""
    docx = f"已写出 .docx {result.written} 份" + (f"（另有 {result.skipped} 份未变跳过）" if result.skipped else "")
    if result.stage == "pdf":
        pdf = f"，PDF {result.pdfs_made} 份" + (f"（另有 {result.pdfs_kept} 份未变）" if result.pdfs_kept else "")
        where = "在转换 PDF 时中断"
    else:
        pdf, where = "", "在生成文书时中断"
    return f"已中断（{where}）：{docx}{pdf}。运行同一命令并加 --resume 继续。"
