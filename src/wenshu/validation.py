"""Turn pydantic validation errors into located Chinese ``Problem`` records.

Every message names the file, line and column (from the YAML loader's position map), the field's
Chinese title chain and its path, and what was expected versus found.
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from wenshu.errors import Problem
from wenshu.widechars import WIDE_ALNUM_BYTES, narrow, narrow_value  # noqa: F401 - re-exported

_TYPE_NAMES = {
    str: "文字",
    int: "整数",
    bool: "true/false",
    Decimal: "数字",
    float: "数字",
    dt.date: "日期",
    dt.datetime: "日期时间",
    list: "列表",
    dict: "键值对",
    type(None): "空值",
}


def type_name(value: Any) -> str:
    for t, name in _TYPE_NAMES.items():
        if type(value) is t:
            return name
    return "其他类型"


def show_value(value: Any, limit: int = 60) -> str:
    if isinstance(value, dict):
        return "键值对（" + "、".join(list(map(str, value))[:6]) + ("……" if len(value) > 6 else "") + "）"
    if isinstance(value, list):
        return f"列表（{len(value)}项）"
    if isinstance(value, (dt.date, dt.datetime)):
        text = value.isoformat()
    elif value is None:
        return "空值"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    if len(text) > limit:
        text = text[:limit] + "……"
    return f"“{text}”（{type_name(value)}）"


def _unwrap(tp: Any) -> list[Any]:
    """Candidate inner types of an annotation: strips Annotated, Optional/Union."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for a in typing.get_args(tp):
            if a is not type(None):
                out.extend(_unwrap(a))
        return out
    return [tp]


def _model_of(tp: Any) -> type[BaseModel] | None:
    for c in _unwrap(tp):
        if isinstance(c, type) and issubclass(c, BaseModel):
            return c
    return None


def _element(tp: Any, part: Any) -> Any:
    """The type reached by stepping into ``part`` (list index or dict key) of ``tp``."""
    for c in _unwrap(tp):
        origin = typing.get_origin(c)
        args = typing.get_args(c)
        if origin in (list, tuple, set, frozenset) and args:
            return args[0]
        if origin is dict and len(args) == 2:
            return args[1]
    return None


def fields_by_key(m: type[BaseModel]) -> dict[str, Any]:
    """A model's fields by the key the YAML uses (the alias where a field has one)."""
    return {(f.alias or n): f for n, f in m.model_fields.items()}


def resolve(model: type[BaseModel], loc: tuple) -> tuple[list[str], type[BaseModel] | None]:
    """Chinese titles along ``loc`` and the model that owns the last key (for suggestions)."""
    titles: list[str] = []
    current: Any = model
    owner: type[BaseModel] | None = model
    for part in loc:
        m = _model_of(current)
        fields = fields_by_key(m) if m is not None else {}
        if isinstance(part, str) and part in fields:
            owner = m
            titles.append(fields[part].title or part)
            current = fields[part].annotation
        elif isinstance(part, str) and m is not None:
            owner = m
            break
        else:
            nxt = _element(current, part)
            if nxt is None:
                break
            current = nxt
            m2 = _model_of(current)
            if m2 is not None:
                owner = m2
    else:
        # Every part was stepped into: the model reached owns whatever key comes next.
        reached = _model_of(current)
        if reached is not None:
            owner = reached
    return titles, owner


def loc_to_path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def suggest(word: str, choices: list[str]) -> str | None:
    hits = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return hits[0] if hits else None


def _expected_choices(ctx: dict) -> str:
    exp = str(ctx.get("expected", ""))
    return exp.replace(" or ", "、").replace(", ", "、").replace("'", "")


