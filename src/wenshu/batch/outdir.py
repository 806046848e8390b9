"""The output folder: its lock, the journal of every file wenshu wrote there, and the placing of new
files (edited files kept, withdrawn and failed ones moved aside, stale PDFs removed)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

from wenshu.batch import workers
from wenshu.errors import Problem, UsageError, os_reason
from wenshu.batch.model import BatchResult, EDITED_MARK, FAILED_DIR, Output, SetAside, STATE_DIR
from wenshu.batch.workers import _sha_of


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
        from wenshu.atomic import atomic_write

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
        workers._LOCK_FD = self.fd  # every render worker closes its copy (workers._worker_init)
        return self

    def __exit__(self, *exc):
        workers._LOCK_FD = None
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
    from wenshu.pdf.processes import own_processes

    try:
        target = os.path.realpath(lock)
        if not os.path.isdir("/proc"):
            return False
    except OSError:
        return False
    stopped = []
    for pid in own_processes():
        try:
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
        raise UsageError(Problem(code="batch.cannot-write", message=f"无法写入输出目录：{os_reason(e)}。", file=str(out),
                                 hint="换一个可写的目录，或检查磁盘和权限。")) from None
    return state


def _clean_leftovers(out: Path, state: Path) -> None:
    """Temporary files of a batch that died (kill -9, power loss): its tmp folder, a half-written
    manifest or booklet, LibreOffice lock files. Called under the lock."""
    shutil.rmtree(state / "tmp", ignore_errors=True)
    (state / "tmp").mkdir(parents=True, exist_ok=True)
    from wenshu.pdf.processes import sweep_stale_folders

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
