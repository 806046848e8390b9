"""The 发文字号 register: duplicates, gaps, `wenshu numbers`, automatic numbers kept by 发文登记簿.yaml.

Real data folders on disk (copies of data_examples), the real CLI, real .docx files opened.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from docx import Document

from wenshu.models.register import REGISTER_FILE_NAME

AS_OF = "2025-11-30"
NOTICE = "notices/港政办〔2024〕3号.yaml"


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return i
    raise AssertionError(needle)


def docx_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def blocks(err: str) -> list[str]:
    return [b for b in err.split("\n\n") if b.strip()]


def unnumbered_notice(data: Path, name: str, title_suffix: str = "") -> Path:
    """A second notice of the same organ and year, without seq."""
    target = data / "notices" / name
    text = (data / NOTICE).read_text(encoding="utf-8")
    text = re.sub(r"(?m)^seq: 3\n", "", text)
    if title_suffix:
        text = re.sub(r"(?m)^title: (.*)$", lambda m: f"title: {m.group(1)}{title_suffix}", text, count=1)
    target.write_text(text, encoding="utf-8")
    return target


# ── duplicates and gaps ──────────────────────────────────────────────────────────────────────


def test_duplicate_number_is_an_error_at_every_file_that_uses_it(run_cli, examples_copy, tmp_path):
    sep, oct_ = examples_copy / "supervision/2025-09.yaml", examples_copy / "supervision/2025-10.yaml"
    edit(sep, "commendation_seq: 24", "commendation_seq: 27")  # October's number
    code, out, err = run_cli("validate", examples_copy)
    assert code == 1 and "校验通过" not in out
    dups = [b for b in blocks(err) if "[number.duplicate]" in b]
    assert len(dups) == 2
    assert any(b.startswith(f"{sep.as_posix()}，第{line_of(sep, 'commendation_seq: 27')}行") for b in dups)
    assert any(b.startswith(f"{oct_.as_posix()}，第{line_of(oct_, 'commendation_seq: 27')}行") for b in dups)
    assert all("港投委办〔2025〕27号" in b and "bulletin.commendation_seq" in b for b in dups)
    # each names the other place
    assert any("2025-10.yaml 第" in b and "2025年10月通报表彰" in b for b in dups if "2025-09" in b.split("，")[0])

    # batch writes neither document with the shared number, and says so; the others are written
    out_dir = tmp_path / "out"
    code, out, err = run_cli("batch", examples_copy, "-o", out_dir, "--as-of", AS_OF, "--kinds", "通报表彰", "-j", "1")
    assert code == 1
    written = sorted(p.name for p in (out_dir / "全区/通报表彰").glob("*.docx"))
    assert written == ["2025年8月通报表彰（港投委办〔2025〕21号）.docx"]
    assert err.count("未生成：") == 2


def test_duplicate_number_in_a_file_that_fails_is_found_in_the_same_run(run_cli, examples_copy):
    # A second notice with the same number but an invalid field: both problems in one run.
    second = examples_copy / "notices/second.yaml"
    text = (examples_copy / NOTICE).read_text(encoding="utf-8")
    second.write_text(text.replace("sealed: true", "sealed: 是的") if "sealed: true" in text
                      else text.replace("signed_on:", "sealed: 是的\nsigned_on:", 1), encoding="utf-8")
    code, _, err = run_cli("validate", examples_copy)
    assert code == 1
    assert "notices/second.yaml" in err and "[model.bool_parsing]" in err
    dups = [b for b in blocks(err) if "[number.duplicate]" in b]
    assert len(dups) == 2 and all("港政办〔2024〕3号" in b for b in dups)


def test_gaps_are_listed_as_warnings(run_cli, examples_copy):
    register = examples_copy / REGISTER_FILE_NAME
    text = register.read_text(encoding="utf-8")
    register.write_text(text[: text.index("- organ", text.index("seq: 23"))], encoding="utf-8")  # drop 26号
    code, out, err = run_cli("validate", examples_copy)
    assert code == 0 and "1 个警告" in out
    (gap,) = [b for b in blocks(err) if "[number.gap]" in b]
    assert "警告" in gap and "港投委办〔2025〕" in gap and "26号" in gap and "23号" not in gap
    oct_ = examples_copy / "supervision/2025-10.yaml"
    assert gap.startswith(f"{oct_.as_posix()}，第{line_of(oct_, 'commendation_seq: 27')}行")


# ── wenshu numbers ───────────────────────────────────────────────────────────────────────────


def test_numbers_prints_the_register_as_a_table_and_as_csv(run_cli, examples_copy):
    code, out, err = run_cli("numbers", examples_copy)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["发文字号", "文书", "数据文件", "成文日期", "说明"]
    row = next(line for line in lines if line.startswith("港投委办〔2025〕27号"))
    assert "2025年10月通报表彰" in row and "supervision/2025-10.yaml" in row and "2025年11月20日" in row
    numbers = [line.split()[0] for line in lines[1:-1]]
    assert numbers == (["港政办〔2024〕3号"] + [f"港投委办〔2025〕{n}号" for n in range(21, 29)]
                       + ["港发改〔2025〕41号", "港发改〔2025〕42号"])
    assert "由办公室另行印发" in next(line for line in lines if line.startswith("港投委办〔2025〕23号"))

    code, out, _ = run_cli("numbers", examples_copy, "--csv")
    assert code == 0 and out.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert rows[0] == ["发文字号", "文书", "数据文件", "成文日期", "说明"]
    assert len(rows) == 1 + 11
    assert ["港投委办〔2025〕22号", "2025年8月通报批评", "supervision/2025-08.yaml", "2025年9月22日", "数据文件中写明"] in rows


def test_numbers_filters_by_organ_and_year(run_cli, examples_copy):
    for organ in ("港政办", "gov_office", "黄石港区人民政府办公室"):
        code, out, _ = run_cli("numbers", examples_copy, "--organ", organ)
        assert code == 0
        assert "港政办〔2024〕3号" in out and "港投委办" not in out
    code, out, _ = run_cli("numbers", examples_copy, "--year", "2024")
    assert "港政办〔2024〕3号" in out and "〔2025〕" not in out
    code, out, _ = run_cli("numbers", examples_copy, "--year", "２０２５", "--organ", "港投委办")
    assert code == 0 and out.count("港投委办〔2025〕") == 8
    code, out, _ = run_cli("numbers", examples_copy, "--organ", "港发改")
    assert code == 0 and "共 2 个发文字号" in out and "港投委办" not in out
    code, _, err = run_cli("numbers", examples_copy, "--organ", "港审计")
    assert code == 2 and "没有发文机关“港审计”" in err and "港投委办" in err
    code, _, err = run_cli("numbers", examples_copy, "--year", "25")
    assert code == 2 and "--year" in err and "四位数字" in err


# ── automatic numbers ────────────────────────────────────────────────────────────────────────


def test_left_out_numbers_get_the_next_free_one_and_the_register_keeps_them(run_cli, examples_copy, tmp_path):
    data = examples_copy
    unnumbered_notice(data, "second.yaml", "（二）")
    edit(data / "supervision/2025-10.yaml", "  commendation_seq: 27\n", "")

    code, out, err = run_cli("numbers", data)
    assert code == 0, err
    assert re.search(r"港政办〔2024〕4号 .*notices/second.yaml .*生成文书时登记", out)
    # 27 is now unused (a gap, never refilled); October's commendation gets 29
    assert re.search(r"港投委办〔2025〕29号 +2025年10月通报表彰 .*生成文书时登记", out)
    assert "[number.gap]" in err and "27号" in err
    assert "source: " not in (data / REGISTER_FILE_NAME).read_text(encoding="utf-8")  # validate/numbers never write

    out1 = tmp_path / "out1"
    code, _, err = run_cli("batch", data, "-o", out1, "--as-of", AS_OF, "--kinds", "通知,通报表彰", "-j", "1")
    assert code == 0, err
    notice_doc = out1 / "全区/通知/港政办〔2024〕4号.docx"
    bulletin_doc = out1 / "全区/通报表彰/2025年10月通报表彰（港投委办〔2025〕29号）.docx"
    assert "港政办〔2024〕4号" in docx_text(notice_doc)
    assert "港投委办〔2025〕29号" in docx_text(bulletin_doc)
    register = (data / REGISTER_FILE_NAME).read_text(encoding="utf-8")
    assert register.startswith("# yaml-language-server: $schema=../schemas/register.schema.json\n")
    assert 'source: "notices/second.yaml"\n  field: seq' in register
    assert 'source: "supervision/2025-10.yaml"\n  field: bulletin.commendation_seq' in register
    code, out, _ = run_cli("numbers", data)
    assert re.search(r"港政办〔2024〕4号 .*自动编号，已登记", out) and "生成文书时登记" not in out

    # An unrelated document added later with a number before the others in date order: the
    # registered numbers do not move; the newcomer gets the next one.
    early = unnumbered_notice(data, "a-early.yaml", "（三）")
    edit(early, "signed_on: 2024-04-28", "signed_on: 2024-01-05")
    explicit = data / "notices/explicit.yaml"
    explicit.write_text((data / NOTICE).read_text(encoding="utf-8").replace("seq: 3", "seq: 7")
                          .replace("的通知", "的补充通知", 1), encoding="utf-8")
    out2 = tmp_path / "out2"
    code, _, err = run_cli("batch", data, "-o", out2, "--as-of", AS_OF, "--kinds", "notice,commendation", "-j", "1")
    assert code == 0, err
    assert (out2 / "全区/通知/港政办〔2024〕4号.docx").read_bytes() == notice_doc.read_bytes()
    assert (out2 / "全区/通报表彰" / bulletin_doc.name).read_bytes() == bulletin_doc.read_bytes()
    assert "港政办〔2024〕8号" in docx_text(out2 / "全区/通知/港政办〔2024〕8号.docx")  # after the explicit 7
    assert 'source: "notices/a-early.yaml"' in (data / REGISTER_FILE_NAME).read_text(encoding="utf-8")
    code, _, err = run_cli("validate", data)
    assert code == 0 and "number.duplicate" not in err


def test_render_records_the_number_of_the_one_document_it_writes(run_cli, examples_copy, tmp_path):
    second = unnumbered_notice(examples_copy, "second.yaml", "（二）")
    code, out, err = run_cli("render", "通知", second, "-o", tmp_path / "n.docx")
    assert code == 0, err
    assert "港政办〔2024〕4号" in docx_text(tmp_path / "n.docx")
    assert 'source: "notices/second.yaml"' in (examples_copy / REGISTER_FILE_NAME).read_text(encoding="utf-8")


def test_explicit_number_wins_and_a_replaced_entry_stays_reserved(run_cli, examples_copy, tmp_path):
    second = unnumbered_notice(examples_copy, "second.yaml", "（二）")
    assert run_cli("render", "notice", second, "-o", tmp_path / "a.docx")[0] == 0  # registers 4号
    edit(second, "year: 2024", "year: 2024\nseq: 9")
    code, out, err = run_cli("render", "notice", second, "-o", tmp_path / "b.docx")
    assert code == 0, err
    assert "港政办〔2024〕9号" in docx_text(tmp_path / "b.docx")
    code, out, _ = run_cli("numbers", examples_copy, "--organ", "港政办")
    assert re.search(r"港政办〔2024〕4号 .*原数据已改动", out)  # never given out again
    third = unnumbered_notice(examples_copy, "third.yaml", "（三）")
    code, out, _ = run_cli("numbers", examples_copy, "--organ", "港政办")
    assert re.search(r"港政办〔2024〕10号 .*notices/third.yaml", out)
    assert third.is_file()


def test_a_renamed_file_keeps_its_registered_number(run_cli, examples_copy, tmp_path):
    second = unnumbered_notice(examples_copy, "second.yaml", "（二）")
    assert run_cli("render", "notice", second, "-o", tmp_path / "a.docx")[0] == 0
    renamed = second.rename(examples_copy / "notices/renamed.yaml")
    code, out, _ = run_cli("numbers", examples_copy, "--organ", "港政办")
    assert re.search(r"港政办〔2024〕4号 .*notices/renamed.yaml .*已登记", out)
    assert run_cli("render", "notice", renamed, "-o", tmp_path / "b.docx")[0] == 0
    assert "港政办〔2024〕4号" in docx_text(tmp_path / "b.docx")
    register = (examples_copy / REGISTER_FILE_NAME).read_text(encoding="utf-8")
    assert 'source: "notices/renamed.yaml"' in register and "second.yaml" not in register


def test_register_that_cannot_be_written_is_a_warning(run_cli, examples_copy, tmp_path):
    (examples_copy / REGISTER_FILE_NAME).unlink()
    (examples_copy / REGISTER_FILE_NAME).mkdir()  # something in the way of the file
    unnumbered_notice(examples_copy, "second.yaml", "（二）")
    code, _, err = run_cli("batch", examples_copy, "-o", tmp_path / "out", "--as-of", AS_OF, "--kinds", "通知", "-j", "1")
    assert "[number.register]" in err and "无法写入发文登记簿" in err and "警告" in err
    assert (tmp_path / "out/全区/通知/港政办〔2024〕4号.docx").is_file()


def test_a_bulletin_can_be_left_out_for_a_month(run_cli, examples_copy, tmp_path):
    oct_ = examples_copy / "supervision/2025-10.yaml"
    edit(oct_, "  commendation_seq: 27\n", "  commendation: false\n")
    code, out, _ = run_cli("numbers", examples_copy)
    assert "2025年10月通报表彰" not in out
    code, _, err = run_cli("batch", examples_copy, "-o", tmp_path / "out", "--as-of", AS_OF, "--kinds", "通报表彰", "-j", "1")
    assert code == 0, err
    assert not list((tmp_path / "out/全区/通报表彰").glob("2025年10月*"))


def test_a_number_registered_meanwhile_by_another_run_is_not_registered_twice(examples_copy):
    from wenshu.numbers import record
    from wenshu.render import plan

    unnumbered_notice(examples_copy, "second.yaml", "（二）")
    ds, jobs = plan("notice", [examples_copy])
    jobs = [j for j in jobs if j.sources[0] == "notices/second.yaml"]
    assert jobs and jobs[0].key == "港政办〔2024〕4号"
    # meanwhile another run registers 4号 for some other document
    register = examples_copy / REGISTER_FILE_NAME
    register.write_text(register.read_text(encoding="utf-8") + (
        '- organ: "gov_office"\n  year: 2024\n  seq: 4\n  title: "另一份通知"\n'
        '  source: "notices/other.yaml"\n  field: seq\n'), encoding="utf-8")
    before = register.read_bytes()
    (problem,) = record(ds, jobs)
    assert problem.code == "number.register" and problem.severity == "error" and "港政办〔2024〕4号" in problem.message
    assert register.read_bytes() == before