def translate(err: dict, model: type[BaseModel]) -> tuple[str, str | None, str | None, str | None]:
    """(message, expected, found, hint) for one pydantic error dict."""
    et = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    loc = tuple(err["loc"])
    found = None if et == "missing" else show_value(value)
    hint = None
    expected = None
    if et == "missing":
        msg = "缺少必填字段。"
        _, owner = resolve(model, loc)
        if owner is not None and loc and isinstance(loc[-1], str) and loc[-1] in owner.model_fields:
            desc = owner.model_fields[loc[-1]].description
            if desc:
                hint = f"请填写 {loc[-1]}：{desc}"
    elif et == "extra_forbidden":
        key = str(loc[-1]) if loc else ""
        _, owner = resolve(model, loc[:-1])
        msg = f"未知字段“{key}”。"
        if owner is not None:
            fields = fields_by_key(owner)
            names = list(fields)
            by_title = {f.title: n for n, f in fields.items() if f.title}
            guess = suggest(key, names) or by_title.get(key) or suggest(key, list(by_title))
            if guess in by_title:
                guess = by_title[guess]
            if guess:
                title = fields[guess].title
                msg = f"未知字段“{key}”，是否应为“{guess}”（{title}）？"
            hint = "此处允许的字段：" + "、".join(names) if len(names) <= 30 else None
        found = None
    elif et in ("string_type",):
        msg = "应为文字。"
        expected = "文字"
        if isinstance(value, (int, Decimal, dt.date)) and not isinstance(value, bool):
            hint = "YAML 把它读成了数字或日期；如果这是代码、编号或文字，请加引号，如 \"420202\""
    elif et in ("int_type", "int_parsing", "int_from_float"):
        msg, expected = "应为整数。", "整数"
    elif et in ("decimal_type", "decimal_parsing", "float_type", "float_parsing"):
        msg, expected = "应为数字。", "数字（金额单位万元，如 1250.5）"
        if isinstance(value, str):
            hint = "金额不要带单位、逗号或“万元”字样，只写数字"
    elif et == "decimal_max_places":
        msg = f"小数位数过多：最多{ctx.get('decimal_places')}位。"
    elif et == "decimal_max_digits":
        msg = f"数字位数过多：最多{ctx.get('max_digits')}位。"
    elif et in ("date_type", "date_parsing", "date_from_datetime_inexact", "date_from_datetime_parsing"):
        msg, expected = "应为日期。", "日期，格式 YYYY-MM-DD，如 2024-04-28"
        if isinstance(value, dt.datetime):
            msg = "应为日期，不要带时间。"
    elif et in ("bool_type", "bool_parsing"):
        msg, expected = "应为 true 或 false。", "true 或 false"
    elif et in ("enum", "literal_error"):
        msg = "取值不在允许范围内。"
        expected = _expected_choices(ctx)
    elif et in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        op = {"greater_than_equal": "不能小于", "greater_than": "应大于", "less_than_equal": "不能大于", "less_than": "应小于"}[et]
        bound = next(iter(ctx.values()), "")
        msg = f"数值{op}{bound}。"
    elif et == "too_short":
        msg = f"至少需要{ctx.get('min_length')}项。"
    elif et == "too_long":
        msg = f"最多允许{ctx.get('max_length')}项。"
    elif et == "string_too_short":
        msg = f"内容太短：至少{ctx.get('min_length')}个字。"
    elif et == "string_too_long":
        msg = f"内容太长：最多{ctx.get('max_length')}个字。"
    elif et == "string_pattern_mismatch":
        msg = "格式不正确。"
        _, owner = resolve(model, loc)
        if owner is not None and loc and isinstance(loc[-1], str) and loc[-1] in owner.model_fields:
            expected = owner.model_fields[loc[-1]].description
    elif et == "list_type":
        msg, expected = "应为列表。", "列表（每项另起一行，以“- ”开头）"
    elif et in ("model_type", "model_attributes_type", "dict_type"):
        msg, expected = "应为键值对（字段: 值）。", "键值对"
    elif et in ("union_tag_invalid", "union_tag_not_found"):
        msg = "取值不在允许范围内。"
    elif et == "decimal_whole_digits":
        msg = f"整数部分位数过多：最多{ctx.get('whole_digits')}位。"
    elif et == "multiple_of":
        msg = f"应为{ctx.get('multiple_of')}的整数倍。"
    elif et == "finite_number":
        msg = "应为有限的数值。"
    elif et in ("date_future", "date_past"):
        msg = "日期应晚于今天。" if et == "date_future" else "日期应早于今天。"
    elif et in ("set_type", "tuple_type", "frozen_set_type"):
        msg, expected = "应为列表。", "列表（每项另起一行，以“- ”开头）"
    elif et.startswith(("datetime_", "time_", "timedelta_")):
        msg, expected = "应为日期或时间。", "日期，格式 YYYY-MM-DD，如 2024-04-28"
    else:
        # Our own PydanticCustomError messages are already Chinese sentences; pydantic's own
        # (English) wording never reaches the user.
        text = err.get("msg", "")
        if text.startswith(("Value error, ", "Assertion failed, ")):
            text = text.split(", ", 1)[1]
        msg = text if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "取值不符合要求。"
        if not msg.endswith(("。", "？", "）")):
            msg += "。"
        if isinstance(value, (dict, list)):
            found = None
    return msg, expected, found, hint


