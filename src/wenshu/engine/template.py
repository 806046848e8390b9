"""Compile a docxtpl-style .docx template once, render it many times.

docxtpl's own pipeline reloads the .docx, re-patches the XML and recompiles the Jinja source on every
render (anchors.md §1.4). Here the template-invariant work (reading the zip, docxtpl's tag patching,
Jinja compilation, compressing unchanged parts) happens once; a render only runs the compiled
templates of the parts that contain tags, checks the result is well-formed XML, and zips it.

Tag syntax is docxtpl's (``{{ }}``, ``{% %}``, ``{%p %}``, ``{%tr %}``, ``{%tc %}``, ``{%r %}``,
``{% vm %}``...) and so is every step around it, so templates behave exactly as docxtpl documents them:

* a part is parsed and serialised by lxml first, as docxtpl does (python-docx hands it a parsed tree):
  LibreOffice and WPS save quotes inside tags as ``&quot;``/``&apos;``, which then come out as quotes;
* the tag clean-up is docxtpl's ``patch_xml`` (engine/patch.py keeps one source line per paragraph,
  so an error names the paragraph ``wenshu template check`` names: engine/paragraphs.py);
* after rendering, the table grid is fixed up as docxtpl's ``fix_tables`` does (a ``{%tc %}`` column
  loop), and the cell properties docxtpl inserts (``{% vm %}`` appends ``w:vMerge`` after
  ``w:vAlign``) are put back in schema order (official/fixups.py), so Word opens the file as written.

A template that does not compile is reported once, by ``wenshu template check``'s own analysis (every
mistake, located and explained in Chinese), not as Jinja's first error.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateError as JinjaTemplateError
from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from lxml import etree

from wenshu.engine import patch
from wenshu.package import PreparedEntry, core_xml, write_zip
from wenshu.engine.env import make_env
from wenshu.engine.paragraphs import paragraphs, part_label  # noqa: F401 (part_label re-exported)
from wenshu.errors import Problem, RenderError, TemplateError
from wenshu.official import fixups

TEMPLATED_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_TAG_START = re.compile(r"\{[{%#]")
_TAGS = re.compile(r"<[^>]+>")
# Cell properties docxtpl's {% vm %} / {% hm %} / {% colspan %} / {% cellbg %} insert (with a tag inside).
_CELL_PROPS_TAG = re.compile(r"<w:(?:vMerge|gridSpan|shd)\b[^>]*\{[{%]")
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_TAG_SPAN = re.compile(r"\{[{%#].*?[}%#]\}", re.S)
# One parser for every render: strict (no recover), no entity expansion or network access.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, collect_ids=False, huge_tree=False)

# Control characters docxtpl turns into Word structure (\a paragraph, \f page break, \t tab); "\n"
# is handled by the environment's finalize.
_LISTING_CHARS = re.compile(r"[\a\f\t]")

# Bounds on one rendered part: a template from another office (or a runaway loop) must not fill
# memory or the disk, nor hang a batch. Real documents are far below both.
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_RENDER_SECONDS = 60.0


class _Overrun(Exception):
    def __init__(self, code: str, message: str):
        self.code, self.message = code, message


def _bounded_render(template, context: dict[str, Any]) -> str:
    """Render chunk by chunk, stopping past MAX_PART_BYTES or MAX_RENDER_SECONDS.

    Output size is checked as the text is produced (not after it has all been built in memory). A loop
    that produces nothing for a long time is stopped by a timer signal when we are in the main
    thread (the CLI, or a batch worker process).
    """
    import signal
    import threading
    import time

    deadline = time.monotonic() + MAX_RENDER_SECONDS
    use_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    old = None

    def on_alarm(signum, frame):
        raise _Overrun("render.timeout", f"生成{{part}}超过 {int(MAX_RENDER_SECONDS)} 秒，已停止。")

    if use_alarm:
        old = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, MAX_RENDER_SECONDS)
    try:
        chunks: list[str] = []
        append = chunks.append
        size = 0
        since = 0
        for chunk in template.generate(context):
            append(chunk)
            since += 1
            if since == 256:  # check every 256 chunks: cheap, and a single chunk is never near the limit
                since = 0
                size += sum(map(len, chunks[-256:]))
                if size > MAX_PART_BYTES:
                    raise _Overrun("render.too-large", f"生成的{{part}}超过 {MAX_PART_BYTES // 1024 // 1024} MB，已停止。")
                if time.monotonic() > deadline:
                    raise _Overrun("render.timeout", f"生成{{part}}超过 {int(MAX_RENDER_SECONDS)} 秒，已停止。")
        if size + sum(map(len, chunks[len(chunks) - since:])) > MAX_PART_BYTES:
            raise _Overrun("render.too-large", f"生成的{{part}}超过 {MAX_PART_BYTES // 1024 // 1024} MB，已停止。")
        return "".join(chunks)
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def visible_para(text: str) -> str:
    return text.strip()


def visible_text(xml_line: str) -> str:
    text = _TAGS.sub("", xml_line)
    for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(a, b)
    return text.strip()


@dataclass
class CompiledPart:
    name: str
    template: Any  # jinja2.Template
    paras: list[tuple[str, str]]  # (location as template check writes it, visible text) per paragraph
    fix_cells: bool = False  # docxtpl inserted cell properties: put them in schema order
    fix_grid: bool = False  # a table may change its number of columns ({%tc %} loops): fix the grid

    def where(self, lineno: int | None) -> tuple[str, str | None]:
        """(location, visible text) of a Jinja line number: line n+1 of the source is paragraph n."""
        label = part_label(self.name)
        n = self.paragraph(lineno)
        if n is None:
            return label, None
        where, text = self.paras[n - 1]
        return where, text[:80]

    def paragraph(self, lineno: int | None) -> int | None:
        """The paragraph number (1-based) of a Jinja line number, None outside the paragraphs."""
        return lineno - 1 if lineno is not None and 2 <= lineno <= len(self.paras) + 1 else None

    def located(self, lineno: int | None) -> dict[str, Any]:
        """The ``Problem`` fields that place a Jinja line: as displayed (field_path, found) and as data."""
        where, text = self.where(lineno)
        return {"field_path": where, "found": text, "part": self.name, "paragraph": self.paragraph(lineno),
                "context": text}


def normalise_part(data: bytes) -> tuple[str, etree._Element]:
    """A part's XML as docxtpl sees it: parsed and serialised again by lxml (entities resolved to the
    characters they stand for: ``&quot;`` inside a tag becomes ``"``)."""
    root = etree.fromstring(data, _PARSER)
    text = etree.tostring(root, encoding="unicode")
    if "\n" in text:
        # Newlines are the engine's paragraph marks (engine/patch.py): a template's own (pretty-printed
        # XML, a line break typed in a text) become a space inside a tag (the same to Jinja) and the
        # character reference &#10; elsewhere (the same character to every XML reader).
        text = _TAG_SPAN.sub(lambda m: m.group(0).replace("\n", " "), text).replace("\n", "&#10;")
    return _XML_DECL + text, root


