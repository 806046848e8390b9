"""Tests for wenshu.loading: real YAML files on disk, every problem located and in Chinese."""

from __future__ import annotations

import datetime
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest

import wenshu.loading.compose as compose
import wenshu.loading.construct as construct
from wenshu.errors import DataError, Problem
from wenshu.loading import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    LoadedYaml,
    load_yaml,
    load_yaml_text,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(params=sorted(compose._LOADERS))
def composer(request, monkeypatch):
    """Run a test with every available composer (libyaml and pure Python)."""
    monkeypatch.setattr(compose, "_Loader", compose._LOADERS[request.param])
    return request.param


def write(tmp_path: Path, text: str | bytes, name: str = "data.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path, display: str = "data/input.yaml") -> list[Problem]:
    with pytest.raises(DataError) as info:
        load_yaml(path, display=display)
    problems = info.value.problems
    assert problems, "DataError without problems"
    for p in problems:
        assert p.file == display
        assert CJK.search(p.message), f"message not Chinese: {p.message!r}"
        assert p.severity == "error"
    return problems


def one(problems: list[Problem], code: str) -> Problem:
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, f"expected one {code}, got {[(p.code, p.line) for p in problems]}"
    return found[0]


# ---------------------------------------------------------------------------------------------
# Happy path


def test_happy_path_types_and_positions(tmp_path, composer):
    path = write(
        tmp_path,
        """\
# 项目数据
title: 关于印发绩效评价结果的通知
projects:
  - name: 教学楼改扩建
    budget: 12.30
    rate: 0.035
    count: 12
    start: 2024-03-01
    signed: 2024-03-01 09:30:00
    done: true
    note: ~
    code: "010"
    answer: 'no'
  - name: "操场 翻新"
    catalogue:
      name: 目录库名称
      items: [1, 2.50, 三]
""",
    )
    loaded = load_yaml(path, display="data_examples/projects/edu.yaml")
    assert isinstance(loaded, LoadedYaml)
    assert loaded.display == "data_examples/projects/edu.yaml"
    assert loaded.path == path
    first = loaded.data["projects"][0]
    assert first["budget"] == Decimal("12.30") and str(first["budget"]) == "12.30"
    assert isinstance(first["rate"], Decimal) and first["rate"] == Decimal("0.035")
    assert first["count"] == 12 and type(first["count"]) is int
    assert type(first["start"]) is datetime.date and first["start"] == datetime.date(2024, 3, 1)
    assert first["signed"] == datetime.datetime(2024, 3, 1, 9, 30)
    assert first["done"] is True and first["note"] is None
    assert first["code"] == "010" and first["answer"] == "no"  # quoted: always plain text
    assert list(loaded.data) == ["title", "projects"]  # insertion order
    assert list(first)[:3] == ["name", "budget", "rate"]
    items = loaded.data["projects"][1]["catalogue"]["items"]
    assert items == [1, Decimal("2.50"), "三"]

    assert loaded.positions[()] == (2, 1)
    assert loaded.positions[("title",)] == (2, 8)
    assert loaded.positions[("projects", 0, "name")] == (4, 11)
    assert loaded.positions[("projects", 0, "budget")] == (5, 13)
    assert loaded.positions[("projects", 1, "name")] == (14, 11)
    assert loaded.positions[("projects", 1, "catalogue", "name")] == (16, 13)
    assert loaded.positions[("projects", 1, "catalogue", "items", 2)] == (17, 24)
    assert loaded.key_positions[("projects", 0, "budget")] == (5, 5)
    assert loaded.key_positions[("projects", 1, "catalogue")] == (15, 5)
    assert ("projects", 0) not in loaded.key_positions  # list items have no key


def test_locate_falls_back_to_nearest_ancestor(tmp_path):
    path = write(
        tmp_path,
        "projects:\n  - name: a\n  - name: b\n  - name: c\n    catalogue:\n      name: x\n",
    )
    loaded = load_yaml(path)
    assert loaded.locate(("projects", 2, "catalogue", "name")) == (6, 13)
    # a misspelt / missing key: the parent mapping
    assert loaded.locate(("projects", 2, "catalogue", "nmae")) == (6, 7)
    assert loaded.locate(["projects", 1, "budget"]) == (3, 5)
    assert loaded.locate(("nothing", "here")) == (1, 1)
    assert loaded.locate(()) == (1, 1)


def test_utf8_bom_is_accepted(tmp_path, composer):
    path = write(tmp_path, "\ufeff名称: 测试\n金额: 1.50\n".encode("utf-8"))
    loaded = load_yaml(path)
    assert loaded.data == {"名称": "测试", "金额": Decimal("1.50")}
    assert loaded.positions[("金额",)] == (2, 5)


def test_merge_keys_explicit_wins(tmp_path, composer):
    path = write(
        tmp_path,
        "base: &base\n  unit: 县教育局\n  rate: 0.10\nitem:\n  <<: *base\n  rate: 0.20\n",
    )
    loaded = load_yaml(path)
    assert loaded.data["item"] == {"unit": "县教育局", "rate": Decimal("0.20")}
    assert loaded.positions[("item", "rate")] == (6, 9)
    assert loaded.positions[("item", "unit")] == (2, 9)  # from the anchored mapping


def test_load_yaml_text_str_and_bytes():
    assert load_yaml_text("a: 1\n").data == {"a": 1}
    assert load_yaml_text("a: 1.0\n".encode()).data == {"a": Decimal("1.0")}
    with pytest.raises(DataError) as info:
        load_yaml_text("a: yes\n")
    assert info.value.problems[0].file == "<输入>"


# ---------------------------------------------------------------------------------------------
# 1. tags


def test_python_object_tag_is_rejected_not_constructed(tmp_path, composer):
    path = write(
        tmp_path,
        "ok: 1\nevil: !!python/object/apply:os.system [\"echo hacked\"]\n"
        "also: !!python/name:os.system\nnum: !!float 5\n",
    )
    problems = problems_of(path)
    assert [(p.code, p.line) for p in problems] == [
        ("yaml.tag", 2),
        ("yaml.tag", 3),
        ("yaml.tag", 4),
    ]
    assert "!!python/object/apply:os.system" in problems[0].message


def test_explicit_str_tag_is_text(tmp_path):
    assert load_yaml(write(tmp_path, "a: !!str yes\nb: !!str 010\n")).data == {
        "a": "yes",
        "b": "010",
    }


# ---------------------------------------------------------------------------------------------
# 2. duplicate keys


def test_duplicate_keys_all_reported_with_both_lines(tmp_path, composer):
    path = write(
        tmp_path,
        "name: a\nother: 1\nname: b\nsub:\n  x: 1\n  y: 2\n  x: 3\nname: c\n",
    )
    problems = problems_of(path)
    dups = [p for p in problems if p.code == "yaml.duplicate-key"]
    assert [(p.line, p.message) for p in dups] == [
        (3, "键“name”重复：第1行与第3行"),
        (7, "键“x”重复：第5行与第7行"),
        (8, "键“name”重复：第1行与第8行"),
    ]


# ---------------------------------------------------------------------------------------------
# 3. YAML 1.1 traps


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "Yes", "NO", "Off"])
def test_ambiguous_bool(tmp_path, composer, word):
    p = one(problems_of(write(tmp_path, f"title: 测试\nflag: {word}\n")), "yaml.ambiguous-bool")
    assert p.line == 2 and p.column == 7
    assert f'"{word}"' in p.hint and "加引号" in p.hint


