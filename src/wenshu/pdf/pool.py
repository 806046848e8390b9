"""A pool of long-lived headless LibreOffice processes converting .docx to PDF.

Design (see docs/PDF与字体.md):

* One worker = one ``soffice --headless`` process with its **own profile directory**
  (``-env:UserInstallation``) and its **own named pipe** (``--accept=pipe,name=...;urp;``), started in
  its own session so that the whole process group can be killed; plus one small UNO client, the
  *helper*, run by a Python that can ``import uno`` (Debian: ``/usr/bin/python3`` with python3-uno;
  upstream LibreOffice: its bundled ``program/python``). Our own interpreter (a venv, another
  version) usually cannot import ``uno``, so the helper is a separate process speaking JSON lines on
  stdin/stdout. LibreOffice converts one document at a time per process, hence one job per worker.
* Every job has a timeout; a failed job (error, crash, hang) restarts the worker and is retried once.
  A worker is also restarted after ``restart_after`` conversions or when its RSS passes a limit.
* Shutdown kills each process group (SIGTERM, then SIGKILL) and removes the temp directory — from
  ``close()``, the context manager, ``atexit`` and SIGTERM/SIGHUP handlers. If our process dies
  without cleaning up (``kill -9``, the OOM killer, a closed SSH session), a small *reaper* process
  started with the pool (its own session; it reads the process groups to kill on a pipe from us)
  sees the pipe close, kills every LibreOffice and helper process and removes the temp directory;
  each helper also watches its parent and kills its soffice when the parent goes. A temp directory
  whose owner is dead (reaper killed too) is cleaned when the next pool starts
  (:func:`sweep_stale_folders`).
* Output is written to a temp file next to the target and renamed into place. Volatile bytes
  (``/CreationDate``, ``/ID``, ``/DocChecksum``) are rewritten from the input so the same .docx gives
  byte-identical PDFs.
* Fonts: the soffice processes (only they) get ``FONTCONFIG_FILE`` pointing at a generated file that
  includes the system configuration and then ``fonts.conf`` (official font names → free CJK fonts).

If no Python with ``uno`` is found the pool falls back to one ``soffice --convert-to`` call per
document (per worker, own profile): correct and isolated but several times slower.
"""

from __future__ import annotations

import atexit
import hashlib
import itertools
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import weakref
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable

from wenshu.errors import Problem, RenderError, WenshuError

INSTALL_HINT = "apt-get install -y libreoffice-writer-nogui"
UNO_HINT = "apt-get install -y python3-uno"


class LibreOfficeMissing(WenshuError):
    """No ``soffice`` executable was found. Exit code 1."""

    default_code = "pdf.libreoffice-missing"

    def __init__(self, problems=None):
        if problems is None:
            problems = Problem(
                code=self.default_code,
                message="未找到 LibreOffice（soffice），无法把 .docx 转换为 PDF。",
                hint=f"请以 root 身份安装：{INSTALL_HINT}（或设置环境变量 WENSHU_SOFFICE 指向 soffice）。",
            )
        super().__init__(problems)


@dataclass
class PdfResult:
    docx: Path
    pdf: Path
    ok: bool
    pages: int | None
    seconds: float
    problem: Problem | None = None


# ─── locating LibreOffice and a Python that can talk UNO ────────────────────────────────────────

_SOFFICE_CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


def find_soffice() -> str | None:
    """Path of the ``soffice`` executable: $WENSHU_SOFFICE, PATH, usual install places; else None."""
    env = os.environ.get("WENSHU_SOFFICE")
    if env:
        return env if os.access(env, os.X_OK) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    import glob

    for cand in (*_SOFFICE_CANDIDATES, *sorted(glob.glob("/opt/libreoffice*/program/soffice"), reverse=True)):
        if os.access(cand, os.X_OK):
            return cand
    return None


def _program_dir(soffice: str) -> Path:
    return Path(os.path.realpath(soffice)).parent


@lru_cache(maxsize=8)
def find_uno_python(soffice: str | None = None) -> str | None:
    """A Python executable that can ``import uno`` for this LibreOffice, or None.

    Tried in order: $WENSHU_UNO_PYTHON, LibreOffice's bundled ``program/python``, ``/usr/bin/python3``
    (Debian/Ubuntu python3-uno), ``python3`` on PATH, and our own interpreter.
    """
    cands: list[str] = []
    if os.environ.get("WENSHU_UNO_PYTHON"):
        cands.append(os.environ["WENSHU_UNO_PYTHON"])
    if soffice:
        for name in ("python", "python.bin", "python3"):
            p = _program_dir(soffice) / name
            if p.is_file() and os.access(p, os.X_OK):
                cands.append(str(p))
    cands += ["/usr/bin/python3", shutil.which("python3") or "", sys.executable]
    seen: set[str] = set()
    for py in cands:
        if not py or py in seen or not os.access(py, os.X_OK):
            continue
        seen.add(py)
        try:
            r = subprocess.run([py, "-c", "import uno, unohelper"], capture_output=True, timeout=30,
                               env=_clean_python_env())
        except (OSError, subprocess.SubprocessError):
            continue
        if r.returncode == 0:
            return py
    return None


