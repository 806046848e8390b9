"""PDF conversion with real LibreOffice: the pool, fonts, booklets, crash/interrupt handling, doctor.

Tests marked ``libreoffice`` need ``soffice`` and poppler-utils; they are skipped only when
``find_soffice()`` finds no LibreOffice at all.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import lo
from click.testing import CliRunner

from wenshu.pdf.office import LibreOfficeMissing, find_soffice
from wenshu.pdf.pdfbytes import make_reproducible
from wenshu.pdf.pool import PdfPool, PdfResult
from wenshu.pdf.processes import group_pids

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data_examples"

needs_lo = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed")
lo = [pytest.mark.libreoffice, needs_lo]

A4 = (595.3, 841.9)


def squash(text: str) -> str:
    """pdftotext output without any whitespace (it inserts and drops spaces freely)."""
    return re.sub(r"\s+", "", text)


def pdftotext(pdf: Path, first: int | None = None, last: int | None = None, layout: bool = False) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8"]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    if layout:
        cmd.append("-layout")
    return subprocess.run([*cmd, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdffonts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0] for line in out.splitlines()[2:] if line.strip()]


def gone(pgids: list[int]) -> bool:
    """True when no live (non-zombie) process is left in any of these process groups."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if not any(group_pids(g) for g in pgids):
            return True
        time.sleep(0.1)
    return False


# ─── fixtures ─────────────────────────────────────────────────────────────────────────────────────


def _render(kind: str, out: Path, *extra: str) -> Path:
    subprocess.run([sys.executable, "-m", "wenshu", "render", kind, str(EXAMPLES), *extra, "-o", str(out), "--force"],
                   check=True, cwd=out.parent, capture_output=True)
    return out


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("docx")
    return {
        "notice": _render("notice", d / "notice.docx", "--item", "港政办〔2024〕3号"),
        "tasks": _render("task_list", d / "tasks.docx", "--item", "2024-全区"),
    }


@pytest.fixture(scope="module")
def pool():
    if find_soffice() is None:
        lo.require_soffice()  # fails (README installs LibreOffice), unless WENSHU_ALLOW_NO_LIBREOFFICE is set
    with PdfPool(workers=2, timeout=120) as p:
        yield p


@pytest.fixture(scope="module")
def converted(pool, samples, tmp_path_factory) -> dict[str, PdfResult]:
    out = tmp_path_factory.mktemp("pdf")
    results = pool.convert_many([(samples["notice"], out / "notice.pdf"), (samples["tasks"], out / "tasks.pdf")])
    return {"notice": results[0], "tasks": results[1]}


# ─── no LibreOffice needed ────────────────────────────────────────────────────────────────────────


def test_missing_libreoffice_is_a_chinese_error_with_the_install_command(monkeypatch, tmp_path):
    monkeypatch.setenv("WENSHU_SOFFICE", str(tmp_path / "no-soffice"))
    assert find_soffice() is None
    with pytest.raises(LibreOfficeMissing) as e:
        PdfPool()
    assert "LibreOffice" in str(e.value)
    assert "apt-get install -y libreoffice-writer-nogui" in str(e.value)
    assert e.value.exit_code == 1


def test_fonts_conf_maps_every_official_name():
    from importlib import resources

    text = resources.files("wenshu.pdf").joinpath("fonts.conf").read_text(encoding="utf-8")
    root = ET.fromstring(text)
    mapped = {m.find("test/string").text: [s.text for s in m.find("edit").findall("string")]
              for m in root.findall("match")}
    for name in ("方正小标宋简体", "方正小标宋_GBK", "仿宋_GB2312", "仿宋", "FangSong", "黑体", "SimHei",
                 "楷体_GB2312", "楷体", "KaiTi", "宋体", "SimSun"):
        assert name in mapped, name
    assert mapped["黑体"][0] == "Noto Sans CJK SC"
    assert mapped["楷体_GB2312"][0] == "AR PL UKai CN"
    assert mapped["宋体"][0] == "Noto Serif CJK SC"
    assert mapped["方正小标宋简体"][0] == "Noto Serif CJK SC"
    # only free fonts are named, no font file is shipped
    assert not list((ROOT / "src" / "wenshu" / "pdf").glob("*.tt[fc]"))


