"""Faults on real file systems: a read-only folder and a full disk (small tmpfs mounts, as root)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from test_batch import AS_OF, reference, tree  # noqa: F401  (fixture)
from tests.conftest import EXAMPLES


def wenshu(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wenshu", *map(str, args)], capture_output=True, text=True)


@pytest.fixture
def mountpoint(tmp_path):
    if os.geteuid() != 0:
        pytest.fail("these tests mount small file systems and need root (CI and the README commands run as root)")
    mp = tmp_path / "mnt"
    mp.mkdir()
    yield mp
    subprocess.run(["umount", "-l", str(mp)], capture_output=True)


def mount(mp: Path, options: str) -> None:
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mp)], check=True)


def test_read_only_output_folder(mountpoint, tmp_path):
    mount(mountpoint, "ro,size=1m")
    r = wenshu("batch", EXAMPLES, "-o", mountpoint / "out", "--as-of", AS_OF)
    assert r.returncode == 2
    assert "无法写入输出目录：所在文件系统是只读的" in r.stderr and "Traceback" not in r.stderr
    r = wenshu("render", "notice", EXAMPLES, "--item", "港政办〔2024〕3号", "-o", mountpoint / "n.docx")
    assert r.returncode == 2 and "只读" in r.stderr and "Traceback" not in r.stderr
    assert not list(mountpoint.iterdir())


def test_full_disk_then_resume(mountpoint, reference):
    mount(mountpoint, "size=1200k")  # room for part of the documents only
    out = mountpoint / "out"
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF, "-j", "1")
    assert r.returncode == 1, r.stderr
    assert "写入失败" in r.stderr and "Traceback" not in r.stderr
    written = list(out.rglob("*.docx"))
    assert 0 < len(written) < len(list(reference.rglob("*.docx")))
    for d in written:
        with zipfile.ZipFile(d) as z:
            assert z.testzip() is None  # nothing half-written
    subprocess.run(["mount", "-o", "remount,size=50m", str(mountpoint)], check=True)
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF, "--resume")
    assert r.returncode == 0, r.stderr
    assert tree(out) == tree(reference)