def _clean_python_env() -> dict[str, str]:
    env = dict(os.environ)
    for k in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONEXECUTABLE"):
        env.pop(k, None)
    return env


def soffice_version(soffice: str) -> str | None:
    try:
        r = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    out = r.stdout.strip().splitlines()
    return out[0].strip() if out else None


# ─── fonts ────────────────────────────────────────────────────────────────────────────────────────

SYSTEM_FONTCONFIG = "/etc/fonts/fonts.conf"


def fonts_conf_text() -> str:
    """The packaged fontconfig rules (official font names → installed free CJK fonts)."""
    return resources.files("wenshu.pdf").joinpath("fonts.conf").read_text(encoding="utf-8")


def write_fontconfig(directory: Path) -> Path:
    """Write ``fonts.conf`` (ours) and ``fonts-main.conf`` (system config, then ours) into ``directory``.

    Returns the path to use as ``FONTCONFIG_FILE``. The system file is $FONTCONFIG_FILE if the caller
    already set one, else /etc/fonts/fonts.conf.
    """
    directory.mkdir(parents=True, exist_ok=True)
    ours = directory / "wenshu-fonts.conf"
    ours.write_text(fonts_conf_text(), encoding="utf-8")
    system = os.environ.get("FONTCONFIG_FILE") or SYSTEM_FONTCONFIG
    main = directory / "fonts-main.conf"
    main.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        f'  <include ignore_missing="yes">{_xml_escape(system)}</include>\n'
        f'  <include ignore_missing="yes">{_xml_escape(str(ours))}</include>\n'
        "</fontconfig>\n",
        encoding="utf-8",
    )
    return main


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ─── reproducible PDFs ────────────────────────────────────────────────────────────────────────────

_RE_CREATION = re.compile(rb"/CreationDate\s*\(D:(\d{14})")
_RE_MODDATE = re.compile(rb"/ModDate\s*\(D:(\d{14})")
_RE_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
_RE_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]{32})")


def docx_date(docx: Path) -> str | None:
    """``YYYYMMDDHHMMSS`` for the PDF dates: $SOURCE_DATE_EPOCH, else the .docx ``dcterms:modified``."""
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde and sde.isdigit():
        return time.strftime("%Y%m%d%H%M%S", time.gmtime(int(sde)))
    try:
        with zipfile.ZipFile(docx) as z:
            core = z.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    m = re.search(r"<dcterms:modified[^>]*>(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)", core) or re.search(
        r"<dcterms:created[^>]*>(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)", core)
    return "".join(m.groups()) if m else None


def make_reproducible(pdf: Path, digest: bytes, date: str | None) -> bool:
    """Rewrite the volatile parts of a LibreOffice PDF file in place (see :func:`reproducible_bytes`).

    Returns False (file untouched) when the expected trailer fields are not found."""
    new = reproducible_bytes(pdf.read_bytes(), digest, date)
    if new is None:
        return False
    pdf.write_bytes(new)
    return True


def reproducible_bytes(data: bytes, digest: bytes, date: str | None) -> bytes | None:
    """The PDF ``data`` with its volatile parts made a function of the input, so equal inputs give
    equal bytes.

    * /ID (both halves) and /DocChecksum come from ``digest`` (sha256 of the input .docx);
      /CreationDate and /ModDate get ``date`` — same-length replacements.
    * LibreOffice 7.x converts CFF fonts (Noto CJK) to Type 1 and numbers them with a per-process
      counter (``/UniqueID``), also inside the eexec-encrypted part; the second document converted by
      a process therefore differs from the first. :func:`normalize_type1_ids` renumbers them by rank.

    Returns None when the trailer is not LibreOffice's (then :func:`_rewrite_with_pypdf` is used).
    """
    try:
        data = normalize_type1_ids(data)
    except (ValueError, IndexError, KeyError, zlib.error):
        pass  # unusual structure: keep LibreOffice's bytes (valid, just not byte-reproducible)
    buf = bytearray(data)
    tail_start = max(0, len(buf) - 4096)
    m_id = _RE_ID.search(buf, tail_start)
    if not m_id or len(m_id.group(1)) != 32 or len(m_id.group(2)) != 32:
        return None
    hex_id = digest[:16].hex().upper().encode()
    for g in (1, 2):
        buf[m_id.start(g):m_id.end(g)] = hex_id
    m_ck = _RE_CHECKSUM.search(buf, tail_start)
    if m_ck:
        buf[m_ck.start(1):m_ck.end(1)] = digest[16:32].hex().upper().encode()
    if date:
        for rx in (_RE_CREATION, _RE_MODDATE):
            for m in rx.finditer(buf):
                buf[m.start(1):m.end(1)] = date.encode()
    return bytes(buf)


