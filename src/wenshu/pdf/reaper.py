"""The reaper: cleans up after a PDF pool whose process died.

Started with each pool, in a session of its own, and run by path with our interpreter in isolated
mode (``python -I reaper.py POOL_FOLDER``), so it imports only the standard library, never wenshu.
The pool tells it on stdin which process groups it started and stopped (``+PGID`` / ``-PGID``, one
a line). When its stdin ends — the pool closed, or the process that owned it is dead (``kill -9``,
the OOM killer, a closed SSH session) — it kills the groups still registered and every process
whose command line names the pool's folder, then removes the folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys


def read_groups(lines) -> set[int]:
    """The process groups registered and not unregistered by the end of ``lines``."""
    groups: set[int] = set()
    for line in lines:
        line = line.strip()
        if line[:1] == "+" and line[1:].isdigit():
            groups.add(int(line[1:]))
        elif line[:1] == "-" and line[1:].isdigit():
            groups.discard(int(line[1:]))
    return groups


def processes_naming(folder: str, proc: str = "/proc") -> list[int]:
    """Pids (ours excluded) whose command line contains ``folder``."""
    me = str(os.getpid())
    key = folder.encode()
    found = []
    for pid in os.listdir(proc) if os.path.isdir(proc) else []:
        if not pid.isdigit() or pid == me:
            continue
        try:
            with open(os.path.join(proc, pid, "cmdline"), "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if key in cmd:
            found.append(int(pid))
    return found


def reap(folder: str, groups: set[int]) -> None:
    for g in groups:
        try:
            os.killpg(g, signal.SIGKILL)
        except OSError:
            pass
    for pid in processes_naming(folder):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    folder = argv[0]
    groups = read_groups(sys.stdin)
    # end of input: the pool closed, or the process that owned it is dead
    reap(folder, groups)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
