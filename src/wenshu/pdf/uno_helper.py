"""wenshu's UNO helper: converts documents in one LibreOffice process; JSON lines on stdin/stdout.

It runs under a Python that can ``import uno`` — Debian's ``/usr/bin/python3`` with python3-uno, or
LibreOffice's bundled ``program/python`` — which is usually not wenshu's interpreter (a venv,
another version). So this file imports nothing but the standard library and, once running, ``uno``:
never wenshu, which is not installed there. The pool copies it into its temporary folder and runs
it by path (see ``wenshu.pdf.pool``)::

    python3 uno_helper.py CONNECT OFFICE_PGID CONNECT_TIMEOUT

``CONNECT`` is the soffice ``--accept`` string (``pipe,name=…``), ``OFFICE_PGID`` the process group
of that soffice (the helper kills it when it is left alone), ``CONNECT_TIMEOUT`` seconds.

Protocol, one JSON object per line. First, from the helper: ``{"ready": true, "pid": N}`` or
``{"ready": false, "error": "…"}``. Then, for each request:

* ``{"id": 1, "in": "/abs/a.docx", "out": "/abs/a.pdf"}`` (optional ``"filter"``, default
  ``writer_pdf_Export``) → ``{"id": 1, "ok": true, "load": s, "seconds": s, "idle": s|null}``, or
  ``{"id": 1, "ok": false, "error": "…", "fatal": bool}`` (fatal: the office is gone; the helper
  exits and the pool restarts the worker)
* ``{"cmd": "ping", "id": 2}`` → ``{"id": 2, "ok": true}``
* ``{"cmd": "quit"}`` → ``{"bye": true}``, LibreOffice terminated, exit 0

The helper never leaves its LibreOffice behind: at the end of its input (the pool closed the pipe,
or died), when its parent process goes (``kill -9``: no end of input is seen while LibreOffice
works), and on any error of its own, it kills the office's process group.

Exit codes: 0 done, 3 no ``uno``, 4 could not connect, 5 the office died, 7 parent gone, 8 error.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import threading
import time

EXIT_OK, EXIT_NO_UNO, EXIT_NO_CONNECTION, EXIT_OFFICE_DIED, EXIT_ORPHANED, EXIT_ERROR = 0, 3, 4, 5, 7, 8

# Import filters by extension: naming the filter spares LibreOffice its type detection.
IMPORT_FILTERS = {".docx": "MS Word 2007 XML", ".odt": "writer8", ".doc": "MS Word 97", ".rtf": "Rich Text Format"}
PDF_EXPORT = "writer_pdf_Export"


def import_filter(path: str) -> str | None:
    """The LibreOffice import filter for a file, by its extension (None: let LibreOffice detect it)."""
    return IMPORT_FILTERS.get(os.path.splitext(path)[1].lower())


def load_properties(path: str) -> list[tuple[str, object]]:
    """(name, value) of the MediaDescriptor that opens ``path``: hidden, read-only, no macros, links
    not updated; with its import filter when the extension names one."""
    props: list[tuple[str, object]] = [("Hidden", True), ("ReadOnly", True), ("MacroExecutionMode", 0),
                                       ("UpdateDocMode", 0)]
    flt = import_filter(path)
    if flt:
        props.append(("FilterName", flt))
    return props


def is_fatal(error: BaseException) -> bool:
    """Whether a conversion error means the office process is gone (the bridge is dead)."""
    return type(error).__name__ in ("DisposedException", "RuntimeException") or "Binary URP bridge" in str(error)


class Channel:
    """The protocol's output: JSON lines on a duplicate of stdout, while fd 1 itself is pointed at
    stderr, so stray prints (of LibreOffice, of uno) cannot corrupt the protocol."""

    def __init__(self, stream=None):
        if stream is None:
            stream = os.fdopen(os.dup(1), "w", encoding="utf-8")
            os.dup2(2, 1)
        self.stream = stream

    def send(self, obj: dict) -> None:
        self.stream.write(json.dumps(obj, ensure_ascii=False) + "\n")
        self.stream.flush()


def serve(lines, office, send, clock=time.monotonic):
    """Answer the requests in ``lines`` with ``office`` (an :class:`Office`, or anything with its
    ``convert``, ``close_document`` and ``terminate``); ``send`` writes one answer. Returns the exit
    code, or None when the input ended (the caller then kills the office)."""
    idle_since = None
    for line in lines:
        idle = clock() - idle_since if idle_since is not None else None
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        cmd = req.get("cmd", "convert")
        if cmd == "quit":
            office.terminate()
            send({"bye": True})
            return EXIT_OK
        if cmd == "ping":
            send({"id": req.get("id"), "ok": True})
            continue
        t0 = clock()
        try:
            load = office.convert(req["in"], req["out"], req.get("filter", PDF_EXPORT))
            send({"id": req["id"], "ok": True, "load": load, "seconds": clock() - t0, "idle": idle})
        except Exception as e:  # noqa: BLE001 - every failure is an answer
            fatal = is_fatal(e)
            send({"id": req["id"], "ok": False, "error": "%s: %s" % (type(e).__name__, e), "fatal": fatal})
            if fatal:
                return EXIT_OFFICE_DIED
        finally:
            office.close_document()  # after the answer: the pool goes on meanwhile
            idle_since = clock()
    return None


# ─── the office, over UNO ─────────────────────────────────────────────────────────────────────────


class ConnectError(Exception):
    pass


class Office:
    """One LibreOffice process reached over UNO: open a document, store it through a filter, close it."""

    def __init__(self, desktop, uno):
        self.desktop = desktop
        self.uno = uno
        self.doc = None
        from com.sun.star.beans import PropertyValue

        self._property_value = PropertyValue

    @classmethod
    def connect(cls, conn: str, office_pgid: int, timeout: float) -> Office:
        """Connect to the soffice listening on ``conn``, retrying until it is up; raises ConnectError
        after ``timeout`` seconds or as soon as the soffice process group is gone."""
        import uno
        from com.sun.star.connection import NoConnectException

        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + timeout
        while True:
            try:
                ctx = resolver.resolve("uno:%s;urp;StarOffice.ComponentContext" % conn)
                break
            except NoConnectException:
                pass
            except Exception as e:  # noqa: BLE001 - anything else while the office starts: retry until the deadline
                if time.monotonic() > deadline:
                    raise ConnectError("connect: %r" % (e,)) from None
            if time.monotonic() > deadline:
                raise ConnectError("connect: timeout")
            if not group_alive(office_pgid):
                raise ConnectError("soffice exited during start-up")
            time.sleep(0.05)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        return cls(desktop, uno)

    def _props(self, pairs) -> tuple:
        out = []
        for name, value in pairs:
            p = self._property_value()
            p.Name = name
            p.Value = value
            out.append(p)
        return tuple(out)

    def convert(self, src: str, out: str, export_filter: str = PDF_EXPORT) -> float:
        """Open ``src``, update its indexes (a table of contents), store it to ``out``; returns the
        seconds the loading took. The document stays open until :meth:`close_document`."""
        t0 = time.monotonic()
        self.doc = self.desktop.loadComponentFromURL(self.uno.systemPathToFileUrl(src), "_blank", 0,
                                                     self._props(load_properties(src)))
        doc = self.doc
        if doc is None:
            raise RuntimeError("LibreOffice could not open the document")
        load = time.monotonic() - t0
        try:
            idx = doc.getDocumentIndexes()
            for i in range(idx.getCount()):
                idx.getByIndex(i).update()
        except AttributeError:
            pass
        doc.storeToURL(self.uno.systemPathToFileUrl(out), self._props([("FilterName", export_filter)]))
        return load

    def close_document(self) -> None:
        doc, self.doc = self.doc, None
        if doc is None:
            return
        try:
            doc.close(True)
        except Exception:  # noqa: BLE001
            try:
                doc.dispose()
            except Exception:  # noqa: BLE001
                pass

    def terminate(self) -> None:
        try:
            self.desktop.terminate()
        except Exception:  # noqa: BLE001 - the process group is killed anyway
            pass


# ─── never leave LibreOffice behind ───────────────────────────────────────────────────────────────


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except OSError:
        return False
    return True


def kill_office(pgid: int, pause: float = 0.5) -> None:
    """SIGTERM the office's process group, then SIGKILL it."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except OSError:
            return
        time.sleep(pause)


