"""A pool of long-lived headless LibreOffice processes converting .docx to PDF.

Design (see docs/PDF与字体.md):

* One worker (:mod:`wenshu.pdf.worker`) = one ``soffice --headless`` process with its **own profile
  directory** (``-env:UserInstallation``) and its **own named pipe** (``--accept=pipe,name=...;urp;``),
  started in its own session so that the whole process group can be killed; plus one small UNO
  client, the *helper* (:mod:`wenshu.pdf.uno_helper`), run by a Python that can ``import uno``
  (Debian: ``/usr/bin/python3`` with python3-uno; upstream LibreOffice: its bundled
  ``program/python``, see :mod:`wenshu.pdf.office`). Our own interpreter (a venv, another version)
  usually cannot import ``uno``, so the helper is a separate process speaking JSON lines on
  stdin/stdout. LibreOffice converts one document at a time per process, hence one job per worker.
* Every job has a timeout; a failed job (error, crash, hang) restarts the worker and is retried once.
  A worker is also restarted after ``restart_after`` conversions or when its RSS passes a limit.
* Shutdown kills each process group (SIGTERM, then SIGKILL) and removes the temp directory — from
  ``close()``, the context manager, ``atexit`` and SIGTERM/SIGHUP handlers. If our process dies
  without cleaning up (``kill -9``, the OOM killer, a closed SSH session), a small *reaper* process
  (:mod:`wenshu.pdf.reaper`) started with the pool (its own session; it reads the process groups to
  kill on a pipe from us) sees the pipe close, kills every LibreOffice and helper process and removes
  the temp directory; each helper also watches its parent and kills its soffice when the parent
  goes. A temp directory whose owner is dead (reaper killed too) is cleaned when the next pool
  starts (:func:`~wenshu.pdf.processes.sweep_stale_folders`).
* The helper and the reaper are stand-alone modules of this package, copied into the pool's temp
  directory and run by path: they run under another interpreter (the helper) or must not import
  wenshu (both), and their command lines then name the temp directory.
* Output is written through a temp file next to the target and renamed into place. Volatile bytes
  (``/CreationDate``, ``/ID``, ``/DocChecksum``, Type 1 ``/UniqueID``) are rewritten from the input
  so the same .docx gives byte-identical PDFs (:mod:`wenshu.pdf.pdfbytes`).
* Fonts: the soffice processes (only they) get ``FONTCONFIG_FILE`` pointing at a generated file that
  includes the system configuration and then ``fonts.conf`` (official font names → free CJK fonts).

If no Python with ``uno`` is found the pool falls back to one ``soffice --convert-to`` call per
document (per worker, own profile): correct and isolated but several times slower.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import weakref
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Callable

from wenshu.atomic import atomic_write
from wenshu.errors import Problem, RenderError
from wenshu.pdf.office import (
    INSTALL_HINT,
    LibreOfficeMissing,
    clean_python_env,
    find_soffice,
    find_uno_python,
    write_fontconfig,
)
from wenshu.pdf.pdfbytes import (
    docx_date,
    page_count,
    reproducible_bytes,
    rewrite_with_pypdf,
)
from wenshu.pdf.processes import group_pids, kill_group, start_time, sweep_stale_folders
from wenshu.pdf.worker import JobFailed, Worker

@dataclass
class PdfResult:
    docx: Path
    pdf: Path
    ok: bool
    pages: int | None
    seconds: float
    problem: Problem | None = None


# ─── the pool ─────────────────────────────────────────────────────────────────────────────────────

_LIVE_POOLS: weakref.WeakSet[PdfPool] = weakref.WeakSet()
_LIVE_PGIDS: set[int] = set()
_LIVE_LOCK = threading.Lock()
_handlers_installed = False


def _cleanup_all() -> None:
    for pool in list(_LIVE_POOLS):
        try:
            pool.close()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
    with _LIVE_LOCK:
        left = list(_LIVE_PGIDS)
    for pgid in left:
        kill_group(pgid, grace=0.2)


def _on_signal(signum, frame):  # noqa: ARG001
    _cleanup_all()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_handlers() -> None:
    global _handlers_installed
    if _handlers_installed:
        return
    _handlers_installed = True
    atexit.register(_cleanup_all)
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            if signal.getsignal(sig) in (signal.SIG_DFL, None):
                signal.signal(sig, _on_signal)
        except (ValueError, OSError):
            pass


class PdfPool:
    """Convert .docx → PDF with ``workers`` warm LibreOffice processes.

    Use as a context manager::

        with PdfPool(workers=2) as pool:
            results = pool.convert_many([(Path("a.docx"), Path("a.pdf")), ...])

    ``convert`` is thread-safe; each call takes a free worker (blocking until one is free).
    """

    def __init__(self, workers: int = 2, timeout: float = 120, restart_after: int = 200,
                 soffice: str | None = None, *, max_rss_mb: int = 1536, start_timeout: float = 60,
                 use_uno: bool = True):
        if workers < 1:
            raise ValueError("workers must be >= 1")
        self.soffice = soffice or find_soffice()
        if not self.soffice:
            raise LibreOfficeMissing()
        self.workers = workers
        self.timeout = timeout
        self.restart_after = max(1, restart_after)
        self.max_rss = max_rss_mb * 1024 * 1024
        self.start_timeout = start_timeout
        self.uno_python = find_uno_python(self.soffice) if use_uno else None
        sweep_stale_folders()
        self.root = Path(tempfile.mkdtemp(prefix="wenshu-pdf-"))
        (self.root / "owner").write_text(f"{os.getpid()} {start_time(os.getpid()) or ''}", encoding="ascii")
        self._reaper_lock = threading.Lock()
        self._reaper = self._start_reaper()
        self.helper_path = self._script("uno_helper.py")
        self.fontconfig_file = write_fontconfig(self.root / "fontconfig")
        self.office_env = dict(os.environ, FONTCONFIG_FILE=str(self.fontconfig_file), SAL_USE_VCLPLUGIN="svp")
        self.office_env.pop("SESSION_MANAGER", None)
        self.helper_env = clean_python_env()
        self.profile_template: Path | None = None
        self._all = [Worker(self, i) for i in range(workers)]
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._lock = threading.Lock()
        self.spawn_lock = threading.Lock()
        self._started = False
        self.closed = False
        self._pgids: set[int] = set()
        self.restarts = 0
        _install_handlers()
        _LIVE_POOLS.add(self)

    def _script(self, name: str) -> Path:
        """A stand-alone module of this package (``uno_helper.py``, ``reaper.py``), copied into the
        pool's folder to be run by path. Read through importlib.resources, so it works however
        wenshu is installed; and a process running it names the pool's folder on its command line,
        which is how the reaper and :func:`sweep_stale_folders` find it."""
        path = self.root / name
        path.write_text(resources.files("wenshu.pdf").joinpath(name).read_text(encoding="utf-8"), encoding="utf-8")
        return path

    def _start_reaper(self) -> subprocess.Popen | None:
        """The process that cleans up if ours dies (see the module docstring)."""
        try:
            return subprocess.Popen([sys.executable, "-I", str(self._script("reaper.py")), str(self.root)],
                                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True, close_fds=True)
        except OSError:
            return None  # without it, the helpers' own watch and the next start's sweep remain

    def _tell_reaper(self, line: str) -> None:
        r = self._reaper
        if r is None or r.stdin is None:
            return
        with self._reaper_lock:
            try:
                os.write(r.stdin.fileno(), (line + "\n").encode())
            except (OSError, ValueError):
                pass

    def _stop_reaper(self) -> None:
        r, self._reaper = self._reaper, None
        if r is None:
            return
        try:
            r.stdin.close()
        except (OSError, ValueError):
            pass
        try:
            r.wait(timeout=5)
        except subprocess.TimeoutExpired:
            r.kill()
            r.wait()

    # -- public --
    def __enter__(self) -> PdfPool:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def mode(self) -> str:
        return "uno" if self.uno_python else "per-document"

    def start(self) -> None:
        """Start all workers (in parallel). Called by ``__enter__`` or the first conversion."""
        with self._lock:
            if self.closed:
                raise RenderError(Problem(code="pdf.pool-closed", message="PDF 转换池已关闭。"))
            if self._started:
                return
            self._started = True
        try:
            self._start_workers()
        except BaseException:
            self.close()  # Ctrl-C during start-up: leave nothing behind
            raise

    def _start_workers(self) -> None:
        self._make_profile_template()
        errors: list[JobFailed] = []

        def boot(w: Worker) -> None:
            try:
                w.start()
            except JobFailed as e:
                errors.append(e)
                w.stop()
            self._idle.put(w)

        threads = [threading.Thread(target=boot, args=(w,), name=f"wenshu-pdf-start-{w.index}")
                   for w in self._all]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if len(errors) == len(self._all):
            e = errors[0]
            raise RenderError(Problem(code=e.code, message=e.message, found=e.detail,
                                      hint=f"运行 “wenshu doctor” 检查 LibreOffice 安装：{INSTALL_HINT}"))

    def _make_profile_template(self) -> None:
        """Create one LibreOffice user profile (``--terminate_after_init``) that every worker copies.

        A fresh profile costs each start ~0.3 s of first-run set-up; copying a ready one is
        instant. Without a template (creation failed) each worker starts from an empty directory.
        """
        if self.uno_python is None or self.profile_template is not None:
            return
        template = self.root / "profile-template"
        with self.spawn_lock:
            if self.closed:
                return
            proc = self._spawn_template(template)
        try:
            proc.wait(timeout=self.start_timeout)
        except subprocess.TimeoutExpired:
            pass
        finally:
            kill_group(proc.pid, grace=0)
            proc.wait()
            self.unregister_pgid(proc.pid)
        if proc.returncode == 0 and (template / "user").is_dir():
            for lock in template.glob("user/.lock"):
                lock.unlink(missing_ok=True)
            self.profile_template = template
        else:
            shutil.rmtree(template, ignore_errors=True)

    def _spawn_template(self, template: Path) -> subprocess.Popen:
        proc = subprocess.Popen(
            [self.soffice, f"-env:UserInstallation={template.as_uri()}", "--headless", "--invisible",
             "--nologo", "--norestore", "--nolockcheck", "--terminate_after_init"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=self.office_env, start_new_session=True, close_fds=True)
        self.register_pgid(proc.pid)
        return proc

    def close(self) -> None:
        """Stop every soffice process (process group kill) and delete the temp directory."""
        with self._lock, self.spawn_lock:
            if self.closed:
                return
            self.closed = True
        # stop the workers in parallel: each waits a little for its process group to go
        threads = [threading.Thread(target=w.stop) for w in self._all]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for pgid in list(self._pgids):
            kill_group(pgid, grace=0.2)
            self.unregister_pgid(pgid)
        shutil.rmtree(self.root, ignore_errors=True)
        self._stop_reaper()
        _LIVE_POOLS.discard(self)

    def office_pgids(self) -> list[int]:
        """Process-group ids of our live soffice processes (for monitoring and tests)."""
        return [w.pgid for w in self._all if w.pgid is not None]

    def office_pids(self) -> list[int]:
        """All live pids in our soffice process groups (soffice script, oosplash, soffice.bin)."""
        return [p for g in self.office_pgids() for p in group_pids(g)]

    def convert(self, docx: Path, pdf: Path) -> PdfResult:
        docx, pdf = Path(docx), Path(pdf)
        t0 = time.monotonic()
        if not docx.is_file():
            return PdfResult(docx, pdf, False, None, 0.0, Problem(
                code="pdf.input-missing", message="要转换的文件不存在。", file=str(docx)))
        if not self._started:
            self.start()
        src = docx.resolve()
        pdf = pdf.absolute()
        try:
            pdf.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            return self._fail(docx, pdf, t0, JobFailed("pdf.write-failed", "无法创建输出目录。", str(e)))
        worker = self._acquire()
        last: JobFailed | None = None
        try:
            for attempt in range(2):
                # A fresh temporary name per attempt: a killed LibreOffice can leave the previous
                # name half-written or locked (".~lock.<name>#"), which made the retry fail too.
                tmp = pdf.parent / f".{pdf.name}.{uuid.uuid4().hex[:12]}.part"
                source = src
                if attempt == 1:
                    # The retry reads a private copy: the killed process may have left the shared
                    # input locked or opened by another worker at the same moment.
                    source = self.root / f"retry-{uuid.uuid4().hex[:12]}{src.suffix}"
                    shutil.copyfile(src, source)
                try:
                    if not worker.healthy():
                        self._restart(worker)
                    worker.convert(source, tmp, self.timeout)
                    if not tmp.is_file() or tmp.stat().st_size == 0:
                        raise JobFailed("pdf.output-invalid", "LibreOffice 没有写出 PDF 文件。")
                    last = None
                    break
                except JobFailed as e:
                    last = e
                    tmp.unlink(missing_ok=True)
                    (tmp.parent / f".~lock.{tmp.name}#").unlink(missing_ok=True)
                    if e.code == "pdf.start-failed" and attempt == 1:
                        break
                    try:
                        self._restart(worker)
                    except JobFailed as e2:
                        last = e2
                        break
            if last is None and (worker.jobs >= self.restart_after or worker.rss() > self.max_rss):
                try:
                    self._restart(worker)
                except JobFailed:
                    pass  # restarted again on next use
        finally:
            self._release(worker)
        if last is not None:
            return self._fail(docx, pdf, t0, last)
        try:
            pages = self._finish(src, tmp, pdf)
        except Exception as e:  # noqa: BLE001 - a broken PDF, a full disk ...
            tmp.unlink(missing_ok=True)
            return self._fail(docx, pdf, t0, JobFailed("pdf.output-invalid", "生成的 PDF 无法读取或写入。",
                                                        f"{type(e).__name__}: {e}"))
        return PdfResult(docx, pdf, True, pages, time.monotonic() - t0, None)

    def convert_many(self, pairs: list[tuple[Path, Path]],
                     progress: Callable[[PdfResult], None] | None = None) -> list[PdfResult]:
        """Convert all pairs using every worker; results in input order. ``progress`` is called in
        the calling thread as each document finishes."""
        if not pairs:
            return []
        if not self._started:
            self.start()
        results: list[PdfResult | None] = [None] * len(pairs)
        # twice as many threads as workers: while one thread post-processes a finished PDF, another
        # is already waiting for the worker it released, so LibreOffice never idles between jobs
        with ThreadPoolExecutor(max_workers=2 * self.workers, thread_name_prefix="wenshu-pdf") as ex:
            futs = {ex.submit(self.convert, d, p): i for i, (d, p) in enumerate(pairs)}
            try:
                for fut in as_completed(futs):
                    r = fut.result()
                    results[futs[fut]] = r
                    if progress is not None:
                        progress(r)
            except BaseException as e:
                for f in futs:
                    f.cancel()
                if isinstance(e, (KeyboardInterrupt, SystemExit)):
                    self.close()  # running conversions fail at once instead of finishing
                raise
        return results  # type: ignore[return-value]

    # -- internals --
    def _acquire(self) -> Worker:
        while True:
            if self.closed:
                raise RenderError(Problem(code="pdf.pool-closed", message="PDF 转换池已关闭。"))
            try:
                return self._idle.get(timeout=0.5)
            except queue.Empty:
                continue

    def _release(self, w: Worker) -> None:
        self._idle.put(w)

    def _restart(self, w: Worker) -> None:
        self.restarts += 1
        if self.closed:
            raise JobFailed("pdf.pool-closed", "PDF 转换池已关闭。")
        w.restart()

    def _finish(self, src: Path, tmp: Path, pdf: Path) -> int:
        """Make the PDF reproducible, count its pages, write it into place (atomically)."""
        digest = hashlib.sha256(src.read_bytes()).digest()
        date = docx_date(src)
        data = tmp.read_bytes()
        fixed = reproducible_bytes(data, digest, date)
        data = fixed if fixed is not None else rewrite_with_pypdf(data, digest, date)
        pages = page_count(data)
        atomic_write(pdf, data, force=True)
        tmp.unlink(missing_ok=True)
        return pages

    def _fail(self, docx: Path, pdf: Path, t0: float, e: JobFailed) -> PdfResult:
        hint = None
        if e.code in ("pdf.timeout", "pdf.office-died", "pdf.convert-failed"):
            hint = "已重启 LibreOffice 并重试一次仍失败；请用 Word/WPS 打开该文件检查是否损坏，或运行 “wenshu doctor”。"
        return PdfResult(docx, pdf, False, None, time.monotonic() - t0,
                         Problem(code=e.code, message=e.message, file=str(docx), found=e.detail, hint=hint))

    def register_pgid(self, pgid: int) -> None:
        self._pgids.add(pgid)
        self._tell_reaper(f"+{pgid}")
        with _LIVE_LOCK:
            _LIVE_PGIDS.add(pgid)

    def unregister_pgid(self, pgid: int) -> None:
        self._pgids.discard(pgid)
        self._tell_reaper(f"-{pgid}")
        with _LIVE_LOCK:
            _LIVE_PGIDS.discard(pgid)
