"""Golden text per document kind: the visible text of each example document, normalised.

A deliberate change to wording or computation updates the files with:
    WENSHU_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
and the diff shows in review exactly what every document now says.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docx_inspect import Docx
from test_documents import PICK, example, rendered  # noqa: F401  (fixtures)

GOLDEN = Path(__file__).parent / "golden"


def normalise(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(l for l in lines if l) + "\n"


@pytest.mark.parametrize("kind", sorted(PICK))
def test_golden_text(rendered, kind):
    got = normalise(Docx(rendered[kind]).all_text())
    path = GOLDEN / f"{kind}.txt"
    if os.environ.get("WENSHU_UPDATE_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    assert path.is_file(), f"missing {path}: run with WENSHU_UPDATE_GOLDEN=1"
    assert got == path.read_text(encoding="utf-8")
