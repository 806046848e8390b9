"""`wenshu batch` over real data folders, in real processes: layout, manifest, determinism, faults, resume."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, run_main_after

AS_OF = "2025-11-30"


def wenshu(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wenshu", *map(str, args)], capture_output=True, text=True, **kw)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".wenshu-batch" not in p.parts}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "out"
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF)
    assert r.returncode == 0, r.stderr
    return out


def test_layout_and_manifest(reference):
    docs = sorted(p.relative_to(reference).as_posix() for p in reference.rglob("*.docx"))
    assert "全区/通知/港政办〔2024〕3号.docx" in docs
    assert "全区/年度投资项目综合绩效评价报告/黄石港区2024年度投资项目综合绩效评价报告.docx" in docs
    assert "区教育局/项目绩效评价报告/黄石港区第二实验小学新建工程绩效评价报告.docx" in docs
    assert "区教育局/行业绩效评价报告/黄石港区2024年度教育行业投资项目绩效评价报告.docx" in docs
    assert any(d.startswith("区城执局/通报批评/") for d in docs)  # a copy for the department concerned
    assert any(d.startswith("区教育局/任务清单/") for d in docs)
    for d in docs:
        assert zipfile.is_zipfile(reference / d)
    manifest = json.loads((reference / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["count"] == len(docs)
    entry = next(e for e in manifest["outputs"] if e["path"].endswith("港政办〔2024〕3号.docx"))
    assert entry["kind"] == "notice" and entry["template"] == "内置模板/notice.docx"
    assert "notices/港政办〔2024〕3号.yaml" in entry["sources"]
    import hashlib

    assert entry["sha256"] == hashlib.sha256((reference / entry["path"]).read_bytes()).hexdigest()
    raw = (reference / "manifest.csv").read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))  # BOM: WPS/Excel read it as UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:4] == ["文件", "文书类型代码", "文书类型", "部门"] and len(rows) == len(docs) + 1


def test_second_run_gives_identical_bytes(reference, tmp_path):
    out = tmp_path / "out"
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF, "-j", "1")
    assert r.returncode == 0, r.stderr
    assert tree(out) == tree(reference)


def test_kill_then_resume_equals_uninterrupted(reference, tmp_path):
    out = tmp_path / "out"
    p = subprocess.Popen([sys.executable, "-m", "wenshu", "batch", str(EXAMPLES), "-o", str(out), "--as-of", AS_OF, "-j", "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    journal = out / ".wenshu-batch" / "journal.jsonl"
    deadline = time.time() + 60
    while time.time() < deadline:
        if journal.is_file() and journal.read_text(encoding="utf-8").count("\n") >= 20:
            break
        time.sleep(0.02)
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    written = list(out.rglob("*.docx"))
    assert 0 < len(written) < len(list(reference.rglob("*.docx")))
    for d in written:  # whatever is there is complete: no half-written document
        with zipfile.ZipFile(d) as z:
            assert z.testzip() is None
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF, "--resume")
    assert r.returncode == 0, r.stderr
    assert "未变跳过" in r.stdout
    assert tree(out) == tree(reference)


def test_ctrl_c_stops_cleanly(tmp_path):
    # A district large enough that the batch is surely still running when Ctrl-C arrives.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from gen import generate

    data = tmp_path / "data"
    generate(data, 400, evaluated_only=True)
    out = tmp_path / "out"
    p = subprocess.Popen([sys.executable, "-m", "wenshu", "batch", str(data), "-o", str(out), "--as-of", AS_OF, "-j", "2"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    journal = out / ".wenshu-batch" / "journal.jsonl"
    deadline = time.time() + 60
    while time.time() < deadline and not (journal.is_file() and journal.stat().st_size > 0):
        time.sleep(0.01)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    assert "已中断" in err and "--resume" in err and "Traceback" not in err
    for d in out.rglob("*.docx"):
        assert zipfile.is_zipfile(d)
    assert not list((out / ".wenshu-batch").glob("tmp/*"))


def test_one_bad_record_does_not_stop_the_batch(examples_copy, tmp_path):
    f = examples_copy / "projects" / "07-区教育局.yaml"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace('credit_code: "124202025000777072"', 'credit_code: "124202025000777073"', 1), encoding="utf-8")
    out = tmp_path / "out"
    r = wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF)
    assert r.returncode == 1
    assert "07-区教育局.yaml，第" in r.stderr and "[model.credit_code]" in r.stderr
    docs = [p.name for p in out.rglob("*.docx")]
    assert "黄石港区第二实验小学新建工程绩效评价报告.docx" not in docs  # the bad project is left out
    assert "黄石港区中小学智慧校园提升工程绩效评价报告.docx" not in docs  # (not evaluated anyway)
    assert "港政办〔2024〕3号.docx" in docs and len(docs) > 70  # everything else is produced


def test_one_failing_document_is_listed_and_others_written(examples_copy, tmp_path):
    from test_render_cli import edited_template
    from tests.conftest import ROOT

    tdir = tmp_path / "tpl"
    tdir.mkdir()
    edited_template(ROOT / "templates" / "project_report.docx", tdir / "project_report.docx",
                    "{{ evaluation.team }}", '{% if project.code == "2022-420202-83-01-100137" %}{{ project.nmae }}{% endif %}{{ evaluation.team }}')
    out = tmp_path / "out"
    r = wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF, "--templates", tdir, "--kinds", "project_report")
    assert r.returncode == 1
    assert "未生成：黄石港区第二实验小学新建工程绩效评价报告" in r.stderr and "nmae" in r.stderr
    assert len(list(out.rglob("*.docx"))) == 12
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["count"] == 12 and len(manifest["failures"]) == 1


def test_filters(tmp_path):
    out = tmp_path / "out"
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF, "--kinds", "criticism,task_list",
               "--departments", "区城执局", "--period", "2025-10")
    assert r.returncode == 0, r.stderr
    docs = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.docx"))
    assert docs and all(d.startswith("区城执局/") for d in docs)
    assert any("2025年10月通报批评" in d for d in docs) and not any("2025年9月" in d for d in docs)


def test_foreign_non_empty_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "别人的文件.txt").write_text("x", encoding="utf-8")
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF)
    assert r.returncode == 2 and "输出目录不为空" in r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["别人的文件.txt"]


def test_concurrent_batch_is_locked_out(tmp_path):
    import fcntl

    out = tmp_path / "out"
    (out / ".wenshu-batch").mkdir(parents=True)
    fd = os.open(out / ".wenshu-batch" / "lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.write(fd, b"4242")
    try:
        r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF)
    finally:
        os.close(fd)
    assert r.returncode == 2
    assert "另一个 wenshu batch 正在写入" in r.stderr and "4242" in r.stderr
    assert not list(out.rglob("*.docx"))


def soffice_pids() -> set[str]:
    """Live (not zombie) soffice processes on this machine."""
    out = subprocess.run(["pgrep", "-f", "soffice"], capture_output=True, text=True).stdout.split()
    live = set()
    for pid in out:
        try:
            if "State:\tZ" not in Path(f"/proc/{pid}/status").read_text(errors="replace"):
                live.add(pid)
        except OSError:
            pass
    return live


@pytest.mark.libreoffice
def test_pdf_copies_and_booklets(tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "out"
    before = soffice_pids()
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF, "--kinds", "notice,task_list,criticism",
               "--departments", "全区,区城执局", "--booklet")
    assert r.returncode == 0, r.stderr
    assert not (soffice_pids() - before), "soffice left running after the batch"
    docs = sorted(out.rglob("*.docx"))
    for d in docs:
        assert d.with_suffix(".pdf").is_file(), d
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert all(e["pdf"] and e["pages"] >= 1 for e in manifest["outputs"])
    booklets = {b["department"]: b for b in manifest["booklets"]}
    assert set(booklets) == {"全区", "区城执局"}
    b = booklets["区城执局"]
    reader = PdfReader(str(out / b["path"]))
    members = [e for e in manifest["outputs"] if e["department"] == "区城执局"]
    assert len(reader.outline) == len(members) == b["documents"]
    contents = len(reader.pages) - sum(e["pages"] for e in members)
    assert len(reader.pages) == b["pages"] and contents >= 1
    assert "目\u3000\u3000录" in reader.pages[0].extract_text()
    # A second run redoes nothing: the PDFs of unchanged documents are kept.
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF, "--kinds", "notice,task_list,criticism",
               "--departments", "全区,区城执局", "--booklet", "--resume")
    assert r.returncode == 0, r.stderr
    assert "未变跳过" in r.stdout


def test_pdf_without_libreoffice_keeps_the_docx(tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, PATH="/nonexistent", WENSHU_SOFFICE="/nonexistent/soffice")
    r = subprocess.run([sys.executable, "-m", "wenshu", "batch", str(EXAMPLES), "-o", str(out), "--as-of", AS_OF,
                        "--kinds", "notice", "--pdf"], capture_output=True, text=True, env=env)
    assert r.returncode == 1
    assert "LibreOffice" in r.stderr and "apt-get install" in r.stderr and "Traceback" not in r.stderr
    assert list(out.rglob("*.docx")) and not list(out.rglob("*.pdf"))


def test_disk_full_then_resume(reference, tmp_path):
    """A file-size limit (like a full disk: writes fail with an OS error) stops some documents; none is
    left half-written, the failures are listed, and --resume afterwards completes identical output."""
    out = tmp_path / "out"
    prelude = ("import resource, signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
               "resource.setrlimit(resource.RLIMIT_FSIZE, (40600, 40600))")
    r = run_main_after(prelude, "batch", EXAMPLES, "-o", out, "--as-of", AS_OF, "-j", "1")
    assert r.returncode == 1, r.stderr
    assert "写入失败" in r.stderr and "Traceback" not in r.stderr
    for d in out.rglob("*.docx"):
        with zipfile.ZipFile(d) as z:
            assert z.testzip() is None
    assert 0 < len(list(out.rglob("*.docx"))) < len(list(reference.rglob("*.docx")))
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF, "--resume")
    assert r.returncode == 0, r.stderr
    assert tree(out) == tree(reference)


def test_batch_equals_single_renders(reference, tmp_path):
    """The batch (streamed jobs, worker processes) writes exactly the bytes that a single `render`
    (all of one kind planned in memory) writes for the same document."""
    import datetime as dt

    from wenshu.render import plan, render_job

    manifest = json.loads((reference / "manifest.json").read_text(encoding="utf-8"))
    checked = 0
    for kind in ("notice", "task_list", "project_report", "industry_report", "annual_report", "commendation", "criticism"):
        for job in plan(kind, [EXAMPLES], as_of=dt.date.fromisoformat(AS_OF))[1]:
            entry = next(e for e in manifest["outputs"] if e["kind"] == kind and e["key"] == job.key)
            single = render_job(job, tmp_path / f"{kind}-{checked}.docx").read_bytes()
            assert single == (reference / entry["path"]).read_bytes(), entry["path"]
            checked += 1
    assert checked >= 40
