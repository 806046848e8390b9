"""The PDF pool's parts without LibreOffice: PDF byte editing and the page count (pdfbytes), process
groups (processes) and the reaper, run the way the pool runs it."""

from __future__ import annotations

import hashlib
import io
import os
import re
import signal
import subprocess
import sys
import time
import zlib
from importlib import resources
from pathlib import Path

from wenshu.pdf import pdfbytes, reaper
from wenshu.pdf.pdfbytes import page_count, reproducible_bytes, rewrite_with_pypdf
from wenshu.pdf.processes import group_pids, kill_group

# ─── a small PDF written by hand ──────────────────────────────────────────────────────────────────


def make_pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A classic PDF (one xref table) of ``objects`` (numbered from 1); object 1 is the catalog."""
    out = bytearray(b"%PDF-1.6\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<</Size %d/Root 1 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


PAGE = b"<</Type/Page/Parent %d 0 R/MediaBox[0 0 595 842]>>"
LO_TRAILER = (b"/Info 9 0 R/ID [ <00112233445566778899AABBCCDDEEFF>\n<00112233445566778899AABBCCDDEEFF> ]\n"
              b"/DocChecksum /0123456789ABCDEF0123456789ABCDEF")


def flat_pdf(pages: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    return make_pdf([b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages\n/Kids[ %s ]\n/Count %d>>" % (kids, pages),
                     *[PAGE % 2] * pages])


def test_page_count_of_a_flat_page_tree_and_of_a_nested_one(tmp_path):
    assert page_count(flat_pdf(3)) == 3
    nested = make_pdf([b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R 6 0 R]/Count 3>>",
                       b"<</Type/Pages/Parent 2 0 R/Kids[4 0 R 5 0 R]/Count 2>>", PAGE % 3, PAGE % 3, PAGE % 2])
    assert page_count(nested) == 3  # two /Pages nodes: read by pypdf
    path = tmp_path / "n.pdf"
    path.write_bytes(nested)
    assert page_count(path) == page_count(str(path)) == 3


def test_page_count_of_what_pypdf_writes():
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(5):
        w.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    w.write(buf)
    assert page_count(buf.getvalue()) == 5


def test_a_pdf_file_counts_like_its_bytes(tmp_path):
    (tmp_path / "a.pdf").write_bytes(flat_pdf(2))
    assert page_count(flat_pdf(2)) == page_count(tmp_path / "a.pdf") == 2


def test_reproducible_bytes_rewrites_id_checksum_and_dates_in_place():
    data = make_pdf([b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>", PAGE % 2,
                     *[b"null"] * 5, b"<</Producer(LibreOffice)/CreationDate(D:20250102030405+08'00')>>"],
                    trailer_extra=LO_TRAILER)
    digest = hashlib.sha256(b"the docx").digest()
    out = reproducible_bytes(data, digest, "20240428000000")
    assert len(out) == len(data)
    assert out.count(digest[:16].hex().upper().encode()) == 2
    assert b"/DocChecksum /" + digest[16:32].hex().upper().encode() in out
    assert b"/CreationDate(D:20240428000000+08'00')" in out
    assert reproducible_bytes(out, digest, "20240428000000") == out


def test_a_pdf_without_libreoffices_trailer_is_rewritten_by_pypdf():
    data = flat_pdf(2)
    digest = bytes(range(32))
    assert reproducible_bytes(data, digest, None) is None
    from pypdf import PdfReader

    out = rewrite_with_pypdf(data, digest, "20240428000000")
    reader = PdfReader(io.BytesIO(out))
    first = reader.trailer["/ID"][0]
    assert getattr(first, "original_bytes", first) == digest[:16]
    assert reader.metadata["/CreationDate"] == "D:20240428000000Z"
    assert page_count(out) == 2
    assert rewrite_with_pypdf(data, digest, "20240428000000") == out


# ─── Type 1 fonts: eexec ──────────────────────────────────────────────────────────────────────────


def eexec_encrypt(plain: bytes) -> bytes:
    r, out = 55665, bytearray()
    for p in plain:
        c = p ^ (r >> 8)
        out.append(c)
        r = ((c + r) * 52845 + 22719) & 0xFFFF
    return bytes(out)


def test_eexec_renumbering_edits_the_private_dictionary_and_keeps_the_rest():
    private = b"\x00\x01\x02\x03dup /Private 8 dict dup begin /UniqueID 4123456 def /lenIV 4 def" + b" " * 300
    rest = b"/CharStrings 2 dict dup begin /.notdef 4 RD \x10\x20\x30\x40 ND end" + bytes(range(256)) * 4
    enc = eexec_encrypt(private + rest)
    assert pdfbytes._eexec_decrypt(enc) == private + rest

    def sub(b: bytes) -> bytes:
        return b.replace(b"/UniqueID 4123456", b"/UniqueID 4100000")

    new = pdfbytes._eexec_renumber(enc, sub)
    assert len(new) == len(enc)
    assert pdfbytes._eexec_decrypt(new) == sub(private) + rest
    assert pdfbytes._eexec_renumber(enc, lambda b: b) is enc  # nothing to change: the same bytes


def type1_font_pdf(unique_id: int) -> bytes:
    clear = b"%!PS-AdobeFont-1.0: Test\n/FontName /Test def\n/UniqueID " + str(unique_id).encode() + b" def\neexec\n"
    private = b"\x00\x01\x02\x03dup /Private 8 dict dup begin /UniqueID " + str(unique_id).encode() + b" def" + b" " * 300
    enc = eexec_encrypt(private + b"/CharStrings 1 dict dup begin end" + b"\x00" * 600)
    tail = b"0" * 64 + b"\ncleartomark\n"
    raw = zlib.compress(clear + enc + tail)
    font = (b"<</Length 4 0 R/Filter/FlateDecode/Length1 %d/Length2 %d/Length3 %d>>\nstream\n"
            % (len(clear), len(enc), len(tail)) + raw + b"\nendstream")
    return make_pdf([b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[5 0 R]/Count 1>>", font,
                     str(len(raw)).encode(), PAGE % 2], trailer_extra=LO_TRAILER)


def test_type1_unique_ids_are_numbered_by_rank_whatever_the_process_counter():
    """LibreOffice numbers the Type 1 fonts it makes with a per-process counter: the same document
    converted second by a process differs from the first. Renumbered, both give the same bytes."""
    first, second = type1_font_pdf(4123456), type1_font_pdf(4123999)
    assert first != second
    a, b = pdfbytes.normalize_type1_ids(first), pdfbytes.normalize_type1_ids(second)
    assert a == b
    assert b"/UniqueID 4100000" in zlib.decompress(re.search(rb"stream\n(.*?)\nendstream", a, re.S).group(1))
    assert page_count(a) == 1
    from pypdf import PdfReader

    PdfReader(io.BytesIO(a), strict=True).pages[0]  # offsets and xref recomputed: still a valid file
    assert pdfbytes.normalize_type1_ids(a) == a


# ─── process groups ───────────────────────────────────────────────────────────────────────────────


def test_kill_group_kills_every_process_of_the_group():
    leader = subprocess.Popen(["/bin/sh", "-c", "sleep 60 & sleep 60 & wait"], start_new_session=True)
    try:
        deadline = time.monotonic() + 5
        while len(group_pids(leader.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(group_pids(leader.pid)) == 3
        kill_group(leader.pid, grace=0.5)
        leader.wait(timeout=5)
        assert group_pids(leader.pid) == []
    finally:
        kill_group(leader.pid, grace=0)
        leader.wait()


# ─── the reaper ───────────────────────────────────────────────────────────────────────────────────


def test_read_groups_keeps_what_was_started_and_not_stopped():
    assert reaper.read_groups(["+12\n", "+13\n", "-12\n", "junk\n", "+x\n", "+14"]) == {13, 14}


def test_the_reaper_kills_what_the_pool_left_and_removes_its_folder(tmp_path):
    folder = tmp_path / "wenshu-pdf-test"
    (folder / "profile-0-1").mkdir(parents=True)
    script = folder / "reaper.py"  # as the pool runs it: a copy in its folder, by path, isolated
    script.write_text(resources.files("wenshu.pdf").joinpath("reaper.py").read_text(encoding="utf-8"), encoding="utf-8")
    registered = subprocess.Popen(["sleep", "60"], start_new_session=True)
    released = subprocess.Popen(["sleep", "61"], start_new_session=True)  # registered, then stopped by the pool
    naming = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)",
                               f"-env:UserInstallation={(folder / 'profile-0-1').as_uri()}"], start_new_session=True)
    proc = subprocess.Popen([sys.executable, "-I", str(script), str(folder)], stdin=subprocess.PIPE,
                            start_new_session=True)
    try:
        for line in (f"+{registered.pid}", f"+{released.pid}", f"-{released.pid}"):
            proc.stdin.write(f"{line}\n".encode())
        proc.stdin.flush()
        time.sleep(0.2)
        assert registered.poll() is None and naming.poll() is None  # nothing happens while the pipe is open
        proc.stdin.close()  # the pool's process is gone
        assert proc.wait(timeout=10) == 0
        assert registered.wait(timeout=5) == -signal.SIGKILL
        assert naming.wait(timeout=5) == -signal.SIGKILL
        assert released.poll() is None
        assert not folder.exists()
    finally:
        for p in (registered, released, naming, proc):
            if p.poll() is None:
                p.kill()
            p.wait()


def test_the_reaper_and_helper_scripts_are_installed_into_the_pools_folder(tmp_path):
    """PdfPool copies them from the package (works from a wheel too) into its temp folder."""
    from wenshu.pdf.pool import PdfPool

    pool = PdfPool.__new__(PdfPool)
    pool.root = tmp_path
    path = pool._script("uno_helper.py")
    assert path.parent == tmp_path
    assert path.read_bytes() == Path(pdfbytes.__file__).with_name("uno_helper.py").read_bytes()
    assert os.access(path, os.R_OK)
