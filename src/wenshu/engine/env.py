"""The Jinja environment every template renders in.

Templates come from another office, so the environment is an immutable sandbox (no attribute walks to
Python internals, no mutating data), autoescaping (``& < > " '`` in data come out literally as valid
XML), and strict about undefined names (a misspelt field fails instead of printing nothing).
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from wenshu.official.fmt import FILTERS


class WenshuEnvironment(ImmutableSandboxedEnvironment):
    """Contexts are plain dicts; ``r.items`` must mean the field "items", not ``dict.items``.

    Jinja looks up ``a.b`` as an attribute first, so a context field named like a dict method
    (items, keys, values, get, copy ...) would print a bound method. Data keys win here.
    """

    def getattr(self, obj, attribute):  # noqa: A003 - Jinja's own name
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


# A line break inside a value ("区人民政府办公室\n关于印发……") becomes a Word line break in place,
# instead of docxtpl's resolve_listing() regex pass over the whole rendered document (half of the
# render time in a profile of the project report).
_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'


def _finalize(value):
    if value is None:
        return ""
    if isinstance(value, str) and "\n" in value and not isinstance(value, Markup):
        return Markup(str(escape(value)).replace("\n", _BREAK))
    return value


@lru_cache(maxsize=1)
def make_env() -> ImmutableSandboxedEnvironment:
    env = WenshuEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
        # docxtpl's paragraph tags leave the tag where the paragraph was; keep the XML compact.
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=0,
        finalize=_finalize,
    )
    env.filters.update(FILTERS)
    return env
