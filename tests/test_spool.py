"""The on-disk spool behind lean datasets, compact analyses and batch records: real SQLite files,
real data folders, real processes with a file-size limit for the disk-full case."""

from __future__ import annotations

import datetime as dt
import gc
import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, run_main_after
from tests.test_batch import AS_OF, tree, wenshu
from wenshu.spool import Spool


def test_map_multimap_and_set_move_to_disk_and_clean_up(tmp_path):
    sp = Spool(tmp_path, spill_bytes=4000)
    m, mm, st = sp.map("m"), sp.multimap("mm"), sp.set("s")
    for i in range(300):
        m.put(f"k{i}", {"i": i}, order=f"{299 - i:04d}")
        mm.add(f"g{i % 3}", i)
        st.add(f"n{i}")
    sp.flush()  # writes are buffered a few hundred at a time
    assert sp.path == tmp_path / "spool.sqlite" and sp.path.is_file()  # outgrew memory: on disk now
    m.put("k5", "again")  # a second put replaces
    assert len(m) == 300 and m["k5"] == "again" and m.get("missing") is None
    assert "k7" in m and "missing" not in m and "n299" in st and "n300" not in st
    with pytest.raises(KeyError):
        m["missing"]
    assert list(m.values(ordered=True))[:2] == ["again", {"i": 299}]  # "" sorts first, then by order text
    assert mm.get_all("g1") == list(range(1, 300, 3)) and mm.key_count() == 3 and len(mm) == 300
    # Reading one table while writing another (the batch reads outputs while recording PDFs).
    seen = 0
    for v in m.values():
        mm.add("late", v)
        seen += 1
    assert seen == 300 and len(mm.get_all("late")) == 300
    path = sp.path
    sp.close()
    assert not path.exists() and tmp_path.is_dir()  # only the file was ours


def test_small_spool_never_touches_disk_and_temporary_folder_is_removed():
    sp = Spool()
    sp.map("x").put("a", 1)
    assert sp.path is None and sp.map("x")["a"] == 1
    big = Spool(spill_bytes=10)
    t = big.map("y")
    for i in range(600):
        t.put(str(i), "值" * 50)
    folder = big.path.parent
    assert folder.name.startswith("wenshu-spool-") and big.path.is_file()
    del big, t
    gc.collect()
    assert not folder.exists()


def _analysed(data: Path, spill: int):
    import wenshu.spool as spool_mod
    from wenshu.analysis_output import format_text, to_json
    from wenshu.pipeline import analyze
    from wenshu.wording import Wording

    W = Wording()
    old = spool_mod.SPILL_BYTES
    spool_mod.SPILL_BYTES = spill
    try:
        ds, a = analyze([data], dt.date.fromisoformat(AS_OF))
        text, js = format_text(a, W), to_json(a, W)
        # the analysis's records and the appraisals and evaluations (frozen, read-only) on disk, or not
        assert (ds.spool.path is not None) == (ds.inputs.path is not None) == (spill < 1000)
        return text, js, ds, a
    finally:
        spool_mod.SPILL_BYTES = old


def test_analysis_on_disk_equals_in_memory():
    """With every per-project record on the SQLite file or all in memory, the analysis gives the same
    figures, the same overdue order and the same text."""
    mt, mj, _, _ = _analysed(EXAMPLES, 10**9)
    dt_, dj, ds, a = _analysed(EXAMPLES, 1)
    assert dt_ == mt
    for key in ("overdue", "departments", "industries", "district_total", "libraries", "supervision", "summary", "projects"):
        assert dj[key] == mj[key], key
    assert ds.evaluation_count == 13 and ds.project_count == 44
    pid = next(iter(a.projects)).id
    assert a.project(pid).id == pid and ds.project_file(pid).startswith("projects/")
    assert not hasattr(ds, "projects")  # projects are not kept: they pass by once


def test_batch_with_spool_on_disk_equals_in_memory(tmp_path):
    """A batch whose records all went through the SQLite file writes the same bytes (documents,
    manifest.json, manifest.csv) as one that kept them in memory."""
    ref = tmp_path / "ref"
    r = wenshu("batch", EXAMPLES, "-o", ref, "--as-of", AS_OF, "-j", "1")
    assert r.returncode == 0, r.stderr
    out = tmp_path / "out"
    r = run_main_after("import wenshu.spool\nwenshu.spool.SPILL_BYTES = 1", "batch", EXAMPLES, "-o", out, "--as-of", AS_OF)
    assert r.returncode == 0, r.stderr
    assert tree(out) == tree(ref)
    assert not (out / ".wenshu-batch" / "spool.sqlite").exists()  # removed when the batch ends


def test_spool_disk_full_is_a_located_chinese_error_and_resume_completes(tmp_path):
    out = tmp_path / "out"
    prelude = ("import resource, signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
               "import wenshu.spool\nwenshu.spool.SPILL_BYTES = 1\n"
               "resource.setrlimit(resource.RLIMIT_FSIZE, (30000, 30000))")
    r = run_main_after(prelude, "batch", EXAMPLES, "-o", out, "--as-of", AS_OF)
    assert r.returncode == 1, r.stderr
    assert "临时索引文件写入失败" in r.stderr and "磁盘已满" in r.stderr and "Traceback" not in r.stderr
    assert ".wenshu-batch/inputs.sqlite" in r.stderr or ".wenshu-batch/spool.sqlite" in r.stderr  # names the file
    assert not list(out.rglob("*.docx")) and not list(out.rglob("*.part"))
    r = wenshu("batch", EXAMPLES, "-o", out, "--as-of", AS_OF, "--resume")
    assert r.returncode == 0, r.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["count"] == len(list(out.rglob("*.docx"))) > 80


def test_validate_large_folder_spools_to_a_temporary_folder_and_removes_it(tmp_path):
    from bench.gen import generate

    data = tmp_path / "d"
    generate(data, 600)
    prelude = (f"import os, tempfile\ntempfile.tempdir = {str(tmp_path / 'tmp')!r}\nos.makedirs(tempfile.tempdir)\n"
               "import wenshu.spool\nwenshu.spool.SPILL_BYTES = 1000")
    r = run_main_after(prelude, "validate", data)
    assert r.returncode == 0, r.stderr
    assert "600 个项目" in r.stdout
    assert list((tmp_path / "tmp").iterdir()) == []  # the spool folder went with the process
