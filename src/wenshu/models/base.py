"""Shared model base and self-checking value types.

Every input model derives from ``WenshuModel``: unknown keys are errors (``extra="forbid"``), and
every field carries a Chinese ``title`` that error messages and JSON Schemas show.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field


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
