"""What a template can reach in its context, as types: the vocabulary tplcheck/resolve.py checks against.

A small type system built from a kind's pydantic context model (models, lists, dicts, Optional, plain
values), the members each type has at render time (the context is ``model_dump(mode="python")``:
models are dicts, so only fields and computed fields exist), what Jinja's filters return, the names
the sandbox refuses, and the spelling suggestions made from field names and Chinese titles. Also
used by tplcheck/fields.py to document the fields.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Union

from pydantic import BaseModel

# ─── a small type system ──────────────────────────────────────────────────────────────────────


class T:
    def describe(self) -> str:
        return "值"


class AnyT(T):
    def describe(self) -> str:
        return "任意值"


ANY = AnyT()


@dataclass(frozen=True)
class ModelT(T):
    cls: type

    def describe(self) -> str:
        doc = (self.cls.__doc__ or "").strip().splitlines()
        return f"对象 {self.cls.__name__}" + (f"（{doc[0].rstrip('。.')}）" if doc and len(doc[0]) < 40 else "")


@dataclass(frozen=True)
class ListT(T):
    elem: T

    def describe(self) -> str:
        return f"列表（每项为{self.elem.describe()}）"


@dataclass(frozen=True)
class DictT(T):
    val: T

    def describe(self) -> str:
        return "字典"


@dataclass(frozen=True)
class OptT(T):
    inner: T

    def describe(self) -> str:
        return f"{self.inner.describe()}，可能为空"


@dataclass(frozen=True)
class PrimT(T):
    py: type

    def describe(self) -> str:
        return type_name(self.py)


@dataclass(frozen=True)
class TupleT(T):
    items: tuple

    def describe(self) -> str:
        return "元组"


class LoopT(T):
    def describe(self) -> str:
        return "循环信息 loop"


class NamespaceT(T):
    def describe(self) -> str:
        return "namespace"


STR, INT, BOOL = PrimT(str), PrimT(int), PrimT(bool)
NONE = PrimT(type(None))


def type_name(py: type) -> str:
    if py is bool:
        return "是非（true/false）"
    if py is int:
        return "整数"
    if py in (float, Decimal):
        return "数值"
    if py is str:
        return "文字"
    if py is dt.date:
        return "日期"
    if py is dt.datetime:
        return "日期时间"
    if py is type(None):
        return "空值"
    if isinstance(py, type) and issubclass(py, enum.Enum):
        return "枚举"
    return getattr(py, "__name__", str(py))


def from_annotation(ann: Any) -> T:
    if ann is None or ann is type(None):
        return NONE
    origin = typing.get_origin(ann)
    args = typing.get_args(ann)
    if origin is typing.Annotated:
        return from_annotation(args[0])
    if origin in (Union, types.UnionType):
        real = [a for a in args if a is not type(None)]
        inner = from_annotation(real[0]) if len(real) == 1 else ANY
        return OptT(inner) if len(real) < len(args) else inner
    if origin is Literal:
        return PrimT(type(args[0])) if args else STR
    if origin in (list, set, frozenset, Sequence, Iterable, typing.List, typing.Set):
        return ListT(from_annotation(args[0]) if args else ANY)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return ListT(from_annotation(args[0]))
        return TupleT(tuple(from_annotation(a) for a in args))
    if origin in (dict, Mapping, typing.Dict):
        return DictT(from_annotation(args[1]) if len(args) == 2 else ANY)
    if isinstance(ann, type):
        if issubclass(ann, BaseModel):
            return ModelT(ann)
        return PrimT(ann)
    return ANY


def model_fields(cls: type) -> dict[str, tuple[T, str]]:
    """{name: (type, Chinese title)} of what ``model_dump`` produces for ``cls``."""
    out: dict[str, tuple[T, str]] = {}
    for name, f in cls.model_fields.items():  # type: ignore[attr-defined]
        out[f.alias or name] = (from_annotation(f.annotation), f.title or "")
    for name, f in getattr(cls, "model_computed_fields", {}).items():
        out[name] = (from_annotation(f.return_type), f.title or "")
    return out


LOOP_ATTRS: dict[str, T] = {
    "index": INT, "index0": INT, "revindex": INT, "revindex0": INT, "length": INT, "depth": INT, "depth0": INT,
    "first": BOOL, "last": BOOL, "cycle": ANY, "changed": ANY, "previtem": ANY, "nextitem": ANY,
}
DICT_METHODS = {"items", "keys", "values", "get"}
LIST_METHODS = {"count", "index"}
STR_METHODS = {m for m in dir(str) if not m.startswith("_")}
DATE_ATTRS = {"year", "month", "day", "weekday", "isoweekday", "isoformat", "strftime", "hour", "minute", "second"}
NUM_ATTRS = {"real", "imag", "numerator", "denominator", "is_integer"}

# Attribute names the sandbox refuses or that only serve to escape it, beyond the leading "_".
UNSAFE_ATTRS = {
    "mro", "globals", "func_globals", "f_globals", "f_locals", "f_builtins", "f_back", "f_code", "gi_frame",
    "gi_code", "cr_frame", "cr_code", "ag_frame", "ag_code", "tb_frame", "tb_next", "co_code", "im_func",
    "im_self", "func_code", "func_closure", "builtins", "import", "subclasses", "modules", "os", "sys",
    "system", "popen", "subprocess", "eval", "exec", "compile", "open", "getattr", "setattr", "delattr",
    "locals", "vars", "environ", "func_dict",
}
# Methods that change data: the immutable sandbox refuses them.
MUTATING = {"append", "extend", "insert", "pop", "popitem", "remove", "clear", "update", "setdefault", "sort",
            "reverse", "add", "discard", "difference_update", "intersection_update", "symmetric_difference_update"}
UNSAFE_NAMES = {"self", "os", "sys", "config", "request", "import", "globals", "builtins", "eval", "exec", "open",
                "getattr", "__builtins__", "subprocess"}
JINJA_GLOBALS: dict[str, T] = {"range": ANY, "dict": ANY, "lipsum": ANY, "cycler": ANY, "joiner": ANY,
                               "namespace": ANY}

# Filters that keep the element type of a list.
SAME_LIST = {"sort", "reverse", "unique", "list", "select", "reject", "selectattr", "rejectattr", "batch", "slice"}
TO_STR = {"join", "string", "upper", "lower", "title", "capitalize", "trim", "replace", "format", "e", "escape",
          "safe", "truncate", "wordwrap", "center", "indent", "striptags", "urlencode", "urlize", "filesizeformat",
          "forceescape", "tojson", "xmlattr", "pprint"}
TO_INT = {"length", "count", "wordcount", "int"}
TO_ELEM = {"first", "last", "random", "min", "max"}
ATTR_FILTERS = {"map": "attribute", "selectattr": 0, "rejectattr": 0, "sort": "attribute", "sum": "attribute",
                "groupby": 0, "unique": "attribute", "min": "attribute", "max": "attribute"}


def filter_result(name: str, t: T, attr_arg: Any, attr_t: T) -> T:
    """The type a filter ``name`` returns for input ``t`` (``attr_t``: the type its attribute argument
    ``attr_arg`` names in the list's elements, e.g. ``map(attribute="name")``)."""
    base = t.inner if isinstance(t, OptT) else t
    elem = base.elem if isinstance(base, ListT) else ANY
    if name in ("default", "d"):
        return base
    if name in SAME_LIST:
        if name in ("batch", "slice"):
            return ListT(base)
        return base if isinstance(base, ListT) else ANY
    if name == "map":
        return ListT(attr_t) if attr_arg else ANY
    if name == "groupby":
        return ListT(TupleT((attr_t, base)))
    if name in TO_ELEM:
        return elem
    if name in TO_INT:
        return INT
    if name in TO_STR:
        return STR
    if name in ("sum", "round", "abs", "float"):
        return ANY
    if name == "items":
        return ListT(TupleT((STR, base.val if isinstance(base, DictT) else ANY)))
    if name == "parse_doc_number":
        return ANY
    return STR  # wenshu's fmt filters all produce text


# ─── spelling suggestions ─────────────────────────────────────────────────────────────────────


def _cjk(s: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


def suggest(name: str, fields: dict[str, tuple[T, str]] | Iterable[str]) -> str | None:
    """The field most likely meant: by spelling, or by Chinese title (``doc.标题`` → title)."""
    if isinstance(fields, dict):
        if _cjk(name):
            for k, (_, title) in fields.items():
                if title and (title == name or name in title):
                    return k
            titles = {title: k for k, (_, title) in fields.items() if title}
            m = difflib.get_close_matches(name, list(titles), n=1, cutoff=0.5)
            return titles[m[0]] if m else None
        names = list(fields)
    else:
        names = list(fields)
    m = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    if not m:
        low = {n.lower(): n for n in names}
        if name.lower() in low:
            return low[name.lower()]
    return m[0] if m else None


def field_list(fields: dict[str, tuple[T, str]], limit: int = 14) -> str:
    items = [f"{k}（{t}）" if t else k for k, (_, t) in fields.items()]
    more = "……" if len(items) > limit else ""
    return "、".join(items[:limit]) + more
