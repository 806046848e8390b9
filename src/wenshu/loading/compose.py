"""Reading and composing a YAML text: decoding, the characters YAML cannot carry, libyaml's parser
(composition only, with YAML 1.1 implicit tags marked), and syntax errors told in Chinese."""

from __future__ import annotations

import re

from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.error import MarkedYAMLError
from yaml.nodes import Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from wenshu.errors import DataError, Problem, os_reason
from wenshu.loading.limits import MAX_DEPTH, MAX_FILE_BYTES


_T = "tag:yaml.org,2002:"
STR, NULL, BOOL, INT, FLOAT, TIMESTAMP = (
    _T + "str",
    _T + "null",
    _T + "bool",
    _T + "int",
    _T + "float",
    _T + "timestamp",
)
MAP, SEQ, MERGE, VALUE = _T + "map", _T + "seq", _T + "merge", _T + "value"

_TAG_KIND = {
    NULL: "空值",
    BOOL: "布尔值",
    INT: "整数",
    FLOAT: "小数",
    TIMESTAMP: "日期",
    MERGE: "合并标记",
    VALUE: "特殊值",
}

_QUOTE_HINT = '如果这是文字，请加引号，例如 "{}"'
_TAB_HINT = "YAML 只能用空格缩进，请把制表符换成空格"

_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
# Plain scalars PyYAML keeps as strings but YAML 1.1 (y/n) or 1.2 (0o17) read differently.
_SHORT_BOOL = {"y", "Y", "n", "N"}
_LEADING_ZERO_RE = re.compile(r"[-+]?0[0-9_]+")
_RADIX_RE = re.compile(r"[-+]?0(?:[xX][0-9a-fA-F_]+|[bB][01_]+|[oO][0-7_]+)")
# Characters YAML does not allow in a stream (same set as PyYAML's reader).
_NON_PRINTABLE_RE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)

# Characters YAML 1.1 (PyYAML) reads as line breaks although no editor shows a new line there: inside
# a text they silently become a space or a new line, so the document would not say what the file shows.
_UNICODE_BREAK_RE = re.compile("[\x85\u2028\u2029]")
_UNICODE_BREAK_NAMES = {"\x85": "下一行符 NEL", "\u2028": "行分隔符", "\u2029": "段分隔符"}

_timestamp_constructor = SafeConstructor()

# Tags of plain scalars WITHOUT an explicit tag get this prefix while composing. A tag written in
# the file can never contain a space, so an explicit "!!int 5" (rejected) stays distinguishable
# from an implicit "5" (accepted).
_IMPLICIT = "implicit "
_IMPLICIT_STR = _IMPLICIT + STR
_IMPLICIT_MERGE = _IMPLICIT + MERGE
_IMPLICIT_RESOLVERS = Resolver.yaml_implicit_resolvers  # YAML 1.1 rules: first char -> [(tag, re)]


class _TagResolver(Resolver):
    """Resolver used only while composing: YAML 1.1 implicit rules, implicit tags marked."""

    def resolve(self, kind, value, implicit):  # noqa: ANN001, ANN201 - PyYAML signature
        if kind is ScalarNode:
            if implicit[0]:
                # Keys and many values repeat across a file's records: resolve each text once.
                tag = _RESOLVED.get(value)
                if tag is None:
                    tag = _IMPLICIT + STR
                    for t, regexp in _IMPLICIT_RESOLVERS.get(value[:1], ()):
                        if regexp.match(value):
                            tag = _IMPLICIT + t
                            break
                    if len(_RESOLVED) > 50_000:
                        _RESOLVED.clear()
                    _RESOLVED[value] = tag
                return tag
            return STR
        return SEQ if kind is SequenceNode else MAP


_RESOLVED: dict[str, str] = {}  # plain scalar text → implicit tag (bounded)


