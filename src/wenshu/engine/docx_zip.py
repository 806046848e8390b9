"""Deterministic, atomic .docx writing.

Same parts in, same bytes out: entries keep the template's order with ``[Content_Types].xml`` first,
every entry carries the DOS epoch 1980-01-01 00:00 (what Word itself writes), fixed permissions and a
fixed compression level. Files are written through :func:`wenshu.atomic.atomic_write` (a temporary
name beside the target, renamed into place), so a crash or Ctrl-C never leaves a half-written .docx.
"""

from __future__ import annotations

import struct
import zlib

from wenshu.atomic import atomic_write  # noqa: F401 - moved there; imported from here by older code

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
COMPRESS_LEVEL = 6


class PreparedEntry:
    """A zip entry whose deflated bytes are computed once and reused for every document.

    Parts a template never changes (styles, fonts table, theme, media) are compressed once per batch
    instead of once per document.
    """

    __slots__ = ("name", "data", "crc", "compressed")

    def __init__(self, name: str, data: bytes):
        self.name = name
        self.data = data
        self.crc = zlib.crc32(data)
        self.compressed = deflate(data)


# DOS date for 1980-01-01 (year offset 0, month 1, day 1) and time 00:00:00.
_DOS_DATE = (0 << 9) | (1 << 5) | 1
_DOS_TIME = 0
_VERSION = 20  # 2.0: deflate
_MADE_BY = (3 << 8) | _VERSION  # fixed "unix", whatever the platform
_EXTERNAL_ATTR = 0o644 << 16


# Rendered parts change with every document and are compressed at level 1 (3x faster than 6, a few
# percent larger); parts that never change are compressed once per template at COMPRESS_LEVEL.
RENDERED_LEVEL = 1


def deflate(data: bytes, level: int = COMPRESS_LEVEL) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def write_zip(fileobj, entries: list[tuple[str, bytes | PreparedEntry]], level: int = RENDERED_LEVEL) -> None:
    """Write entries, in the given order, as a deterministic zip to an open binary file.

    A small writer of our own instead of ``zipfile``: it can store the pre-compressed bytes of
    unchanged parts as they are (``zipfile`` has no raw-copy API), and every header field is fixed.
    """
    central = []
    offset = 0
    out = fileobj
    for name, payload in entries:
        if isinstance(payload, PreparedEntry):
            data_len, crc, comp = len(payload.data), payload.crc, payload.compressed
        else:
            data_len, crc, comp = len(payload), zlib.crc32(payload), deflate(payload, level)
        raw_name = name.encode("utf-8")
        flags = 0x800 if not name.isascii() else 0
        header = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, _VERSION, flags, 8, _DOS_TIME, _DOS_DATE,
            crc, len(comp), data_len, len(raw_name), 0,
        )
        out.write(header)
        out.write(raw_name)
        out.write(comp)
        central.append(struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, _MADE_BY, _VERSION, flags, 8, _DOS_TIME, _DOS_DATE,
            crc, len(comp), data_len, len(raw_name), 0, 0, 0, 0, _EXTERNAL_ATTR, offset,
        ) + raw_name)
        offset += len(header) + len(raw_name) + len(comp)
    cd = b"".join(central)
    out.write(cd)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(cd), offset, 0))
