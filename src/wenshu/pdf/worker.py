"""One worker of the PDF pool: a soffice process (own profile, own pipe) and its UNO helper.

The worker starts ``soffice --headless --accept=pipe,…`` in a session of its own, then the helper
(``uno_helper.py``, run by a Python that has ``uno``) that connects to it and converts one document
at a time on request. Without such a Python the worker runs one ``soffice --convert-to`` per
document instead. Any failure is a :class:`JobFailed`; the pool restarts the worker and retries.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from wenshu.pdf.processes import group_pids, kill_group, rss_bytes

if TYPE_CHECKING:
    from wenshu.pdf.pool import PdfPool


class JobFailed(Exception):
    """A conversion that did not succeed: ``code`` and ``message`` become the Problem reported."""

    def __init__(self, code: str, message: str, detail: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


_counter = itertools.count(1)


class Worker:
    """One soffice process (own profile, own pipe) plus, in UNO mode, its helper process."""

    def __init__(self, pool: PdfPool, index: int):
        self.pool = pool
        self.index = index
        self.office: subprocess.Popen | None = None
        self.helper: subprocess.Popen | None = None
        self.profile: Path | None = None
        self.jobs = 0
        self.generation = 0
        self.office_pids: list[int] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._log = None

    # -- life cycle --
    @property
    def pgid(self) -> int | None:
        return self.office.pid if self.office else None

    def start(self) -> None:
        self.generation += 1
        self.jobs = 0
        pool = self.pool
        self.profile = pool.root / f"profile-{self.index}-{self.generation}"
        template = pool.profile_template
        if template is not None and template.is_dir():
            shutil.copytree(template, self.profile, symlinks=True)
        else:
            self.profile.mkdir(parents=True)
        if pool.uno_python is None:
            return  # per-document mode: soffice is started per job
        name = f"wenshu_{os.getpid()}_{self.index}_{next(_counter)}_{uuid.uuid4().hex[:8]}"
        with pool.spawn_lock:  # never start a process after close() has begun
            if pool.closed:
                raise JobFailed("pdf.pool-closed", "PDF 转换池已关闭。")
            self._spawn(name)
        self._lines = queue.Queue()
        threading.Thread(target=self._reader, args=(self.helper.stdout, self._lines), daemon=True,
                         name=f"wenshu-pdf-reader-{self.index}").start()
        msg = self._read(pool.start_timeout + 5)
        if msg is None or not msg.get("ready"):
            err = (msg or {}).get("error", "无响应")
            self.stop()
            raise JobFailed("pdf.start-failed", "LibreOffice 进程启动失败。", str(err))
        self.office_pids = group_pids(self.office.pid)

    def _spawn(self, name: str) -> None:
        pool = self.pool
        self._log = open(pool.root / f"worker-{self.index}.log", "ab")
        self.office = subprocess.Popen(
            [pool.soffice, f"-env:UserInstallation={self.profile.as_uri()}", "--headless", "--invisible",
             "--nologo", "--nodefault", "--norestore", "--nolockcheck", "--nofirststartwizard",
             f"--accept=pipe,name={name};urp;StarOffice.ComponentContext"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, env=pool.office_env,
            start_new_session=True, close_fds=True,
        )
        pool.register_pgid(self.office.pid)
        self.helper = subprocess.Popen(
            [pool.uno_python, str(pool.helper_path), f"pipe,name={name}", str(self.office.pid),
             str(pool.start_timeout)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=pool.helper_env,
            start_new_session=True, close_fds=True, text=True, encoding="utf-8", bufsize=1,
        )
        pool.register_pgid(self.helper.pid)

    @staticmethod
    def _reader(stream, q: queue.Queue) -> None:
        try:
            for line in stream:
                q.put(line)
        except (OSError, ValueError):
            pass
        q.put(None)

    def _read(self, timeout: float) -> dict | None:
        try:
            line = self._lines.get(timeout=max(0.01, timeout))
        except queue.Empty:
            raise TimeoutError from None
        if line is None:
            return None
        try:
            return json.loads(line)
        except ValueError:
            return {"ok": False, "error": f"helper: {line[:200]}", "fatal": True}

    def stop(self) -> None:
        """Kill the helper and the soffice process group; delete the profile.

        No orderly LibreOffice shutdown: ``desktop.terminate()`` (or SIGTERM) can take seconds, and
        nothing in the throw-away profile is worth saving, so the group gets SIGKILL.
        """
        office, helper = self.office, self.helper
        self.office = self.helper = None
        if helper is not None:
            try:
                helper.stdin.close()
            except (OSError, ValueError):
                pass
        for proc in (office, helper):
            if proc is None:
                continue
            kill_group(proc.pid, grace=0)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self.pool.unregister_pgid(proc.pid)
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.profile is not None:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None
        self.office_pids = []

    def restart(self) -> None:
        self.stop()
        self.start()

    def healthy(self) -> bool:
        if self.pool.uno_python is None:
            return self.profile is not None
        return (self.office is not None and self.office.poll() is None and self.helper is not None
                and self.helper.poll() is None)

    def rss(self) -> int:
        return sum(rss_bytes(p) for p in self.office_pids)

    # -- one conversion --
    def convert(self, src: Path, out_tmp: Path, timeout: float) -> None:
        if self.pool.uno_python is None:
            return self._convert_cli(src, out_tmp, timeout)
        req = {"id": self.jobs + 1, "in": str(src), "out": str(out_tmp)}
        try:
            self.helper.stdin.write(json.dumps(req, ensure_ascii=False) + "\n")
            self.helper.stdin.flush()
        except (OSError, ValueError, AttributeError) as e:
            raise JobFailed("pdf.office-died", "LibreOffice 进程意外退出。", repr(e)) from None
        try:
            msg = self._read(timeout)
        except TimeoutError:
            raise JobFailed("pdf.timeout", f"转换超时（超过 {timeout:g} 秒），已终止 LibreOffice 进程。") from None
        if msg is None:
            raise JobFailed("pdf.office-died", "LibreOffice 进程意外退出。")
        if os.environ.get("WENSHU_PDF_TRACE"):
            sys.stderr.write(f"[pdf] worker {self.index}: {json.dumps(msg)}\n")
        if not msg.get("ok"):
            code = "pdf.office-died" if msg.get("fatal") else "pdf.convert-failed"
            text = "LibreOffice 进程意外退出。" if msg.get("fatal") else "LibreOffice 无法转换该文档。"
            raise JobFailed(code, text, msg.get("error"))
        self.jobs += 1

    def _convert_cli(self, src: Path, out_tmp: Path, timeout: float) -> None:
        outdir = self.pool.root / f"out-{self.index}"
        shutil.rmtree(outdir, ignore_errors=True)
        outdir.mkdir()
        with self.pool.spawn_lock:
            if self.pool.closed:
                raise JobFailed("pdf.pool-closed", "PDF 转换池已关闭。")
            proc = subprocess.Popen(
                [self.pool.soffice, f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
                 "--invisible", "--nologo", "--norestore", "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export",
                 "--outdir", str(outdir), str(src)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                env=self.pool.office_env, start_new_session=True, close_fds=True,
            )
            self.pool.register_pgid(proc.pid)
        try:
            try:
                _, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise JobFailed("pdf.timeout", f"转换超时（超过 {timeout:g} 秒），已终止 LibreOffice 进程。") from None
        finally:
            kill_group(proc.pid, grace=0.2)
            proc.wait()
            self.pool.unregister_pgid(proc.pid)
        produced = outdir / (src.stem + ".pdf")
        if proc.returncode != 0 or not produced.is_file():
            raise JobFailed("pdf.convert-failed", "LibreOffice 无法转换该文档。",
                             (err or b"").decode("utf-8", "replace")[-300:])
        os.replace(produced, out_tmp)
        self.jobs += 1