def test_true_false_spellings_are_fine(tmp_path):
    data = load_yaml(write(tmp_path, "a: true\nb: False\nc: TRUE\n")).data
    assert data == {"a": True, "b": False, "c": True}


@pytest.mark.parametrize("value", ["010", "0420", "09", "-012"])
def test_leading_zero(tmp_path, composer, value):
    p = one(problems_of(write(tmp_path, f"a: 1\nphone: {value}\n")), "yaml.leading-zero")
    assert p.line == 2 and f'"{value}"' in p.hint


@pytest.mark.parametrize("value", ["0x1F", "0o17", "0b101"])
def test_hex_octal_binary(tmp_path, value):
    p = one(problems_of(write(tmp_path, f"a: 1\n\ncode: {value}\n")), "yaml.radix-number")
    assert p.line == 3


@pytest.mark.parametrize("value", ["1:20", "12:30:00", "1:20.5"])
def test_sexagesimal(tmp_path, composer, value):
    p = one(problems_of(write(tmp_path, f"score: {value}\n")), "yaml.sexagesimal")
    assert p.line == 1 and p.column == 8
    assert "加引号" in p.hint


def test_all_traps_reported_together(tmp_path):
    problems = problems_of(write(tmp_path, "a: yes\nb: 010\nc: 1:20\nd: ok\n"))
    assert [(p.code, p.line) for p in problems] == [
        ("yaml.ambiguous-bool", 1),
        ("yaml.leading-zero", 2),
        ("yaml.sexagesimal", 3),
    ]


