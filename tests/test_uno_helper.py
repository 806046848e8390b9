"""The UNO helper (wenshu/pdf/uno_helper.py) on its own: its pure parts, the protocol loop with a
stand-in office, and the real thing against a real LibreOffice.

The helper runs under the system's Python with ``uno`` (not our interpreter), by path, from a copy
in the pool's folder: these tests run it the same way.
"""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest

from wenshu.pdf import uno_helper as H
from wenshu.pdf.office import clean_python_env, find_soffice, find_uno_python
from wenshu.pdf.processes import group_pids, kill_group

SOFFICE = find_soffice()
UNO_PYTHON = find_uno_python(SOFFICE) if SOFFICE else None
needs_lo = pytest.mark.skipif(SOFFICE is None or UNO_PYTHON is None,
                              reason="LibreOffice and a Python with uno (python3-uno) are needed")


def helper_copy(folder: Path) -> Path:
    """The helper as the pool runs it: the package's file, copied out of the package."""
    path = folder / "uno_helper.py"
    path.write_text(resources.files("wenshu.pdf").joinpath("uno_helper.py").read_text(encoding="utf-8"),
                    encoding="utf-8")
    return path


def gone(pgid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not group_pids(pgid):
            return True
        time.sleep(0.05)
    return False


# ─── pure parts ───────────────────────────────────────────────────────────────────────────────────


def test_it_imports_only_the_standard_library():
    """It runs where wenshu is not installed: stdlib only (uno is imported by name at run time)."""
    tree = ast.parse(resources.files("wenshu.pdf").joinpath("uno_helper.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    names -= {"__future__"}
    assert names - {"uno", "com"} <= set(sys.stdlib_module_names), names


def test_import_filters_and_load_properties():
    assert H.import_filter("/a/通知.DOCX") == "MS Word 2007 XML"
    assert H.import_filter("/a/b.odt") == "writer8"
    assert H.import_filter("/a/b.txt") is None
    props = dict(H.load_properties("/a/b.docx"))
    assert props == {"Hidden": True, "ReadOnly": True, "MacroExecutionMode": 0, "UpdateDocMode": 0,
                     "FilterName": "MS Word 2007 XML"}
    assert "FilterName" not in dict(H.load_properties("/a/b.xyz"))


def test_fatal_errors_are_those_of_a_dead_office():
    DisposedException = type("DisposedException", (Exception,), {})
    RuntimeException = type("RuntimeException", (Exception,), {})
    assert H.is_fatal(DisposedException("x"))
    assert H.is_fatal(RuntimeException("x"))
    assert H.is_fatal(Exception("Binary URP bridge already disposed"))
    assert not H.is_fatal(RuntimeError("LibreOffice could not open the document"))
    assert not H.is_fatal(ValueError("IOException"))


class FakeOffice:
    def __init__(self, errors=None):
        self.errors = errors or {}
        self.log: list = []

    def convert(self, src, out, flt):
        self.log.append(("convert", src, out, flt))
        if src in self.errors:
            raise self.errors[src]
        return 0.25

    def close_document(self):
        self.log.append("close")

    def terminate(self):
        self.log.append("terminate")


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        self.t += 1.0
        return self.t


def lines(*reqs) -> list[str]:
    return [json.dumps(r) + "\n" if isinstance(r, dict) else r for r in reqs]


def test_serve_answers_each_request_in_order():
    office = FakeOffice(errors={"/bad.docx": ValueError("cannot read")})
    sent: list[dict] = []
    code = H.serve(lines({"cmd": "ping", "id": 7}, "\n",
                         {"id": 1, "in": "/a.docx", "out": "/a.pdf"},
                         {"id": 2, "in": "/bad.docx", "out": "/bad.pdf", "filter": "other"}),
                   office, sent.append, clock=Clock())
    assert code is None  # the input ended: the caller kills the office
    assert sent[0] == {"id": 7, "ok": True}
    assert sent[1]["id"] == 1 and sent[1]["ok"] and sent[1]["load"] == 0.25 and sent[1]["idle"] is None
    assert sent[1]["seconds"] > 0
    assert sent[2] == {"id": 2, "ok": False, "error": "ValueError: cannot read", "fatal": False}
    assert office.log == [("convert", "/a.docx", "/a.pdf", "writer_pdf_Export"), "close",
                          ("convert", "/bad.docx", "/bad.pdf", "other"), "close"]


def test_serve_measures_idle_time_between_jobs():
    sent: list[dict] = []
    H.serve(lines({"id": 1, "in": "/a", "out": "/b"}, {"id": 2, "in": "/a", "out": "/b"}), FakeOffice(), sent.append,
            clock=Clock())
    assert sent[0]["idle"] is None and sent[1]["idle"] == 1.0


def test_serve_stops_at_a_fatal_error():
    DisposedException = type("DisposedException", (Exception,), {})
    office = FakeOffice(errors={"/a": DisposedException("gone")})
    sent: list[dict] = []
    code = H.serve(lines({"id": 1, "in": "/a", "out": "/b"}, {"id": 2, "in": "/c", "out": "/d"}), office, sent.append)
    assert code == H.EXIT_OFFICE_DIED
    assert sent == [{"id": 1, "ok": False, "error": "DisposedException: gone", "fatal": True}]
    assert office.log == [("convert", "/a", "/b", "writer_pdf_Export"), "close"]


def test_serve_quit_terminates_the_office():
    office = FakeOffice()
    sent: list[dict] = []
    code = H.serve(lines({"cmd": "quit"}, {"id": 1, "in": "/a", "out": "/b"}), office, sent.append)
    assert code == H.EXIT_OK and sent == [{"bye": True}] and office.log == ["terminate"]


def test_without_uno_it_says_so_on_the_protocol_and_exits_3(tmp_path):
    """Run by path with our interpreter, no site-packages (so neither uno nor wenshu)."""
    sleeper = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        r = subprocess.run([sys.executable, "-I", "-S", str(helper_copy(tmp_path)), "pipe,name=x", str(sleeper.pid), "5"],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == H.EXIT_NO_UNO, r.stderr
        msg = json.loads(r.stdout.splitlines()[0])
        assert msg["ready"] is False and "import uno" in msg["error"]
        assert sleeper.poll() is None  # it never started talking to that office: left alone
    finally:
        sleeper.kill()
        sleeper.wait()


# ─── with LibreOffice ─────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def small_docx(tmp_path) -> Path:
    from docx import Document

    d = Document()
    d.add_paragraph("关于开展投资项目绩效综合评价的通知")
    d.add_paragraph("各部门：请按要求报送。")
    path = tmp_path / "输入 文件.docx"
    d.save(str(path))
    return path


def start_office(tmp_path: Path, name: str) -> subprocess.Popen:
    profile = tmp_path / "profile"
    return subprocess.Popen(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible", "--nologo",
         "--nodefault", "--norestore", "--nolockcheck", f"--accept=pipe,name={name};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def start_helper(tmp_path: Path, name: str, office: subprocess.Popen) -> subprocess.Popen:
    return subprocess.Popen([UNO_PYTHON, str(helper_copy(tmp_path)), f"pipe,name={name}", str(office.pid), "60"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1,
                            env=clean_python_env(), start_new_session=True)


def ask(helper: subprocess.Popen, req: dict) -> dict:
    helper.stdin.write(json.dumps(req, ensure_ascii=False) + "\n")
    helper.stdin.flush()
    return json.loads(helper.stdout.readline())


@pytest.mark.libreoffice
@needs_lo
def test_it_converts_with_a_real_libreoffice_and_kills_it_at_end_of_input(tmp_path, small_docx):
    name = f"wenshu_test_{os.getpid()}_{time.monotonic_ns()}"
    office = start_office(tmp_path, name)
    helper = start_helper(tmp_path, name, office)
    try:
        ready = json.loads(helper.stdout.readline())
        assert ready == {"ready": True, "pid": helper.pid}
        assert ask(helper, {"cmd": "ping", "id": 9}) == {"id": 9, "ok": True}
        out = tmp_path / "输出.pdf"
        answer = ask(helper, {"id": 1, "in": str(small_docx), "out": str(out)})
        assert answer["ok"] and answer["id"] == 1 and answer["load"] <= answer["seconds"], answer
        assert out.read_bytes().startswith(b"%PDF")
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        assert "绩效综合评价" in text
        # a file it cannot open: an answer, not the end of the helper
        answer = ask(helper, {"id": 2, "in": str(tmp_path / "没有这个文件.docx"), "out": str(tmp_path / "x.pdf")})
        assert answer["id"] == 2 and not answer["ok"] and not answer["fatal"], answer
        assert ask(helper, {"id": 3, "in": str(small_docx), "out": str(tmp_path / "again.pdf")})["ok"]
        # the pool's process ends: the helper sees its input close and takes LibreOffice with it
        helper.stdin.close()
        assert helper.wait(timeout=30) == H.EXIT_OK
        assert gone(office.pid)
    finally:
        for p in (helper, office):
            kill_group(p.pid, grace=0)
            p.wait()


@pytest.mark.libreoffice
@needs_lo
def test_quit_terminates_libreoffice(tmp_path):
    name = f"wenshu_test_{os.getpid()}_{time.monotonic_ns()}"
    office = start_office(tmp_path, name)
    helper = start_helper(tmp_path, name, office)
    try:
        assert json.loads(helper.stdout.readline())["ready"]
        assert ask(helper, {"cmd": "quit"}) == {"bye": True}
        assert helper.wait(timeout=30) == H.EXIT_OK
        office.wait(timeout=30)  # desktop.terminate(): soffice exits by itself
    finally:
        for p in (helper, office):
            kill_group(p.pid, grace=0)
            p.wait()


@pytest.mark.libreoffice
@needs_lo
def test_an_orphaned_helper_kills_its_office(tmp_path):
    """kill -9 of the pool's process while the helper is busy (here: still connecting): no end of
    input reaches it, its parent watch does the job."""
    office = subprocess.Popen(["sleep", "120"], start_new_session=True)  # stands in for a soffice that never answers
    parent = subprocess.Popen(["/bin/sh", "-c", '"$@" & echo $!; wait', "sh", UNO_PYTHON, str(helper_copy(tmp_path)),
                               "pipe,name=wenshu_test_nobody_listens", str(office.pid), "120"],
                              stdout=subprocess.PIPE, text=True, env=clean_python_env())
    helper_pid = int(parent.stdout.readline())
    try:
        time.sleep(1.0)  # the helper is in its connect loop
        assert office.poll() is None
        parent.kill()
        parent.wait()
        assert office.wait(timeout=15) == -signal.SIGKILL
        deadline = time.monotonic() + 10
        while os.path.exists(f"/proc/{helper_pid}") and time.monotonic() < deadline:
            time.sleep(0.05)
            try:
                os.waitpid(helper_pid, os.WNOHANG)
            except ChildProcessError:
                pass
        state = Path(f"/proc/{helper_pid}/stat").read_text().rsplit(")", 1)[1].split()[0] \
            if os.path.exists(f"/proc/{helper_pid}") else "gone"
        assert state in ("gone", "Z")
    finally:
        if office.poll() is None:
            office.kill()
            office.wait()
        try:
            os.kill(helper_pid, signal.SIGKILL)
        except OSError:
            pass
