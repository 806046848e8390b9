"""A new document kind is one module: dropped into ``wenshu/documents/`` (of a copy of the package),
it shows in ``wenshu kinds``, ``template fields`` and ``template build``, and ``batch`` makes its
documents — without another file of wenshu changing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "kind_interview" / "interview.py"


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    """A copy of wenshu (source and built-in templates, as a checkout has them) plus the one module."""
    top = tmp_path_factory.mktemp("pkg")
    shutil.copytree(ROOT / "src" / "wenshu", top / "src" / "wenshu", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", top / "templates")
    before = _digests(top / "src")
    shutil.copy(FIXTURE, top / "src" / "wenshu" / "documents" / "interview.py")
    after = _digests(top / "src")
    assert set(after) - set(before) == {"wenshu/documents/interview.py"}
    assert all(after[k] == v for k, v in before.items())  # nothing else touched
    return top


def run(package: Path, *args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(package / "src"))
    code = "import sys\nfrom wenshu.cli import main\nmain(sys.argv[1:])"
    r = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd)
    return r


def test_the_copy_is_what_runs(package):
    r = run(package, "kinds")
    assert r.returncode == 0, r.stderr
    env = dict(os.environ, PYTHONPATH=str(package / "src"))
    where = subprocess.run([sys.executable, "-c", "import wenshu; print(wenshu.__file__)"], capture_output=True,
                           text=True, env=env).stdout.strip()
    assert where.startswith(str(package))


def test_new_kind_in_kinds_fields_build_and_batch(package, tmp_path):
    r = run(package, "kinds")
    assert r.returncode == 0, r.stderr
    assert "约谈通知（interview）" in r.stdout and "模板：interview.docx" in r.stdout

    r = run(package, "template", "fields", "约谈")  # by its alias
    assert r.returncode == 0, r.stderr
    assert "# 约谈通知（interview）" in r.stdout and "department" in r.stdout and "被约谈单位" in r.stdout

    built = package / "templates"
    r = run(package, "template", "build", built, "--force")
    assert r.returncode == 0, r.stderr
    assert (built / "interview.docx").is_file()
    # the other templates are rebuilt byte for byte; the new one records its kind inside
    for p in (ROOT / "templates").glob("*.docx"):
        assert (built / p.name).read_bytes() == p.read_bytes(), p.name
    custom = zipfile.ZipFile(built / "interview.docx").read("docProps/custom.xml").decode("utf-8")
    assert "约谈通知" in custom

    out = tmp_path / "out"
    r = run(package, "batch", EXAMPLES, "-o", out, "--as-of", "2025-11-30", "--kinds", "约谈通知,通报批评")
    assert r.returncode == 0, r.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    interviews = [e for e in manifest["outputs"] if e["kind"] == "interview"]
    criticised = [e for e in manifest["outputs"] if e["kind"] == "criticism"]
    assert interviews and criticised
    # one 约谈通知 per department criticised in a month, filed in that department's folder
    first = interviews[0]
    assert first["path"].startswith(first["department"] + "/约谈通知/")
    text = zipfile.ZipFile(out / first["path"]).read("word/document.xml").decode("utf-8")
    assert "督办考评中，你单位得分" in text and "主要负责人" in text and "{{" not in text