def test_missing_input_is_reported_without_starting_libreoffice(tmp_path):
    if find_soffice() is None:
        lo.require_soffice()  # fails (README installs LibreOffice), unless WENSHU_ALLOW_NO_LIBREOFFICE is set
    p = PdfPool(workers=1)
    try:
        r = p.convert(tmp_path / "nope.docx", tmp_path / "nope.pdf")
        assert not r.ok and r.problem.code == "pdf.input-missing"
        assert p.office_pgids() == []  # nothing was started for it
    finally:
        p.close()


# ─── real conversions ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.libreoffice
@needs_lo
def test_notice_pdf_is_a4_with_text_and_page_numbers(converted, samples):
    from pypdf import PdfReader

    r = converted["notice"]
    assert r.ok, r.problem and r.problem.format()
    assert r.pdf.is_file() and r.pages and r.pages >= 3
    reader = PdfReader(str(r.pdf))
    assert len(reader.pages) == r.pages
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1
    text = squash(pdftotext(r.pdf))
    assert "港政办〔2024〕3号" in text
    assert "黄石港区人民政府办公室" in text
    assert "—2—" in squash(pdftotext(r.pdf, 2, 2))
    assert "—3—" in squash(pdftotext(r.pdf, 3, 3))
    # no temp file left next to the output
    assert not [p for p in r.pdf.parent.iterdir() if p.name.startswith(".")]


@pytest.mark.libreoffice
@needs_lo
def test_task_list_pdf(converted):
    r = converted["tasks"]
    assert r.ok, r.problem and r.problem.format()
    text = squash(pdftotext(r.pdf))
    assert "任务清单" in text and "区投资管理委员会" in text
    from pypdf import PdfReader

    page = PdfReader(str(r.pdf)).pages[0]
    assert sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height)))) == [595, 842]


