"""措辞 (wording): the phrases that vary by case, which a district may reword in ``wording.yaml``.

The shipped defaults live in ``wenshu/documents/wording_default.yaml``: every phrase has a key
(``light.start.overdue``), a Chinese title, the values it may use (``{planned}``, ``{days}`` ...) and
its text. A district's ``wording.yaml`` lists only the phrases it rewords, key → new text; a key
that does not exist, or a value the phrase does not have, is an error located at its line.
"""

from __future__ import annotations

import string
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from pydantic import Field, create_model, field_validator, model_validator
from pydantic_core import PydanticCustomError

from wenshu.models.base import WenshuModel

WORDING_FILE_NAMES = ("wording.yaml", "wording.yml")
DEFAULT_WORDING_RESOURCE = "wording_default.yaml"


class PhraseSpec(WenshuModel):
    """One phrase of the shipped defaults."""

    title: str = Field(title="说明", description="这句话用在哪里", min_length=2)
    values: dict[str, str] = Field(default_factory=dict, title="可用的值", description="占位符 → 含义，如 days: 逾期天数")
    text: str = Field(title="默认说法", description="用 {占位符} 引用值")

    @model_validator(mode="after")
    def _placeholders_known(self) -> PhraseSpec:
        unknown = placeholders(self.text) - set(self.values)
        if unknown:
            raise PydanticCustomError("wording.value", "说法中的 {{{v}}} 不是该说法可用的值",
                                      {"v": "}、{".join(sorted(unknown))})
        return self


class DefaultWordingFile(WenshuModel):
    kind: Literal["wording"] = Field(title="文件类型", description="固定为 wording")
    phrases: dict[str, PhraseSpec] = Field(title="说法", description="键 → 说明、可用的值和默认说法")


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a phrase (``{{`` and ``}}`` are literal braces)."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise PydanticCustomError("wording.braces",
                                  "说法中的花括号不成对；引用数值写成 {名称}，要写花括号本身请连写两个：{{ 或 }}", {}) from None


def default_wording_text() -> str:
    return resources.files("wenshu.documents").joinpath(DEFAULT_WORDING_RESOURCE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def default_specs() -> dict[str, PhraseSpec]:
    """The shipped phrases, validated (a broken default is a bug, reported as such)."""
    from wenshu.loading import load_yaml_text

    loaded = load_yaml_text(default_wording_text(), display=f"wenshu/documents/{DEFAULT_WORDING_RESOURCE}")
    return dict(DefaultWordingFile.model_validate(loaded.data).phrases)


class _PhrasesBase(WenshuModel):
    @field_validator("*", mode="after")
    @classmethod
    def _values_known(cls, text, info):
        if text is None:
            return text
        key = info.field_name.replace("__", ".")
        spec = default_specs()[key]
        unknown = placeholders(text) - set(spec.values)
        if unknown:
            allowed = "、".join(f"{{{n}}}（{t}）" for n, t in spec.values.items()) or "无（这句话不引用数值）"
            raise PydanticCustomError(
                "wording.value", "说法中的 {v} 不是这句话可用的值；可用的值：{a}",
                {"v": "、".join("{" + n + "}" for n in sorted(unknown)), "a": allowed})
        return text


@lru_cache(maxsize=1)
def phrases_model() -> type[WenshuModel]:
    fields: dict[str, Any] = {}
    for key, spec in default_specs().items():
        allowed = "、".join(f"{{{n}}} {t}" for n, t in spec.values.items()) or "无"
        fields[key.replace(".", "__")] = (str | None, Field(
            default=None, alias=key, title=spec.title,
            description=f"默认：{spec.text}　可用的值：{allowed}", min_length=1))
    return create_model("WordingPhrases", __base__=_PhrasesBase, **fields)


class WordingFile(WenshuModel):
    """措辞 (``wording.yaml``): only the phrases the district rewords."""

    __cn_doc__ = "本区改写的说法：只写要改的键，值为新的说法，用 {占位符} 引用数值"

    kind: Literal["wording"] = Field(title="文件类型", description="固定为 wording")
    phrases: phrases_model() = Field(  # type: ignore[valid-type]
        default_factory=lambda: phrases_model()(), title="说法",
        description="键 → 新的说法；全部键、含义和可用的占位符见 docs/措辞.md",
    )

    def overrides(self) -> dict[str, str]:
        return {k.replace("__", "."): v for k, v in self.phrases if v is not None}
