"""``wenshu template check``: every problem of a Word template, located, in one run.

Modelled on docxtemplater's error design (anchors.md §2.2): a stable ``code`` per kind of mistake, a
Chinese explanation a clerk can act on, the part (正文/页眉1/页脚2/脚注), the paragraph number and the
paragraph's text with the offending tag in 【】 — and *all* problems at once, not the first one Jinja
trips over.

How (each paragraph is checked on its own, so one mistake never hides the next):

1. Lexical: the visible text of every paragraph is scanned for tags (``{{ }}``, ``{% %}``, ``{# #}``),
   including the ways Word/WPS break them — full-width braces, smart quotes, ``{%pif`` without a
   space, ``{% tr`` with one too many, a tag cut in two by Enter.
2. Word's run splitting: each paragraph's XML goes through docxtpl's own ``patch_xml`` (as the
   engine does); a tag the user sees but that does not come out of the patch in one piece (or whose
   patch leaves broken XML) is reported — that is exactly what docxtpl would NOT repair.
3. Each tag is parsed by Jinja alone (syntax errors stay local).
4. Blocks (for/if/with/set …) are matched here, over the tag sequence, with recovery, so several
   unclosed/mismatched blocks are all reported, each at its OPENING tag; docxtpl's containers are
   checked too (``{%p`` twice in a paragraph, ``{%tr`` outside a table row, a loop that starts in one
   table cell and ends in another).
5. A repaired Jinja source (one line per paragraph) is parsed and every variable path is resolved
   against the kind's ``context_model`` (tplcheck/resolve.py).
6. GB/T 9704 layout warnings (tplcheck/layoutcheck.py).
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError
from lxml import etree

from wenshu.engine.env import make_env
from wenshu.engine.template import part_label
from wenshu.errors import Problem, UsageError
from wenshu.tplcheck import layoutcheck
from wenshu.tplcheck.ooxml import TEMPLATED, Para, mark, paragraphs, part_order, q
from wenshu.tplcheck.resolve import resolve, suggest

# ─── tag vocabulary ───────────────────────────────────────────────────────────────────────────

PREFIXES = ("tr", "tc", "p", "r")  # docxtpl container prefixes ({%p …%} removes the paragraph …)
OPENERS = {"for", "if", "with", "macro", "call", "filter", "autoescape"}
MIDDLES = {"elif": ("if",), "else": ("if", "for")}
CLOSERS = {"end" + k for k in OPENERS} | {"endset"}
DOCXTPL = {"vm", "hm", "colspan", "cellbg"}
SIMPLE = {"set"} | DOCXTPL
FORBIDDEN = {"import", "include", "extends", "from", "block", "endblock"}
KNOWN = OPENERS | set(MIDDLES) | CLOSERS | SIMPLE | FORBIDDEN | {"raw", "endraw"}

# placeholders keep the block structure when a tag's own expression is broken
PLACEHOLDER = {"for": "for __bad in []", "if": "if false", "with": "with", "macro": "macro __bad()",
               "call": "call __bad()", "filter": "filter string", "autoescape": "autoescape true", "set": "set __bad"}

FULLWIDTH = {"｛": "{", "｝": "}", "％": "%", "＃": "#"}
_FW_DELIM = re.compile(r"[{｛][{｛%％#＃]|[}｝%％#＃][}｝]")
_OPEN = re.compile(r"\{[{%#]")
_STRAY = re.compile(r"%\}|\}\}|#\}")
_BROKEN = re.compile(r"\{[ \u3000\u00a0]+[{%]|[%}][ \u3000\u00a0]+\}")
AUTO_QUOTES = "“”‘’"  # docxtpl's clean_tags turns these into ASCII quotes
BAD_QUOTES = "＂＇「」『』〝〞″′‚„"
FW_PUNCT = {"（": "(", "）": ")", "｜": "|", "．": ".", "，": ",", "＝": "=", "：": ":", "；": ";", "［": "[",
            "］": "]", "＜": "<", "＞": ">", "！": "!", "＋": "+", "－": "-", "＊": "*", "／": "/", "。": ".",
            "\u3000": " ", "\u00a0": " ", "、": ","}
_WORD = re.compile(r"\s*([A-Za-z_]\w*)")
_MISSING_SPACE = re.compile(r"^(tr|tc|p|r)(" + "|".join(sorted(KNOWN, key=len, reverse=True)) + r")$")

ANNOTATION_AUTHOR = "wenshu 模板检查"


@dataclass
class Tag:
    para: Para
    start: int  # offsets in para.text
    end: int
    delim: str  # "{", "%", "#"
    prefix: str | None = None
    keyword: str | None = None  # statements: for/if/endfor/… ; "" for {{ }}
    rest: str = ""  # normalised statement/expression (prefix removed)
    bad: bool = False
    emit: str | None = None  # what goes into the repaired Jinja source
    open_for: bool = False  # inside a for block (for vm/hm)

    @property
    def raw(self) -> str:
        return self.para.text[self.start:self.end]


@dataclass
class PartResult:
    part: str
    paras: list[Para]
    tags: list[Tag] = field(default_factory=list)
    tail: str = ""  # closers added at the end for blocks left open


class Checker:
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

    # ── 1. lexical ──
    def _unclosed(self, para: Para, start: int, nxt: Para | None) -> None:
        if nxt is not None:
            self.add("tpl.unclosed-tag", f"标签没有结束，而是延续到了下一段（第{nxt.index}段）：标签被回车分成了两段。",
                     para, (start, len(para.text)), hint="把标签合并回同一段（删除中间的回车）。")
        else:
            self.add("tpl.unclosed-tag", "标签没有结束符（{{ 要配 }}，{% 要配 %}）。", para, (start, len(para.text)),
                     hint="补上结束符；开始和结束的括号必须同为半角、在同一段内。")

    def lex(self, para: Para, pending: tuple[Para, int] | None) -> tuple[list[Tag], tuple[Para, int] | None]:
        text = para.text
        # full-width braces/percent that make up a tag: report, then read the tag as meant
        chars = list(text)
        fw_spans = []
        for m in _FW_DELIM.finditer(text):
            if any(ch in FULLWIDTH for ch in m.group(0)):
                for i in range(m.start(), m.end()):
                    chars[i] = FULLWIDTH.get(chars[i], chars[i])
                fw_spans.append((m.start(), m.end()))
        norm = "".join(chars)
        for m in _BROKEN.finditer(norm):
            self.add("tpl.broken-delimiter", "两个括号之间有空格，不构成标签（应为 {{ 或 {%，中间不能有空格）。",
                     para, (m.start(), m.end()), severity="warning")
        tags: list[Tag] = []
        i = 0
        new_pending = None
        while i <= len(norm):
            m = _OPEN.search(norm, i)
            seg_end = m.start() if m else len(norm)
            for s in _STRAY.finditer(norm, i, seg_end):
                if pending is not None and i == 0 and not norm[:s.start()].count("{"):
                    self._unclosed(pending[0], pending[1], para)
                    pending = None
                    continue
                self.add("tpl.stray-close", f"这里有结束符 {s.group(0)}，但前面没有对应的开始符。", para,
                         (s.start(), s.end()), hint="删除多余的结束符，或补上开始的 {{ / {%。")
            if pending is not None:
                self._unclosed(pending[0], pending[1], None)
                pending = None
            if not m:
                break
            closer = {"{": "}}", "%": "%}", "#": "#}"}[m.group(0)[1]]
            j = norm.find(closer, m.end())
            nxt = _OPEN.search(norm, m.end())
            if j < 0 or (nxt is not None and nxt.start() < j):
                if nxt is None:
                    new_pending = (para, m.start())
                    break
                self._unclosed(para, m.start(), None)
                i = nxt.start()
                continue
            tag = Tag(para, m.start(), j + 2, m.group(0)[1])
            if self.parse_tag(tag, norm[m.end():j]):
                tags.append(tag)
            i = j + 2
        # full-width delimiters: one report per tag (or per stray delimiter)
        fw_msg = "标签用了全角的 ｛ ｝ 或 ％（中文输入法下输入的），wenshu 不认作标签，会原样打印出来。"
        for t in tags:
            if any(t.start <= a < t.end for a, _ in fw_spans):
                self.add("tpl.fullwidth-brace", fw_msg, para, (t.start, t.end), hint="切换到英文输入法，重新输入半角的 { } %。")
        for a, b in fw_spans:
            if not any(t.start <= a < t.end for t in tags):
                self.add("tpl.fullwidth-brace", fw_msg, para, (a, b), hint="切换到英文输入法，重新输入半角的 { } %。")
        return tags, new_pending

    def parse_tag(self, tag: Tag, inner: str) -> bool:
        """Classify and normalise one tag; False for comments (nothing to check further)."""
        para, span = tag.para, (tag.start, tag.end)
        if tag.delim == "#":
            pm = re.match(r"(tr|tc|p)\s", inner)
            tag.prefix = pm.group(1) if pm else None
            return tag.prefix is not None  # {#p #} removes its container: count it for "two tags"
        inner = self.normalise_chars(tag, inner)
        if tag.delim == "{":
            pm = re.match(r"(tr|tc|p|r)\s", inner)
            if pm:
                self.add("tpl.rich-tag", f"{{{{{pm.group(1)} … }}}} 用于插入子文档/富文本对象，wenshu 的数据只有文字，生成的文档会损坏。",
                         para, span, hint="改为普通的 {{ 字段 }}。")
                inner = inner[pm.end():]
            tag.keyword = ""
            tag.rest = _ws_control(inner).strip()
            self.syntax(tag, "{{ %s }}" % tag.rest)
            tag.emit = "{{ %s }}" % tag.rest if not tag.bad else ""
            return True
        body = _ws_control(inner)
        wm = _WORD.match(body)
        if not wm:
            self.add("tpl.syntax", "{% %} 标签里没有语句（如 if、for、endif）。", para, span)
            return False
        word, lead = wm.group(1), body[: wm.start(1)]
        rest = body[wm.end(1):]
        if word in PREFIXES and rest[:1].isspace():
            tag.prefix = word
            if lead:
                self.add("tpl.prefix-space", f"“{{% {word}”中 % 与 {word} 之间不能有空格，应写成“{{%{word}”，否则 wenshu 不认识这个标签。",
                         para, span, hint=f"删去 % 和 {word} 之间的空格。")
            wm2 = _WORD.match(rest)
            if not wm2:
                self.add("tpl.syntax", f"“{{%{word}”之后缺少语句（如 if、for、endfor）。", para, span)
                return False
            word, rest = wm2.group(1), rest[wm2.end(1):]
        else:
            mm = _MISSING_SPACE.match(word)
            if mm and word not in KNOWN:
                tag.prefix, word = mm.group(1), mm.group(2)
                self.add("tpl.missing-space",
                         f"“{{%{mm.group(1)}{mm.group(2)}”缺少空格，应写成“{{%{mm.group(1)} {mm.group(2)}”。",
                         para, span, hint=f"在 {mm.group(1)} 和 {mm.group(2)} 之间加一个半角空格。")
        tag.keyword = word
        rest = rest.rstrip()
        if word not in KNOWN:
            guess = suggest(word, sorted(KNOWN - FORBIDDEN))
            self.add("tpl.unknown-tag", f"不认识的语句“{word}”。" + (f"是否应为“{guess}”？" if guess else ""),
                     para, span, hint="常用语句：if / elif / else / endif，for / endfor，set。")
            return False
        if word in FORBIDDEN:
            self.add("tpl.unsafe", f"模板不能使用“{word}”：wenshu 模板不能引入或继承其他文件。", para, span)
            return False
        if word in ("raw", "endraw"):
            self.add("tpl.unknown-tag", "wenshu 模板不支持 {% raw %}；要输出 {{ 请写 {_{。", para, span)
            return False
        if tag.prefix and re.search(r"[%}]", rest):
            self.add("tpl.container-tag-chars",
                     f"{{%{tag.prefix} … %}} 标签里不能出现 % 或 }}（docxtpl 会截断这个标签）。",
                     para, span, hint="取余 i % 2 改写为 i is divisibleby(2)；或先用 {% set %} 算好。")
        if word in DOCXTPL and tag.prefix:
            self.add("tpl.syntax", f"{{% {word} %}} 不能带 {tag.prefix} 前缀。", para, span)
        tag.rest = f"{word}{rest}".strip()
        self.check_statement(tag)
        return True

    def normalise_chars(self, tag: Tag, inner: str) -> str:
        para, span = tag.para, (tag.start, tag.end)
        # smart quotes: docxtpl repairs “ ” ‘ ’, not the others
        if any(c in inner for c in AUTO_QUOTES):
            self.add("tpl.smart-quotes", "标签里有中文引号“ ”或‘ ’（Word 自动更正产生）；wenshu 会自动改成半角引号，但建议直接用半角 \" 或 '。",
                     para, span, severity="warning", hint="Word：文件 → 选项 → 校对 → 自动更正选项 → 键入时自动套用格式，取消“直引号替换为弯引号”。")
        if any(c in inner for c in BAD_QUOTES):
            self.add("tpl.smart-quotes", "标签里有全角或直角引号（＂ ＇ 「 」 等），wenshu 不认，会报语法错误。",
                     para, span, hint="改为半角引号 \" 或 '。")
        for c in AUTO_QUOTES:
            inner = inner.replace(c, "'" if c in "‘’" else '"')
        for c in BAD_QUOTES:
            inner = inner.replace(c, "'" if c in "＇『』′‚" else '"')
        # full-width punctuation outside string literals
        out, quote, bad = [], None, []
        for ch in inner:
            if quote:
                quote = None if ch == quote else quote
                out.append(ch)
            elif ch in "'\"":
                quote = ch
                out.append(ch)
            elif ch in FW_PUNCT:
                bad.append(ch)
                out.append(FW_PUNCT[ch])
            else:
                out.append(ch)
        if bad:
            shown = "".join(dict.fromkeys("空格" if c in "\u3000\u00a0" else c for c in bad))
            self.add("tpl.fullwidth-punct", f"标签里有全角符号或不间断空格（{shown}），wenshu 不认识。", para, span,
                     hint="标签里的括号、点、竖线、逗号、等号和空格都要用半角（英文输入法）。")
        return "".join(out)

    def syntax(self, tag: Tag, source: str) -> None:
        try:
            self.env.parse(source)
        except TemplateSyntaxError as e:
            tag.bad = True
            self.add("tpl.syntax", "标签语法错误：" + explain_syntax(e.message or str(e)), tag.para, (tag.start, tag.end),
                     hint="检查括号、引号是否成对，运算符和字段名之间是否多了或少了符号。")

    def check_statement(self, tag: Tag) -> None:
        kw, rest = tag.keyword, tag.rest
        if kw in OPENERS or (kw == "set" and "=" not in rest):
            self.syntax(tag, "{%% %s %%}{%% end%s %%}" % (rest, kw))
        elif kw in MIDDLES:
            self.syntax(tag, "{%% if x %%}{%% %s %%}{%% endif %%}" % rest)
        elif kw in CLOSERS:
            if rest != kw:
                tag.bad = True
                self.add("tpl.syntax", f"{kw} 后面不能再写内容。", tag.para, (tag.start, tag.end))
        elif kw == "set":
            self.syntax(tag, "{%% %s %%}" % rest)
        elif kw in ("vm", "hm"):
            if rest != kw:
                self.add("tpl.syntax", f"{{% {kw} %}} 后面不能再写内容。", tag.para, (tag.start, tag.end))
        elif kw in ("colspan", "cellbg"):
            self.syntax(tag, "{{ %s }}" % rest[len(kw):].strip())

    # ── 2. what patch_xml does not repair ──
    def check_split(self, para: Para, tags: list[Tag]) -> None:
        if not tags:
            return
        xml = etree.tostring(para.el, encoding="unicode")
        if not re.search(r"\{|%|#", xml):
            return
        joined = _join(xml)
        spans = re.findall(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", joined, flags=re.S)
        survived = Counter(_key(_unescape(s)) for s in spans if "<" not in s)
        reported = False
        for t in tags:
            if any(c in FULLWIDTH for c in t.raw):
                continue  # already reported as full-width; not a tag for docxtpl anyway
            k = _key(t.raw)
            if survived[k] > 0:
                survived[k] -= 1
                continue
            reported = True
            self.add("tpl.split-tag",
                     "Word 把这个标签拆成了几段（中间夹了修订、超链接、域或其他内容），wenshu 无法把它拼回去。",
                     para, (t.start, t.end),
                     hint="选中整个标签，删除后用英文输入法一次性重新输入（不要分几次粘贴或修改其中几个字）。")
        if reported:
            return
        neutral = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", "", _patch(xml), flags=re.S).strip()
        if neutral and "<" in neutral:
            decl = " ".join(f'xmlns:{k}="{v}"' if k else f'xmlns="{v}"' for k, v in para.el.nsmap.items())
            try:
                etree.fromstring(f"<wenshu-check {decl}>{neutral}</wenshu-check>")
            except etree.XMLSyntaxError:
                self.add("tpl.split-tag", "这一段的标签横跨了超链接、域或内容控件的边界，生成时会破坏文档结构。", para,
                         (tags[0].start, tags[-1].end), hint="把标签移出超链接/域/内容控件，或删除后重新输入整段。")

    # ── 4. containers and blocks ──
    def check_containers(self, res: PartResult) -> None:
        by_container: dict[tuple[str, int], list[Tag]] = {}
        for t in res.tags:
            para, span = t.para, (t.start, t.end)
            if t.prefix == "tr" and para.tr is None:
                self.add("tpl.tr-outside-row", "{%tr … %} 只能写在表格的某一行里（它会删除所在的整行），这里不在表格中。",
                         para, span, hint="表格外的段落请用 {%p … %}。")
            if t.prefix == "tc" and para.tc is None:
                self.add("tpl.tc-outside-cell", "{%tc … %} 只能写在表格单元格里，这里不在表格中。", para, span)
            if t.keyword in DOCXTPL and para.tc is None:
                self.add("tpl.merge-outside-table", f"{{% {t.keyword} %}} 只能写在表格单元格里。", para, span)
            if t.prefix in ("p", "tr", "tc"):
                el = {"p": para.el, "tr": para.tr, "tc": para.tc}[t.prefix]
                if el is not None:
                    by_container.setdefault((t.prefix, id(el)), []).append(t)
        for (prefix, _), ts in by_container.items():
            code, what = {"p": ("tpl.two-paragraph-tags", "段"), "tr": ("tpl.two-row-tags", "行"),
                          "tc": ("tpl.two-cell-tags", "单元格")}[prefix]
            for extra in ts[1:]:
                self.add(code, f"同一{what}里有两个 {{%{prefix} … %}} 标签；生成时整{what}被第一个标签替换，第二个会丢失。",
                         extra.para, (extra.start, extra.end),
                         hint=f"每个 {{%{prefix} %}} 标签单独占一{what}。")
            first = ts[0]
            if prefix == "p":
                others = _outside(first.para.text, [(t.start, t.end) for t in res.tags if t.para is first.para] or [(first.start, first.end)])
                if others.strip():
                    self.add("tpl.text-removed", f"这一段有 {{%p … %}} 标签，生成时整段被删除，段中的其他文字“{others.strip()[:20]}”也会消失。",
                             first.para, (first.start, first.end), severity="warning",
                             hint="把 {%p %} 标签单独放一段。")
            elif prefix == "tr":
                row_paras = [p for p in res.paras if p.tr is first.para.tr]
                row_text = "".join(_outside(p.text, [(t.start, t.end) for t in res.tags if t.para is p]) for p in row_paras)
                if row_text.strip():
                    self.add("tpl.text-removed", f"这一行有 {{%tr … %}} 标签，生成时整行被删除，行中的其他文字“{row_text.strip()[:20]}”也会消失。",
                             first.para, (first.start, first.end), severity="warning",
                             hint="{%tr %} 标签所在行只放标签，内容放在下一行。")

    def match_blocks(self, res: PartResult) -> None:
        stack: list[dict] = []
        tentative: list[tuple[dict, Tag]] = []  # closer that did not match the open block on top

        def emit(t: Tag, text: str) -> None:
            t.emit = (t.emit or "") + text

        def close(frame: dict, at: Tag | None, auto: bool) -> None:
            opener: Tag = frame["tag"]
            closing = "{%% end%s %%}" % frame["kw"]
            if auto:
                if at is not None:
                    at.emit = closing + (at.emit or "")
                else:
                    frame["tail"] = closing
            else:
                frame["members"].append(at)
                self.check_block(frame["members"], opener)

        for t in res.tags:
            kw = t.keyword
            if t.delim == "#" or kw is None:
                continue
            if kw == "":
                continue  # {{ }} already has its emit
            if kw in OPENERS or (kw == "set" and "=" not in t.rest):
                frame = {"kw": kw, "tag": t, "members": [t]}
                stack.append(frame)
                emit(t, "{%% %s %%}" % (PLACEHOLDER[kw] if t.bad else t.rest))
            elif kw in MIDDLES:
                allowed = MIDDLES[kw]
                if stack and stack[-1]["kw"] in allowed and not (kw == "elif" and stack[-1].get("else")):
                    if kw == "else":
                        stack[-1]["else"] = True
                    stack[-1]["members"].append(t)
                    emit(t, "{% elif false %}" if t.bad else "{%% %s %%}" % t.rest)
                else:
                    where = ""
                    if stack:
                        o = stack[-1]["tag"]
                        where = f"（当前未结束的是第{o.para.index}段的 {o.raw}）"
                    self.add("tpl.unopened-block", f"{kw} 前面没有对应的 if{where}。", t.para, (t.start, t.end),
                             hint="检查 if 是否被删掉了，或这个标签是否多余。")
            elif kw in CLOSERS:
                want = kw[3:]
                depth = next((i for i in range(len(stack) - 1, -1, -1) if stack[i]["kw"] == want), None)
                if depth is None:
                    if stack:
                        tentative.append((stack[-1], t))
                    else:
                        self.add("tpl.unopened-block", f"多余的 {kw}：前面没有对应的 {want}。", t.para, (t.start, t.end),
                                 hint=f"删除它，或在前面补上 {want}。")
                    continue
                while len(stack) - 1 > depth:
                    inner = stack.pop()
                    o = inner["tag"]
                    self.add("tpl.unclosed-block",
                             f"{o.raw} 没有结束：在第{t.para.index}段的 {t.raw} 之前缺少 end{inner['kw']}。",
                             o.para, (o.start, o.end), hint=f"在适当位置补上对应的 end{inner['kw']}。")
                    close(inner, t, auto=True)
                frame = stack.pop()
                emit(t, "{%% %s %%}" % kw)
                close(frame, t, auto=False)
            elif kw in ("vm", "hm"):
                if not any(f["kw"] == "for" for f in stack):
                    self.add("tpl.merge-outside-loop", f"{{% {kw} %}} 只能用在 {{%tr for %}} 循环内（它按 loop.first 合并单元格）。",
                             t.para, (t.start, t.end))
            elif kw in ("colspan", "cellbg"):
                if not t.bad:
                    emit(t, "{{ %s }}" % t.rest[len(kw):].strip())
            elif kw == "set":
                if not t.bad:
                    emit(t, "{%% %s %%}" % t.rest)
        # closers that matched nothing: a mismatch for the block still open at that point, else stray
        leftover_ids = {id(f) for f in stack}
        mismatched: set[int] = set()
        for frame, t in tentative:
            if id(frame) in leftover_ids and id(frame) not in mismatched:
                mismatched.add(id(frame))
                o = frame["tag"]
                self.add("tpl.mismatched-block",
                         f"{o.raw} 被第{t.para.index}段的 {t.raw} 结束了，二者不配对：for 要用 endfor 结束，if 要用 endif 结束。",
                         o.para, (o.start, o.end), hint=f"把第{t.para.index}段的 {t.raw} 改为 end{frame['kw']}。")
            else:
                self.add("tpl.unopened-block", f"多余的 {t.keyword}：前面没有对应的 {t.keyword[3:]}"
                         f"（当前未结束的是第{frame['tag'].para.index}段的 {frame['tag'].raw}）。",
                         t.para, (t.start, t.end))
        for frame in reversed(stack):
            if id(frame) not in mismatched:
                o = frame["tag"]
                self.add("tpl.unclosed-block", f"{o.raw} 一直到{part_label(res.part)}末尾都没有结束（缺少 end{frame['kw']}）。",
                         o.para, (o.start, o.end), hint=f"在该结束的位置加上 {{%{o.prefix + ' ' if o.prefix else ' '}end{frame['kw']} %}}。")
        res.tail = "".join(f.get("tail", "") for f in reversed(stack)) + "".join(
            "{%% end%s %%}" % f["kw"] for f in reversed(stack) if "tail" not in f)

    def check_block(self, members: list[Tag], opener: Tag) -> None:
        """A block's tags must sit where docxtpl can cut the XML: same cell / table / row, same prefix."""
        span = (opener.start, opener.end)
        for m in members[1:]:
            if (m.prefix or None) != (opener.prefix or None):
                self.add("tpl.block-prefix-mismatch",
                         f"{opener.raw} 与第{m.para.index}段的 {m.raw} 前缀不同（{opener.prefix or '无'} / {m.prefix or '无'}），生成的文档结构会错乱。",
                         opener.para, span, hint="同一组 if/for 的开始、中间、结束标签要用同样的 p/tr/tc 前缀。")
                return

        def container(t: Tag):
            if t.prefix == "tr":
                return t.para.tbl
            if t.prefix == "tc":
                return t.para.tr
            return t.para.tc

        c0 = container(opener)
        for m in members[1:]:
            if container(m) is not c0:
                what = {"tr": "同一个表格", "tc": "同一行"}.get(opener.prefix or "", "同一个单元格（或都在表格外）")
                self.add("tpl.block-crosses-cells",
                         f"{opener.raw} 与第{m.para.index}段的 {m.raw} 不在{what}里，生成时会把表格结构打乱。",
                         opener.para, span, hint="表格行循环用 {%tr for %}…{%tr endfor %}；单元格内的判断要在同一单元格内结束。")
                return
        if not opener.prefix and any(m.para is not opener.para for m in members[1:]):
            self.add("tpl.block-spans-paragraphs",
                     f"不带 p 前缀的 {opener.raw} 跨了段落结束，生成时这些段落会被合并或留下空段。",
                     opener.para, span, severity="warning", hint="跨段的判断/循环请用 {%p if %} / {%p for %}，且单独成段。")

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


