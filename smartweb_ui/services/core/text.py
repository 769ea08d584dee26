"""Text helpers shared by every area: LIKE patterns, clean single-line and multi-line text."""

from __future__ import annotations

import re
import unicodedata

from .errors import Invalid

# C0/C1 control characters except tab, newline and carriage return (kept in multi-line text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")


def escape_like(text: str) -> str:
    """``text`` as a literal inside a LIKE/ILIKE pattern (backslash is the escape)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(text: str) -> str:
    """An ILIKE pattern matching ``text`` anywhere."""
    return f"%{escape_like(text)}%"


def has_control_chars(text: str, *, multiline: bool = False) -> bool:
    if _CONTROL.search(text):
        return True
    return not multiline and bool(_LINE_BREAKS.search(text))


def clean_text(
    value: object, what: str, *, max_length: int, required: bool = False, multiline: bool = False
) -> str:
    """Trimmed, NFC-normalised text; refuses (never cuts) what is too long or has control chars."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value)).strip()
    if has_control_chars(text, multiline=multiline):
        raise Invalid(f"{what} contains characters that can't be stored.")
    if required and not text:
        raise Invalid(f"{what} is required.")
    if len(text) > max_length:
        raise Invalid(f"{what} is too long ({max_length:,} characters at most).")
    return text
