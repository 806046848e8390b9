"""The command line speaks Chinese: kind names, option checks, and no English from click, PyYAML or
pydantic on any error path (stderr is scanned for Latin words)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docx import Document

from wenshu.documents import REGISTRY
from wenshu.models import FILE_KINDS

AS_OF = "2025-11-30"


def docx_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


# ── Chinese names wherever codes are taken ───────────────────────────────────────────────────


def test_batch_kinds_by_chinese_name(run_cli, examples_copy, tmp_path):
    code, out, err = run_cli("batch", examples_copy, "-o", tmp_path / "out", "--as-of", AS_OF,
                             "--kinds", "通知，通报表彰", "-j", "1")
    assert code == 0, err
    kinds = {p.parent.name for p in (tmp_path / "out").rglob("*.docx")}
    assert kinds == {"通知", "通报表彰"}


def test_render_by_chinese_name_and_item_by_project_name_or_code(run_cli, examples_copy, tmp_path):
    code, out, err = run_cli("render", "通知", examples_copy, "--item", "港政办〔2024〕3号", "-o", tmp_path / "n.docx")
    assert code == 0, err
    assert "港政办〔2024〕3号" in docx_text(tmp_path / "n.docx")

    from wenshu.data import load_dataset

    projects = []
    ds = load_dataset([examples_copy], on_project=projects.append)
    p = next(p for p in projects if ds.evaluation(p.id) and p.code)
    for item in (p.id, p.name, p.code):
        target = tmp_path / f"{abs(hash(item))}.docx"
        code, out, err = run_cli("render", "项目绩效评价报告", examples_copy, "--item", item, "-o", target, "--as-of", AS_OF)
        assert code == 0, (item, err)
        assert p.name in docx_text(target)


def test_kinds_lists_chinese_names_first(run_cli):
    code, out, _ = run_cli("kinds")
    assert code == 0
    for key, k in REGISTRY.items():
        assert f"{k.title}（{key}）" in out


@pytest.mark.parametrize("name", ["通报表彰", "commendation", "表彰"])
def test_template_fields_by_any_name(run_cli, name):
    code, out, _ = run_cli("template", "fields", name)
    assert code == 0 and out.startswith("# 通报表彰（commendation）")


# ── every option checked, in Chinese ─────────────────────────────────────────────────────────


@pytest.mark.parametrize("args, needle", [
    (["--period", "2025-13"], "月份应为1至12"),
    (["--period", "25-10"], "YYYY-MM"),
    (["-j", "0"], "不小于 1 的整数"),
    (["-j", "两个"], "不小于 1 的整数"),
    (["--as-of", "2025-02-30"], "2025年2月只有28天"),
    (["--as-of", "2025/11/30"], "YYYY-MM-DD"),
    (["--kinds", "通知,通报"], "未知的文书类型“通报”"),
])
def test_batch_options_are_checked(run_cli, examples_copy, tmp_path, args, needle):
    out = tmp_path / "out"
    code, _, err = run_cli("batch", examples_copy, "-o", out, *args)
    assert code == 2 and needle in err, err
    assert not out.exists()  # nothing started


def test_period_is_normalised(run_cli, examples_copy, tmp_path):
    code, _, err = run_cli("batch", examples_copy, "-o", tmp_path / "out", "--as-of", AS_OF, "--kinds", "通报表彰",
                           "--period", "２０２５-9", "-j", "1")
    assert code == 0, err
    assert [p.name for p in (tmp_path / "out").rglob("*.docx")][0].startswith("2025年9月通报表彰")


# ── no English on any error path ─────────────────────────────────────────────────────────────

# Words a user may legitimately see in a message: names of the formats and programs involved, the
# date pattern, and YAML keys (English snake_case by design; they appear in field paths and hints).
ALLOWED = {"wenshu", "YAML", "yaml", "docx", "pdf", "PDF", "GB", "LibreOffice", "soffice", "Word", "WPS", "CSV",
           "Excel", "UTF", "GBK", "YYYY", "MM", "DD", "true", "false", "JSON", "json", "Tab", "Schema", "schema",
           "all", "URL", "NEL", "xlsx", "CPU"}


def _yaml_keys() -> set[str]:
    from pydantic import BaseModel

    from wenshu.validation import _unwrap

    keys: set[str] = set()
    seen: set[type] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, f in model.model_fields.items():
            keys.add(name)
            if f.alias:
                keys.add(f.alias)
            stack = [f.annotation]
            while stack:
                tp = stack.pop()
                for c in _unwrap(tp):
                    if isinstance(c, type) and issubclass(c, BaseModel):
                        walk(c)
                    else:
                        import typing

                        stack.extend(a for a in typing.get_args(c) if a is not type(None))

    for fk in FILE_KINDS.values():
        walk(fk.model)
    return keys


YAML_KEYS = _yaml_keys()
CODES = set(REGISTRY) | set(FILE_KINDS)


def _commands() -> set[str]:
    from wenshu.cli import cli

    names = set(cli.commands)
    for c in cli.commands.values():
        names |= set(getattr(c, "commands", {}))
    return names


COMMANDS = _commands()  # subcommand names, listed in usage messages like option names


def latin_words(err: str, typed: list[str]) -> set[str]:
    text = err
    for t in sorted(typed, key=len, reverse=True):  # what the user typed (paths, values)
        if "/" in t:
            text = text.replace(t, " ")
    text = re.sub(r"“[^”]*”", " ", text)  # the user's own values, always quoted “…”
    for t in typed:  # …or, by click, quoted '…'
        text = text.replace(f"'{t}'", " ")
    text = re.sub(r"（[A-Za-z_][\w.\[\]]*）", " ", text)  # a field path: （projects[0].id）
    text = re.sub(r"\[[a-z0-9_.-]+\]", " ", text)  # stable problem codes: [yaml.syntax]
    text = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", text)  # option names
    text = re.sub(r"\S*[/\\]\S*|\S+\.(ya?ml|docx|pdf|csv|json)\b", " ", text)  # file paths
    text = re.sub(r"[A-Za-z_][\w]*(\[\d+\])?(\.[A-Za-z_]\w*(\[\d+\])?)+", " ", text)  # field paths a.b[0].c
    text = re.sub(r"\bU\+[0-9A-F]{4}\b|\b0x[0-9A-F]{2}\b", " ", text)  # code points, bytes
    text = re.sub(r"(?<![\w.])\*?\.[a-z]{2,5}\b", " ", text)  # file extensions: .doc
    # words; code-like tokens with digits (examples such as P8321, HSG-2024-001) are not English
    words = {w for w in re.findall(r"[A-Za-z][A-Za-z0-9_-]+", text) if not re.search(r"\d", w)}

    def allowed(w: str) -> bool:
        return w in ALLOWED or w in YAML_KEYS or w in CODES or w in COMMANDS

    return {w for w in words if not allowed(w) and not all(allowed(x) for x in w.split("-") if x)}


BAD_FILES = {
    "syntax.yaml": "kind: projects\nprojects:\n  - id: [\n",
    "plain-scalar.yaml": "kind: notice\ntitle: a: b\n",
    "alias.yaml": "kind: notice\ntitle: *nope\n",
    "tab.yaml": "kind: tasks\n\titems: []\n",
    "dupkey.yaml": "kind: tasks\nkind: tasks\n",
    "baddate.yaml": "kind: notice\nsigned_on: 2025-02-30\n",
    "control.yaml": "kind: notice\ntitle: a\x07b\n",
    "notmap.yaml": "- a\n- b\n",
    "unknownkind.yaml": "kind: notise\n",
    "nokind.yaml": "title: x\n",
    "empty.yaml": "# nothing\n",
    "types.yaml": ("kind: notice\norgan: [1]\nyear: 二〇二四\nseq: 1.5\ntitle: 短\nbody: 正文\nsigned_on: 明天\n"
                   "sealed: 也许\nunknown_field: 1\ncc: 抄送\n"),
    "projects.yaml": ("kind: projects\nprojects:\n  - id: '!!'\n    name: 1\n    library: 未知库\n    investment_type: x\n"
                      "    intended_investment: -5\n    catalogue_entered_on: 2024-01-01T10:00:00\n"),
    "gbk.yaml": "kind: notice\ntitle: 教育局\n".encode("gbk"),
    "numbers.yaml": "kind: holidays\nyears:\n  2027: {}\n",
}


def error_paths(data: Path, bad: Path, tmp: Path) -> list[list[str]]:
    readme = str(Path(__file__).resolve().parents[1] / "README.md")
    a_file = str(bad / "syntax.yaml")
    out = str(tmp / "out")
    return [
        [], ["nosuch"], ["--bogus"], ["-V", "extra"],
        ["validate"], ["validate", str(tmp / "missing")], ["validate", readme], ["validate", str(bad)],
        ["validate", "--quiet", "--bogus"],
        ["analyze"], ["analyze", str(tmp / "missing")], ["analyze", str(data), "--as-of", "x"],
        ["analyze", str(bad)], ["analyze", str(data), "--json", "--as-of", "2025-13-01"],
        ["kinds", "extra"],
        ["render"], ["render", "通知"], ["render", "notic", str(data)], ["render", "通告", str(data)],
        ["render", "notice", str(data), "--pd"], ["render", "notice", str(tmp / "missing")],
        ["render", "notice", str(data), "-o", str(tmp)], ["render", "notice", str(data), "--item", "nope"],
        ["render", "project_report", str(data), "--as-of", AS_OF], ["render", "notice", str(data), "--as-of", "2025-2-31"],
        ["render", "notice", str(data), "--template", str(tmp / "nope.docx"), "-o", str(tmp / "x.docx")],
        ["render", "notice", str(data), "--template", readme, "-o", str(tmp / "x.docx")],
        ["render", "notice", str(data), "--templates", a_file],
        ["render", "notice", str(bad)], ["render", "notice", str(data), "-o"],
        ["batch"], ["batch", readme, "-o", out], ["batch", str(data)], ["batch", str(data), "-o", a_file],
        ["batch", str(data), "-o", out, "--kinds", "通告"], ["batch", str(data), "-o", out, "-j", "0"],
        ["batch", str(data), "-o", out, "-j", "x"], ["batch", str(data), "-o", out, "--period", "2025-13"],
        ["batch", str(data), "-o", out, "--departments", "区无此局", "--as-of", AS_OF],
        ["batch", str(data), "-o", out, "--as-of", "2025-00-01"], ["batch", str(data), "-o", out, "--templates", a_file],
        ["batch", str(bad), "-o", str(tmp / "out2"), "--as-of", AS_OF],
        ["numbers"], ["numbers", readme], ["numbers", str(data), "--organ", "无此机关"],
        ["numbers", str(data), "--year", "二〇二五"], ["numbers", str(bad)],
        ["template"], ["template", "check"], ["template", "check", str(tmp / "nope.docx")], ["template", "check", readme],
        ["template", "check", readme, "--kind", "通告"], ["template", "fields"], ["template", "fields", "通告"],
        ["template", "export", a_file], ["template", "build", a_file], ["template", "build", str(tmp / "b"), "--settings", a_file],
        ["template", "build", str(tmp / "b2"), "--settings", str(tmp / "nope.yaml")],
        ["schema"], ["schema", "-o", a_file], ["schema", "-o"],
    ]


def test_no_english_on_any_error_path(run_cli, examples_copy, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    shutil.copy(examples_copy / "district.yaml", bad / "district.yaml")
    for name, text in BAD_FILES.items():
        (bad / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    # a duplicate 发文字号 and a full-width date in the data folder as well
    sep = examples_copy / "supervision/2025-09.yaml"
    sep.write_text(sep.read_text(encoding="utf-8").replace("commendation_seq: 24", "commendation_seq: ２７"), encoding="utf-8")
    leaks = {}
    for args in error_paths(examples_copy, bad, tmp_path):
        code, _, err = run_cli(*args)
        words = latin_words(err, [a for a in args if a])
        assert "Traceback" not in err, (args, err)
        if words:
            leaks[" ".join(args)] = (sorted(words), err)
    assert not leaks, "\n\n".join(f"wenshu {k}: {w}\n{e}" for k, (w, e) in leaks.items())


def test_the_scan_finds_english(tmp_path):
    # The scanner itself: click's, PyYAML's and pydantic's English would be caught.
    for leak in ("Error: Directory 'README.md' is a file.", "(Did you mean one of: '--help', '--pdf'?)",
                 "while scanning a plain scalar", "实际：str", "Input should be a valid integer"):
        assert latin_words(leak, []), leak
