"""Write a file atomically: a reader sees the old file or the whole new one, never half of it.

The data goes to a temporary file in the target's own folder (the same file system, so the rename
is atomic), is flushed and fsync'ed, then renamed over the target with ``os.replace``. On any
failure, Ctrl-C included, the temporary file is removed and the target is left as it was.

The temporary file is named ``.<target name>.<random>.part``: hidden, and recognisable by the
batch's clean-up of leftovers (``wenshu.batch`` sweeps ``.*.part``). It is created with the
permissions a plain ``open(target, "wb")`` would give (0666 less the umask), not the 0600 of
``tempfile.mkstemp``: the files wenshu writes are documents to be shared.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Union

Writer = Union[bytes, bytearray, memoryview, Callable[[BinaryIO], object]]


def atomic_write(target: Path | str, writer: Writer, *, force: bool = False) -> None:
    """Write ``writer`` to ``target`` atomically; ``writer`` is the bytes, or a function called
    with the open binary file.

    Creates the target's folder when needed. Raises FileExistsError when ``target`` exists and
    ``force`` is false.
    """
    target = Path(target)
    if target.exists() and not force:
        raise FileExistsError(str(target))
    if isinstance(writer, (bytes, bytearray, memoryview)):
        data = writer

        def writer(f: BinaryIO) -> None:
            f.write(data)

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.part"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            writer(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def current_umask() -> int:
    """The process's umask (read without changing it where /proc tells it; else set and restored)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    m = os.umask(0)
    os.umask(m)
    return m