_RE_PAGES = re.compile(rb"<<\s*/Type\s*/Pages\b(.*?)>>\s*endobj", re.S)
_RE_COUNT = re.compile(rb"/Count\s+(\d+)")


def page_count_bytes(data: bytes) -> int | None:
    """Page count of a LibreOffice PDF (one flat /Pages node); None when the structure differs."""
    nodes = _RE_PAGES.findall(data)
    if len(nodes) != 1:
        return None
    m = _RE_COUNT.search(nodes[0])
    return int(m.group(1)) if m else None


_EEXEC_R, _EEXEC_C1, _EEXEC_C2 = 55665, 52845, 22719
_RE_UNIQUEID = re.compile(rb"/UniqueID (\d+)")
_RE_OBJ_HEAD = re.compile(rb"(\d+) 0 obj\s*")


def _eexec_decrypt(data: bytes) -> bytes:
    r, out = _EEXEC_R, bytearray(len(data))
    for i, c in enumerate(data):
        out[i] = c ^ (r >> 8)
        r = ((c + r) * _EEXEC_C1 + _EEXEC_C2) & 0xFFFF
    return bytes(out)


def _eexec_renumber(enc: bytes, sub: Callable[[bytes], bytes]) -> bytes:
    """Apply ``sub`` (same-length edit) to the clear text of an eexec section, re-encrypting.

    Only the Private dictionary (before ``/CharStrings``) is decrypted and edited; the rest keeps
    its clear text and is re-encrypted in one pass: with the old key stream ``ro`` and the new one
    ``rn``, new = old ^ ((ro ^ rn) >> 8).
    """
    c1, c2 = _EEXEC_C1, _EEXEC_C2
    ro, head = _EEXEC_R, bytearray()
    n = len(enc)
    i = 0
    while i < n:
        c = enc[i]
        head.append(c ^ (ro >> 8))
        ro = ((c + ro) * c1 + c2) & 0xFFFF
        i += 1
        if i % 256 == 0 and b"/CharStrings" in head[-300:]:
            break
    new_head = sub(bytes(head))
    if len(new_head) != len(head):
        raise ValueError("eexec edit changes the length")
    if new_head == head:
        return enc
    rn, out = _EEXEC_R, []
    ap = out.append
    for p in new_head:
        c = p ^ (rn >> 8)
        ap(c)
        rn = ((c + rn) * c1 + c2) & 0xFFFF
    for c in enc[i:]:  # the hot loop: ~25 KB per document with three CJK fonts
        x = c ^ ((ro ^ rn) >> 8)
        ap(x)
        ro = ((c + ro) * c1 + c2) & 0xFFFF
        rn = ((x + rn) * c1 + c2) & 0xFFFF
    return bytes(out)