# ---------------------------------------------------------------------------------------------
# 4. numbers and dates


@pytest.mark.parametrize("value", [".inf", "-.inf", ".NaN"])
def test_inf_nan_rejected(tmp_path, value):
    p = one(problems_of(write(tmp_path, f"a: 1\nmoney: {value}\n")), "yaml.bad-number")
    assert p.line == 2


def test_no_float_anywhere(tmp_path, composer):
    data = load_yaml(write(tmp_path, "a: [0.1, 1_000.5, 1.0e+3, .5, -2.]\n")).data
    assert data["a"] == [
        Decimal("0.1"),
        Decimal("1000.5"),
        Decimal("1.0e+3"),
        Decimal(".5"),
        Decimal("-2."),
    ]
    assert all(type(x) is Decimal for x in data["a"])


def test_impossible_date(tmp_path, composer):
    problems = problems_of(write(tmp_path, "start: 2024-02-28\nend: 2024-02-30\n"))
    p = one(problems, "yaml.bad-date")
    assert (p.line, p.column) == (2, 6)
    assert "2024-02-30" in p.message


def test_timestamp_with_zone(tmp_path):
    data = load_yaml(write(tmp_path, "t: 2024-05-01T08:00:00+08:00\n")).data
    assert data["t"].utcoffset() == datetime.timedelta(hours=8)


# ---------------------------------------------------------------------------------------------
# 5. encoding


def test_gbk_file_rejected_with_line(tmp_path):
    raw = "title: ok\nname: 教育局\n".encode("gbk")
    p = one(problems_of(write(tmp_path, raw)), "yaml.encoding")
    assert p.line == 2 and p.column == 7
    assert "UTF-8" in p.message and "GBK" in p.message


def test_utf16_rejected(tmp_path):
    p = one(problems_of(write(tmp_path, "a: 1\n".encode("utf-16"))), "yaml.encoding")
    assert p.line == 1


def test_control_character(tmp_path, composer):
    p = one(problems_of(write(tmp_path, "a: 1\nb: x\x07y\n")), "yaml.control-char")
    assert (p.line, p.column) == (2, 5)


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"])
def test_invisible_unicode_line_break_is_refused_not_folded(tmp_path, char):
    """YAML 1.1 reads NEL / LS / PS as line breaks: "0\x850" would load as "0 0". Found by the
    hypothesis run in CI; refused with its position instead of silently changing the text."""
    p = one(problems_of(write(tmp_path, f"a: 1\nbody: '0{char}0'\n")), "yaml.unicode-line-break")
    assert (p.line, p.column) == (2, 9) and f"U+{ord(char):04X}" in p.message


# ---------------------------------------------------------------------------------------------
# 6. empty / multi-document


