"""Widths in 字 and twips: how much room a text takes in 3号/4号 type, and the indents computed from it.

A 字 is one full-width character; half-width characters (digits, Latin letters) take ½ 字. Every
number comes from ``official/gbt9704.py``.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from wenshu.official import gbt9704 as gb
from wenshu.official.gbt9704 import FontSize


def zi(size: FontSize, n: int | Decimal = 1) -> int:
    """n 字 at ``size`` in twips (one 字 = one full-width character)."""
    return int(Decimal(size.twips) * Decimal(n))


def attachment_note_hanging(prefix: str) -> int:
    """Width in twips of the 附件说明 text before the attachment's name ("附件：", "附件：1.", "　　　2.").

    Each character advances its width (full-width 1 字, half-width ½ 字 of 3号) plus the 3号 character
    spacing (−5 twips), so the continuation lines start exactly under the name's first character.
    """
    w = 0
    for ch in prefix:
        full = unicodedata.east_asian_width(ch) in ("F", "W", "A")
        w += (gb.SANHAO.twips if full else gb.SANHAO.twips // 2) + gb.CHAR_SPACING_3HAO.value
    return w


def mark_line_twips(size_pt: Decimal) -> int:
    # One em exactly: the spacer above computes the mark's glyph top from the line top, and a line
    # as tall as the font keeps that offset independent of how Word/LibreOffice share out extra
    # leading. The mark is a single line, so nothing below it can be clipped.
    return gb.pt_to_twips(size_pt)


def text_width_zi(text: str) -> Decimal:
    """Width of ``text`` in 字: full-width characters count 1, half-width (digits, Latin) ½."""
    w = Decimal(0)
    for ch in text:
        w += 1 if unicodedata.east_asian_width(ch) in ("F", "W", "A") else Decimal("0.5")
    return w


def signature_right_indent(signature: str, date_text: str, size: FontSize = gb.SANHAO) -> int:
    """Right indent (twips) that centres a sealed document's 署名 over its 成文日期 (7.3.5.1).

    The date sits 4 字 from the right; the signature's centre must match the date's centre:
    indent = 4 字 + (date width − signature width) / 2. Never below 0.
    """
    four = Decimal(gb.SEALED_DATE_RIGHT_INDENT.value)
    indent = four + (text_width_zi(date_text) - text_width_zi(signature)) / 2
    return max(0, int(indent * size.twips))
