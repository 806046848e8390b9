"""The rendered documents through real LibreOffice: A4, 22 lines, "— N —" alternating, 版记 at the bottom."""

from __future__ import annotations

import re

import pytest

import lo
from test_documents import PICK, RED_HEADER, rendered, example  # noqa: F401  (fixtures)

pytestmark = pytest.mark.libreoffice

TEXT_BOTTOM = (297 - 35) * lo.MM  # bottom edge of the 版心, points from the page top


@pytest.fixture(scope="session")
def pdfs(rendered, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    kinds = sorted(rendered)
    files = lo.convert([rendered[k] for k in kinds], out / "pdf", out / "profile")
    return dict(zip(kinds, files))


@pytest.mark.parametrize("kind", sorted(PICK))
def test_a4_and_text_present(pdfs, rendered, kind):
    from docx_inspect import Docx

    w, h = lo.page_size(pdfs[kind])
    assert abs(w - 595.3) < 1 and abs(h - 841.9) < 1
    text = re.sub(r"\s+", "", lo.text(pdfs[kind]))
    d = Docx(rendered[kind])
    title = next(d.text(p) for p in d.paragraphs() if d.paragraph_style(p) in ("GwTitle", "GwAttachmentTitle"))
    assert re.sub(r"\s+", "", title) in text
    assert re.search(r"[\u4e00-\u9fff]{10}", text)


@pytest.mark.parametrize("kind", sorted(PICK))
def test_page_numbers_alternate(pdfs, kind):
    pdf = pdfs[kind]
    n = lo.pages(pdf)
    assert n >= 2
    assert "—2—" in re.sub(r"\s+", "", lo.text(pdf, 2))
    for page in (1, 2):
        nums = [w for w in lo.words(pdf, page) if w[4] == str(page) and w[1] > TEXT_BOTTOM]
        assert nums, f"no page number on page {page}"
        x0, y0, x1, y1, _ = nums[0]
        if page % 2:
            assert x0 > 595.3 / 2, "odd page number must sit on the right"
        else:
            assert x1 < 595.3 / 2, "even page number must sit on the left"
        # the number line lies below the text area, about 7 mm down (one 4号 line)
        assert TEXT_BOTTOM < y0 < TEXT_BOTTOM + 15 * lo.MM


def test_full_body_page_has_22_lines(pdfs):
    pdf = pdfs["notice"]
    # Text pages only: from page 2 up to the attachment (a table page counts lines differently).
    last = next(p for p in range(2, lo.pages(pdf) + 1) if lo.text(pdf, p).lstrip().startswith("附件")) - 1
    counts = [lo.body_lines(pdf, p) for p in range(2, last + 1)]
    assert max(counts) == 22, counts
    assert counts.count(22) >= 3, counts


@pytest.mark.parametrize("kind", sorted(RED_HEADER))
def test_red_header_is_red(pdfs, kind):
    assert lo.red_pixels(pdfs[kind], 1) > 50


@pytest.mark.parametrize("kind", sorted(RED_HEADER))
def test_imprint_sits_on_the_bottom_of_the_last_page(pdfs, kind):
    pdf = pdfs[kind]
    last = lo.pages(pdf)
    ws = [w for w in lo.words(pdf, last) if "印发" in w[4]]
    assert ws, "版记 印发 line not on the last page"
    y1 = max(w[3] for w in ws)
    assert abs(y1 - TEXT_BOTTOM) < 8 * lo.MM, (y1, TEXT_BOTTOM)


def test_notice_first_page_shows_body(pdfs):
    first = re.sub(r"\s+", "", lo.text(pdfs["notice"], 1))
    assert "港政办〔2024〕3号" in first
    assert "已经区人民政府同意" in first  # 7.3.3: 公文首页必须显示正文
    assert "黄石港区人民政府办公室2024年4月28日" in first  # signature and date with the body