def _patch(xml: str) -> str:
    """docxtpl's tag clean-up, one source line per paragraph (engine/patch.py)."""
    return patch.patch_xml(patch.number_lines(xml))


def _literal_delimiters(source: str) -> str:
    """docxtpl's escapes for literal delimiters ({_{ }_} {_% %_}) resolved in the template source.

    docxtpl replaces them in the rendered output, which would also rewrite a "{_{" typed in the data;
    turning them into Jinja string literals before compiling leaves the data alone.
    """
    for esc, lit in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
        source = source.replace(esc, "{{ '%s' }}" % lit)
    return source


def _template_lineno(exc: BaseException) -> int | None:
    lineno = getattr(exc, "lineno", None)
    if lineno:
        return lineno
    tb = exc.__traceback__
    found = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            found = tb.tb_lineno
        tb = tb.tb_next
    return found


def _explain(exc: BaseException) -> str:
    if isinstance(exc, SecurityError):
        return f"模板试图访问不安全的内部属性，已被阻止（{exc}）。模板只能使用数据字段和 wenshu 提供的过滤器。"
    if isinstance(exc, UndefinedError):
        msg = str(exc)
        m = re.search(r"has no attribute '([^']+)'", msg) or re.search(r"'([^']+)' is undefined", msg)
        name = m.group(1) if m else msg
        return f"模板引用了不存在的字段“{name}”。请用 wenshu template fields 查看可用字段。"
    if isinstance(exc, TemplateSyntaxError):
        from wenshu.tplcheck.tags import explain_syntax

        return f"模板标签语法错误：{explain_syntax(exc.message or str(exc))}"
    return f"模板渲染失败：{_runtime_cn(exc)}"