def normalize_type1_ids(data: bytes) -> bytes:
    """Renumber the ``/UniqueID`` of embedded Type 1 fonts (per-process counter in LibreOffice).

    Works on LibreOffice's classic layout (objects in order, one ``xref`` table, indirect stream
    lengths): the changed font streams are decrypted, renumbered, re-encrypted and recompressed, and
    the object offsets and xref table are recomputed. Returns ``data`` unchanged when there is
    nothing to do; raises ValueError when the layout is not the expected one.
    """
    if b"/Length2" not in data:
        return data
    sx = data.rfind(b"startxref")
    xref_at = int(data[sx + 9:].split()[0])
    if data[xref_at:xref_at + 4] != b"xref":
        raise ValueError("no classic xref table")
    lines = data[xref_at:data.index(b"trailer", xref_at)].split(b"\n")
    first, count = (int(x) for x in lines[1].split())
    if first != 0 or data.count(b"\nxref\n") != 1:
        raise ValueError("incremental or unusual xref")
    offsets: dict[int, int] = {}
    for n, line in enumerate(lines[2:2 + count]):
        f = line.split()
        if len(f) >= 3 and f[2] == b"n":
            offsets[n] = int(f[0])
    order = sorted(offsets, key=offsets.get)
    ends = {n: (offsets[order[i + 1]] if i + 1 < len(order) else xref_at) for i, n in enumerate(order)}
    objs = {n: data[offsets[n]:ends[n]] for n in order}

    def int_obj(n: int) -> int:
        body = objs[n]
        return int(body[body.index(b"obj") + 3:body.index(b"endobj")].strip())

    fonts: list[tuple[int, bytes, int, int, int]] = []  # obj, plain stream, len1, len2, length-obj
    ids: set[int] = set()
    for n in order:
        body = objs[n]
        head_end = body.find(b"stream")
        if head_end < 0 or b"/Length2" not in body[:head_end] or b"/FlateDecode" not in body[:head_end]:
            continue
        head = body[:head_end]
        m_len = re.search(rb"/Length (\d+) 0 R", head)
        len1 = int(re.search(rb"/Length1 (\d+)", head).group(1))
        len2 = int(re.search(rb"/Length2 (\d+)", head).group(1))
        if not m_len:
            raise ValueError("direct stream length")
        length_obj = int(m_len.group(1))
        start = head_end + len(b"stream")
        start += 2 if body[start:start + 2] == b"\r\n" else 1
        raw = body[start:start + int_obj(length_obj)]
        plain = zlib.decompress(raw)
        # the clear-text font dictionary repeats the /UniqueID of the encrypted Private dictionary;
        # decrypting is only needed for fonts whose number changes
        found = [int(x) for x in _RE_UNIQUEID.findall(plain[:len1])]
        if not found:
            continue
        ids.update(found)
        fonts.append((n, plain, len1, len2, length_obj))
    if not fonts:
        return data
    ranked = sorted(ids)
    base = 4100000
    mapping = {old: str(base + i).encode() for i, old in enumerate(ranked)}
    if any(len(str(old)) != len(new) for old, new in mapping.items()):
        raise ValueError("UniqueID width changes")
    if all(int(v) == k for k, v in mapping.items()):
        return data

    def sub(b: bytes) -> bytes:
        return _RE_UNIQUEID.sub(lambda m: b"/UniqueID " + mapping[int(m.group(1))], b)

    for n, plain, len1, len2, length_obj in fonts:
        if all(int(mapping[int(x)]) == int(x) for x in _RE_UNIQUEID.findall(plain[:len1])):
            continue
        clear = sub(plain[:len1])
        enc = _eexec_renumber(plain[len1:len1 + len2], sub)
        new_raw = zlib.compress(clear + enc + plain[len1 + len2:], 6)
        body = objs[n]
        head_end = body.index(b"stream")
        start = head_end + len(b"stream")
        start += 2 if body[start:start + 2] == b"\r\n" else 1
        old_len = int_obj(length_obj)
        objs[n] = body[:start] + new_raw + body[start + old_len:]
        lb = objs[length_obj]
        objs[length_obj] = lb[:lb.index(b"obj") + 3] + b"\n" + str(len(new_raw)).encode() + b"\nendobj\n\n"
    out = bytearray(data[:offsets[order[0]]])
    new_offsets: dict[int, int] = {}
    for n in order:
        new_offsets[n] = len(out)
        out += objs[n]
    new_xref = len(out)
    table = [b"xref", b"0 %d" % count]
    for n, line in enumerate(lines[2:2 + count]):
        if n in new_offsets:
            table.append(b"%010d 00000 n " % new_offsets[n])
        else:
            table.append(line.rstrip(b"\r"))
    out += b"\n".join(table) + b"\n"
    trailer = data[data.index(b"trailer", xref_at):sx]
    out += trailer + b"startxref\n%d\n%%%%EOF\n" % new_xref
    return bytes(out)


def _rewrite_with_pypdf(pdf: Path, digest: bytes, date: str | None) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    writer = PdfWriter(clone_from=str(pdf))
    if date:
        writer.add_metadata({"/CreationDate": f"D:{date}Z", "/ModDate": f"D:{date}Z"})
    ident = ByteStringObject(digest[:16])
    writer._ID = ArrayObject([ident, ident])  # noqa: SLF001 - pypdf has no public setter
    tmp = pdf.with_name(pdf.name + ".pypdf")
    with open(tmp, "wb") as f:
        writer.write(f)
    os.replace(tmp, pdf)


def count_pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


# ─── process-group helpers ────────────────────────────────────────────────────────────────────────


def group_pids(pgid: int) -> list[int]:
    """Live pids whose process group is ``pgid`` (Linux /proc; elsewhere just ``[pgid]`` if alive)."""
    pids: list[int] = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        try:
            os.killpg(pgid, 0)
            return [pgid]
        except OSError:
            return []
    for e in entries:
        if not e.isdigit():
            continue
        try:
            with open(f"/proc/{e}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        # fields[0]=state, [1]=ppid, [2]=pgrp
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] != b"Z":
            pids.append(int(e))
    return pids


