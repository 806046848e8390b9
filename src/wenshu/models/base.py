"""Shared model base and self-checking value types.

Every input model derives from ``WenshuModel``: unknown keys are errors (``extra="forbid"``), and
every field carries a Chinese ``title`` that error messages and JSON Schemas show.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

# Characters XML 1.0 cannot carry (a .docx part with one of them is corrupt): C0 controls other than
# tab/newline/CR, lone surrogates, U+FFFE/U+FFFF. The YAML loader refuses them written literally;
# this catches them written as escapes ("\a", "\ud800") in double-quoted strings.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _check_text(value: Any) -> None:
    if isinstance(value, str):
        m = _XML_ILLEGAL.search(value)
        if m:
            raise PydanticCustomError(
                "control_char",
                "含有公文中不能出现的不可见字符 U+{code}（第{pos}个字符）；请删除该字符",
                {"code": f"{ord(m.group()):04X}", "pos": m.start() + 1},
            )
    elif isinstance(value, (list, tuple)):
        for v in value:
            _check_text(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_text(k)
            _check_text(v)


def _schema_extra(schema: dict[str, Any], cls: type) -> None:
    """Class docstrings are English developer notes; users read Chinese field titles instead.

    A model may set ``__cn_doc__`` to give its JSON Schema a Chinese description.
    """
    schema.pop("description", None)
    cn = getattr(cls, "__cn_doc__", None)
    if cn:
        schema["description"] = cn


class WenshuModel(BaseModel):
    """Base of all input models: strict about keys, lenient about nothing else it cannot check."""

    model_config = ConfigDict(
        json_schema_extra=_schema_extra,
        extra="forbid",
        str_strip_whitespace=True,
        validate_default=True,
        use_enum_values=False,
        ser_json_timedelta="iso8601",
    )

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        _check_text(value)
        return value


# Money is always Decimal in 万元 (ten-thousand yuan), never float. The YAML loader builds Decimal
# from the literal text, so "12.30" keeps its two decimals.
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=16, decimal_places=4, json_schema_extra={"unit": "万元"}),
]

# A percentage within 0–100 (not a 0–1 fraction).
Rate = Annotated[Decimal, Field(ge=0, le=100, json_schema_extra={"unit": "%"})]

# Land area in 亩 (1 亩 ≈ 666.67 m²).
AreaMu = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4, json_schema_extra={"unit": "亩"})]
