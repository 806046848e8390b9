"""Compile a docxtpl-style .docx template once, render it many times.

docxtpl's own pipeline reloads the .docx, re-patches the XML and recompiles the Jinja source on every
render (anchors.md §1.4). Here the template-invariant work (reading the zip, docxtpl's tag patching,
Jinja compilation, compressing unchanged parts) happens once; a render only runs the compiled
templates of the parts that contain tags, checks the result is well-formed XML, and zips it.

Tag syntax is docxtpl's (``{{ }}``, ``{% %}``, ``{%p %}``, ``{%tr %}``, ``{%tc %}``, ``{%r %}``,
``{% vm %}``...): we call docxtpl's ``patch_xml`` for the tag clean-up so templates behave exactly as
docxtpl documents them.
"""

from __future__ import annotations

import datetime as dt
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

from wenshu.engine.docx_zip import PreparedEntry, write_zip
from wenshu.engine.env import make_env
from wenshu.errors import Problem, RenderError, TemplateError
from wenshu.official import fixups

TEMPLATED_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_TAG_START = re.compile(r"\{[{%#]")
_PARA_START = re.compile(r"<w:p([ >])")
_TAGS = re.compile(r"<[^>]+>")
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


def part_label(name: str) -> str:
    """Chinese name of a docx part for messages: 正文, 页眉1, 页脚2, 脚注."""
    m = re.match(r"word/(document|header|footer|footnotes|endnotes)(\d*)\.xml$", name)
    if not m:
        return name
    base = {"document": "正文", "header": "页眉", "footer": "页脚", "footnotes": "脚注", "endnotes": "尾注"}[m.group(1)]
    return base + m.group(2)


def visible_text(xml_line: str) -> str:
    text = _TAGS.sub("", xml_line)
    for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(a, b)
    return text.strip()


@dataclass
class CompiledPart:
    name: str
    template: Any  # jinja2.Template
    lines: list[str]  # patched source split at paragraph starts, for error locations

    def where(self, lineno: int | None) -> tuple[int | None, str | None]:
        """(paragraph number, visible text) of a Jinja line number."""
        if lineno is None or not (1 <= lineno <= len(self.lines)):
            return None, None
        return max(lineno - 1, 1), visible_text(self.lines[lineno - 1])[:80]


def _patch(xml: str) -> str:
    # patch_xml does not touch instance state; calling it unbound avoids loading the .docx twice.
    return DocxTemplate.patch_xml(None, xml)  # type: ignore[arg-type]


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
        return f"模板标签语法错误：{exc.message}"
    return f"模板渲染失败：{type(exc).__name__}: {exc}"


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
        names = [i.filename for i in infos]
        # [Content_Types].xml first: some readers expect it at the start of the package.
        order = sorted(range(len(names)), key=lambda i: (names[i] != "[Content_Types].xml", i))
        for i in order:
            name = names[i]
            data = zf.read(name)
            if TEMPLATED_PART.match(name):
                text = data.decode("utf-8")
                if _TAG_START.search(text):
                    patched = _literal_delimiters(_PARA_START.sub(r"\n<w:p\1", _patch(text)))
                    lines = patched.split("\n")
                    try:
                        tpl = env.from_string(patched)
                    except TemplateSyntaxError as e:
                        part = CompiledPart(name, None, lines)
                        para, txt = part.where(e.lineno)
                        problems.append(Problem(
                            code="template.syntax", message=_explain(e), file=self.label,
                            field_path=f"{part_label(name)} 第{para}段" if para else part_label(name),
                            found=txt, hint="检查 {% if %}/{% for %} 是否都有对应的 {% endif %}/{% endfor %}，标签是否被拆开。",
                        ))
                        continue
                    self.entries.append((name, CompiledPart(name, tpl, lines)))
                    continue
            self.entries.append((name, PreparedEntry(name, data)))
        zf.close()
        if problems:
            raise TemplateError(problems)

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
                field_path=part_label(part.name), hint="模板中的循环是否失控？请用 wenshu template check 检查模板。")) from None
        except (JinjaTemplateError, SecurityError) as e:
            para, txt = part.where(_template_lineno(e))
            raise RenderError(Problem(
                code="render.undefined" if isinstance(e, UndefinedError) else ("render.unsafe" if isinstance(e, SecurityError) else "render.template"),
                message=_explain(e), file=self.label,
                field_path=f"{part_label(part.name)} 第{para}段" if para else part_label(part.name),
                found=txt,
            )) from None
        except RecursionError:
            raise RenderError(Problem(code="render.recursion", message="模板递归过深，已停止。", file=self.label,
                                      field_path=part_label(part.name))) from None
        except (ArithmeticError, TypeError, ValueError, LookupError) as e:
            # e.g. the sandbox's "range too big", a filter given the wrong type, 1/0 in a template.
            para, txt = part.where(_template_lineno(e))
            raise RenderError(Problem(
                code="render.error", message=f"模板执行出错：{type(e).__name__}: {e}", file=self.label,
                field_path=f"{part_label(part.name)} 第{para}段" if para else part_label(part.name), found=txt,
            )) from None
        xml = xml.replace("\n<w:p", "<w:p")
        if "\t" in xml or "\a" in xml or "\f" in xml:  # plain substring tests: a regex scan costs 30x more
            xml = DocxTemplate.resolve_listing(None, xml)  # type: ignore[arg-type]
        data = xml.encode("utf-8")
        try:
            # Strict parse (no recover=True): a broken part is an error, never a silently truncated document.
            root = etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError as e:
            raise RenderError(Problem(
                code="render.bad-xml", message=f"生成的{part_label(part.name)} XML 无效，未写出文件：{e}。",
                file=self.label, hint="数据中可能含有不可见的控制字符；请检查最近修改的文字。")) from None
        if part.name == "word/document.xml" and (b"GwIssuerMark" in data or b"GwSignature" in data):
            doc = context.get("doc")
            sealed = bool(doc.get("sealed", True)) if isinstance(doc, dict) else True
            if fixups.apply(root, sealed=sealed):
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return data

    def render_bytes(self, context: dict[str, Any], *, core: dict[str, str] | None = None) -> bytes:
        import io

        buf = io.BytesIO()
        write_zip(buf, self.render_parts(context, core=core))
        return buf.getvalue()


_CORE_TEMPLATE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>{creator}</dc:creator>"
    "<cp:lastModifiedBy>{creator}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
    "</cp:coreProperties>"
)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def core_xml(title: str = "", subject: str = "", creator: str = "wenshu", date: dt.date | None = None) -> bytes:
    """Fixed core properties: the document's own date instead of "now", so outputs are reproducible."""
    when = (date or dt.date(2000, 1, 1)).isoformat() + "T00:00:00Z"
    return _CORE_TEMPLATE.format(title=_esc(title), subject=_esc(subject), creator=_esc(creator), when=when).encode("utf-8")
