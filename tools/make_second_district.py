"""Generate tests/fixtures/second_district/: the example data moved to another, fictional district.

Every district-specific word of data_examples/ (district, streets, places, organs and their 发文字号
代字, the lead bureau's short name, the basis document) is replaced, so a batch over this folder proves
that nothing of the first district is written in code: tests/test_districts.py scans its documents
for every word of FIRST_DISTRICT_WORDS.

    python tools/make_second_district.py            # writes tests/fixtures/second_district
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data_examples"
TARGET = ROOT / "tests" / "fixtures" / "second_district"

# Longest first: each pair is applied in order to every file's text.
RENAMES = [
    ("黄石港区加快推动投资项目绩效综合评价改革工作方案（试行）", "西塞山区投资项目绩效综合评价改革实施方案"),
    ("港政办〔2024〕3号", "西政办〔2024〕8号"),
    ("黄石港", "西塞山"),
    ("港投委办", "西投委办"),
    ("港政办", "西政办"),
    ("港政", "西政"),
    ("港发改", "西发改"),
    ("港财", "西财"),
    ("区发改局", "区发展改革局"),
    ("区投委会办公室", "区投委办"),
    ("江北管理区", "临江管理区"),
    ("江北", "临江"),
    ("花湖", "澄月"),
    ("胜阳港", "八泉"),
    ("沈家营", "陈家湾"),
    ("磁湖", "青龙湖"),
    ("颐阳路", "黄思湾路"),
    ("青山湖", "月亮湖"),
    ("王家里路", "牧羊湖路"),
    ("天津路", "石料山路"),
]

# Words that belong to the first district only: none may appear in the second district's documents.
FIRST_DISTRICT_WORDS = ["黄石港", "港政办", "港投委办", "港政〔", "港发改", "港财〔", "区发改局", "区投委会办公室", "江北", "花湖", "胜阳港",
                        "沈家营", "磁湖", "颐阳路"]


def convert(text: str) -> str:
    for old, new in RENAMES:
        text = text.replace(old, new)
    return text


def main(target: Path = TARGET) -> None:
    if target.exists():
        shutil.rmtree(target)
    for src in sorted(SOURCE.rglob("*")):
        rel = src.relative_to(SOURCE)
        dst = target / Path(convert(rel.as_posix()))
        if src.is_dir():
            dst.mkdir(parents=True, exist_ok=True)
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        text = convert(src.read_text(encoding="utf-8"))
        # Schemas: the fixture sits two folders deeper than data_examples.
        text = text.replace("$schema=../", "$schema=../../../")
        if rel.parts[0] == "notices":
            text = re.sub(r"^seq: 3$", "seq: 8", text, flags=re.M)
        dst.write_text(text, encoding="utf-8")
    leftovers = [(p, w) for p in target.rglob("*.yaml") for w in FIRST_DISTRICT_WORDS if w in p.read_text(encoding="utf-8")]
    if leftovers:
        raise SystemExit(f"words of the first district left: {leftovers[:5]}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)
