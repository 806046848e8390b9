"""Shared fixtures: real files on disk in tmp_path, the real CLI entry point, the example data."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data_examples"


def run_main_after(prelude: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``wenshu`` in a fresh Python process after ``prelude`` (a file-size limit, a smaller
    spool threshold ...), as a user's process would meet those conditions."""
    code = prelude + "\nfrom wenshu.cli import main\n" + f"main({[str(a) for a in args]!r})\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    """A private copy of data_examples/ that a test may edit."""
    dst = tmp_path / "data"
    shutil.copytree(EXAMPLES, dst)
    return dst


@pytest.fixture
def run_cli(capsys, monkeypatch):
    """Run the real ``wenshu`` entry point in-process; returns (exit_code, stdout, stderr)."""
    from wenshu.cli import main

    def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        code = 0
        try:
            main([str(a) for a in args])
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return run
