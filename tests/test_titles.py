"""Titles broken between words, in a trapezoid or diamond (GB/T 9704 7.3.1), for every document the
example batch produces: the titles are read back from the real .docx files."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import EXAMPLES
from docx_inspect import Docx
from wenshu.official import titles as breaking

TITLE_STYLES = ("GwTitle", "GwAttachmentTitle")


def width(text: str) -> float:
    return sum(0.5 if ord(c) < 0x2E80 else 1.0 for c in text)


def words_cut(line_ends: list[int], title: str, words: tuple[str, ...]) -> list[str]:
    """Protected words (district names, jieba words) that a break position cuts in two."""
    cut = []
    for w in words:
        start = title.find(w)
        while start != -1:
            end = start + len(w)
            if width(w) <= breaking.TITLE_MAX_ZI and any(start < j < end for j in line_ends):
                cut.append(w)
            start = title.find(w, start + 1)
    return cut


def jieba_words(title: str) -> tuple[str, ...]:
    return tuple(t for t in breaking._tokens(title) if len(t) >= 2)


def shape_ok(widths: list[float]) -> bool:
    return breaking._shape_ok(widths)


@pytest.fixture(scope="module")
def batch_titles(tmp_path_factory) -> list[tuple[str, str]]:
    """(file, title with its line breaks) of every title paragraph of every example output."""
    from wenshu.batch import BatchOptions, run_batch

    out = tmp_path_factory.mktemp("titles") / "out"
    res = run_batch(BatchOptions(data_dir=EXAMPLES, out_dir=out, as_of=dt.date(2025, 11, 30), workers=1))
    assert res.ok, res.failures
    titles = []
    for path in sorted(out.rglob("*.docx")):
        d = Docx(path)
        for p in d.paragraphs():
            if d.paragraph_style(p) in TITLE_STYLES and d.text(p).strip():
                titles.append((path.relative_to(out).as_posix(), d.text(p)))
    return titles


@pytest.fixture(scope="module")
def district_words():
    from wenshu.data import load_dataset

    ds = load_dataset([EXAMPLES])
    projects = [s.name for s in ds.stubs.values()]
    return breaking.title_words(ds.district, *projects)


def test_every_example_title_is_whole_word_and_shaped(batch_titles, district_words):
    assert len(batch_titles) >= 70  # every kind: notices, reports, task lists, bulletins, attachments
    bad = []
    for path, text in batch_titles:
        lines = text.split("\n")
        title = "".join(lines)
        widths = [width(l) for l in lines]
        ends, pos = [], 0
        for l in lines[:-1]:
            pos += len(l)
            ends.append(pos)
        problems = []
        if max(widths) > breaking.TITLE_MAX_ZI:
            problems.append(f"行宽 {max(widths)} 字")
        if width(title) > breaking.TITLE_MAX_ZI and len(lines) == 1:
            problems.append("超过一行却未回行")
        if len(lines) > 1 and not shape_ok(widths):
            problems.append(f"非梯形或菱形 {widths}")
        cut = words_cut(ends, title, district_words + jieba_words(title))
        if cut:
            problems.append("拆开了词：" + "、".join(cut))
        for l in lines[1:]:
            if l[0] in "，。、；：？！）》”":
                problems.append(f"行首标点：{l}")
        if problems:
            bad.append(f"{path}: {' / '.join(lines)}：{'；'.join(problems)}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("title, words, expected", [
    # the breaks the issue found inside words
    ("黄石港区颐阳路道路提升改造工程绩效评价报告", ("颐阳路道路提升改造工程",), ["黄石港区颐阳路道路提升改造工程", "绩效评价报告"]),
    ("黄石港区2024年度住房保障与城市更新行业投资项目绩效评价报告", ("住房保障与城市更新",),
     ["黄石港区2024年度住房保障与城市更新", "行业投资项目绩效评价报告"]),
    # two lines of a trapezoid, the number kept with its unit
    ("某区人民政府办公室关于开展2025年度政府投资项目“两算”专项清理工作的通知", (),
     ["某区人民政府办公室关于开展2025年度", "政府投资项目“两算”专项清理工作的通知"]),
    # an inverted trapezoid of whole words (19 字 a line: an organ line would need four lines)
    ("区人民政府办公室关于印发《黄石港区加快推动投资项目绩效综合评价改革工作方案（试行）》的通知", (),
     ["区人民政府办公室关于印发《黄石港区", "加快推动投资项目绩效综合评价", "改革工作方案（试行）》的通知"]),
])
def test_known_titles(title, words, expected):
    assert breaking.title_lines(title, words=words).split("\n") == expected


def test_numbers_keep_their_unit_and_short_titles_stay_whole():
    t = breaking.title_lines("某区投资管理委员会办公室关于对2025年10月投资项目绩效综合评价改革工作推进不力单位的通报批评")
    for line in t.split("\n"):
        assert not line.startswith(("年", "月", "0")), t
    assert breaking.title_lines("某区2024年度投资项目综合绩效评价报告") == "某区2024年度投资项目综合绩效评价报告"


def test_the_old_call_signature_still_works():
    assert breaking.title_lines("关于开展某项工作的通知") == "关于开展某项工作的通知"
    assert "\n" in breaking.title_lines("某区人民政府办公室关于进一步加强政府投资项目全过程绩效管理工作的通知", 20)


def test_district_words_are_never_split():
    title = "某某新区智慧城市运营指挥中心二期建设工程绩效评价报告"
    plain = breaking.title_lines(title)
    kept = breaking.title_lines(title, words=("智慧城市运营指挥中心二期建设工程",))
    assert "智慧城市运营指挥中心二期建设工程" in kept.split("\n")[0] + kept.split("\n")[-1] or \
        any("智慧城市运营指挥中心二期建设工程" in l for l in kept.split("\n")), kept
    assert plain  # still broken somewhere sensible without the words


def test_deterministic():
    t = "区人民政府办公室关于印发《黄石港区加快推动投资项目绩效综合评价改革工作方案（试行）》的通知"
    assert len({breaking.title_lines(t) for _ in range(5)}) == 1
