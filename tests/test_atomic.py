"""wenshu.atomic: the one atomic writer (.docx, PDFs, booklets, workbooks, the layout pass)."""

from __future__ import annotations

import os

import pytest

from wenshu import atomic
from wenshu.atomic import atomic_write, current_umask


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_bytes_and_writer_functions_land_whole(tmp_path):
    target = tmp_path / "新建 目录" / "文件.pdf"
    atomic_write(target, b"%PDF-1.6 one")
    assert target.read_bytes() == b"%PDF-1.6 one"
    atomic_write(target, lambda f: f.write(b"two"), force=True)
    assert target.read_bytes() == b"two"
    assert leftovers(target.parent) == []


def test_existing_target_needs_force(tmp_path):
    target = tmp_path / "a.docx"
    target.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path, error):
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"old")

    def writer(f):
        f.write(b"half")
        raise error

    with pytest.raises(type(error)):
        atomic_write(target, writer, force=True)
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_temporary_is_beside_the_target_fsynced_then_renamed(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])

    def replace(src, dst):
        calls.append(("replace", os.path.dirname(src), os.path.basename(src)))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    atomic_write(tmp_path / "b.pdf", b"data")
    assert calls[0] == "fsync"
    _, folder, name = calls[1]
    assert folder == str(tmp_path)
    assert name.startswith(".b.pdf.") and name.endswith(".part")  # what the batch sweeps as leftovers


def test_files_get_the_permissions_of_a_plain_write(tmp_path):
    old = os.umask(0o027)
    try:
        assert current_umask() == 0o027
        atomic_write(tmp_path / "c.pdf", b"x")
        (tmp_path / "plain").write_bytes(b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "c.pdf").stat().st_mode & 0o777 == (tmp_path / "plain").stat().st_mode & 0o777 == 0o640
