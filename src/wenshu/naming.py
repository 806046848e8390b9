"""Safe, bounded, unique file names from Chinese titles.

No path separators, no "..", nothing Windows forbids (``<>:"/\\|?*``, control characters, trailing dots
or spaces, reserved device names), and at most ``MAX_NAME_BYTES`` UTF-8 bytes so the name fits every
common file system (255 bytes) with room for a suffix.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_BYTES = 150
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_filename(title: str, *, fallback: str = "文档", max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file-name stem (no extension) for ``title``."""
    text = unicodedata.normalize("NFC", title or "")
    # Drop format characters (RTL marks, zero-width) and unpaired surrogates that some systems reject.
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cs", "Cc"))
    text = _FORBIDDEN.sub("_", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = text.strip(" .")
    if not text:
        text = fallback
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    encoded = text.encode("utf-8")
    if len(encoded) > max_bytes:
        text = encoded[:max_bytes].decode("utf-8", errors="ignore").rstrip(" .")
    return text or fallback


class UniqueNames:
    """Hands out unique names within one folder: a second "X" becomes "X（2）"."""

    def __init__(self, used=None, prefix: str = "") -> None:
        # ``used``: any set-like store (a batch shares one on disk across folders, see ``prefix``).
        self._used = set() if used is None else used
        self._prefix = prefix

    def take(self, stem: str, suffix: str = "") -> str:
        candidate = stem + suffix
        n = 1
        while self._prefix + candidate.casefold() in self._used:
            n += 1
            tail = f"（{n}）"
            base = stem.encode("utf-8")[: MAX_NAME_BYTES - len(tail.encode("utf-8"))].decode("utf-8", "ignore")
            candidate = base + tail + suffix
        self._used.add(self._prefix + candidate.casefold())
        return candidate
