"""Full-width digits and letters (０-９, Ａ-Ｚ, ａ-ｚ), read the same way everywhere.

A Chinese input method types ２０２４-05-06 or ８００ as easily as 2024-05-06 or 800. Python would
read ８００ as a number but not ２０２４-05-06 as a date; wenshu instead reads every full-width
digit and letter the same way everywhere: as its half-width form, with a warning naming the place.
Where a field takes free text, only a value that is then a code, number or date is converted
(“（一）” and Chinese punctuation in sentences are left alone).
"""

from __future__ import annotations

import re

WIDE_ALNUM_BYTES = re.compile(rb"\xef\xbc[\x90-\x99\xa1-\xba]|\xef\xbd[\x81-\x9a]")
_WIDE_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_NARROW_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_CODE_LIKE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/:+-]*")


def has_wide_alnum(text: str) -> bool:
    return bool(_WIDE_ALNUM.search(text))


def narrow(text: str) -> str:
    """Full-width ASCII variants (０-９, Ａ-Ｚ, －, ．, ……) and the ideographic space as half-width."""
    return text.translate(_NARROW_TABLE)


def narrow_value(text: str, takes_text: bool = False) -> str:
    """``text`` with full-width digits and letters read as half-width, by the rule above."""
    if not has_wide_alnum(text):
        return text
    new = narrow(text).strip()
    if takes_text and not _CODE_LIKE.fullmatch(new):
        return text
    return new
