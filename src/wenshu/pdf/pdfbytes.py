"""Editing LibreOffice's PDF bytes: reproducible output and the page count.

* :func:`reproducible_bytes`: the volatile parts of a PDF (``/ID``, ``/DocChecksum``, the dates and
  the ``/UniqueID`` of embedded Type 1 fonts) made a function of the input, so the same .docx gives
  byte-identical PDFs. Same-length edits on LibreOffice's layout; :func:`rewrite_with_pypdf` for
  any other PDF.
* :func:`normalize_type1_ids`: the Type 1 part — eexec decryption, renumbering, re-encryption.
* :func:`page_count`: the one way wenshu counts the pages of a PDF.
"""

from __future__ import annotations

import io
import os
import re
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from wenshu.atomic import atomic_write

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
    atomic_write(pdf, new, force=True)
    return True


def reproducible_bytes(data: bytes, digest: bytes, date: str | None) -> bytes | None:
    """The PDF ``data`` with its volatile parts made a function of the input, so equal inputs give
    equal bytes.

    * /ID (both halves) and /DocChecksum come from ``digest`` (sha256 of the input .docx);
      /CreationDate and /ModDate get ``date`` — same-length replacements.
    * LibreOffice 7.x converts CFF fonts (Noto CJK) to Type 1 and numbers them with a per-process
      counter (``/UniqueID``), also inside the eexec-encrypted part; the second document converted by
      a process therefore differs from the first. :func:`normalize_type1_ids` renumbers them by rank.

    Returns None when the trailer is not LibreOffice's (then :func:`rewrite_with_pypdf` is used).
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


# ─── Type 1 fonts: /UniqueID renumbered through the eexec encryption ─────────────────────────────

_EEXEC_R, _EEXEC_C1, _EEXEC_C2 = 55665, 52845, 22719
_RE_UNIQUEID = re.compile(rb"/UniqueID (\d+)")


def _eexec_decrypt(data: bytes) -> bytes:
    """The clear text of an eexec-encrypted section (Adobe Type 1 Font Format, 7.2)."""
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


def rewrite_with_pypdf(data: bytes, digest: bytes, date: str | None) -> bytes:
    """:func:`reproducible_bytes` for a PDF of any structure: /ID from ``digest``, the dates set to
    ``date``, the whole file written again by pypdf (valid, though not byte-for-byte LibreOffice's)."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    writer = PdfWriter(clone_from=io.BytesIO(data))
    if date:
        writer.add_metadata({"/CreationDate": f"D:{date}Z", "/ModDate": f"D:{date}Z"})
    ident = ByteStringObject(digest[:16])
    writer._ID = ArrayObject([ident, ident])  # noqa: SLF001 - pypdf has no public setter
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ─── the page count ───────────────────────────────────────────────────────────────────────────────

_RE_PAGES = re.compile(rb"<<\s*/Type\s*/Pages\b(.*?)>>\s*endobj", re.S)
_RE_COUNT = re.compile(rb"/Count\s+(\d+)")


def page_count(pdf: bytes | Path | str) -> int:
    """Number of pages of a PDF (its bytes, or a path).

    LibreOffice writes one flat page tree: its ``/Count`` is read straight from the bytes. Any other
    structure (nested page trees, object streams, several revisions) is parsed by pypdf; a file
    pypdf cannot read raises its error."""
    data = pdf if isinstance(pdf, (bytes, bytearray, memoryview)) else Path(pdf).read_bytes()
    data = bytes(data)
    nodes = _RE_PAGES.findall(data)
    if len(nodes) == 1 and b"/ObjStm" not in data:
        m = _RE_COUNT.search(nodes[0])
        if m:
            return int(m.group(1))
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)
