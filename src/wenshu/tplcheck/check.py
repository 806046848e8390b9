"""``wenshu template check``: every problem of a Word template, located, in one run.

Modelled on docxtemplater's error design (anchors.md §2.2): a stable ``code`` per kind of mistake, a
Chinese explanation a clerk can act on, the part (正文/页眉1/页脚2/脚注), the paragraph number and the
paragraph's text with the offending tag in 【】 — and *all* problems at once, not the first one Jinja
trips over.

How (each paragraph is checked on its own, so one mistake never hides the next):

1. Lexical (tplcheck/tags.py): the visible text of every paragraph is scanned for tags (``{{ }}``,
   ``{% %}``, ``{# #}``), including the ways Word/WPS break them — full-width braces, smart quotes,
   ``{%pif`` without a space, ``{% tr`` with one too many, a tag cut in two by Enter.
2. Word's run splitting (tplcheck/split.py): each paragraph's XML goes through docxtpl's own
   ``patch_xml`` (as the engine does); a tag the user sees but that does not come out of the patch in
   one piece (or whose patch leaves broken XML) is reported — that is exactly what docxtpl would NOT
   repair.
3. Each tag is parsed by Jinja alone (syntax errors stay local; tplcheck/tags.py).
4. Blocks (for/if/with/set …) are matched over the tag sequence, with recovery, so several
   unclosed/mismatched blocks are all reported, each at its OPENING tag; docxtpl's containers are
   checked too (``{%p`` twice in a paragraph, ``{%tr`` outside a table row, a loop that starts in one
   table cell and ends in another) (tplcheck/blocks.py).
5. A repaired Jinja source (one line per paragraph) is parsed and every variable path is resolved
   against the kind's ``context_model`` (tplcheck/resolve.py).
6. GB/T 9704 layout warnings (tplcheck/layoutcheck.py).

This module runs the steps over the parts of the .docx, reports every problem through
``Checker.add`` (which sets ``Problem.part``/``paragraph``/``context``) and holds the public API.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from jinja2 import TemplateSyntaxError
from lxml import etree

from wenshu.engine.env import make_env
from wenshu.engine.paragraphs import part_label
from wenshu.errors import Problem, UsageError
from wenshu.tplcheck import layoutcheck
from wenshu.tplcheck.blocks import BlockCheck
from wenshu.tplcheck.ooxml import TEMPLATED, Para, mark, paragraphs, part_order, q
from wenshu.tplcheck.resolve import resolve
from wenshu.tplcheck.split import SplitCheck
from wenshu.tplcheck.tags import PartResult, Tag, TagReader, explain_syntax  # noqa: F401 (explain_syntax re-exported)

ANNOTATION_AUTHOR = "wenshu 模板检查"


class Checker(TagReader, SplitCheck, BlockCheck):
    """All problems of one template: the steps above, each part on its own, reported through ``add``."""

    def __init__(self, path: Path, kind: str | None):
        self.path = Path(path)
        self.label = str(path)
        self.kind = kind
        self.env = make_env()
        self.problems: list[Problem] = []
        self._seen: set[tuple] = set()

    # ── reporting ──
    def add(self, code: str, message: str, para: Para | None = None, span: tuple[int, int] | None = None,
            *, hint: str | None = None, severity: str = "error", where: str | None = None,
            field_title: str | None = None, part: str | None = None) -> None:
        """Report a problem at ``para`` (``span`` marked in its text), or at ``where`` (in ``part``)."""
        found = None
        if para is not None:
            found = mark(para.text, *(span or (None, None))) or None
            part = para.part
        fp = where or (para.where if para is not None else None)
        key = (code, fp, found, None if code == "tpl.unsafe" else message)
        if key in self._seen:
            return
        self._seen.add(key)
        self.problems.append(Problem(code=code, message=message, file=self.label, field_path=fp,
                                     field_title=field_title, found=found, hint=hint, severity=severity,  # type: ignore[arg-type]
                                     part=part, paragraph=para.index if para is not None else None, context=found))

    # ── entry ──
    def run(self) -> list[Problem]:
        try:
            zf = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, IsADirectoryError):
            self.add("tpl.not-docx", "模板不是有效的 .docx 文件（可能是 .doc、.wps 或已损坏）。",
                     hint="在 Word/WPS 中“另存为”Word 文档（*.docx）。")
            return self.problems
        with zf:
            names = zf.namelist()
            parts = sorted((n for n in names if TEMPLATED.match(n)), key=part_order)
            if "word/document.xml" not in names:
                self.add("tpl.not-docx", "文件中没有 word/document.xml，不是 Word 文档。")
                return self.problems
            roots: dict[str, etree._Element] = {}
            for name in parts:
                try:
                    roots[name] = etree.fromstring(zf.read(name))
                except etree.XMLSyntaxError as e:
                    self.add("tpl.bad-xml", f"{part_label(name)} 的 XML 已损坏：{e}。", where=part_label(name), part=name,
                             hint="在 Word 中打开并重新保存；若 Word 也报错，请用备份。")
            for name, root in roots.items():
                self.check_part(name, root)
            self.check_other_parts(zf, names)
            if self.kind is None:
                self.add("tpl.no-kind", "无法判断这是哪种文书的模板，未检查字段名。", severity="warning",
                         where="模板", hint="用 --kind 指定文书类型（wenshu kinds 查看），或保持内置模板的文件名。")
            self.problems.extend(layoutcheck.check_layout(zf, names, roots, self.label))
        return self.problems

    def check_other_parts(self, zf: zipfile.ZipFile, names: list[str]) -> None:
        for name in names:
            if TEMPLATED.match(name) or not name.endswith(".xml"):
                continue
            if name == "word/comments.xml":
                data = zf.read(name).decode("utf-8", "replace")
                if ANNOTATION_AUTHOR in data:
                    self.add("tpl.leftover-comments", "模板中还留有 wenshu 检查时加的批注；生成的公文会带上这些批注。",
                             severity="warning", where="批注",
                             hint="改完后在 Word“审阅 → 删除 → 删除文档中的所有批注”，再保存使用。")
            if name.startswith(("word/comments", "word/charts/", "docProps/", "word/diagrams/")):
                text = re.sub(r"<[^>]+>", "", zf.read(name).decode("utf-8", "replace"))
                m = re.search(r"\{\{.*?\}\}|\{%.*?%\}", text)
                if m:
                    self.add("tpl.tag-in-unrendered-part",
                             f"“{name}”中有标签 {m.group(0)[:40]}，但 wenshu 不处理这一部分（批注、图表、文档属性），标签会原样留下。",
                             severity="warning", where=name)

    # ── one part ──
    def check_part(self, name: str, root: etree._Element) -> None:
        paras = paragraphs(name, root)
        res = PartResult(name, paras)
        if root.find(f".//{q('ins')}") is not None or root.find(f".//{q('del')}") is not None:
            first = next((p for p in paras if p.el.find(f".//{q('ins')}") is not None
                          or p.el.find(f".//{q('del')}") is not None), None)
            self.add("tpl.tracked-changes", f"{part_label(name)}中有未接受的修订（修订模式下的增删）。",
                     first, severity="warning", part=name,
                     hint="在 Word“审阅 → 接受 → 接受所有修订”，并关闭“修订”后再保存。")
        pending_unclosed: tuple[Para, int] | None = None
        for para in paras:
            tags, pending_unclosed = self.lex(para, pending_unclosed)
            res.tags.extend(tags)
            self.check_split(para, tags)
            if para.deleted_text and re.search(r"\{[{%]|[%}]\}", para.deleted_text):
                self.add("tpl.deleted-tag", "这一段有被删除（修订）的标签文字；Word 里看不见，但 wenshu 仍会执行它。",
                         para, hint="接受所有修订（审阅 → 接受 → 接受所有修订）后再保存。")
        if pending_unclosed is not None:
            self._unclosed(*pending_unclosed, None)
        self.check_containers(res)
        self.match_blocks(res)
        self.resolve_fields(res)

    # ── 5. fields ──
    def resolve_fields(self, res: PartResult) -> None:
        from wenshu.documents import REGISTRY

        lines = [""] * (len(res.paras) + 1)
        for t in res.tags:
            if t.emit:
                lines[t.para.index] += t.emit
        lines[-1] += getattr(res, "tail", "")
        source = "\n".join(lines[1:]) if len(lines) > 1 else getattr(res, "tail", "")
        if not source.strip():
            return
        try:
            tree = self.env.parse(source)
        except TemplateSyntaxError as e:
            para = res.paras[e.lineno - 1] if e.lineno and 0 < e.lineno <= len(res.paras) else None
            self.add("tpl.syntax", "标签语法错误：" + explain_syntax(e.message or str(e)), para,
                     where=None if para else part_label(res.part), part=res.part)
            return
        model = REGISTRY[self.kind].context_model if self.kind else None
        for f in resolve(tree, model, self.env.filters, self.env.tests):
            para = res.paras[f.lineno - 1] if 0 < f.lineno <= len(res.paras) else None
            span = None
            if para is not None:
                span = _find_in_tags(para, [t for t in res.tags if t.para is para], f.needle)
            self.add(f.code, f.message, para, span, hint=f.hint, severity=f.severity, field_title=f.field,
                     where=None if para else part_label(res.part), part=res.part)


def _find_in_tags(para: Para, tags: list[Tag], needle: str | None) -> tuple[int, int] | None:
    if not tags:
        return None
    if needle:
        pat = re.compile(r"(?<![\w])" + re.escape(needle) + r"(?![\w])")
        for t in tags:
            if pat.search(para.text[t.start:t.end]):
                return (t.start, t.end)
    return (tags[0].start, tags[0].end)


# ─── public API ───────────────────────────────────────────────────────────────────────────────


def detect_kind(path: Path) -> str | None:
    """The template's kind: the 文书类型 stored in its document properties, else its file name
    (wenshu.templates.template_kind)."""
    from wenshu.templates import template_kind

    return template_kind(Path(path))


def check_template(path: Path, kind: str | None = None) -> list[Problem]:
    """Check a docxtpl template: syntax, Word's damage, fields against ``kind``'s context model, layout.

    ``kind`` None: the kind stored in the template's document properties, else the file name; if that fails,
    fields are not checked and a ``tpl.no-kind`` warning says so. Raises ``UsageError`` for an unknown
    kind or a missing file. Returns every problem (errors and warnings), in document order.
    """
    from wenshu.documents import REGISTRY

    path = Path(path)
    if not path.exists():
        raise UsageError(Problem(code="usage.no-such-path", message="模板文件不存在。", file=str(path)))
    if kind is not None and kind not in REGISTRY:
        from wenshu.render import kind as kind_lookup

        kind_lookup(kind)  # raises UsageError with a suggestion
    k = kind or detect_kind(path)
    return Checker(path, k).run()


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)