def kill_group(pgid: int, grace: float = 2.0) -> None:
    """SIGTERM the process group, wait up to ``grace`` seconds, then SIGKILL what is left.

    ``grace=0`` sends SIGKILL at once."""
    steps = ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)) if grace > 0 else ((signal.SIGKILL, 5.0),)
    for sig, wait in steps:
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not group_pids(pgid):
                return
            time.sleep(0.02)


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# ─── the UNO helper (runs under a Python that has ``uno``; stdlib + uno only) ─────────────────────

HELPER_SOURCE = r'''
"""wenshu UNO helper: converts documents in one LibreOffice process; JSON lines on stdin/stdout."""
import json, os, signal, sys, time

def main():
    conn, office_pgid, connect_timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # stray prints must not corrupt the protocol

    def send(obj):
        proto.write(json.dumps(obj, ensure_ascii=False) + "\n")
        proto.flush()

    def kill_office():
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(office_pgid, sig)
            except OSError:
                return
            time.sleep(0.5)

    def watch_parent(parent):
        # our parent gone (kill -9) while we wait on LibreOffice: stdin EOF is not seen then
        import threading
        def run():
            while True:
                time.sleep(0.3)
                if os.getppid() != parent:
                    try:
                        os.killpg(office_pgid, signal.SIGKILL)
                    except OSError:
                        pass
                    os._exit(7)
        threading.Thread(target=run, daemon=True).start()

    watch_parent(os.getppid())

    try:
        import uno
        from com.sun.star.beans import PropertyValue
        from com.sun.star.connection import NoConnectException
    except Exception as e:
        send({"ready": False, "error": "import uno: %r" % (e,)})
        return 3

    def prop(name, value):
        p = PropertyValue()
        p.Name = name
        p.Value = value
        return p

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + connect_timeout
    while True:
        try:
            ctx = resolver.resolve("uno:%s;urp;StarOffice.ComponentContext" % conn)
            break
        except NoConnectException:
            pass
        except Exception as e:
            if time.monotonic() > deadline:
                send({"ready": False, "error": "connect: %r" % (e,)})
                return 4
        if time.monotonic() > deadline:
            send({"ready": False, "error": "connect: timeout"})
            return 4
        try:
            os.killpg(office_pgid, 0)
        except OSError:
            send({"ready": False, "error": "soffice exited during start-up"})
            return 4
        time.sleep(0.05)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    send({"ready": True, "pid": os.getpid()})

    filters = {".docx": "MS Word 2007 XML", ".odt": "writer8", ".doc": "MS Word 97", ".rtf": "Rich Text Format"}
    idle_since = None
    for line in sys.stdin:
        idle = time.monotonic() - idle_since if idle_since is not None else None
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        cmd = req.get("cmd", "convert")
        if cmd == "quit":
            try:
                desktop.terminate()
            except Exception:
                pass
            send({"bye": True})
            return 0
        if cmd == "ping":
            send({"id": req.get("id"), "ok": True})
            continue
        t0 = time.monotonic()
        doc = None
        try:
            load = [prop("Hidden", True), prop("ReadOnly", True), prop("MacroExecutionMode", 0),
                    prop("UpdateDocMode", 0)]
            flt = filters.get(os.path.splitext(req["in"])[1].lower())
            if flt:
                load.append(prop("FilterName", flt))
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(req["in"]), "_blank", 0, tuple(load))
            if doc is None:
                raise RuntimeError("LibreOffice could not open the document")
            t_load = time.monotonic() - t0
            try:
                idx = doc.getDocumentIndexes()
                for i in range(idx.getCount()):
                    idx.getByIndex(i).update()
            except AttributeError:
                pass
            doc.storeToURL(uno.systemPathToFileUrl(req["out"]),
                           (prop("FilterName", req.get("filter", "writer_pdf_Export")),))
            send({"id": req["id"], "ok": True, "load": t_load, "seconds": time.monotonic() - t0, "idle": idle})
        except Exception as e:
            name = type(e).__name__
            fatal = name in ("DisposedException", "RuntimeException") or "Binary URP bridge" in str(e)
            send({"id": req["id"], "ok": False, "error": "%s: %s" % (name, e), "fatal": fatal})
            if fatal:
                return 5
        finally:
            if doc is not None:
                try:
                    doc.close(True)
                except Exception:
                    try:
                        doc.dispose()
                    except Exception:
                        pass
            idle_since = time.monotonic()
    # stdin closed: our parent is gone; do not leave LibreOffice behind
    kill_office()
    return 0

if __name__ == "__main__":
    try:
        code = main()
    except BaseException:  # a broken pipe to our parent, anything: never leave LibreOffice behind
        try:
            os.killpg(int(sys.argv[2]), signal.SIGKILL)
        except (OSError, IndexError, ValueError):
            pass
        code = 8
    sys.exit(code)
'''


