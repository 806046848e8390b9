"""Processes on Linux's /proc: whole process groups killed, and the temp folders of dead pools swept.

Every LibreOffice process the pool starts runs in a session of its own, so killing its process
group kills the ``soffice`` script, ``oosplash`` and ``soffice.bin`` together. A pool's temp folder
(``wenshu-pdf-*``) names its owner (file ``owner``: pid and start time); :func:`sweep_stale_folders`
removes the folders whose owner is dead and stops what still runs in them.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from pathlib import Path


def _stat_fields(pid: int) -> list[bytes] | None:
    """The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [2] pgrp … [19] start time."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    return stat[stat.rfind(b")") + 2:].split()


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
        fields = _stat_fields(int(e))
        if fields and len(fields) > 2 and int(fields[2]) == pgid and fields[0] != b"Z":
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


def rss_bytes(pid: int) -> int:
    """Resident memory of a process, in bytes (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def start_time(pid: int) -> str | None:
    """Start time of a process (field 22 of /proc/PID/stat): with the pid, names it uniquely."""
    fields = _stat_fields(pid)
    return fields[19].decode() if fields and len(fields) > 19 else None


def own_processes() -> list[int]:
    """The other processes of this user (Linux /proc; none where it cannot be read)."""
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return []
    out = []
    for pid in pids:
        try:
            if pid != os.getpid() and os.stat(f"/proc/{pid}").st_uid == os.getuid():
                out.append(pid)
        except OSError:
            continue
    return out


def _users_of(folder: Path) -> list[int]:
    """Live processes of this user whose command line names ``folder`` (soffice, helpers, reaper)."""
    key = str(folder).encode()
    found = []
    for pid in own_processes():
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        fields = _stat_fields(pid)
        if key in cmd and fields and fields[0] != b"Z":
            found.append(pid)
    return found


def _ppid(pid: int) -> int | None:
    fields = _stat_fields(pid)
    try:
        return int(fields[1]) if fields else None
    except (IndexError, ValueError):
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
            if start_time(int(owner[0])) == owner[1]:
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