def _ws_control(inner: str) -> str:
    """Drop Jinja's whitespace-control marks, which touch the delimiters: {{- x -}}, {%- if %}."""
    if inner[:1] in "-+":
        inner = inner[1:]
    if inner[-1:] in "-+":
        inner = inner[:-1]
    return inner


def _find_in_tags(para: Para, tags: list[Tag], needle: str | None) -> tuple[int, int] | None:
    if not tags:
        return None
    if needle:
        pat = re.compile(r"(?<![\w])" + re.escape(needle) + r"(?![\w])")
        for t in tags:
            if pat.search(para.text[t.start:t.end]):
                return (t.start, t.end)
    return (tags[0].start, tags[0].end)


def _outside(text: str, spans: list[tuple[int, int]]) -> str:
    out, i = [], 0
    for s, e in sorted(spans):
        out.append(text[i:s])
        i = max(i, e)
    out.append(text[i:])
    return "".join(out)


# docxtpl's patch_xml steps that join a tag Word split over runs (docxtpl/template.py, patch_xml,
# first two substitutions). The later steps (container tags …) are checked separately.
_JOIN_BRACES = re.compile(r"(?<={)(<[^>]*>)+(?=[\{%\#])|(?<=[%\}\#])(<[^>]*>)+(?=\})", re.S)
_SPAN = re.compile(r"{%(?:(?!%}).)*|{#(?:(?!#}).)*|{{(?:(?!}}).)*", re.S)
_RUN_GAP = re.compile(r"</w:t>.*?(<w:t>|<w:t [^>]*>)", re.S)


