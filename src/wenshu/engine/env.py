"""The Jinja environment every template renders in.

Templates come from another office, so the environment is an immutable sandbox (no attribute walks to
Python internals, no mutating data), autoescaping (``& < > " '`` in data come out literally as valid
XML), and strict about undefined names (a misspelt field fails instead of printing nothing).
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from wenshu.official.fmt import FILTERS


@lru_cache(maxsize=1)
def make_env() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=StrictUndefined,
        # docxtpl's paragraph tags leave the tag where the paragraph was; keep the XML compact.
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=0,
    )
    env.filters.update(FILTERS)
    return env
