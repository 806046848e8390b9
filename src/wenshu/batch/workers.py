"""The render workers: forked processes that die with the batch, never hold its lock, render a chunk
of documents each into temporary files; and the pool that feeds them."""

from __future__ import annotations

import hashlib
import io
import os
import resource
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from wenshu.errors import Problem, WenshuError, os_reason
from wenshu.batch.model import CHUNK, CHUNK_WEIGHT


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
    from wenshu.package import write_zip
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
            results.append({"id": t["id"], "problems": [Problem(code="batch.write", message=f"写入失败：{os_reason(e)}。", file=str(e.filename or ""))]})
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


def _run_pool(make_tasks: Callable[[Any], Iterator[dict]], workers: int, finish: Callable[[dict], None],
              chunk_size: int = CHUNK) -> None:
    """Render the tasks ``make_tasks(pool)`` yields in worker processes (``pool`` may be given other
    work too: the project files are read in it); ``finish`` takes each result in this process."""
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
    tasks = make_tasks(pool)
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