@pytest.mark.parametrize("text", ["", "   \n\n", "# 只有注释\n# comment\n", "---\n"])
def test_empty(tmp_path, composer, text):
    p = one(problems_of(write(tmp_path, text)), "yaml.empty")
    assert p.line == 1


def test_multi_document(tmp_path, composer):
    p = one(problems_of(write(tmp_path, "---\na: 1\n---\nb: 2\n")), "yaml.multi-document")
    assert p.line == 3


# ---------------------------------------------------------------------------------------------
# 7. syntax errors


def test_tab_indentation(tmp_path, composer):
    p = one(problems_of(write(tmp_path, "a:\n  b: 1\n\tc: 2\n")), "yaml.tab")
    assert p.line == 3
    assert p.hint == "YAML 只能用空格缩进，请把制表符换成空格"


def test_syntax_error_translated(tmp_path, composer):
    p = one(problems_of(write(tmp_path, "a: 1\nb: c: d\n")), "yaml.syntax")
    assert (p.line, p.column) == (2, 5)
    assert p.found is None and "键: 值" in p.message  # PyYAML's English reason never reaches the user


def test_unclosed_bracket(tmp_path, composer):
    p = one(problems_of(write(tmp_path, "a: [1, 2\nb: 3\n")), "yaml.syntax")
    assert p.line == 2 and "]" in p.message


def test_undefined_alias(tmp_path, composer):
    p = one(problems_of(write(tmp_path, "a: 1\nb: *missing\n")), "yaml.syntax")
    assert p.line == 2 and "*missing" in p.message


# ---------------------------------------------------------------------------------------------
# 8. hostile input


def test_too_large_checked_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:  # sparse file: no need to write 20 MB
        fh.truncate(MAX_FILE_BYTES + 1)

    def no_read(*args, **kwargs):
        raise AssertionError("file was read")

    monkeypatch.setattr(Path, "open", no_read)
    p = one(problems_of(path), "yaml.too-large")
    assert p.line is None  # the whole file, no line to point at
    assert "20 MB" in p.message


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_rejected_fast(tmp_path, composer):
    path = write(tmp_path, BILLION_LAUGHS)
    start = time.perf_counter()
    problems = problems_of(path)
    elapsed = time.perf_counter() - start
    p = one(problems, "yaml.alias-bomb")
    assert p.line is not None and 1 <= p.line <= 9
    assert elapsed < 0.5, f"took {elapsed:.3f}s"


def test_wide_alias_expansion_hits_node_limit(tmp_path, monkeypatch):
    # Few alias uses, each expanding a big subtree: caught by the node total.
    monkeypatch.setattr(construct, "MAX_NODES", 5_000)
    big = "[" + ", ".join(["1"] * 1000) + "]"
    path = write(tmp_path, f"a: &a {big}\nb: [*a, *a, *a, *a, *a, *a, *a, *a]\n")
    p = one(problems_of(path), "yaml.alias-bomb")
    assert p.line == 1


def test_a_few_aliases_are_fine(tmp_path):
    data = load_yaml(write(tmp_path, "a: &x {k: 1}\nb: *x\nc: [*x, *x]\n")).data
    assert data["c"] == [{"k": 1}, {"k": 1}]
    assert MAX_ALIASES >= 1000


def test_recursive_alias(tmp_path, composer):
    p = one(problems_of(write(tmp_path, "a: 1\nb: &r [1, *r]\n")), "yaml.recursive-alias")
    assert p.line == 2


def test_too_deep(tmp_path, composer):
    depth = MAX_DEPTH + 5
    text = "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v\n"
    p = one(problems_of(write(tmp_path, text)), "yaml.too-deep")
    # the root is depth 0; the value of k{MAX_DEPTH} (line MAX_DEPTH + 2) is one level too deep
    assert p.line == MAX_DEPTH + 2


