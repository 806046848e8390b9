"""What a batch tells: manifest.json and manifest.csv, the summary table, the files set aside."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections import Counter, defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

from wenshu import __version__
from wenshu.batch.model import BatchResult, FAILED_DIR, WITHDRAWN_DIR


# ─── manifest ───────────────────────────────────────────────────────────────────────────────────

MANIFEST_FIELDS = ["path", "kind", "kind_title", "department", "title", "key", "sources", "template", "template_sha256",
                   "sha256", "pdf", "pages", "layout", "status"]
CSV_HEADERS = ["文件", "文书类型代码", "文书类型", "部门", "标题", "编号", "数据来源", "模板", "模板sha256", "sha256",
               "PDF", "页数", "版面", "状态"]


def write_manifest(out: Path, result: BatchResult) -> None:
    """manifest.json and manifest.csv, sorted by path so they are byte-stable across runs.

    Both are streamed row by row from the spool (the same bytes ``json.dumps(doc, indent=2)`` of
    the whole manifest would give), so a batch of any size writes them without holding them.
    """
    from wenshu.atomic import atomic_write

    log = result.outputs
    booklets = sorted(result.booklets, key=lambda b: b["path"])
    count = log.count("written") + log.count("skipped")

    def field(key: str, value: Any) -> str:
        return json.dumps({key: value}, ensure_ascii=False, indent=2)[2:-2]

    def write_json(f) -> None:
        head = {"generator": f"wenshu {__version__}", "count": count}
        f.write(("{\n" + ",\n".join(field(k, v) for k, v in head.items()) + ",\n").encode("utf-8"))
        f.write(b'  "outputs": [' if count else b'  "outputs": []')
        first = True
        for o in log.documents():
            row = {k: (v if k != "status" else "ok") for k, v in asdict(o).items() if k in MANIFEST_FIELDS}
            text = textwrap.indent(json.dumps(row, ensure_ascii=False, indent=2), "    ")
            f.write((("\n" if first else ",\n") + text).encode("utf-8"))
            first = False
        if count:
            f.write(b"\n  ]")
        tail = {
            "booklets": booklets,
            "failures": [{"kind": x.kind, "title": x.title, "problems": [p.format() for p in x.problems]} for x in result.failures],
            # files moved out of the way by this run (edited by hand, withdrawn, old files of failed documents)
            "set_aside": [asdict(a) for a in sorted(result.set_aside, key=lambda a: (a.path, a.moved_to))],
        }
        f.write((",\n" + ",\n".join(field(k, v) for k, v in tail.items()) + "\n}\n").encode("utf-8"))

    atomic_write(out / "manifest.json", write_json, force=True)

    def write_csv(f) -> None:
        # UTF-8 with BOM and CRLF: WPS and Excel open it with the Chinese intact.
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        buf.write("\ufeff")
        w.writerow(CSV_HEADERS)

        def drain() -> None:
            f.write(buf.getvalue().encode("utf-8"))
            buf.seek(0)
            buf.truncate()

        for n, o in enumerate(log.documents(), 1):
            w.writerow([o.path, o.kind, o.kind_title, o.department, o.title, o.key, "；".join(o.sources), o.template,
                        o.template_sha256, o.sha256, o.pdf, "" if o.pages is None else o.pages, o.layout, "正常"])
            if n % 256 == 0:
                drain()
        for b in booklets:
            w.writerow([b["path"], "booklet", "文书汇编", b["department"], f"{b['department']}文书汇编", "", "", "", "", "",
                        b["path"], b["pages"], "", "正常"])
        drain()

    atomic_write(out / "manifest.csv", write_csv, force=True)


def summary_table(result: BatchResult) -> str:
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for (kind, status), n in result.outputs.counts.items():
        by_kind[kind][status] += n
    titles = dict(result.outputs.kind_titles)
    for f in result.failures:
        if f.category in ("document", "template"):
            titles.setdefault(f.kind, f.kind)

    def pad(text: str, width: int) -> str:
        # CJK characters take two columns in a terminal.
        return text + " " * max(0, width - sum(2 if ord(c) > 0x2E80 else 1 for c in text))

    lines = [pad("文书类型", 30) + pad("生成", 8) + pad("未变跳过", 10) + "失败"]
    for k in sorted(titles, key=lambda k: titles[k]):
        c = by_kind[k]
        lines.append(pad(titles[k], 30) + pad(str(c["written"]), 8) + pad(str(c["skipped"]), 10) + str(c["failed"]))
    total = result.written + result.skipped
    rate = result.written / result.seconds if result.seconds else 0
    counts = result.failure_counts()
    failed = result.failed_total
    units = {"数据错误": "处", "汇编": "本", "其他": "项"}
    detail = "、".join(f"{k} {n} {units.get(k, '份')}" for k, n in counts.items() if n)
    failed_text = f"失败 {failed}" + (f"：{detail}" if failed and (failed != counts["文书"]) else "")
    lines.append(f"合计 {total} 份（新生成 {result.written}，未变跳过 {result.skipped}，{failed_text}），"
                 f"用时 {result.seconds:.1f} 秒，{rate:.1f} 份/秒")
    return "\n".join(lines)


def set_aside_lines(result: BatchResult, limit: int = 20) -> list[str]:
    """What this run moved out of the way, for the terminal (the manifest lists every file)."""
    lines = []
    for reason, head in (("edited", "手工修改过的文件未被覆盖，已保留"), ("withdrawn", f"不再需要的文书已移至 {WITHDRAWN_DIR}/"),
                         ("failed", f"生成失败的文书，旧文件已移至 {FAILED_DIR}/")):
        items = [a for a in result.set_aside if a.reason == reason]
        if not items:
            continue
        lines.append(f"{head}（{len(items)} 个）：")
        lines += [f"  {a.path} → {a.moved_to}" for a in items[:limit]]
        if len(items) > limit:
            lines.append(f"  ……其余 {len(items) - limit} 个见 manifest.json（set_aside）")
    if result.stale_removed:
        lines.append(f"已删除 {result.stale_removed} 份与新文书不符的旧 PDF/汇编"
                     + ("（已重新生成）" if result.stage == "done" and result.pdfs_made else "（加 --pdf 重新生成）"))
    return lines


def interrupted_message(result: BatchResult) -> str:
    """What an interrupted run had done, counted separately for .docx and PDF."""
    docx = f"已写出 .docx {result.written} 份" + (f"（另有 {result.skipped} 份未变跳过）" if result.skipped else "")
    if result.stage == "pdf":
        pdf = f"，PDF {result.pdfs_made} 份" + (f"（另有 {result.pdfs_kept} 份未变）" if result.pdfs_kept else "")
        where = "在转换 PDF 时中断"
    else:
        pdf, where = "", "在生成文书时中断"
    return f"已中断（{where}）：{docx}{pdf}。运行同一命令并加 --resume 继续。"
