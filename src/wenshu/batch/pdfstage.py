"""The PDF stage: every .docx of the run through the LibreOffice pool, measured layout, booklets."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

from wenshu.errors import Problem, WenshuError, os_reason
from wenshu.batch.model import BatchOptions, BatchResult, Failure, Output
from wenshu.batch.outdir import _Placer, Journal
from wenshu.batch.workers import _sha_of


def pdf_stage(opts: BatchOptions, result: BatchResult, *, journal: Journal, placer: _Placer, state: Path,
              on_progress: Callable[[int, int], None] | None = None, on_plan: Callable[[int], None] | None = None) -> None:
    """PDF copies of every document (through a warm LibreOffice pool) and one booklet per department.

    A PDF is redone only when its .docx changed (the journal records the sha256 of the .docx it was
    made from). Each PDF is converted into OUT/.wenshu-batch/tmp, recorded, then renamed into place,
    like the documents. If LibreOffice is missing the .docx files stay, and the failure says what to
    install.
    """
    from wenshu.pdf import layout_pass
    from wenshu.pdf.booklet import make_booklet
    from wenshu.pdf.office import LibreOfficeMissing
    from wenshu.pdf.pdfbytes import page_count
    from wenshu.pdf.pool import PdfPool

    out = opts.out_dir.absolute()  # the pool reports absolute paths
    tmp_dir = (state / "tmp").absolute()
    started = time.perf_counter()
    log = result.outputs
    total = log.count("written") + log.count("skipped")
    if on_plan:
        on_plan(total)
    try:
        pool = PdfPool(workers=max(1, min(opts.workers or os.cpu_count() or 1, 4)))
    except LibreOfficeMissing as e:
        result.failures.append(Failure("pdf", "PDF 副本与汇编", e.problems, category="pdf"))
        return
    counter = iter(range(1, 1 << 62))

    def put(rel: str, tmp: Path, entry: dict, check: bool = True) -> None:
        """Rename a finished PDF into place: a PDF there that wenshu did not make is kept aside."""
        target = out / rel
        existing = _sha_of(target) if check else None
        if existing is not None and existing != entry["sha256"] and not journal.ours(rel, existing):
            prev = journal.pdfs.get(rel) or journal.booklets.get(rel)
            if not (prev and not prev.get("gone") and not prev.get("sha256")):  # old journals: no sha256 of PDFs
                placer.keep_edited(rel)
        journal.write(entry)
        os.replace(tmp, target)

    with pool:
        def convert(chunk: list[Output]) -> None:
            by_tmp = {str(tmp_dir / f"{next(counter)}.pdf"): o for o in chunk}

            def progress(r) -> None:
                o = by_tmp[str(r.pdf)]
                if r.ok:
                    o.pages, o.layout = r.pages, r.layout.summary
                    try:
                        if r.layout.docx_changed:
                            # The layout pass corrected the .docx (in the temporary folder): recorded in
                            # the journal before it is renamed into place, so --resume and the edit
                            # check know the corrected file as wenshu's own.
                            o.sha256 = r.docx_sha256
                            journal.add(o)
                            os.replace(r.docx, out / o.path)
                        data = Path(r.pdf).read_bytes()
                        put(o.pdf, Path(r.pdf), {"path": o.pdf, "pdf_of": o.path, "docx_sha256": o.sha256,
                                                 "sha256": hashlib.sha256(data).hexdigest(), "layout": o.layout})
                        result.pdfs_made += 1
                    except OSError as e:
                        o.pdf = ""
                        result.failures.append(Failure("pdf", f"{o.title}（PDF）", [Problem(
                            code="pdf.write-failed", message=f"PDF 写入失败：{os_reason(e)}。", file=str(out / o.path))],
                            category="pdf"))
                else:
                    o.pdf = ""
                    result.failures.append(Failure("pdf", f"{o.title}（PDF）", [r.problem] if r.problem else [], category="pdf"))
                log.set_pdf(o)
                if on_progress:
                    on_progress(1, 0)

            layout_pass.convert_many(pool, [(out / o.path, Path(t), Path(t).with_suffix(".docx")) for t, o in by_tmp.items()],
                                     progress=progress)

        # A page of documents at a time: the pool stays busy, and nothing per document is held.
        chunk: list[Output] = []
        for o in log.documents():
            o.pdf = o.path[:-5] + ".pdf"
            pdf = out / o.pdf
            e = journal.pdfs.get(o.pdf)
            if pdf.is_file() and e and not e.get("gone") and e.get("docx_sha256") == o.sha256:
                data = pdf.read_bytes()
                if not e.get("sha256") or e["sha256"] == hashlib.sha256(data).hexdigest():
                    o.pages = page_count(data)
                    # the layout measured when the PDF was made (older journals: measured again now)
                    o.layout = e.get("layout") or layout_pass.verify(out / o.path, pdf).summary
                    log.set_pdf(o)
                    result.pdfs_kept += 1
                    if on_progress:
                        on_progress(1, 0)
                    continue
            chunk.append(o)
            if len(chunk) >= 256:
                convert(chunk)
                chunk = []
        if chunk:
            convert(chunk)
        if opts.booklet:
            # Documents come sorted by path, so each department folder is one run of them.
            def booklet(folder: str, items: list[Output]) -> None:
                dept = items[0].department
                rel = f"{folder}/{folder}文书汇编.pdf"
                tmp = tmp_dir / f"{next(counter)}-booklet.pdf"
                try:
                    b = make_booklet(f"{dept}文书汇编", [(o.title, out / o.pdf) for o in items], tmp, pool=pool)
                    put(rel, tmp, {"path": rel, "booklet": folder, "sha256": _sha_of(tmp)}, check=False)
                except WenshuError as e:
                    result.failures.append(Failure("booklet", f"{dept}文书汇编", e.problems, category="booklet"))
                    return
                except OSError as e:
                    result.failures.append(Failure("booklet", f"{dept}文书汇编", [Problem(
                        code="pdf.write-failed", message=f"汇编写入失败：{os_reason(e)}。", file=str(out / rel))],
                        category="booklet"))
                    return
                result.booklets.append({"path": rel, "department": dept, "pages": b.pages, "documents": len(items)})

            folder, items = None, []
            for o in log.documents():
                if not o.pdf:
                    continue
                f = o.path.split("/", 1)[0]
                if f != folder and items:
                    booklet(folder, items)
                    items = []
                folder = f
                items.append(o)
            if items:
                booklet(folder, items)
    result.pdf_seconds = time.perf_counter() - started
