"""Nothing lost, nothing stale, nothing left running: `wenshu batch` under kill -9, re-runs over an
output folder the office has worked in, and templates from other editors. Real processes, real files."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document

from docx_inspect import Docx
from tests.conftest import EXAMPLES, ROOT

AS_OF = "2025-11-30"
PDF_ARGS = ("--kinds", "notice,task_list,criticism", "--departments", "全区,区城执局", "--booklet")
SCHOOL = "区教育局/项目绩效评价报告/黄石港区第二实验小学新建工程绩效评价报告.docx"
HUAHU = "区教育局/项目绩效评价报告/黄石港区花湖中学教学综合楼改扩建项目绩效评价报告.docx"


def wenshu(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wenshu", *map(str, args)], capture_output=True, text=True, **kw)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".wenshu-batch" not in p.parts}


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


# ─── processes ────────────────────────────────────────────────────────────────────────────────


def _stat(pid: int) -> tuple[str, int] | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            s = f.read()
    except OSError:
        return None
    fields = s[s.rfind(b")") + 2:].split()
    return fields[0].decode(), int(fields[1])


def alive(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] != "Z"


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = _stat(int(d))
            if st:
                children.setdefault(st[1], []).append(int(d))
    found, todo = set(), [root]
    while todo:
        p = todo.pop()
        found.add(p)
        todo += children.get(p, [])
    return found


class Batch:
    """A `wenshu batch` process watched from outside: every process it starts, what they hold open."""

    def __init__(self, *args: str):
        self.proc = subprocess.Popen([sys.executable, "-m", "wenshu", "batch", *map(str, args)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.seen: set[int] = set()
        self.cmds: dict[int, str] = {}
        self.lock_holders: set[int] = set()  # processes other than the batch itself holding the lock
        self._first_seen: dict[int, float] = {}
        self._stop = False
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop:
            now = time.monotonic()
            for pid in descendants(self.proc.pid):
                if pid not in self.seen:
                    self.seen.add(pid)
                    self.cmds[pid] = cmdline(pid)
                    self._first_seen[pid] = now
                if pid != self.proc.pid and now - self._first_seen[pid] > 0.2:
                    # a forked worker has the descriptor only until its first instruction closes it
                    try:
                        for fd in os.listdir(f"/proc/{pid}/fd"):
                            if os.readlink(f"/proc/{pid}/fd/{fd}").endswith("/.wenshu-batch/lock"):
                                self.lock_holders.add(pid)
                    except OSError:
                        pass
            # the lock itself (a POSIX lock is listed with the process that owns it): the batch's alone
            for line in Path("/proc/locks").read_text().splitlines():
                f = line.split()
                if len(f) > 5 and f[1] == "POSIX" and int(f[4]) in self.seen and int(f[4]) != self.proc.pid:
                    self.lock_holders.add(int(f[4]))
            time.sleep(0.02)

    def soffice_started(self) -> bool:
        return any("soffice" in c for c in self.cmds.values())

    def kill9(self) -> None:
        """kill -9 of the batch process alone (as the OOM killer does), not of its process group."""
        time.sleep(0.03)  # one more sample of the process tree
        self._stop = True
        self._thread.join()
        self.proc.send_signal(signal.SIGKILL)  # nothing if the batch has finished (and been reaped) already
        self.proc.wait()

    def wait(self) -> int:
        code = self.proc.wait(timeout=300)
        self._stop = True
        self._thread.join()
        return code

    def assert_nothing_left(self) -> None:
        """Within 5 s: no process of this batch (workers, LibreOffice, helpers) and no temp folder."""
        roots = {m.group(0) for c in self.cmds.values() for m in re.finditer(r"/tmp/wenshu-pdf-[A-Za-z0-9_]+", c)}
        tag = f"wenshu_{self.proc.pid}_"
        deadline = time.monotonic() + 5
        while True:
            left = [p for p in self.seen if alive(p) and cmdline(p) == self.cmds[p]]
            left += [int(d) for d in os.listdir("/proc") if d.isdigit() and alive(int(d))
                     and (tag in cmdline(int(d)) or any(r in cmdline(int(d)) for r in roots))]
            folders = [r for r in roots if Path(r).exists()]
            if not left and not folders:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"5 秒后仍有该批次的进程或临时目录：{[(p, cmdline(p)[:100]) for p in left]} {folders}")
            time.sleep(0.1)


def wait_for(cond, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


def journal_lines(out: Path) -> int:
    try:
        return (out / ".wenshu-batch" / "journal.jsonl").read_bytes().count(b"\n")
    except OSError:
        return 0


@pytest.fixture(scope="module")
def big_data(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from gen import generate

    data = tmp_path_factory.mktemp("big") / "data"
    generate(data, 600, evaluated_only=True)
    return data


def test_kill9_during_rendering_leaves_nothing_and_resume_gives_the_same_bytes(big_data, tmp_path):
    ref = tmp_path / "ref"
    r = wenshu("batch", big_data, "-o", ref, "--as-of", AS_OF, "-j", "2")
    assert r.returncode == 0, r.stderr
    total = len(list(ref.rglob("*.docx")))
    out = tmp_path / "out"
    rng = random.Random(15)
    for round_ in range(3):
        b = Batch(big_data, "-o", out, "--as-of", AS_OF, "-j", "2", *(["--resume"] if round_ else []))
        before = journal_lines(out)
        wait_for(lambda: journal_lines(out) > before or b.proc.poll() is not None)  # rendering has begun
        # The first kill lands at once (rendering 600 documents takes longer than a poll); the later
        # ones at a random moment of what is left.
        time.sleep(rng.uniform(0, 0.4) if round_ else 0)
        if round_ == 0:
            assert b.proc.poll() is None, "the batch finished before the first kill"
        b.kill9()
        assert len(b.seen) > 1, "the batch was killed before it forked its workers"
        assert not b.lock_holders, "a render worker held the batch lock"
        b.assert_nothing_left()
        docs = list(out.rglob("*.docx"))
        for d in docs:  # whatever is there is complete
            with zipfile.ZipFile(d) as z:
                assert z.testzip() is None
        if round_ == 0:
            assert len(docs) < total, "the first kill came after rendering"
    r = wenshu("batch", big_data, "-o", out, "--as-of", AS_OF, "-j", "2", "--resume")
    assert r.returncode == 0, r.stderr  # not locked out by anything of the killed runs
    assert tree(out) == tree(ref)
    assert not list((out / ".wenshu-batch").glob("tmp/*"))


@pytest.mark.libreoffice
def test_kill9_during_pdf_conversion_leaves_nothing_and_resume_gives_the_same_bytes(tmp_path):
    ref = tmp_path / "ref"
    r = wenshu("batch", EXAMPLES, "-o", ref, "--as-of", AS_OF, *PDF_ARGS)
    assert r.returncode == 0, r.stderr
    assert len(list(ref.rglob("*.pdf"))) == 15  # 13 copies (three notices), 2 booklets
    out = tmp_path / "out"
    rng = random.Random(9704)
    for round_ in range(3):
        b = Batch(EXAMPLES, "-o", out, "--as-of", AS_OF, *PDF_ARGS, *(["--resume"] if round_ else []))
        wait_for(lambda: b.soffice_started() or b.proc.poll() is not None)
        time.sleep(rng.uniform(0, 3.0))  # LibreOffice starting, converting, or the booklets
        finished = b.proc.poll() is not None
        b.kill9()
        assert finished or b.soffice_started()
        b.assert_nothing_left()
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF, *PDF_ARGS, "--resume")
    assert r.returncode == 0, r.stderr
    assert tree(out) == tree(ref)


def test_orphans_holding_the_lock_are_stopped_at_the_next_start(tmp_path):
    """Leftovers of a dead batch (workers of an older wenshu that outlived it, holding the flock)
    no longer lock the folder: the batch that took the lock is dead, so they are stopped."""
    out = tmp_path / "out"
    lock = out / ".wenshu-batch" / "lock"
    lock.parent.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    code = ("import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            f"os.write(fd, b'{dead.pid}')\n"
            "print('held', flush=True)\n"
            "time.sleep(600)\n")
    # its command line is that of a batch worker (forked from `python -m wenshu batch …`)
    orphan = subprocess.Popen([sys.executable, "-c", code, str(lock), "-m", "wenshu", "batch"], stdout=subprocess.PIPE, text=True)
    try:
        assert orphan.stdout.readline().strip() == "held"
        r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF, "--kinds", "notice")
        assert r.returncode == 0, r.stderr
        assert orphan.wait(timeout=10) == -signal.SIGKILL
    finally:
        if orphan.poll() is None:
            orphan.kill()


def test_temp_folder_of_a_dead_pool_is_cleaned_at_the_next_start(tmp_path):
    """A /tmp/wenshu-pdf-* folder whose owner died (and a process still running in it, as a
    LibreOffice would be) is removed, and the process stopped, when the next batch starts."""
    import tempfile

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folder = Path(tempfile.mkdtemp(prefix="wenshu-pdf-"))
    (folder / "owner").write_text(f"{dead.pid} 12345", encoding="ascii")
    (folder / "profile-0-1").mkdir()
    leftover = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)",
                                 f"-env:UserInstallation={(folder / 'profile-0-1').as_uri()}"], start_new_session=True)
    live = Path(tempfile.mkdtemp(prefix="wenshu-pdf-"))  # a pool that is alive (this process owns it)
    (live / "owner").write_text(f"{os.getpid()} {Path(f'/proc/{os.getpid()}/stat').read_text().rsplit(')', 1)[1].split()[19]}",
                                encoding="ascii")
    try:
        r = wenshu("batch", EXAMPLES, "-o", tmp_path / "out", "--as-of", AS_OF, "--kinds", "notice")
        assert r.returncode == 0, r.stderr
        assert not folder.exists()
        assert leftover.wait(timeout=10) == -signal.SIGKILL
        assert live.is_dir()
    finally:
        if leftover.poll() is None:
            leftover.kill()
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(live, ignore_errors=True)


# ─── re-runs over an output folder the office works in ────────────────────────────────────────


def add_paragraph(docx: Path, text: str) -> None:
    d = Document(str(docx))
    d.add_paragraph(text)
    d.save(str(docx))


@pytest.mark.parametrize("resume", [True, False])
def test_hand_edited_output_is_kept_not_overwritten(examples_copy, tmp_path, resume):
    out = tmp_path / "out"
    assert wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF).returncode == 0
    add_paragraph(out / SCHOOL, "办公室手工补充的一段。")
    edited = (out / SCHOOL).read_bytes()
    # the data changes too, so the document is generated again
    ev = examples_copy / "evaluations.yaml"
    ev.write_text(ev.read_text(encoding="utf-8").replace("evaluated_on: 2025-04-11", "evaluated_on: 2025-04-10"), encoding="utf-8")
    r = wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF, *(["--resume"] if resume else []))
    assert r.returncode == 0, r.stderr
    kept = out / SCHOOL.replace(".docx", "（已修改）.docx")
    assert kept.read_bytes() == edited  # the office's version, untouched
    assert "办公室手工补充的一段。" not in Docx(out / SCHOOL).all_text()  # the new one beside it
    assert "手工修改过的文件未被覆盖" in r.stdout and kept.name in r.stdout
    m = manifest(out)
    assert {"path": SCHOOL, "moved_to": kept.relative_to(out).as_posix(), "reason": "edited"} in m["set_aside"]
    # the next run leaves both alone
    r = wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF, "--resume")
    assert r.returncode == 0 and kept.read_bytes() == edited and manifest(out)["set_aside"] == []


def test_withdrawn_outputs_are_moved_aside_and_reported(examples_copy, tmp_path):
    out = tmp_path / "out"
    assert wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF).returncode == 0
    old = (out / HUAHU).read_bytes()
    ev = examples_copy / "evaluations.yaml"
    text = ev.read_text(encoding="utf-8")
    start, end = text.index("- project: HSG-2024-002"), text.index("- project: HSG-2022-006")
    ev.write_text(text[:start] + text[end:], encoding="utf-8")  # the evaluation is withdrawn
    # a run for other kinds withdraws nothing of this kind
    r = wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF, "--kinds", "notice", "--resume")
    assert r.returncode == 0 and (out / HUAHU).is_file()
    r = wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF, "--resume")
    assert r.returncode == 0, r.stderr
    assert not (out / HUAHU).exists()
    assert (out / ".已撤销" / HUAHU).read_bytes() == old
    assert "不再需要的文书已移至 .已撤销/（1 个）" in r.stdout and HUAHU in r.stdout
    m = manifest(out)
    assert HUAHU not in {e["path"] for e in m["outputs"]}
    assert m["set_aside"] == [{"path": HUAHU, "moved_to": f".已撤销/{HUAHU}", "reason": "withdrawn"}]


def test_data_error_postpones_withdrawal_and_the_counts_agree(examples_copy, tmp_path):
    out = tmp_path / "out"
    assert wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF).returncode == 0
    f = examples_copy / "projects" / "07-区教育局.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace('credit_code: "124202025000777072"', 'credit_code: "124202025000777073"', 1),
                 encoding="utf-8")
    r = wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF, "--resume")
    assert r.returncode == 1
    n = len(re.findall(r"：错误 \[", r.stderr))
    assert n >= 1 and f"失败 {n}：数据错误 {n} 处" in r.stdout
    assert (out / SCHOOL).is_file() and not (out / ".已撤销").exists()  # not taken for withdrawn
    assert "[batch.withdraw-postponed]" in r.stderr


def test_failed_document_old_files_are_moved_and_the_counts_agree(examples_copy, tmp_path):
    from test_render_cli import edited_template

    out = tmp_path / "out"
    assert wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF, "--kinds", "project_report").returncode == 0
    old = (out / SCHOOL).read_bytes()
    tdir = tmp_path / "tpl"
    tdir.mkdir()
    edited_template(ROOT / "templates" / "project_report.docx", tdir / "project_report.docx",
                    "{{ evaluation.team }}",
                    '{% if project.code == "2022-420202-83-01-100137" %}{{ project.nmae }}{% endif %}{{ evaluation.team }}')
    r = wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF, "--templates", tdir, "--kinds", "project_report")
    assert r.returncode == 1
    assert "失败 1）" in r.stdout and re.search(r"项目绩效评价报告\s+12\s+0\s+1", r.stdout)
    assert not (out / SCHOOL).exists()  # the old report does not pass for the current one
    assert (out / ".生成失败" / SCHOOL).read_bytes() == old
    assert "旧文件已移至 .生成失败/" in r.stdout


def test_template_error_is_reported_once_in_chinese_where_template_check_puts_it(tmp_path):
    import tplfixtures as F

    tdir = tmp_path / "tpl"
    broken = F.copy_with(F.builtin("project_report.docx"), tdir / "project_report.docx",
                         [F.Edit("{%p endif %}", "{%p endfo %}")])
    out = tmp_path / "out"
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF, "--templates", tdir, "--kinds", "project_report")
    assert r.returncode == 1
    assert r.stderr.count("[tpl.unknown-tag]") == 1 and r.stderr.count("未生成：") == 1
    n = F.para_number(broken, "{%p endfo %}")
    assert f"位置：正文 第{n}段" in r.stderr
    assert not re.search(r"Unexpected|Jinja|Encountered|expected token", r.stderr)
    assert "失败 13）" in r.stdout
    check = subprocess.run([sys.executable, "-m", "wenshu", "template", "check", str(broken)], capture_output=True, text=True)
    assert f"位置：正文 第{n}段" in check.stderr


def test_the_same_render_error_in_every_document_is_reported_once(tmp_path):
    from test_render_cli import edited_template

    tdir = tmp_path / "tpl"
    tdir.mkdir()
    edited_template(ROOT / "templates" / "project_report.docx", tdir / "project_report.docx", "{{ evaluation.team }}", "{{ evaluation.teem }}")
    r = wenshu("batch", EXAMPLES, "-o", tmp_path / "out", "--as-of", AS_OF, "--templates", tdir, "--kinds", "project_report")
    assert r.returncode == 1
    assert r.stderr.count("[render.undefined]") == 1 and "teem" in r.stderr
    assert "等 13 份项目绩效评价报告" in r.stderr and "失败 13）" in r.stdout


def test_renamed_template_is_used_and_an_unmatched_file_is_named(tmp_path):
    from test_render_cli import edited_template

    tdir = tmp_path / "tpl"
    tdir.mkdir()
    edited_template(ROOT / "templates" / "project_report.docx", tdir / "项目绩效评价报告（办公室修改）.docx",
                    "{{ evaluation.team }}", "办公室修改版。{{ evaluation.team }}")
    edited_template(ROOT / "templates" / "notice.docx", tdir / "发文模板.docx", "{{ doc.title }}", "{{ doc.title }}")
    (tdir / "旧模板.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    # 发文模板.docx keeps the kind stored in it; a file whose properties say nothing is not used
    with zipfile.ZipFile(ROOT / "templates" / "task_list.docx") as zin, \
            zipfile.ZipFile(tdir / "另一个.docx", "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "docProps/custom.xml":
                data = zin.read(item.filename)
                if item.filename == "docProps/core.xml":
                    data = data.replace("<cp:category>任务清单</cp:category>".encode(), b"")
                zout.writestr(item, data)
    out = tmp_path / "out"
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF, "--templates", tdir, "--kinds", "project_report,notice,task_list")
    assert r.returncode == 0, r.stderr
    assert "另一个.docx" in r.stderr and "[template.unknown-kind]" in r.stderr
    assert "旧模板.doc" in r.stderr and "[template.not-used]" in r.stderr
    assert "办公室修改版。" in Docx(out / SCHOOL).all_text()
    used = {e["kind"]: e["template"] for e in manifest(out)["outputs"]}
    assert used["project_report"].endswith("项目绩效评价报告（办公室修改）.docx")
    assert used["notice"].endswith("发文模板.docx")
    assert used["task_list"] == "内置模板/task_list.docx"


@pytest.mark.libreoffice
def test_a_run_without_pdf_removes_the_pdf_of_a_changed_document(examples_copy, tmp_path):
    out = tmp_path / "out"
    notice = "全区/通知/港政办〔2024〕3号"
    r = wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF, "--kinds", "notice", "--pdf")
    assert r.returncode == 0, r.stderr
    assert (out / f"{notice}.pdf").is_file()
    n = examples_copy / "notices" / "港政办〔2024〕3号.yaml"
    text = n.read_text(encoding="utf-8")
    day = re.search(r"signed_on: (\d{4}-\d\d-\d\d)", text).group(1)
    n.write_text(text.replace(f"signed_on: {day}", f"signed_on: {day[:-2]}{int(day[-2:]) - 1:02d}", 1), encoding="utf-8")
    r = wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF, "--kinds", "notice", "--resume")
    assert r.returncode == 0, r.stderr
    assert (out / f"{notice}.docx").is_file() and not (out / f"{notice}.pdf").exists()
    assert "已删除 1 份与新文书不符的旧 PDF" in r.stdout
    # an unchanged document keeps its PDF
    r = wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF, "--kinds", "notice", "--pdf", "--resume")
    assert r.returncode == 0 and (out / f"{notice}.pdf").is_file()
    r = wenshu("batch", examples_copy, "-o", out, "--as-of", AS_OF, "--kinds", "notice", "--resume")
    assert r.returncode == 0 and (out / f"{notice}.pdf").is_file()


@pytest.mark.libreoffice
def test_ctrl_c_during_pdf_conversion_counts_what_was_done(tmp_path):
    out = tmp_path / "out"
    p = subprocess.Popen([sys.executable, "-m", "wenshu", "batch", str(EXAMPLES), "-o", str(out), "--as-of", AS_OF,
                          "--pdf", "-j", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def pdfs_done() -> int:
        return len([x for x in out.rglob("*.pdf") if ".wenshu-batch" not in x.parts])

    wait_for(lambda: pdfs_done() >= 2 or p.poll() is not None, timeout=300)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    docx, pdfs = len(list(out.rglob("*.docx"))), pdfs_done()
    assert 0 < pdfs < docx
    assert f"已写出 .docx {docx} 份" in err and f"PDF {pdfs} 份" in err, err
