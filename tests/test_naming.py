"""Safe file names from Chinese titles."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wenshu.naming import MAX_NAME_BYTES, UniqueNames, safe_filename


def test_plain_chinese_title_is_kept():
    assert safe_filename("港政办〔2024〕3号") == "港政办〔2024〕3号"


def test_separators_and_forbidden_characters():
    assert safe_filename("a/b\\c:d*e?f\"g<h>i|j") == "a_b_c_d_e_f_g_h_i_j"
    assert "/" not in safe_filename("../../etc/passwd") and ".." not in safe_filename("../../etc/passwd")
    assert safe_filename("..") == "文档"
    assert safe_filename("  名称.  ") == "名称"
    assert safe_filename("CON") == "_CON" and safe_filename("com1.txt") == "_com1.txt"
    assert safe_filename("a\u202eb\u200bc\x00d") == "abcd"  # RTL mark, zero-width space, NUL dropped


def test_length_is_bounded_in_bytes():
    name = safe_filename("黄石港区" * 100)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert name.startswith("黄石港区")


def test_duplicates_get_a_number():
    u = UniqueNames()
    assert u.take("项目", ".docx") == "项目.docx"
    assert u.take("项目", ".docx") == "项目（2）.docx"
    assert u.take("项目", ".docx") == "项目（3）.docx"


@settings(max_examples=300)
@given(st.text())
def test_any_title_gives_a_safe_name(title):
    name = safe_filename(title)
    assert name and name not in (".", "..")
    assert not any(c in name for c in '<>:"/\\|?*')
    assert not any(ord(c) < 32 for c in name)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert not name.endswith((" ", "."))
    name.encode("utf-8")  # no lone surrogates