# ─── the reaper: cleans up after a pool whose process died (stdlib only, our own interpreter) ────

REAPER_SOURCE = r'''
import os, shutil, signal, sys
root = sys.argv[1]
groups = set()
for line in sys.stdin:
    line = line.strip()
    if line[:1] == "+" and line[1:].isdigit():
        groups.add(int(line[1:]))
    elif line[:1] == "-" and line[1:].isdigit():
        groups.discard(int(line[1:]))
# end of input: the pool closed, or the process that owned it is dead
for g in groups:
    try:
        os.killpg(g, signal.SIGKILL)
    except OSError:
        pass
me = str(os.getpid())
for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
    if not pid.isdigit() or pid == me:
        continue
    try:
        with open("/proc/%s/cmdline" % pid, "rb") as f:
            cmd = f.read()
    except OSError:
        continue
    if root.encode() in cmd:
        try:
            os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass
shutil.rmtree(root, ignore_errors=True)
'''


def _start_time(pid: int) -> str | None:
    """Start time of a process (field 22 of /proc/PID/stat): with the pid, names it uniquely."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
        return stat[stat.rfind(b")") + 2:].split()[19].decode()
    except (OSError, IndexError):
        return None


def _users_of(folder: Path) -> list[int]:
    """Live processes of this user whose command line names ``folder`` (soffice, helpers, reaper)."""
    key = str(folder).encode()
    found = []
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return found
    for pid in pids:
        if pid == os.getpid():
            continue
        try:
            if os.stat(f"/proc/{pid}").st_uid != os.getuid():
                continue
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
            with open(f"/proc/{pid}/stat", "rb") as f:
                state = f.read()
        except OSError:
            continue
        if key in cmd and state[state.rfind(b")") + 2:][:1] != b"Z":
            found.append(pid)
    return found


def _ppid(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
        return int(stat[stat.rfind(b")") + 2:].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def sweep_stale_folders(tmp: Path | None = None, min_age: float = 10.0) -> list[Path]:
    """Remove the temp folders (``wenshu-pdf-*``) of pools whose process is dead, and stop what still
    runs in them. A folder names its owner (pid and start time, file ``owner``); a folder without
    one (an older wenshu) is stale when nothing uses it, or only orphans do. Returns what was removed."""
    tmp = Path(tmp or tempfile.gettempdir())
    removed = []
    try:
        folders = [d for d in tmp.glob("wenshu-pdf-*") if d.is_dir() and d.stat().st_uid == os.getuid()]
    except OSError:
        return removed
    for d in folders:
        try:
            owner = (d / "owner").read_text(encoding="ascii").split()
        except (OSError, UnicodeDecodeError):
            owner = []
        users = _users_of(d)
        if len(owner) == 2 and owner[0].isdigit():
            if _start_time(int(owner[0])) == owner[1]:
                continue  # its pool is alive
        else:
            # An older wenshu (no owner file): stale only if what runs in it is orphaned (its process
            # is gone), or if nothing has run in it for an hour.
            try:
                age = time.time() - d.stat().st_mtime
            except OSError:
                continue
            if age < min_age:
                continue  # being set up right now
            if users and any(_ppid(p) not in (1, None) and _ppid(p) not in users for p in users):
                continue  # still run by its process
            if not users and age < 3600:
                continue
        for pid in users:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d)
    return removed


# ─── one worker ───────────────────────────────────────────────────────────────────────────────────


class _JobFailed(Exception):
    def __init__(self, code: str, message: str, detail: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.detail = detail


_counter = itertools.count(1)


class _Worker:
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
        with pool._spawn_lock:  # never start a process after close() has begun
            if pool._closed:
                raise _JobFailed("pdf.pool-closed", "PDF 转换池已关闭。")
            self._spawn(name)
        self._lines = queue.Queue()
        threading.Thread(target=self._reader, args=(self.helper.stdout, self._lines), daemon=True,
                         name=f"wenshu-pdf-reader-{self.index}").start()
        msg = self._read(pool.start_timeout + 5)
        if msg is None or not msg.get("ready"):
            err = (msg or {}).get("error", "无响应")
            self.stop()
            raise _JobFailed("pdf.start-failed", "LibreOffice 进程启动失败。", str(err))
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
        pool._register_pgid(self.office.pid)
        self.helper = subprocess.Popen(
            [pool.uno_python, str(pool.helper_path), f"pipe,name={name}", str(self.office.pid),
             str(pool.start_timeout)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, env=pool.helper_env,
            start_new_session=True, close_fds=True, text=True, encoding="utf-8", bufsize=1,
        )
        pool._register_pgid(self.helper.pid)

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
        if office is not None:
            kill_group(office.pid, grace=0)
            try:
                office.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self.pool._unregister_pgid(office.pid)
        if helper is not None:
            kill_group(helper.pid, grace=0)
            try:
                helper.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            self.pool._unregister_pgid(helper.pid)
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
        return sum(_rss_bytes(p) for p in self.office_pids)

    # -- one conversion --
    def convert(self, src: Path, out_tmp: Path, timeout: float) -> None:
        if self.pool.uno_python is None:
            return self._convert_cli(src, out_tmp, timeout)
        req = {"id": self.jobs + 1, "in": str(src), "out": str(out_tmp)}
        try:
            self.helper.stdin.write(json.dumps(req, ensure_ascii=False) + "\n")
            self.helper.stdin.flush()
        except (OSError, ValueError, AttributeError) as e:
            raise _JobFailed("pdf.office-died", "LibreOffice 进程意外退出。", repr(e)) from None
        try:
            msg = self._read(timeout)
        except TimeoutError:
            raise _JobFailed("pdf.timeout", f"转换超时（超过 {timeout:g} 秒），已终止 LibreOffice 进程。") from None
        if msg is None:
            raise _JobFailed("pdf.office-died", "LibreOffice 进程意外退出。")
        if os.environ.get("WENSHU_PDF_TRACE"):
            sys.stderr.write(f"[pdf] worker {self.index}: {json.dumps(msg)}\n")
        if not msg.get("ok"):
            code = "pdf.office-died" if msg.get("fatal") else "pdf.convert-failed"
            text = "LibreOffice 进程意外退出。" if msg.get("fatal") else "LibreOffice 无法转换该文档。"
            raise _JobFailed(code, text, msg.get("error"))
        self.jobs += 1

    def _convert_cli(self, src: Path, out_tmp: Path, timeout: float) -> None:
        outdir = self.pool.root / f"out-{self.index}"
        shutil.rmtree(outdir, ignore_errors=True)
        outdir.mkdir()
        with self.pool._spawn_lock:
            if self.pool._closed:
                raise _JobFailed("pdf.pool-closed", "PDF 转换池已关闭。")
            proc = subprocess.Popen(
                [self.pool.soffice, f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
                 "--invisible", "--nologo", "--norestore", "--nolockcheck", "--convert-to", "pdf:writer_pdf_Export",
                 "--outdir", str(outdir), str(src)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                env=self.pool.office_env, start_new_session=True, close_fds=True,
            )
            self.pool._register_pgid(proc.pid)
        try:
            try:
                _, err = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                raise _JobFailed("pdf.timeout", f"转换超时（超过 {timeout:g} 秒），已终止 LibreOffice 进程。") from None
        finally:
            kill_group(proc.pid, grace=0.2)
            proc.wait()
            self.pool._unregister_pgid(proc.pid)
        produced = outdir / (src.stem + ".pdf")
        if proc.returncode != 0 or not produced.is_file():
            raise _JobFailed("pdf.convert-failed", "LibreOffice 无法转换该文档。",
                             (err or b"").decode("utf-8", "replace")[-300:])
        os.replace(produced, out_tmp)
        self.jobs += 1


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
        (self.root / "owner").write_text(f"{os.getpid()} {_start_time(os.getpid()) or ''}", encoding="ascii")
        self._reaper_lock = threading.Lock()
        self._reaper = self._start_reaper()
        self.helper_path = self.root / "wenshu_uno_helper.py"
        self.helper_path.write_text(HELPER_SOURCE, encoding="utf-8")
        self.fontconfig_file = write_fontconfig(self.root / "fontconfig")
        self.office_env = dict(os.environ, FONTCONFIG_FILE=str(self.fontconfig_file), SAL_USE_VCLPLUGIN="svp")
        self.office_env.pop("SESSION_MANAGER", None)
        self.helper_env = _clean_python_env()
        self.profile_template: Path | None = None
        self._all = [_Worker(self, i) for i in range(workers)]
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._spawn_lock = threading.Lock()
        self._started = False
        self._closed = False
        self._pgids: set[int] = set()
        self.restarts = 0
        _install_handlers()
        _LIVE_POOLS.add(self)

    def _start_reaper(self) -> subprocess.Popen | None:
        """The process that cleans up if ours dies (see the module docstring)."""
        try:
            return subprocess.Popen([sys.executable, "-I", "-c", REAPER_SOURCE, str(self.root)],
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
            if self._closed:
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
        errors: list[_JobFailed] = []

        def boot(w: _Worker) -> None:
            try:
                w.start()
            except _JobFailed as e:
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
        with self._spawn_lock:
            if self._closed:
                return
            proc = self._spawn_template(template)
        try:
            proc.wait(timeout=self.start_timeout)
        except subprocess.TimeoutExpired:
            pass
        finally:
            kill_group(proc.pid, grace=0)
            proc.wait()
            self._unregister_pgid(proc.pid)
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
        self._register_pgid(proc.pid)
        return proc

    def close(self) -> None:
        """Stop every soffice process (process group kill) and delete the temp directory."""
        with self._lock, self._spawn_lock:
            if self._closed:
                return
            self._closed = True
        # stop the workers in parallel: each waits a little for its process group to go
        threads = [threading.Thread(target=w.stop) for w in self._all]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for pgid in list(self._pgids):
            kill_group(pgid, grace=0.2)
            self._unregister_pgid(pgid)
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
            return self._fail(docx, pdf, t0, _JobFailed("pdf.write-failed", "无法创建输出目录。", str(e)))
        worker = self._acquire()
        last: _JobFailed | None = None
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
                        raise _JobFailed("pdf.output-invalid", "LibreOffice 没有写出 PDF 文件。")
                    last = None
                    break
                except _JobFailed as e:
                    last = e
                    tmp.unlink(missing_ok=True)
                    (tmp.parent / f".~lock.{tmp.name}#").unlink(missing_ok=True)
                    if e.code == "pdf.start-failed" and attempt == 1:
                        break
                    try:
                        self._restart(worker)
                    except _JobFailed as e2:
                        last = e2
                        break
            if last is None and (worker.jobs >= self.restart_after or worker.rss() > self.max_rss):
                try:
                    self._restart(worker)
                except _JobFailed:
                    pass  # restarted again on next use
        finally:
            self._release(worker)
        if last is not None:
            return self._fail(docx, pdf, t0, last)
        try:
            pages = self._finish(src, tmp, pdf)
        except Exception as e:  # noqa: BLE001 - a broken PDF, a full disk ...
            tmp.unlink(missing_ok=True)
            return self._fail(docx, pdf, t0, _JobFailed("pdf.output-invalid", "生成的 PDF 无法读取或写入。",
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
    def _acquire(self) -> _Worker:
        while True:
            if self._closed:
                raise RenderError(Problem(code="pdf.pool-closed", message="PDF 转换池已关闭。"))
            try:
                return self._idle.get(timeout=0.5)
            except queue.Empty:
                continue

    def _release(self, w: _Worker) -> None:
        self._idle.put(w)

    def _restart(self, w: _Worker) -> None:
        self.restarts += 1
        if self._closed:
            raise _JobFailed("pdf.pool-closed", "PDF 转换池已关闭。")
        w.restart()

    def _finish(self, src: Path, tmp: Path, pdf: Path) -> int:
        """Make the PDF reproducible, count its pages, move it into place."""
        digest = hashlib.sha256(src.read_bytes()).digest()
        date = docx_date(src)
        data = reproducible_bytes(tmp.read_bytes(), digest, date)
        if data is None:
            _rewrite_with_pypdf(tmp, digest, date)
            pages = count_pages(tmp)
        else:
            pages = page_count_bytes(data)
            tmp.write_bytes(data)
            if pages is None:
                pages = count_pages(tmp)
        os.replace(tmp, pdf)
        return pages

    def _fail(self, docx: Path, pdf: Path, t0: float, e: _JobFailed) -> PdfResult:
        hint = None
        if e.code in ("pdf.timeout", "pdf.office-died", "pdf.convert-failed"):
            hint = "已重启 LibreOffice 并重试一次仍失败；请用 Word/WPS 打开该文件检查是否损坏，或运行 “wenshu doctor”。"
        return PdfResult(docx, pdf, False, None, time.monotonic() - t0,
                         Problem(code=e.code, message=e.message, file=str(docx), found=e.detail, hint=hint))

    def _register_pgid(self, pgid: int) -> None:
        self._pgids.add(pgid)
        self._tell_reaper(f"+{pgid}")
        with _LIVE_LOCK:
            _LIVE_PGIDS.add(pgid)

    def _unregister_pgid(self, pgid: int) -> None:
        self._pgids.discard(pgid)
        self._tell_reaper(f"-{pgid}")
        with _LIVE_LOCK:
            _LIVE_PGIDS.discard(pgid)