_RUNTIME_CN = [
    (r"object is not iterable", "对不是列表的值做了循环"),
    (r"range too big|is too big|too many", "循环或重复的次数过多"),
    (r"division( or modulo)? by zero", "除以了零"),
    (r"unsupported operand|can only concatenate|must be str|not supported between", "把不同类型的值（文字和数字）放在一起运算或比较"),
    (r"not subscriptable|list index out of range|string index out of range", "取了不存在的序号（[ ] 中的数字超出了列表长度）"),
    (r"invalid literal|could not convert", "把文字当作数字使用"),
    (r"argument|takes \d+ positional|unexpected keyword", "过滤器的参数个数或写法不对"),
]


def _runtime_cn(exc: BaseException) -> str:
    """A Python error raised while a template ran, in Chinese (no English shown to the user)."""
    msg = str(exc)
    for pat, cn in _RUNTIME_CN:
        if re.search(pat, msg, flags=re.I):
            return cn
    return "模板中的表达式无法计算（检查运算、比较和过滤器的写法）"


class CompiledTemplate:
    """A template ready to render many documents."""

    def __init__(self, path: Path, label: str | None = None):
        self.path = Path(path)
        self.label = label or self.path.as_posix()
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            raise TemplateError(Problem(code="template.missing", message="模板文件不存在。", file=self.label)) from None
        except OSError as e:
            raise TemplateError(Problem(code="template.unreadable", message=f"无法读取模板文件：{e.strerror}。", file=self.label)) from None
        self.sha256 = hashlib.sha256(raw).hexdigest()
        try:
            zf = zipfile.ZipFile(self.path)
            infos = zf.infolist()
        except zipfile.BadZipFile:
            raise TemplateError(Problem(
                code="template.not-docx", message="模板不是有效的 .docx 文件（可能是 .doc 或已损坏）；请在 Word/WPS 中另存为 .docx。",
                file=self.label)) from None
        env = make_env()
        self.entries: list[tuple[str, PreparedEntry | CompiledPart]] = []
        problems: list[Problem] = []
        syntax: list[Problem] = []  # Jinja's first error per part; replaced by template check's analysis
        names = [i.filename for i in infos]
        # [Content_Types].xml first: some readers expect it at the start of the package.
        order = sorted(range(len(names)), key=lambda i: (names[i] != "[Content_Types].xml", i))
        for i in order:
            name = names[i]
            data = zf.read(name)
            if TEMPLATED_PART.match(name) and _TAG_START.search(data.decode("utf-8", "replace")):
                try:
                    text, root = normalise_part(data)
                except (etree.XMLSyntaxError, ValueError) as e:
                    problems.append(Problem(
                        code="template.bad-xml", message=f"模板的{part_label(name)} XML 已损坏：{e}。", file=self.label,
                        field_path=part_label(name), part=name, hint="在 Word/WPS 中打开模板并重新保存；若仍报错，请用备份。"))
                    continue
                patched = _literal_delimiters(_patch(text))
                part = CompiledPart(name, None, [(p.where, visible_para(p.text)) for p in paragraphs(name, root)],
                                    fix_cells=bool(_CELL_PROPS_TAG.search(patched)),
                                    fix_grid=name == "word/document.xml" and "<w:tbl" in patched)
                try:
                    part.template = env.from_string(patched)
                except TemplateSyntaxError as e:
                    syntax.append(Problem(
                        code="template.syntax", message=_explain(e), file=self.label, **part.located(e.lineno),
                        hint="检查 {% if %}/{% for %} 是否都有对应的 {% endif %}/{% endfor %}，标签是否被拆开。",
                    ))
                    continue
                self.entries.append((name, part))
                continue
            if name == "word/settings.xml":
                data = fixups.settings_zoom(data)
            self.entries.append((name, PreparedEntry(name, data)))
        zf.close()
        if syntax:
            problems += self._located(syntax)
        if problems:
            raise TemplateError(problems)

    def _located(self, fallback: list[Problem]) -> list[Problem]:
        """The template's errors as ``wenshu template check`` reports them (all of them, in Chinese,
        with the paragraph and the tag marked); Jinja's own first error if the checker finds none."""
        try:
            from wenshu.tplcheck.check import Checker

            checker = Checker(self.path, None)
            checker.label = self.label
            found = [p for p in checker.run() if p.severity == "error"]
        except Exception:  # noqa: BLE001 - the checker must never hide the error it was asked to explain
            found = []
        return found or fallback

    def render_parts(self, context: dict[str, Any], *, core: dict[str, str] | None = None) -> list[tuple[str, bytes | PreparedEntry]]:
        """Render every templated part; raise RenderError naming the part and paragraph on failure."""
        out: list[tuple[str, bytes | PreparedEntry]] = []
        for name, entry in self.entries:
            if isinstance(entry, CompiledPart):
                out.append((name, self._render_part(entry, context)))
            elif name == "docProps/core.xml" and core is not None:
                out.append((name, core_xml(**core)))
            else:
                out.append((name, entry))
        return out

    def _render_part(self, part: CompiledPart, context: dict[str, Any]) -> bytes:
        try:
            xml = _bounded_render(part.template, context)
        except _Overrun as e:
            raise RenderError(Problem(
                code=e.code, message=e.message.format(part=part_label(part.name)), file=self.label,
                field_path=part_label(part.name), part=part.name, hint="模板中的循环是否失控？请用 wenshu template check 检查模板。")) from None
        except (JinjaTemplateError, SecurityError) as e:
            raise RenderError(Problem(
                code="render.undefined" if isinstance(e, UndefinedError) else ("render.unsafe" if isinstance(e, SecurityError) else "render.template"),
                message=_explain(e), file=self.label, **part.located(_template_lineno(e)),
            )) from None
        except RecursionError:
            raise RenderError(Problem(code="render.recursion", message="模板递归过深，已停止。", file=self.label,
                                      field_path=part_label(part.name), part=part.name)) from None
        except (ArithmeticError, TypeError, ValueError, LookupError) as e:
            # e.g. the sandbox's "range too big", a filter given the wrong type, 1/0 in a template.
            raise RenderError(Problem(
                code="render.error", message=f"模板执行出错：{_runtime_cn(e)}。", file=self.label,
                **part.located(_template_lineno(e)),
            )) from None
        xml = patch.strip_lines(xml)
        if "\t" in xml or "\a" in xml or "\f" in xml:  # plain substring tests: a regex scan costs 30x more
            xml = DocxTemplate.resolve_listing(None, xml)  # type: ignore[arg-type]
        data = xml.encode("utf-8")
        try:
            # Strict parse (no recover=True): a broken part is an error, never a silently truncated document.
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as e:
            raise RenderError(Problem(
                code="render.bad-xml", message=f"生成的{part_label(part.name)} XML 无效，未写出文件：{e}。",
                file=self.label, part=part.name, hint="数据中可能含有不可见的控制字符；请检查最近修改的文字。")) from None
        changed = False
        if part.name == "word/document.xml" and (b"GwIssuerMark" in data or b"GwSignature" in data):
            # First the 公文 layout (a {%tc %} body table gets column widths after its content), then
            # the generic repairs: cell properties in schema order, any other table's grid.
            doc = context.get("doc")
            sealed = bool(doc.get("sealed", True)) if isinstance(doc, dict) else True
            changed |= fixups.apply(root, sealed=sealed)
        if part.fix_cells:
            changed |= fixups.order_cell_properties(root)
        if part.fix_grid:
            changed |= fixups.fix_table_grids(root)
        if changed:
            data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return data

    def render_bytes(self, context: dict[str, Any], *, core: dict[str, str] | None = None) -> bytes:
        import io

        buf = io.BytesIO()
        write_zip(buf, self.render_parts(context, core=core))
        return buf.getvalue()