@pytest.mark.libreoffice
@needs_lo
def test_fonts_are_cjk_substitutes_not_a_latin_fallback(converted):
    from wenshu.pdf.doctor import font_lines

    fonts = pdffonts(converted["notice"].pdf)
    assert fonts
    assert not [f for f in fonts if "DejaVu" in f or "Liberation" in f], fonts
    substituted = {line.item.split()[1].split("（")[0] for line in font_lines() if line.status == "substituted"}
    if {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"} <= substituted:
        joined = " ".join(fonts)
        assert "UMingCN" in joined  # 仿宋 body
        assert "NotoSerifCJK" in joined and "Bold" in joined  # 小标宋 title
        assert "NotoSansCJK" in joined  # 黑体 headings
        assert "UKaiCN" in joined  # 楷体 headings


@pytest.mark.libreoffice
@needs_lo
def test_full_body_pages_have_22_lines(converted):
    """GB/T 9704: 22 lines per page; the substitute fonts must keep the line grid."""
    pdf, pages = converted["notice"].pdf, converted["notice"].pages
    counts = []
    for n in range(1, pages + 1):
        lines = [ln for ln in pdftotext(pdf, n, n, layout=True).splitlines() if ln.strip()]
        body = [ln for ln in lines if not re.fullmatch(r"\s*—\s*\d+\s*—\s*", ln)]
        counts.append(len(body))
    # body pages of the 工作方案 are full: exactly 22 lines (pages with tables have many more short
    # lines; a broken grid would give 23-24 lines or 21 with overflowing pages)
    assert counts.count(22) >= 5, counts
    assert not [c for c in counts if 22 < c < 30], counts


@pytest.mark.libreoffice
@needs_lo
def test_same_docx_gives_identical_pdf_bytes(pool, samples, tmp_path):
    # the same input through both workers, before and after other conversions
    pairs = [(samples["notice"], tmp_path / f"n{i}.pdf") for i in range(3)]
    pairs.insert(1, (samples["tasks"], tmp_path / "t.pdf"))
    results = pool.convert_many(pairs)
    assert all(r.ok for r in results)
    blobs = {(tmp_path / f"n{i}.pdf").read_bytes() for i in range(3)}
    assert len(blobs) == 1
    blob = blobs.pop()
    assert b"/CreationDate(D:20240428000000" in blob  # the document's date, not the conversion time


@pytest.mark.libreoffice
@needs_lo
def test_make_reproducible_keeps_the_pdf_valid(converted, tmp_path):
    from pypdf import PdfReader

    copy = tmp_path / "c.pdf"
    copy.write_bytes(converted["tasks"].pdf.read_bytes())
    assert make_reproducible(copy, bytes(range(32)), "20200102030405")
    reader = PdfReader(str(copy), strict=True)
    assert len(reader.pages) == converted["tasks"].pages
    first_id = reader.trailer["/ID"][0]
    assert getattr(first_id, "original_bytes", first_id) == bytes(range(16))
    assert "任务清单" in squash(pdftotext(copy))


@pytest.mark.libreoffice
@needs_lo
def test_booklet_with_three_documents(pool, converted, tmp_path):
    from pypdf import PdfReader

    from wenshu.pdf.booklet import make_booklet

    n, t = converted["notice"], converted["tasks"]
    items = [("关于印发工作方案的通知", n.pdf), ("2024年任务清单", t.pdf), ("工作方案（副本）", n.pdf)]
    res = make_booklet("投资项目绩效综合评价文件汇编", items, tmp_path / "book.pdf", pool=pool, sort=False)
    reader = PdfReader(str(res.out))
    # printed double-sided: the contents and every document take an even number of pages (a blank
    # page after an odd count), so each document starts on the front of a sheet
    def even(k: int) -> int:
        return k + k % 2

    assert len(reader.pages) == res.pages == even(res.contents_pages) + 2 * even(n.pages) + even(t.pages)
    outline = reader.outline
    assert [o.title for o in outline] == [name for name, _ in items]
    starts = [reader.get_destination_page_number(o) + 1 for o in outline]
    assert starts == [e.start_page for e in res.entries]
    first = even(res.contents_pages) + 1
    assert starts == [first, first + even(n.pages), first + even(n.pages) + even(t.pages)]
    assert all(s % 2 == 1 for s in starts)
    for e in res.entries:  # a blank page prints nothing
        if e.pages % 2:
            assert squash(pdftotext(res.out, e.start_page + e.pages, e.start_page + e.pages)) == ""
    contents = squash(pdftotext(res.out, 1, res.contents_pages))
    assert "目录" in contents
    for (name, _), start in zip(items, starts):
        assert name in contents and str(start) in contents
    assert not [f for f in pdffonts(res.out) if "DejaVu" in f]
    assert [row["pages"] for row in res.manifest()] == [n.pages, t.pages, n.pages]


@pytest.mark.libreoffice
@needs_lo
def test_killing_soffice_mid_batch_still_produces_every_pdf(samples, tmp_path):
    pairs = [(samples["tasks" if i % 2 else "notice"], tmp_path / f"d{i}.pdf") for i in range(8)]
    seen: list[int] = []
    killed: list[int] = []
    with PdfPool(workers=2) as p:
        seen.extend(p.office_pgids())

        def progress(r: PdfResult) -> None:
            if not killed:
                # kill soffice.bin (the real office process) of every worker while jobs are running
                for pid in p.office_pids():
                    try:
                        with open(f"/proc/{pid}/comm") as f:
                            comm = f.read().strip()
                    except OSError:
                        continue
                    if comm.startswith("soffice"):
                        os.kill(pid, signal.SIGKILL)
                        killed.append(pid)
                        break

        results = p.convert_many(pairs, progress=progress)
        seen.extend(p.office_pgids())
        assert killed
        assert all(r.ok for r in results), [r.problem.format() for r in results if r.problem]
        assert all(pdf.is_file() and pdf.stat().st_size > 1000 for _, pdf in pairs)
        assert p.restarts >= 1
    assert gone(seen)


@pytest.mark.libreoffice
@needs_lo
def test_no_soffice_left_after_close(samples, tmp_path):
    with PdfPool(workers=2) as p:
        pgids = p.office_pgids()
        pids = p.office_pids()
        root = p.root
        assert len(pgids) == 2 and len(pids) >= 2
        assert p.convert(samples["tasks"], tmp_path / "t.pdf").ok
    assert gone(pgids)
    for pid in pids:
        assert not group_pids(pid) or pid not in group_pids(pid)
    assert not root.exists()  # profiles and the font config are removed


@pytest.mark.libreoffice
@needs_lo
def test_keyboard_interrupt_inside_with_leaves_no_soffice(samples, tmp_path):
    pgids: list[int] = []
    with pytest.raises(KeyboardInterrupt):
        with PdfPool(workers=2) as p:
            pgids = p.office_pgids()
            p.convert(samples["tasks"], tmp_path / "t.pdf")
            raise KeyboardInterrupt
    assert pgids and gone(pgids)


@pytest.mark.libreoffice
@needs_lo
def test_timeout_and_restart_after(samples, tmp_path):
    with PdfPool(workers=1, timeout=0.01) as p:
        first = p.office_pgids()
        r = p.convert(samples["notice"], tmp_path / "slow.pdf")
        assert not r.ok and r.problem.code == "pdf.timeout"
        assert "超时" in r.problem.message
        assert not (tmp_path / "slow.pdf").exists()
        assert p.restarts >= 2  # restarted, retried once, restarted again
        later = p.office_pgids()
    assert gone(first + later)

    with PdfPool(workers=1, restart_after=2) as p:
        before = p.office_pgids()
        for i in range(3):
            assert p.convert(samples["tasks"], tmp_path / f"t{i}.pdf").ok
        after = p.office_pgids()
        assert before != after and p.restarts == 1
    assert gone(before + after)


@pytest.mark.libreoffice
@needs_lo
def test_broken_docx_fails_cleanly_and_the_pool_keeps_working(pool, samples, tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 this is not a real docx")
    r = pool.convert(bad, tmp_path / "bad.pdf")
    assert not r.ok and r.problem.code in ("pdf.convert-failed", "pdf.office-died")
    assert not (tmp_path / "bad.pdf").exists()
    ok = pool.convert(samples["tasks"], tmp_path / "输出 目录" / "任务清单（2024）.pdf")
    assert ok.ok and ok.pdf.is_file() and ok.pdf.name == "任务清单（2024）.pdf"


@pytest.mark.libreoffice
@needs_lo
def test_sigterm_and_sigkill_of_the_owner_leave_no_soffice(tmp_path):
    script = tmp_path / "owner.py"
    script.write_text(textwrap.dedent("""
        import sys, time
        from wenshu.pdf.pool import PdfPool
        pool = PdfPool(workers=1)
        pool.start()
        print(" ".join(map(str, pool.office_pgids())), flush=True)
        time.sleep(120)
    """), encoding="utf-8")
    for sig in (signal.SIGTERM, signal.SIGKILL):
        proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
        try:
            pgids = [int(x) for x in proc.stdout.readline().split()]
            assert pgids
            proc.send_signal(sig)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        # SIGTERM: our handler closes the pool; SIGKILL: each helper sees EOF and kills its soffice
        assert gone(pgids), (sig, [group_pids(g) for g in pgids])


@pytest.mark.libreoffice
@needs_lo
def test_per_document_fallback_without_uno(samples, tmp_path):
    """Without a Python that has ``uno`` the pool runs one soffice per document: same PDF, slower."""
    with PdfPool(workers=1, use_uno=False) as p:
        assert p.mode == "per-document"
        r = p.convert(samples["tasks"], tmp_path / "t.pdf")
    assert r.ok, r.problem and r.problem.format()
    assert "任务清单" in squash(pdftotext(r.pdf))
    assert not [f for f in pdffonts(r.pdf) if "DejaVu" in f]


# ─── doctor ───────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.libreoffice
@needs_lo
def test_doctor_reports_libreoffice_and_every_font():
    from wenshu.cli_pdf import doctor

    result = CliRunner().invoke(doctor, [])
    assert result.exit_code == 0, result.output
    assert "LibreOffice" in result.output
    for name in ("方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体", "SimSun"):
        assert name in result.output
    assert "DejaVu" not in result.output


def test_doctor_without_libreoffice_exits_1(monkeypatch, tmp_path):
    from wenshu.cli_pdf import doctor

    monkeypatch.setenv("WENSHU_SOFFICE", str(tmp_path / "no-soffice"))
    result = CliRunner().invoke(doctor, [])
    assert result.exit_code == 1
    assert "apt-get install -y libreoffice-writer-nogui" in result.output