def problems_from_validation(
    exc: ValidationError,
    model: type[BaseModel],
    file: str,
    locate: typing.Callable[[tuple], tuple[int | None, int | None]],
    key_locate: typing.Callable[[tuple], tuple[int | None, int | None]] | None = None,
) -> list[Problem]:
    out: list[Problem] = []
    errors = exc.errors(include_url=False)
    # A misspelt key shows up twice in pydantic: "extra" for the typo and "missing" for the real
    # field. Report it once, as the typo with its suggestion.
    misspelt: set[tuple] = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            loc = tuple(err["loc"])
            _, owner = resolve(model, loc[:-1])
            if owner is not None:
                guess = suggest(str(loc[-1]), list(owner.model_fields))
                if guess:
                    misspelt.add((*loc[:-1], guess))
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "missing" and loc in misspelt:
            continue
        titles, _ = resolve(model, loc)
        pos = key_locate(loc) if (err["type"] == "extra_forbidden" and key_locate is not None) else None
        line, col = pos if pos is not None else locate(loc)
        msg, expected, found, hint = translate(err, model)
        out.append(
            Problem(
                code=f"model.{err['type']}",
                message=msg,
                file=file,
                line=line,
                column=col,
                field_path=loc_to_path(loc) or None,
                field_title=" › ".join(titles) or None,
                expected=expected,
                found=found,
                hint=hint,
            )
        )
    return out


# ── full-width characters (rule in wenshu.widechars) ─────────────────────────────────────────

def _takes_text(tp: Any, info: Any) -> bool:
    """True when a field accepts free text (a plain ``str`` without a format pattern)."""
    if tp is None:
        return True
    if info is not None:
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if "pattern" in extra or any(getattr(m, "pattern", None) for m in info.metadata):
            return False
    return any(c is str or c is Any for c in _unwrap(tp))


def _field(model: type[BaseModel], key: Any):
    f = model.model_fields.get(key) if isinstance(key, str) else None
    if f is None:
        f = next((x for x in model.model_fields.values() if x.alias == key), None)
    return f


def narrow_wide(model: type[BaseModel], data: Any) -> list[tuple[tuple, str, str]]:
    """Convert full-width digits and letters in ``data`` (raw YAML, changed in place).

    Returns (location, original, converted) of every value changed.
    """
    changes: list[tuple[tuple, str, str]] = []

    def walk(tp: Any, info: Any, value: Any, loc: tuple) -> Any:
        if isinstance(value, str):
            new = narrow_value(value, takes_text=_takes_text(tp, info))
            if new != value:
                changes.append((loc, value, new))
            return new
        if isinstance(value, dict):
            m = _model_of(tp) if tp is not None else None
            for k in list(value):
                if m is not None:
                    f = _field(m, k)
                    value[k] = walk(f.annotation if f else None, f, value[k], (*loc, k))
                else:
                    value[k] = walk(_element(tp, k) if tp is not None else None, None, value[k], (*loc, k))
            return value
        if isinstance(value, list):
            elem = _element(tp, 0) if tp is not None else None
            for i, v in enumerate(value):
                value[i] = walk(elem, None, v, (*loc, i))
            return value
        return value

    walk(model, None, data, ())
    return changes
