"""Python values from composed YAML nodes, node by node: every value and key keeps its (line, column),
YAML 1.1 traps, duplicate keys and tags are problems, floats are ``Decimal``, and hostile input
(alias bombs, deep nesting) stops in bounded time and memory."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from wenshu.errors import Problem
from wenshu.loading.compose import (
    _FALSE, _IMPLICIT, _IMPLICIT_MERGE, _IMPLICIT_STR, _LEADING_ZERO_RE, _QUOTE_HINT, _RADIX_RE,
    _SHORT_BOOL, _T, _TAG_KIND, _TRUE, BOOL, FLOAT, INT, MAP, NULL, SEQ, STR, TIMESTAMP,
    _timestamp_constructor,
)
from wenshu.loading.limits import MAX_ALIASES, MAX_DEPTH, MAX_NODES

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
        self.record = record
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
        if self.record:
            self.positions[path] = _pos(node)
        if isinstance(node, ScalarNode):
            if node.tag == _IMPLICIT_STR:  # most values: plain text
                text = node.value
                if text in _SHORT_BOOL or (text[:1] == "0" or text[:1] in "+-") and len(text) > 1:
                    return self._scalar(node)  # a YAML 1.1 trap, perhaps
                return text
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
            if self.record:
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
            except (ValueError, OverflowError):
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

