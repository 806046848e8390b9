"""The measured layout pass on real documents through real LibreOffice.

Two documents written from public notices of the same kinds (a provincial 发改委 通报 and a county
通知 with an attachment table, tests/fixtures/real/) and every example output: no text lost, the 版记
on an even last page at the bottom of the text area, titles whole-word, 附件说明 aligned — measured
in the PDF with poppler and pypdf, independently of the pass's own reading.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest

import lo
from conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.libreoffice

REAL = ROOT / "tests" / "fixtures" / "real"
TEXT_BOTTOM = (297 - 35) * lo.MM
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def batch(data: Path, out: Path, *extra: str) -> dict:
    from wenshu.cli import main

    lo.require_soffice()
    try:
        main(["batch", str(data), "-o", str(out), "--as-of", "2025-11-30", "--pdf", "-j", "2", *extra])
    except SystemExit as e:
        assert not e.code, f"batch failed: {e.code}"
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    base = tmp_path_factory.mktemp("layout")
    runs = {"provincial": batch(REAL / "provincial_bulletin", base / "p", "--kinds", "notice"),
            "county": batch(REAL / "county_notice", base / "c", "--kinds", "notice"),
            "examples": batch(EXAMPLES, base / "e")}
    roots = {"provincial": base / "p", "county": base / "c", "examples": base / "e"}
    return runs, roots


def docx_chars(path: Path) -> Counter:
    from lxml import etree

    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    return Counter(re.sub(r"\s+", "", "".join(t.text or "" for t in root.iter(W + "t"))))


def has_imprint(path: Path) -> bool:
    return b"GwImprint" in zipfile.ZipFile(path).read("word/document.xml")


def all_docs(outputs):
    runs, roots = outputs
    for name, m in runs.items():
        for o in m["outputs"]:
            yield name, roots[name], o


def test_every_output_is_measured_and_passes(outputs):
    rows = list(all_docs(outputs))
    assert len(rows) > 80
    bad = [f"{n}: {o['path']}: {o['layout']}" for n, _r, o in rows if not o["layout"].startswith("版面已核验")]
    assert not bad, "\n".join(bad)
    runs, _ = outputs
    assert all(not m["failures"] for m in runs.values())


def test_no_text_lost(outputs):
    lost = []
    for name, root, o in all_docs(outputs):
        want = docx_chars(root / o["path"])
        got = Counter(re.sub(r"\s+", "", lo.text(root / o["pdf"])))  # -layout: no de-hyphenation
        missing = want - got
        if missing:
            lost.append(f"{o['path']}: {''.join(sorted(missing.elements()))[:30]}")
    assert not lost, "\n".join(lost)


def test_imprint_on_an_even_last_page_at_the_bottom(outputs):
    bad = []
    n = 0
    for name, root, o in all_docs(outputs):
        if not has_imprint(root / o["path"]):
            continue
        n += 1
        pdf = root / o["pdf"]
        last = lo.pages(pdf)
        ws = [w for w in lo.words(pdf, last) if w[4].endswith("印发")]
        if last % 2 or not ws:
            bad.append(f"{o['path']}: 版记在第{last}页，印发行{'有' if ws else '无'}")
            continue
        if not TEXT_BOTTOM - 8 * lo.MM < max(w[3] for w in ws) <= TEXT_BOTTOM + 1:
            bad.append(f"{o['path']}: 印发行下缘 {max(w[3] for w in ws):.1f}，版心下边缘 {TEXT_BOTTOM:.1f}")
    assert n >= 10 and not bad, "\n".join(bad)


def test_blank_page_before_a_lone_imprint_has_no_page_numbers(outputs):
    runs, roots = outputs
    o = runs["provincial"]["outputs"][0]
    pdf = roots["provincial"] / o["pdf"]
    n = lo.pages(pdf)
    assert "空白页" in o["layout"] and n % 2 == 0
    assert lo.text(pdf, n - 1).strip() == ""  # the blank page: nothing, not even a number
    last = re.sub(r"\s+", "", lo.text(pdf, n))
    assert "印发" in last and not re.search(r"—\d+—", last)
    assert re.search(rf"—{n - 2}—", re.sub(r"\s+", "", lo.text(pdf, n - 2)))


def test_titles_print_as_their_whole_word_lines(outputs):
    """Every title line of the .docx is one line in the PDF: LibreOffice rewraps nothing."""
    from docx_inspect import Docx

    bad = []
    for name, root, o in all_docs(outputs):
        d = Docx(root / o["path"])
        lines_pdf = {re.sub(r"\s+", "", l) for l in lo.text(root / o["pdf"]).splitlines()}
        for p in d.paragraphs():
            if d.paragraph_style(p) in ("GwTitle", "GwAttachmentTitle"):
                for line in d.text(p).split("\n"):
                    if line.strip() and re.sub(r"\s+", "", line) not in lines_pdf:
                        bad.append(f"{o['path']}: {line}")
    assert not bad, "\n".join(bad[:20])


def _chunks(pdf: Path, page: int):
    from pypdf import PdfReader

    out = []

    def visit(text, cm, tm, fd, fs):
        if text.strip():
            out.append((tm[4] * cm[0] + cm[4], 841.89 - (tm[5] * cm[3] + cm[5]), text))

    PdfReader(str(pdf)).pages[page - 1].extract_text(visitor_text=visit)
    return out


def test_attachment_note_continuation_lines_align_under_the_name(outputs):
    runs, roots = outputs
    o = runs["county"]["outputs"][0]
    pdf = roots["county"] / o["pdf"]
    page = next(p for p in range(1, lo.pages(pdf) + 1) if "附件：" in lo.text(pdf, p))
    chunks = _chunks(pdf, page)
    label = next(c for c in chunks if c[2].startswith("附件："))
    name = next((c for c in chunks if c[2].startswith("阳新县政府投资项目") and abs(c[1] - label[1]) < 2), None)
    # one chunk "附件：名称": the name starts after the three 3号 characters of "附件：" (16 − 0.25 pt each)
    name_x = name[0] if name else label[0] + 3 * 15.75
    below = [c for c in chunks if 20 < c[1] - label[1] < 40]
    assert below, "the long attachment name should wrap onto a second line"
    cont = min(below, key=lambda c: c[0])
    assert abs(cont[0] - name_x) < 1.0, (label, name, cont)  # under the name's first character
    assert "附件：" in label[2] and not label[2].startswith("附件： ")


def test_even_page_setting_off_leaves_the_imprint_where_it_falls(tmp_path):
    from wenshu.cli import main

    tpl = tmp_path / "tpl"
    (tmp_path / "s.yaml").write_text("imprint_on_even_page: false\n", encoding="utf-8")
    try:
        main(["template", "build", str(tpl), "--settings", str(tmp_path / "s.yaml")])
    except SystemExit as e:
        assert not e.code
    m = batch(REAL / "provincial_bulletin", tmp_path / "out", "--templates", str(tpl), "--kinds", "notice")
    o = m["outputs"][0]
    assert o["layout"].startswith("版面已核验") and "空白页" not in o["layout"] and "偶数页" not in o["layout"]
    pdf = tmp_path / "out" / o["pdf"]
    assert lo.pages(pdf) % 2 == 1  # the 版记 stays on the odd last page
    assert "印发" in lo.text(pdf, lo.pages(pdf))


def test_without_libreoffice_the_manifest_says_unverified(tmp_path, monkeypatch):
    from wenshu.cli import main

    monkeypatch.setenv("WENSHU_SOFFICE", str(tmp_path / "no-soffice"))
    try:
        main(["batch", str(REAL / "county_notice"), "-o", str(tmp_path / "out"), "--pdf", "--kinds", "notice"])
    except SystemExit:
        pass
    m = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert m["outputs"] and all(o["layout"] == "版面未核验" for o in m["outputs"])
    assert (tmp_path / "out" / m["outputs"][0]["path"]).is_file()
    assert "pass" not in json.dumps(m, ensure_ascii=False).lower()


def test_booklet_numbers_match_the_printed_pages(outputs, tmp_path):
    from wenshu.pdf.booklet import make_booklet
    from wenshu.pdf.pool import PdfPool

    runs, roots = outputs
    root = roots["examples"]
    items = [(o["title"], root / o["pdf"]) for o in runs["examples"]["outputs"] if o["path"].startswith("全区/通报")]
    with PdfPool(workers=1) as pool:
        res = make_booklet("汇编", items, tmp_path / "b.pdf", pool=pool)
    titles = [e.title for e in res.entries]
    months = [int(re.search(r"年(\d+)月", t).group(1)) for t in titles]
    批评 = [m for t, m in zip(titles, months) if "批评" in t]
    assert 批评 == sorted(批评)  # 8月 < 9月 < 10月
    contents = lo.text(res.out, 1)
    for e in res.entries:
        assert e.start_page % 2 == 1, e  # every document on the front of a sheet
        printed = re.sub(r"\s+", "", lo.text(res.out, e.start_page)).split("—")
        assert str(e.printed_page) in printed, (e, printed[-3:])
        line = next(l for l in contents.splitlines() if e.title[:8] in re.sub(r"\s+", "", l) or e.title[:6] in l)
        assert line.rstrip().endswith(str(e.printed_page)) or str(e.printed_page) in contents
    # dot leaders: the page number never touches the entry text
    for x0, y0, x1, y1, word in lo.words(res.out, 1):
        if re.fullmatch(r"\d+", word):
            same = [w for w in lo.words(res.out, 1) if abs(w[1] - y0) < 2 and w[2] <= x0 and not re.fullmatch(r"\d+", w[4])]
            assert all(w[2] < x0 - 2 for w in same)