def _patch(xml: str) -> str:
    """docxtpl's whole patch_xml, exactly as the engine runs it (it uses no instance state)."""
    return DocxTemplate.patch_xml(None, xml)  # type: ignore[arg-type]


def _join(xml: str) -> str:
    xml = _JOIN_BRACES.sub("", xml)
    return _SPAN.sub(lambda m: _RUN_GAP.sub("", m.group(0)), xml)


def _unescape(s: str) -> str:
    for a, b in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&#8216;", "'"), ("&amp;", "&")):
        s = s.replace(a, b)
    return s


def _key(tag: str) -> str:
    inner = tag[2:-2]
    for c in AUTO_QUOTES:
        inner = inner.replace(c, "'" if c in "‘’" else '"')
    inner = inner.strip().strip("-+").strip()
    inner = re.sub(r"^(tr|tc|p|r)\s+", "", inner)
    return re.sub(r"\s+", "", inner)


_SYNTAX_CN = [
    (r"unexpected char '(.+?)'", "有无法识别的字符 {0}（全角符号？）"),
    (r"unexpected end of template.*?innermost block that needs to be closed is '(\w+)'",
     "{0} 没有结束（缺少 end{0}）"),
    (r"encountered unknown tag '(end\w+)'.*?innermost block that needs to be closed is '(\w+)'",
     "{0} 与前面的 {1} 不配对（{1} 要用 end{1} 结束）"),
    (r"encountered unknown tag '(end\w+)'", "多余的 {0}：前面没有对应的开始标签"),
    (r"encountered unknown tag '(.+?)'", "不认识的语句“{0}”"),
    (r"unexpected end of template", "标签不完整"),
    (r"unexpected end of string", "引号没有配对"),
    (r"expected token 'end of print statement', got '(.+?)'", "{{{{ }}}} 里多了“{0}”（少了运算符、点或过滤器的竖线？）"),
    (r"expected token 'end of statement block', got '(.+?)'", "语句里多了“{0}”"),
    (r"expected token 'in', got '(.+?)'", "for 语句应为“for 变量 in 列表”，这里是“{0}”"),
    (r"expected token '(.+?)', got '(.+?)'", "此处应为“{0}”，却是“{1}”"),
    (r"expected an expression, got 'end of print statement'", "{{{{ }}}} 里没有字段"),
    (r"expected an expression, got '(.+?)'", "这里应有一个字段或值，却是“{0}”"),
    (r"tag name expected", "{{% %}} 里没有语句（如 if、for、endif）"),
    (r"expected name or number", "点号后面应是字段名"),
    (r"unexpected '(.+?)'", "此处不应出现 {0}"),
    (r"block '(.+?)' defined twice", "“{0}”定义了两次"),
]


def explain_syntax(msg: str) -> str:
    """Jinja's syntax message in Chinese (Jinja's English is never shown)."""
    for pat, cn in _SYNTAX_CN:
        m = re.search(pat, msg, flags=re.I | re.S)
        if m:
            return cn.format(*m.groups())
    return "标签写法有误，无法识别（检查括号、引号是否成对，字段名和运算符是否写错）"


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