def watch_parent(office_pgid: int, parent: int | None = None, interval: float = 0.3) -> threading.Thread:
    """Kill the office and exit when our parent process goes: after a ``kill -9`` of the pool's
    process, no end of input reaches us while LibreOffice is busy converting."""
    parent = os.getppid() if parent is None else parent

    def run() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                try:
                    os.killpg(office_pgid, signal.SIGKILL)
                except OSError:
                    pass
                os._exit(EXIT_ORPHANED)

    t = threading.Thread(target=run, daemon=True, name="wenshu-watch-parent")
    t.start()
    return t


def main(argv: list[str]) -> int:
    conn, office_pgid, connect_timeout = argv[0], int(argv[1]), float(argv[2])
    channel = Channel()
    watch_parent(office_pgid)
    try:
        importlib.import_module("uno")  # this Python has it (it also makes com.sun.star importable)
    except Exception as e:  # noqa: BLE001
        channel.send({"ready": False, "error": "import uno: %r" % (e,)})
        return EXIT_NO_UNO
    try:
        office = Office.connect(conn, office_pgid, connect_timeout)
    except ConnectError as e:
        channel.send({"ready": False, "error": str(e)})
        return EXIT_NO_CONNECTION
    channel.send({"ready": True, "pid": os.getpid()})
    code = serve(sys.stdin, office, channel.send)
    if code is None:  # stdin closed: our parent is gone; do not leave LibreOffice behind
        kill_office(office_pgid)
        code = EXIT_OK
    return code


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
    except BaseException:  # a broken pipe to our parent, anything: never leave LibreOffice behind
        try:
            os.killpg(int(sys.argv[2]), signal.SIGKILL)
        except (OSError, IndexError, ValueError):
            pass
        code = EXIT_ERROR
    sys.exit(code)
