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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wenshu.errors import DataError, Problem
from wenshu.loading import compose
from wenshu.loading.compose import _UNICODE_BREAK_RE, _decode, _read_problem, _too_large, _unicode_break_problem
from wenshu.loading.construct import _Abort, _Builder, _line, _col, _unique
from wenshu.loading.limits import MAX_ALIASES, MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES

__all__ = [
    "LoadedYaml",
    "load_yaml",
    "load_yaml_text",
    "MAX_FILE_BYTES",
    "MAX_ALIASES",
    "MAX_NODES",
    "MAX_DEPTH",
]


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
    root = compose._compose(text, display)
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