class _PyComposer(Reader, Scanner, Parser, Composer, _TagResolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _TagResolver.__init__(self)


_LOADERS: dict[str, type] = {"python": _PyComposer}

try:
    from yaml.cyaml import CParser

    class _CComposer(CParser, _TagResolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _TagResolver.__init__(self)

    _LOADERS["libyaml"] = _CComposer
except ImportError:  # PyYAML built without libyaml
    pass

# The composer: libyaml's CParser is several times faster than the pure-Python parser and gives the
# same character-based marks. Only composition is used; there is no PyYAML constructor at all.
_Loader: type = _LOADERS.get("libyaml", _LOADERS["python"])



# --------------------------------------------------------------------------------------------
# Reading and composing


def _read_problem(display: str, exc: OSError) -> Problem:
    return Problem(
        code="yaml.read",
        message=f"无法读取文件：{os_reason(exc)}",
        file=display,
    )


def _too_large(display: str, size: int) -> Problem:
    return Problem(
        code="yaml.too-large",
        message=f"文件太大（{size / 1024 / 1024:.1f} MB），超过上限 {MAX_FILE_BYTES // 1024 // 1024} MB",
        file=display,
        hint="请把数据拆分成多个较小的文件",
    )


def _decode(raw: bytes, display: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(
            Problem(
                code="yaml.encoding",
                message="文件是 UTF-16 编码，请在编辑器中另存为 UTF-8",
                file=display,
                line=1,
                column=1,
            )
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line_start = raw.rfind(b"\n", 0, offset) + 1
        line = raw.count(b"\n", 0, offset) + 1
        column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
        raise DataError(
            Problem(
                code="yaml.encoding",
                message="文件不是 UTF-8 编码（可能是 GBK/GB18030），请在编辑器中另存为 UTF-8",
                file=display,
                line=line,
                column=column,
                found=f"无法识别的字节 0x{raw[offset]:02X}",
            )
        ) from None


def _compose(text: str, display: str) -> Node:
    loader = None
    try:
        loader = _Loader(text)  # the pure-Python reader already checks characters here
        root = loader.get_single_node()
    except RecursionError:
        raise DataError(
            Problem(
                code="yaml.too-deep",
                message=f"嵌套层次太深（超过 {MAX_DEPTH} 层）",
                file=display,
                line=1,
            )
        ) from None
    except ReaderError as exc:
        raise DataError(_reader_problem(text, display, exc)) from None
    except MarkedYAMLError as exc:
        raise DataError(_syntax_problem(text, display, exc)) from None
    finally:
        if loader is not None:
            loader.dispose()
    if root is None or (root.tag == _IMPLICIT + NULL and root.value == ""):
        raise DataError(
            Problem(
                code="yaml.empty",
                message="文件是空的（或只有注释），没有任何数据",
                file=display,
                line=1,
            )
        )
    return root


def _reader_problem(text: str, display: str, exc: ReaderError) -> Problem:
    # Positions in ReaderError differ between libyaml (bytes) and PyYAML (characters): recompute.
    m = _NON_PRINTABLE_RE.search(text)
    line = column = None
    char = exc.character
    if m:
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        char = m.group()
    code_point = f"U+{ord(char):04X}" if isinstance(char, str) else str(char)
    return Problem(
        code="yaml.control-char",
        message=f"文件中含有不允许的控制字符（{code_point}）",
        file=display,
        line=line,
        column=column,
        hint="请删除这个不可见字符（常见于从其他软件复制粘贴的内容）",
    )


def _unicode_break_problem(text: str, display: str, m: re.Match) -> Problem:
    line = text.count("\n", 0, m.start()) + 1
    column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
    char = m.group()
    return Problem(
        code="yaml.unicode-line-break",
        message=f"文件中含有不可见的 U+{ord(char):04X}（{_UNICODE_BREAK_NAMES[char]}），YAML 会把它当作换行，"
                "生成的文书会与文件中看到的文字不同",
        file=display,
        line=line,
        column=column,
        hint="请删除这个不可见字符（常见于从网页或其他软件复制粘贴的内容）；需要换行时直接回车换行",
    )


def _syntax_problem(text: str, display: str, exc: MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    problem = exc.problem or ""
    context = exc.context or ""
    lines = text.split("\n")
    src_line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    char = src_line[mark.column] if mark is not None and mark.column < len(src_line) else ""
    indent = src_line[: len(src_line) - len(src_line.lstrip(" \t"))]

    def p(code: str, message: str, hint: str | None = None, at=(line, column)) -> Problem:
        return Problem(
            code=code,
            message=message,
            file=display,
            line=at[0],
            column=at[1],
            hint=hint,
        )

    if "expected a single document" in context:
        return p(
            "yaml.multi-document",
            "一个文件只能包含一个 YAML 文档，这里又出现了第二个文档（“---”）",
            "请删除多余的“---”行，或把第二部分数据放到另一个文件中",
        )
    if "maximum nesting depth" in problem:
        return p("yaml.too-deep", "嵌套层次太深（超过 1000 层）")
    if char == "\t" or "tab character" in problem or "\t" in indent:
        return p("yaml.tab", "这一行使用了制表符（Tab）缩进", _TAB_HINT)
    if "cannot start any token" in problem:
        shown = char or "?"
        return p(
            "yaml.syntax",
            f"字符“{shown}”不能出现在值的开头",
            f'请给整个值加引号，例如 "{shown}..."',
        )
    if "undefined alias" in problem:
        name = re.match(r"\*?([^\s,\]\}]*)", src_line[mark.column :] if mark else "")
        alias = name.group(1) if name else ""
        return p(
            "yaml.syntax",
            f"引用了未定义的锚点“*{alias}”",
            f"请先用“&{alias}”定义锚点；如果“*”是文字的一部分，请给整个值加引号",
        )
    table = [
        ("mapping values are not allowed",
         "这里不能出现“键: 值”：可能是缩进不对，或者值中含有“: ”需要加引号",
         '如果值中含有冒号加空格，请给整个值加引号，例如 "说明: 内容"'),
        ("could not find expected ':'",
         "找不到应有的冒号“:”：可能是缩进不对，或者上一行的引号没有闭合", None),
        ("found unexpected end of stream",
         "文件在引号或括号闭合之前就结束了", "请检查引号、方括号 [ ] 和花括号 { } 是否成对"),
        ("unknown escape character",
         "双引号字符串中有无法识别的反斜杠转义",
         "含反斜杠的文字（如 Windows 路径）请改用单引号，例如 'C:\\数据'"),
        ("expected ',' or ']'", "方括号列表 [ ] 中缺少逗号或右括号“]”", None),
        ("expected ',' or '}'", "花括号映射 { } 中缺少逗号或右括号“}”", None),
        ("expected '-' indicator", "列表缩进不一致：这里应当是以“- ”开头的列表项", None),
        ("expected <block end>", "缩进不一致：这一行的缩进与上文不匹配", None),
        ("did not find expected key", "缩进不一致：这里应当是一个“键: 值”", None),
        ("expected <document start>", "缩进不一致：这一行的缩进与上文不匹配", None),
        ("duplicate anchor", "锚点重复定义", "同一个锚点名称只能用“&”定义一次"),
        ("did not find expected node content", "这里缺少内容", None),
        ("found unexpected ':'", "这里出现了多余的冒号", "如果冒号是文字的一部分，请给整个值加引号"),
    ]
    for needle, message, hint in table:
        if needle in problem:
            return p("yaml.syntax", message, hint)
    return p("yaml.syntax", "YAML 语法错误", "请检查这一行及上一行的缩进、冒号和引号")


