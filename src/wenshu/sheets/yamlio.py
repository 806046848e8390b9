"""Stable, reviewable YAML out of models and tables.

The files wenshu writes (``init``, ``import``) look like the hand-kept examples: keys in the order
of the model's fields, only what was given (no defaults spelled out, no nulls, no empty lists of an
optional field), block style, no
anchors, money as written (``1250.50`` stays ``1250.50``), and every text that YAML 1.1 could read
as something else (a code starting with a digit, ``yes``/``no``, a date-like text) quoted.
The same data always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import typing
from decimal import Decimal
from enum import Enum
from typing import Any

import yaml
from pydantic import BaseModel

from wenshu.models import FILE_KINDS
from wenshu.sheets.layout import field_key, is_model, resolved, unwrap

SCHEMA_DIR = "schemas"


class _Dumper(yaml.SafeDumper):
    # Repeated values are written out in full: anchors (&id001) confuse the people who edit the files.
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _decimal(d: yaml.SafeDumper, v: Decimal) -> yaml.Node:
    text = format(v, "f")
    # Whole numbers are written as YAML ints (a plain "1080" would need an explicit float tag).
    return d.represent_scalar("tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float", text)


_WORDS = {"yes", "no", "on", "off", "y", "n", "true", "false", "null", "~"}


def _str(d: yaml.SafeDumper, v: str) -> yaml.Node:
    # Quote texts YAML 1.1 would misread (numbers, dates, yes/no); PyYAML quotes the rest it must.
    style = None
    if v[:1].isdigit() or v.lower() in _WORDS:
        style = '"'
    return d.represent_scalar("tag:yaml.org,2002:str", v, style=style)


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(str, _str)


def header(kind: str, rel_path: str) -> str:
    """The editor hint line: the JSON Schema in the data folder's ``schemas/``."""
    depth = rel_path.count("/")
    return f"# yaml-language-server: $schema={'../' * depth}{SCHEMA_DIR}/{FILE_KINDS[kind].schema_file}\n"


def dump(data: dict, kind: str, rel_path: str, comment: str | None = None) -> str:
    """The text of one data file (``data`` already in canonical form, see ``canonical``)."""
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
    lead = header(kind, rel_path)
    if comment:
        lead += "".join(f"# {line}\n" if line else "#\n" for line in comment.splitlines())
    return lead + body


def plain(value: Any) -> Any:
    """A validated model as YAML-ready data: the fields its file gave, in model order, enums as their
    Chinese values, mapping keys as text."""
    if isinstance(value, BaseModel):
        out: dict[str, Any] = {}
        fields_set = value.model_fields_set
        for name, f in type(value).model_fields.items():
            if name not in fields_set:
                continue
            v = getattr(value, name)
            if v is None or (_empty(v) and _drops_empty(f)):
                continue
            out[field_key(name, f)] = plain(v)
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def _drops_empty(f) -> bool:
    """An empty list or mapping of an optional field is left out, unless the field's default is
    None: then "not given" means something else (抄送机关 omitted: the district's; []: none)."""
    return not f.is_required() and f.get_default(call_default_factory=True) is not None


def _empty(v: Any) -> bool:
    """An empty list or mapping: for an optional field, the same as not writing it."""
    return isinstance(v, (list, dict, tuple)) and not v


def canonical(tp: Any, value: Any) -> Any:
    """Raw data (from a table or a YAML file) put in model order, without nulls.

    Keys the model does not know are kept, after the known ones, so that validation still sees them.
    """
    tp, _ = unwrap(tp)
    if is_model(tp) and isinstance(value, dict):
        out: dict[str, Any] = {}
        known = {field_key(n, f): f for n, f in tp.model_fields.items()}
        for key, f in known.items():
            if key in value and value[key] is not None and not (_empty(value[key]) and _drops_empty(f)):
                out[key] = canonical(resolved(f.annotation, tp), value[key])
        for k, v in value.items():
            if k not in known and v is not None:
                out[k] = v
        return out
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is list and isinstance(value, list):
        return [canonical(args[0], v) for v in value]
    if origin is dict and isinstance(value, dict):
        return {str(k): canonical(args[1], v) for k, v in value.items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value
    return value


def file_text(kind: str, data: dict, rel_path: str, comment: str | None = None) -> str:
    """Canonical text of a file of ``kind`` holding ``data`` (raw or canonical)."""
    model = FILE_KINDS[kind].model
    return dump(canonical(model, {"kind": kind, **{k: v for k, v in data.items() if k != "kind"}}),
                kind, rel_path, comment)
