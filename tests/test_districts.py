"""Any district can adopt wenshu: nothing of the example district is written in code, a second district's
documents carry none of the first district's words, and every document of both reads as a 公文 an
office would sign (no Latin letters, no file names, no code notation, one unit per quantity)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from docx_inspect import Docx, q
from tests.conftest import EXAMPLES, ROOT

sys.path.insert(0, str(ROOT / "tools"))
from make_second_district import FIRST_DISTRICT_WORDS, RENAMES, main as make_second  # noqa: E402

SECOND = ROOT / "tests" / "fixtures" / "second_district"
AS_OF = "2025-11-30"
CJK = re.compile(r"[\u4e00-\u9fff]")


def wenshu(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wenshu", *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def batches(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for name, data in (("first", EXAMPLES), ("second", SECOND)):
        target = tmp_path_factory.mktemp(name) / "out"
        r = wenshu("batch", data, "-o", target, "--as-of", AS_OF)
        assert r.returncode == 0, r.stderr
        out[name] = target
    return out


def visible_paragraphs(path: Path) -> list[str]:
    """Every paragraph a reader sees: body, tables, headers and footers."""
    d = Docx(path)
    texts = []
    for name in d.names:
        if name.startswith("word/") and name.endswith(".xml") and name.split("/")[-1].startswith(("document", "header", "footer")):
            texts += [Docx.text(p) for p in d.xml(name).iter(q("p"))]
    return [t for t in texts if t.strip()]


def core_text(path: Path) -> str:
    return Docx(path).zip.read("docProps/core.xml").decode("utf-8")


def first_district_words() -> list[str]:
    """The example district's own names: district, organs and their 代字, departments not renamed."""
    d = yaml.safe_load((EXAMPLES / "district.yaml").read_text(encoding="utf-8"))
    words = {d["name"], d["government"]} | {o["doc_prefix"] + "〔" for o in d["organs"]} | {o["name"] for o in d["organs"]}
    words |= {x["name"] for x in d["departments"]}
    renamed = {old for old, _ in RENAMES}
    words |= {x["short"] for x in d["departments"] if any(old in x["short"] for old in renamed)}
    return sorted(words | set(FIRST_DISTRICT_WORDS))


def test_second_district_fixture_is_current(tmp_path):
    make_second(tmp_path / "second")
    made = {p.relative_to(tmp_path / "second").as_posix(): p.read_bytes() for p in (tmp_path / "second").rglob("*") if p.is_file()}
    committed = {p.relative_to(SECOND).as_posix(): p.read_bytes() for p in SECOND.rglob("*") if p.is_file()}
    assert made == committed, "运行 python tools/make_second_district.py 重新生成 tests/fixtures/second_district"


def test_no_district_is_named_in_the_code():
    words = first_district_words()
    hits = []
    for p in sorted((ROOT / "src").rglob("*")):
        if p.is_file() and p.suffix in (".py", ".yaml", ".yml", ".conf", ".txt"):
            text = p.read_text(encoding="utf-8")
            hits += [f"{p.relative_to(ROOT)}:{text[:text.index(w)].count(chr(10)) + 1}: {w}" for w in words if w in text]
    assert not hits, "\n".join(hits)


def test_second_district_documents_carry_none_of_the_first(batches):
    words = first_district_words()
    docs = sorted(batches["second"].rglob("*.docx"))
    assert len(docs) > 70
    hits = []
    for path in docs:
        text = "\n".join(visible_paragraphs(path)) + core_text(path)
        hits += [f"{path.relative_to(batches['second'])}: {w}" for w in words if w in text]
    names = [p.relative_to(batches["second"]).as_posix() for p in batches["second"].rglob("*") if p.is_file()]
    hits += [n for n in names for w in words if w in n]
    assert not hits, "\n".join(hits[:20])
    # and it is the second district's own basis document that the reports cite
    report = next(batches["second"].glob("区教育局/项目绩效评价报告/*.docx"))
    assert "《西塞山区投资项目绩效综合评价改革实施方案》（西政办〔2024〕8号）" in "\n".join(visible_paragraphs(report))


# What an office would strike out of a document it must sign.
FORBIDDEN = [
    (re.compile(r"[A-Za-z]"), "拉丁字母"),
    (re.compile(r"\.ya?ml|\.docx|\.py\b"), "文件名"),
    (re.compile(r"min\(|max\(|Σ|\{\{|\}\}|\{%|%\}"), "代码符号"),
    (re.compile(r"([\u4e00-\u9fff]{2})\1"), "重复的词"),
    (re.compile(r"(万元|亿元|个|%)\1"), "重复的单位"),
    (re.compile(r"\d+\.\d+(个|家|人|户|套|间|张|床|辆|台|所|座|处|项|次|名|位|件|份)"), "带小数的个数"),
    (re.compile(r"亿元.*万元|万元.*亿元"), "同一句中万元与亿元混用"),
    (re.compile(r"（不适用[:：]"), "技术性说明"),
    (re.compile(r"[A-Z]{2,}-\d{4}-\d{3}"), "平台内部编号"),
]