def test_too_deep_for_the_parser(tmp_path):
    p = one(problems_of(write(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")), "yaml.too-deep")
    assert p.line == 1


def test_max_depth_itself_is_fine_one_more_is_not(tmp_path):
    # root mapping = depth 0, innermost list = depth MAX_DEPTH - 1, the scalar = MAX_DEPTH
    text = "a: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1) + "\n"
    data = load_yaml(write(tmp_path, text)).data["a"]
    for _ in range(MAX_DEPTH - 2):
        data = data[0]
    assert data == [1]
    text = "a: " + "[" * MAX_DEPTH + "1" + "]" * MAX_DEPTH + "\n"
    p = one(problems_of(write(tmp_path, text, "deeper.yaml")), "yaml.too-deep")
    assert (p.line, p.column) == (1, MAX_DEPTH + 4)


# ---------------------------------------------------------------------------------------------
# 9. keys must be text


@pytest.mark.parametrize("key", ["1", "2024-01-01", "null", "yes", "1.5"])
def test_non_string_keys(tmp_path, composer, key):
    p = one(problems_of(write(tmp_path, f"ok: 1\n{key}: x\n")), "yaml.key-type")
    assert (p.line, p.column) == (2, 1)
    assert f'"{key}"' in p.hint


def test_quoted_keys_are_fine(tmp_path):
    assert load_yaml(write(tmp_path, '"1": a\n"2024-01-01": b\n')).data == {
        "1": "a",
        "2024-01-01": "b",
    }


def test_complex_key(tmp_path):
    p = one(problems_of(write(tmp_path, "a: 1\n? [x, y]\n: 2\n")), "yaml.key-type")
    assert p.line == 2


# ---------------------------------------------------------------------------------------------
# file access


def test_missing_file(tmp_path):
    with pytest.raises(DataError) as info:
        load_yaml(tmp_path / "nope.yaml", display="nope.yaml")
    (p,) = info.value.problems
    assert p.code == "yaml.not-found" and p.file == "nope.yaml" and CJK.search(p.message)


def test_problem_format_is_readable(tmp_path):
    problems = problems_of(write(tmp_path, "a: 1\nflag: no\n"), display="data/p.yaml")
    text = problems[0].format()
    assert text.startswith("data/p.yaml，第2行，第7列：错误 [yaml.ambiguous-bool]")
    assert '提示：如果这是文字，请加引号，例如 "no"' in text


def test_merge_list_earlier_wins_and_bad_merge_value(tmp_path, composer):
    path = write(tmp_path, "c:\n  <<: [{x: 1, z: 1}, {x: 2, y: 3}]\n  y: 9\n")
    assert load_yaml(path).data == {"c": {"x": 1, "y": 9, "z": 1}}
    p = one(problems_of(write(tmp_path, "a:\n  <<: 5\n", "bad.yaml")), "yaml.merge")
    assert p.line == 2


def test_both_composers_give_identical_results(tmp_path, monkeypatch):
    if len(compose._LOADERS) < 2:
        pytest.skip("PyYAML built without libyaml")
    body = "".join(
        f"- 名称: 项目{i}\n  金额: {i}.50\n  日期: 2024-01-{i % 28 + 1:02d}\n"
        f"  说明: |\n    第一行\n    第二行\n  标签: [甲, '乙', \"丙\"]\n"
        for i in range(200)
    )
    path = write(tmp_path, "items:\n" + "".join("  " + line + "\n" for line in body.splitlines()))
    results = []
    for name in sorted(compose._LOADERS):
        monkeypatch.setattr(compose, "_Loader", compose._LOADERS[name])
        results.append(load_yaml(path))
    a, b = results
    assert a.data == b.data and len(a.positions) == 1 + 1 + 200 * 9
    assert a.positions == b.positions and a.key_positions == b.key_positions
    # character (not byte) columns: 4 spaces + "标签: [甲, '乙', " -> the quote at column 18
    assert a.positions[("items", 199, "标签", 2)] == (200 * 7 + 1, 18)
