"""Safe, position-keeping YAML loading.

PyYAML is only used to *compose* the node graph, with the parser and YAML 1.1 resolution rules of
``CSafeLoader`` (libyaml) or ``SafeLoader`` (pure Python, fallback) but without their constructor.
Python values are then constructed here, node by node, from the composed nodes, so that:

* no Python object is ever built from a tag (any tag other than ``!!str``/``!!map``/``!!seq`` and
  the implicit ones is an error);
* every value and every mapping key keeps its 1-based (line, column);
* YAML 1.1 traps (``no`` -> False, ``010`` -> 8, ``1:20`` -> 80, ...) are errors instead of
  silent surprises, and so are duplicate keys, which PyYAML would silently overwrite;
* floats become ``decimal.Decimal`` built from the literal text (money is never a float);
* hostile input (huge files, alias bombs, deep nesting) is rejected in bounded time and memory.

All problems in a file are collected and raised together in one ``DataError``. Every problem has
the file (as given by the caller), a line where one exists, and a message in Simplified Chinese.

Problem codes raised here:

``yaml.not-found`` ``yaml.read`` ``yaml.too-large`` ``yaml.encoding`` ``yaml.control-char``
``yaml.unicode-line-break``
``yaml.empty`` ``yaml.multi-document`` ``yaml.syntax`` ``yaml.tab`` ``yaml.tag``
``yaml.duplicate-key`` ``yaml.key-type`` ``yaml.ambiguous-bool`` ``yaml.leading-zero``
``yaml.radix-number`` ``yaml.sexagesimal`` ``yaml.bad-number`` ``yaml.bad-date``
``yaml.merge`` ``yaml.alias-bomb`` ``yaml.recursive-alias`` ``yaml.too-deep`` ``yaml.too-many-nodes``
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.error import MarkedYAMLError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from wenshu.errors import DataError, Problem, os_reason

__all__ = [
    "LoadedYaml",
    "load_yaml",
    "load_yaml_text",
    "MAX_FILE_BYTES",
    "MAX_ALIASES",
    "MAX_NODES",
    "MAX_DEPTH",
]

#: Largest accepted input, in bytes. Checked with ``stat()`` before the file is read.
MAX_FILE_BYTES = 20 * 1024 * 1024

#: Largest number of alias uses (``*name``) while constructing one document. Uses inside an
#: aliased subtree count again every time that subtree is expanded, so a "billion laughs" document
#: hits this limit after a few thousand steps instead of expanding to 10**9 nodes.
MAX_ALIASES = 10_000

#: Largest number of constructed values (scalars, lists and mappings) in one document, counting
#: every expansion of an aliased subtree. A legitimate 20 MB file has well under 2 million.
MAX_NODES = 2_000_000

#: Deepest accepted nesting of lists/mappings (the root is depth 0). Real data is < 15 deep.
#: (libyaml itself refuses nesting beyond 1000 levels; that is reported as ``yaml.too-deep`` too.)
MAX_DEPTH = 100


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


@dataclass
class LoadedYaml:
    """One loaded YAML file: plain Python data plus the source position of every value."""

    path: Path
    display: str
    data: Any
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def locate(self, loc: tuple) -> tuple[int | None, int | None]:
        """Position of loc, or of its nearest ancestor that has one (pydantic error locs may point
        below a known node or to a missing key -> the parent mapping)."""
        loc = tuple(loc)
        while True:
            pos = self.positions.get(loc)
            if pos is not None:
                return pos
            if not loc:
                return (None, None)
            loc = loc[:-1]


# --------------------------------------------------------------------------------------------
# Public entry points


def load_yaml(path: Path | str, display: str | None = None, *, positions: bool = True) -> LoadedYaml:
    """Raises DataError with ALL problems found in the file (as far as parsing allows).

    ``positions=False`` skips the position maps (every problem the loader itself finds is still
    located): on a large file they are most of the memory, and a caller that only needs positions
    for a later validation error can load again with them.
    """
    p = Path(path)
    shown = display if display is not None else str(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise DataError(Problem(code="yaml.not-found", message="找不到文件", file=shown)) from None
    except OSError as exc:
        raise DataError(_read_problem(shown, exc)) from None
    if p.is_dir():
        raise DataError(
            Problem(code="yaml.read", message="这是一个目录，不是 YAML 文件", file=shown)
        )
    if size > MAX_FILE_BYTES:
        raise DataError(_too_large(shown, size))
    try:
        with p.open("rb") as fh:
            # Read at most one byte past the limit: the file may have grown since stat().
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise DataError(_read_problem(shown, exc)) from None
    loaded = load_yaml_text(raw, display=shown, positions=positions)
    loaded.path = p
    return loaded


def load_yaml_text(text: str | bytes, display: str = "<输入>", *, positions: bool = True) -> LoadedYaml:
    """Load YAML from memory (bytes must be UTF-8, with or without BOM). See ``load_yaml``."""
    if isinstance(text, (bytes, bytearray)):
        if len(text) > MAX_FILE_BYTES:
            raise DataError(_too_large(display, len(text)))
        text = _decode(bytes(text), display)
    elif len(text) > MAX_FILE_BYTES:  # characters, but a cheap upper bound is enough here
        raise DataError(_too_large(display, len(text)))
    if text.startswith("\ufeff"):
        text = text[1:]
    m = _UNICODE_BREAK_RE.search(text)
    if m:
        raise DataError(_unicode_break_problem(text, display, m))

    # Composing and constructing create hundreds of thousands of small objects and no garbage
    # cycles; the cyclic GC would rescan them over and over (load time grows ~quadratically:
    # 2 MB takes 3x longer with it). Pause it for the load; the limits above bound memory.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_text(text, display, positions)
    finally:
        if gc_was_enabled:
            gc.enable()


def _load_text(text: str, display: str, positions: bool = True) -> LoadedYaml:
    root = _compose(text, display)
    builder = _Builder(display, record=positions)
    try:
        data = builder.build(root, (), 0)
    except _Abort:
        data = None
    except RecursionError:
        builder.problems.append(
            Problem(
                code="yaml.too-deep",
                message="嵌套层次太深，无法处理",
                file=display,
                line=_line(root),
                column=_col(root),
            )
        )
        data = None
    if builder.problems:
        err = DataError(_unique(builder.problems))
        # Problems with single values (a trap like 2024-13-01, a duplicate key) leave the rest of
        # the document constructed; callers may still read ids and references from it.
        err.partial = data
        err.partial_loaded = LoadedYaml(path=Path(display), display=display, data=data,
                                        positions=builder.positions, key_positions=builder.key_positions)
        raise err
    return LoadedYaml(
        path=Path(display),
        display=display,
        data=data,
        positions=builder.positions,
        key_positions=builder.key_positions,
    )


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


# --------------------------------------------------------------------------------------------
# Construction


class _Abort(Exception):
    """Stop constructing (limits exceeded); the reason is already in the problem list."""


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _col(node: Node) -> int:
    return node.start_mark.column + 1


def _pos(node: Node) -> tuple[int, int]:
    m = node.start_mark
    return (m.line + 1, m.column + 1)


def _unique(problems: list[Problem]) -> list[Problem]:
    """Drop exact repeats (an aliased subtree reports its problems once per use)."""
    seen: set[Problem] = set()
    out = []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            out.append(problem)
    return sorted(out, key=Problem.sort_key)


class _NoPositions(dict):
    """A position map that records nothing (``load_yaml(..., positions=False)``)."""

    def __setitem__(self, key, value) -> None:
        pass


class _Builder:
    def __init__(self, display: str, record: bool = True) -> None:
        self.display = display
        self.problems: list[Problem] = []
        self.positions: dict[tuple, tuple[int, int]] = {} if record else _NoPositions()
        self.key_positions: dict[tuple, tuple[int, int]] = {} if record else _NoPositions()
        self._seen: set[int] = set()  # ids of nodes constructed at least once
        self._active: set[int] = set()  # ids of collection nodes being constructed (cycles)
        self._aliases = 0
        self._nodes = 0

    # -- helpers

    def _problem(self, code: str, node: Node, message: str, **kw: Any) -> None:
        self.problems.append(
            Problem(
                code=code,
                message=message,
                file=self.display,
                line=_line(node),
                column=_col(node),
                **kw,
            )
        )

    def _enter(self, node: Node, depth: int) -> None:
        """Count the node (and alias uses) and enforce the limits."""
        self._nodes += 1
        key = id(node)
        if key in self._seen:
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                self._problem(
                    "yaml.alias-bomb",
                    node,
                    f"别名（*引用）展开次数超过上限 {MAX_ALIASES}，文件疑似“别名炸弹”，已停止读取",
                    hint="请不要层层嵌套地引用锚点；数据文件中一般不需要锚点和别名",
                )
                raise _Abort
        else:
            self._seen.add(key)
        if self._nodes > MAX_NODES:
            if self._aliases:
                self._problem(
                    "yaml.alias-bomb",
                    node,
                    f"别名（*引用）展开后的数据项超过上限 {MAX_NODES}，文件疑似“别名炸弹”，已停止读取",
                    hint="请不要层层嵌套地引用锚点",
                )
            else:
                self._problem(
                    "yaml.too-many-nodes",
                    node,
                    f"文件中的数据项超过上限 {MAX_NODES}，已停止读取",
                    hint="请把数据拆分成多个较小的文件",
                )
            raise _Abort
        if depth > MAX_DEPTH:
            self._problem(
                "yaml.too-deep",
                node,
                f"嵌套层次太深（超过 {MAX_DEPTH} 层），已停止读取",
                hint="请检查缩进是否正确",
            )
            raise _Abort

    def _check_cycle(self, node: Node) -> None:
        if id(node) in self._active:
            self._problem(
                "yaml.recursive-alias",
                node,
                "锚点引用了它自身（循环引用），数据会无限展开",
                hint="请删除循环的“*”引用",
            )
            raise _Abort

    # -- nodes

    def build(self, node: Node, path: tuple, depth: int) -> Any:
        self._enter(node, depth)
        self.positions[path] = _pos(node)
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        self._check_cycle(node)
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                if node.tag != SEQ:
                    self._bad_tag(node)
                return [
                    self.build(child, path + (i,), depth + 1)
                    for i, child in enumerate(node.value)
                ]
            if node.tag != MAP:
                self._bad_tag(node)
            return self._mapping(node, path, depth)
        finally:
            self._active.discard(id(node))

    def _bad_tag(self, node: Node) -> None:
        tag = "!!" + node.tag[len(_T) :] if node.tag.startswith(_T) else node.tag
        self._problem(
            "yaml.tag",
            node,
            f"不支持类型标签“{tag}”：为安全起见，数据文件中不能使用 YAML 类型标签",
            hint="请删除以“!”开头的标签；如果这是文字，请给整个值加引号",
        )

    def _mapping(self, node: MappingNode, path: tuple, depth: int) -> dict:
        entries: list[tuple[Node, Node]] = []
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _IMPLICIT_MERGE:
                merges.append(value_node)
            else:
                entries.append((key_node, value_node))
        result: dict[str, Any] = {}
        if merges:
            # YAML merge keys ("<<: *base"), as PyYAML does them: explicit keys win, then earlier
            # merged mappings win. Merged entries are built first so that the positions of
            # explicit entries (built later) overwrite theirs.
            for source in self._merge_sources(merges):
                self._enter(source, depth + 1)
                self._check_cycle(source)
                self._active.add(id(source))
                try:
                    result.update(self._mapping(source, path, depth + 1))
                finally:
                    self._active.discard(id(source))
        first: dict[str, Node] = {}
        for key_node, value_node in entries:
            key = self._key(key_node)
            child = path + (key,)
            if key in first:
                self._problem(
                    "yaml.duplicate-key",
                    key_node,
                    f"键“{key}”重复：第{_line(first[key])}行与第{_line(key_node)}行",
                    hint="同一层级中每个键只能出现一次，请删除或合并其中一个",
                )
                # Still construct the value to report the problems inside it.
                self.build(value_node, child, depth + 1)
                continue
            first[key] = key_node
            result[key] = self.build(value_node, child, depth + 1)
            self.key_positions[child] = _pos(key_node)
        return result

    def _merge_sources(self, merges: list[Node]) -> list[MappingNode]:
        """The mappings to merge, last first (so that dict.update lets earlier ones win)."""
        sources: list[MappingNode] = []
        for value_node in merges:
            if isinstance(value_node, MappingNode):
                sources.append(value_node)
            elif isinstance(value_node, SequenceNode) and all(
                isinstance(n, MappingNode) for n in value_node.value
            ):
                sources.extend(value_node.value)
            else:
                self._problem(
                    "yaml.merge",
                    value_node,
                    "合并键“<<”的值必须是一个映射（如 *默认值）或映射的列表",
                    hint='如果“<<”是文字，请给它加引号，例如 "<<"',
                )
        sources.reverse()
        return sources

    def _key(self, node: Node) -> str:
        """The key as str; a problem is recorded (and a str stand-in returned) if it is not text."""
        if not isinstance(node, ScalarNode):
            self._problem(
                "yaml.key-type",
                node,
                "键不能是列表或映射，所有键都必须是文字",
                hint="请检查是否误写了“? ”或把列表/花括号写在了冒号前面",
            )
            return f"<{node.start_mark.line + 1}:{node.start_mark.column + 1}>"
        text, tag = node.value, node.tag
        if tag == STR or tag == _IMPLICIT_STR:
            return text
        if not tag.startswith(_IMPLICIT):
            self._bad_tag(node)
            return text
        kind = _TAG_KIND.get(tag[len(_IMPLICIT) :], "非文字")
        self._problem(
            "yaml.key-type",
            node,
            f"键“{text}”不是文字（会被解析为{kind}），所有键都必须是文字",
            hint=f'请给键加引号，例如 "{text}":',
        )
        return text

    def _trap(self, code: str, node: ScalarNode, message: str, extra: str = "") -> str:
        self._problem(code, node, message, hint=_QUOTE_HINT.format(node.value) + extra)
        return node.value

    def _scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag == STR:  # quoted or block scalar, or an explicit "!!str yes"
            return text
        if not tag.startswith(_IMPLICIT):  # any other explicit tag: never trusted
            self._bad_tag(node)
            return text
        tag = tag[len(_IMPLICIT) :]
        if tag == STR:
            if text in _SHORT_BOOL:
                return self._trap(
                    "yaml.ambiguous-bool",
                    node,
                    f"“{text}”在 YAML 1.1 中表示布尔值（是/否），不同工具的理解不一致",
                    "；如果是布尔值，请写 true 或 false",
                )
            if _LEADING_ZERO_RE.fullmatch(text):
                return self._trap(
                    "yaml.leading-zero",
                    node,
                    f"“{text}”以 0 开头：有的工具会把它当作八进制数，有的会丢掉开头的 0",
                )
            if _RADIX_RE.fullmatch(text):
                return self._trap(
                    "yaml.radix-number",
                    node,
                    f"“{text}”在 YAML 1.2 中会被当作八进制数",
                )
            return text
        if tag == NULL:
            return None
        if tag == BOOL:
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            return self._trap(
                "yaml.ambiguous-bool",
                node,
                f"“{text}”会被 YAML 当作布尔值（{'是' if text.lower() in ('yes', 'on', 'y') else '否'}），而不是文字",
                "；如果是布尔值，请写 true 或 false",
            )
        if tag in (INT, FLOAT) and ":" in text:
            return self._trap(
                "yaml.sexagesimal",
                node,
                f"“{text}”会被 YAML 1.1 当作六十进制数（{_sexagesimal(text)}），而不是时间或比分",
            )
        if tag == INT:
            if _RADIX_RE.fullmatch(text):
                return self._trap(
                    "yaml.radix-number",
                    node,
                    f"“{text}”会被当作十六进制/二进制数（{_int_value(text)}）",
                )
            if _LEADING_ZERO_RE.fullmatch(text):
                return self._trap(
                    "yaml.leading-zero",
                    node,
                    f"“{text}”以 0 开头，会被 YAML 当作八进制数（{_int_value(text)}），开头的 0 也会丢失",
                )
            return int(text.replace("_", ""))
        if tag == FLOAT:
            cleaned = text.replace("_", "")
            if cleaned.lower().lstrip("+-") in (".inf", ".nan"):
                return self._trap(
                    "yaml.bad-number", node, f"“{text}”是无穷大或非数，不能作为数值使用"
                )
            try:
                return Decimal(cleaned)
            except InvalidOperation:
                return self._trap("yaml.bad-number", node, f"“{text}”不是有效的数值")
        if tag == TIMESTAMP:
            try:
                value = _timestamp_constructor.construct_yaml_timestamp(node)
            except (ValueError, OverflowError) as exc:
                self._problem(
                    "yaml.bad-date",
                    node,
                    f"“{text}”不是有效的日期或时间：{_date_reason(text)}",
                    hint=f'请检查年、月、日；如果这是文字，请加引号，例如 "{text}"',
                )
                return text
            return value
        return text  # implicit MERGE/VALUE tags on a plain value ("<<", "="): just text


def _date_reason(text: str) -> str:
    """Why a date-looking text is no date, in Chinese (“2025年2月没有30日”)."""
    import calendar

    m = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if not m:
        return "时间部分不正确"
    y, mo, d = (int(g) for g in m.groups())
    if not 1 <= mo <= 12:
        return f"月份应为1至12，这里是{mo}"
    last = calendar.monthrange(y, mo)[1]
    if not 1 <= d <= last:
        return f"{y}年{mo}月只有{last}天，没有{d}日"
    return "时间部分不正确"


def _int_value(text: str) -> str:
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-").replace("_", "").lower()
    try:
        if digits.startswith("0x"):
            return str(sign * int(digits[2:], 16))
        if digits.startswith("0b"):
            return str(sign * int(digits[2:], 2))
        if digits.startswith("0o"):
            return str(sign * int(digits[2:], 8))
        return str(sign * int(digits, 8))
    except ValueError:
        return "?"


def _sexagesimal(text: str) -> str:
    sign = -1 if text.startswith("-") else 1
    total = Decimal(0)
    try:
        for part in text.lstrip("+-").replace("_", "").split(":"):
            total = total * 60 + Decimal(part)
    except InvalidOperation:
        return "?"
    return str(sign * total)