@pytest.mark.parametrize("district", ["first", "second"])
def test_documents_read_as_official_documents(batches, district):
    problems = []
    for path in sorted(batches[district].rglob("*.docx")):
        rel = path.relative_to(batches[district]).as_posix()
        for text in visible_paragraphs(path):
            for rx, what in FORBIDDEN:
                m = rx.search(text)
                if m:
                    problems.append(f"{rel}：{what}「{m.group()}」于「{text[:60]}」")
        core = core_text(path)
        if "wenshu" in core:
            problems.append(f"{rel}：文档属性中有软件名")
        problems += [f"{rel}：{p}" for p in _table_unit_problems(path)]
    assert not problems, "\n".join(problems[:30]) + f"\n（共{len(problems)}处）"


def _table_unit_problems(path: Path) -> list[str]:
    """A column whose heading carries its unit ("总投资（万元）") must not repeat it in its cells."""
    out = []
    d = Docx(path)
    for tbl in d.document.iter(q("tbl")):
        rows = list(tbl.iter(q("tr")))
        if not rows:
            continue
        heads = [Docx.text(tc) for tc in rows[0].iter(q("tc"))]
        for col, head in enumerate(heads):
            m = re.search(r"（([^（）]+)）$", head)
            if not m or not re.search(r"万元|亿元|个|%|亩", m.group(1)):
                continue
            unit = m.group(1)
            for tr in rows[1:]:
                cells = [Docx.text(tc) for tc in tr.iter(q("tc"))]
                if col < len(cells) and cells[col].endswith(unit):
                    out.append(f"表头“{head}”下的“{cells[col]}”重复了单位")
    return out


# ─── the code: no fixed sentences in analysis/ and documents/ ───────────────────────────────────

SENTENCE_MARKS = set("，。；：！？")


def _chinese_in_code(path: Path, root: Path = ROOT) -> list[str]:
    """CJK text in an f-string or a concatenation, or a CJK literal with sentence punctuation, outside
    docstrings and pydantic Field(title=…, description=…)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                allowed.add(id(first.value))
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg in ("title", "description", "inputs"):
                    for sub in ast.walk(kw.value):
                        allowed.add(id(sub))
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            # A template builder writing the template's fixed wording (``b.p("……")``, ``annex_page(b, "附件", …)``):
            # that text goes into the .docx the office edits, not into a document from code.
            on_builder = (isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name) and fn.value.id == "b") or \
                (bool(node.args) and isinstance(node.args[0], ast.Name) and node.args[0].id == "b")
            if on_builder or name in ("DocumentKind", "IndicatorSpec", "_rate", "Problem", "PydanticCustomError"):
                for sub in ast.walk(node):
                    allowed.add(id(sub))
    found = []
    for node in ast.walk(tree):
        if id(node) in allowed:
            continue
        if isinstance(node, ast.JoinedStr) and any(
                isinstance(v, ast.Constant) and CJK.search(str(v.value)) for v in node.values):
            found.append(f"{path.relative_to(root)}:{node.lineno}: 含中文的 f-string")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and any(
                isinstance(s, ast.Constant) and isinstance(s.value, str) and CJK.search(s.value) for s in (node.left, node.right)):
            found.append(f"{path.relative_to(root)}:{node.lineno}: 中文字符串拼接")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value) \
                and SENTENCE_MARKS & set(node.value):
            found.append(f"{path.relative_to(root)}:{node.lineno}: 带标点的中文句子「{node.value[:20]}」")
    return found


def test_analysis_and_documents_write_no_sentences():
    """Fixed wording is in the templates, varying phrases in the wording file; analysis returns facts."""
    found = []
    for folder in ("analysis", "documents"):
        for path in sorted((ROOT / "src" / "wenshu" / folder).glob("*.py")):
            if path.name == "workdays.py":
                continue  # the calendar: its text is for data problems and the analyze header, never a document
            found += _chinese_in_code(path)
    assert not found, "\n".join(found)


def test_the_scan_itself_finds_sentences(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('x = f"{a}个项目"\ny = "甲" + b\nz = "这是一句话。"\nw = "红灯"\n', encoding="utf-8")
    assert len(_chinese_in_code(bad, tmp_path)) == 3


@pytest.mark.parametrize("bad", [
    "以上为 wenshu 建议值，可在 rules.yaml 中调整", "单项得分 = min(指标值 ÷ 目标值, 1) × 100", "总分 = Σ(维度得分)",
    "《某项目项目策划书》", "2024年实际756.00个学位", "总投资1.86亿元，资金来源为专项债5,580.00万元",
    "论证按时率—（不适用：已到期或已完成的论证入库次数为 0）", "华新智造（HSG-2024-002）", "18,600.00万元万元",
])
def test_the_document_scan_catches_what_a_reviewer_strikes_out(bad):
    assert any(rx.search(bad) for rx, _ in FORBIDDEN)


def test_no_context_field_hides_behind_a_dict_method():
    """A template reads ``g.entries`` the same way in wenshu and in plain docxtpl/Jinja, where
    ``g.items`` would be the dict's own method."""
    from wenshu.documents import REGISTRY
    from wenshu.documents.base import Ctx

    clashes = []
    seen: set[type] = set()

    def walk(model: type) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, f in model.model_fields.items():
            if hasattr(dict, name):
                clashes.append(f"{model.__name__}.{name}")
            for sub in getattr(f.annotation, "__args__", ()) + (f.annotation,):
                if isinstance(sub, type) and issubclass(sub, Ctx):
                    walk(sub)

    for kind in REGISTRY.values():
        walk(kind.context_model)
    assert not clashes, clashes
