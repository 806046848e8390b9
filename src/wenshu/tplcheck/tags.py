"""Reading the tags of a template paragraph by paragraph (steps 1 and 3 of tplcheck/check.py).

The visible text of every paragraph is scanned for tags (``{{ }}``, ``{% %}``, ``{# #}``), including the
ways Word/WPS break them — full-width braces, smart quotes, ``{%pif`` without a space, ``{% tr`` with
one too many, a tag cut in two by Enter — and each tag is classified (docxtpl prefix, statement
keyword) and parsed by Jinja on its own, so a syntax error stays local to its tag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from jinja2 import Environment, TemplateSyntaxError

from wenshu.tplcheck.ooxml import Para
from wenshu.tplcheck.typesys import suggest

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


class TagReader:
    """Checker's step 1 and 3 (a mixin of ``tplcheck.check.Checker``): find, classify and parse the
    tags of one paragraph, reporting through the checker's ``add``."""

    env: Environment
    add: Callable[..., None]

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


def _ws_control(inner: str) -> str:
    """Drop Jinja's whitespace-control marks, which touch the delimiters: {{- x -}}, {%- if %}."""
    if inner[:1] in "-+":
        inner = inner[1:]
    if inner[-1:] in "-+":
        inner = inner[:-1]
    return inner


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
