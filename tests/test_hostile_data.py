"""Hostile data through the whole path: every output is well-formed XML, or the input is refused with
a located message. Never a corrupt file, never a traceback."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

import lo
from docx_inspect import Docx
from tests.conftest import EXAMPLES
from wenshu.errors import DataError
from wenshu.render import plan, render_job

PAYLOADS = [
    "<w:p><w:r><w:t>注入</w:t></w:r></w:p>", "]]>", "<![CDATA[x]]>", "{{ doc.title }}", "{% for x in y %}", "{_{ }_}",
    "&amp;&lt;&#x41;", "\"'<>&", "甲&乙<丙>", "\u202e右向左\u202c", "\u200b零宽\ufeff", "👍🏻🇨🇳 emoji",
    "\x07响铃", "\x00空", "\ud800孤立代理", "\ufffe", "行一\n行二", "制表\t符", "回车\r换行",
    "中" * 10000, "{{" * 500, "x" * 10000 + "<&>",
]

text_strategy = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(alphabet=st.characters(), max_size=80),
    st.lists(st.sampled_from(PAYLOADS + ["普通文字", " ", "《》"]), max_size=5).map("".join),
)


def notice_yaml(title: str, body: str, work: str, unicode: bool) -> tuple[str, str]:
    notice = {
        "kind": "notice", "organ": "gov_office", "year": 2025, "seq": 9, "title": "区人民政府办公室关于" + title + "的通知",
        "body": [body], "signed_on": "2025-06-30",
        "attachments": [{"title": "任务清单", "task_list": "tasks.yaml"}],
    }
    tasks = {"kind": "tasks", "title": "任务清单", "year": 2025,
             "items": [{"work": "开展" + work + "工作。", "units": ["区发改局"], "rhythm": "每周一次"}]}
    dump = lambda d: yaml.safe_dump(d, allow_unicode=unicode, sort_keys=False)  # noqa: E731
    return dump(notice).replace("'2025-06-30'", "2025-06-30"), dump(tasks)


def run_one(folder: Path, title: str, body: str, work: str, unicode: bool) -> bytes | None:
    n, t = notice_yaml(title, body, work, unicode)
    (folder / "notice.yaml").write_bytes(n.encode("utf-8", errors="surrogatepass") if unicode else n.encode("ascii"))
    (folder / "tasks.yaml").write_bytes(t.encode("utf-8", errors="surrogatepass") if unicode else t.encode("ascii"))
    try:
        ds, jobs = plan("notice", [folder])
    except DataError as e:
        for p in e.problems:
            assert p.file and p.code and p.message
            assert p.line is not None or p.code in ("yaml.encoding",), p.format()
        return None
    job = jobs[0]
    out = folder / "out.docx"
    render_job(job, out, force=True)
    data = out.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(z.read(name))  # strict: raises on anything malformed
    text = Docx(out).all_text().replace("\r", "\n")
    expect = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if expect:
        assert expect in text
    return data


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    f = tmp_path_factory.mktemp("hostile")
    shutil.copy(EXAMPLES / "district.yaml", f / "district.yaml")
    return f


@example(title="<w:p><w:r><w:t>注入</w:t></w:r></w:p>", body="0\x850", work="x", unicode=True)  # NEL: once folded to a space
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(title=text_strategy, body=text_strategy, work=text_strategy, unicode=st.booleans())
def test_any_text_gives_a_valid_document_or_a_located_refusal(folder, title, body, work, unicode):
    run_one(folder, title, body, work, unicode)


@pytest.mark.libreoffice
def test_nasty_documents_open_in_libreoffice(tmp_path):
    shutil.copy(EXAMPLES / "district.yaml", tmp_path / "district.yaml")
    made = []
    for i, p in enumerate(PAYLOADS):
        sub = tmp_path / f"c{i}"
        sub.mkdir()
        shutil.copy(EXAMPLES / "district.yaml", sub / "district.yaml")
        data = run_one(sub, "测试" + p[:50], p, "开展评价工作。", True)
        if data is not None:
            made.append(sub / "out.docx")
            (sub / "out.docx").rename(sub / f"doc{i}.docx")
            made[-1] = sub / f"doc{i}.docx"
    assert len(made) == len(PAYLOADS) - 4  # all but the 4 XML-illegal payloads render
    pdfs = lo.convert(made, tmp_path / "pdf", tmp_path / "profile")
    for pdf in pdfs:
        assert lo.pages(pdf) >= 1
