"""Normalised codes, text and name keys: the lowest layer, read by every reader and vocabulary.

Each function returns ``None`` (or an empty string) where a value cannot be understood rather than
guessing.
"""

from __future__ import annotations

import contextlib
import html
import re
import unicodedata

__all__ = ["clean_text", "cpv_code", "name_key"]

_CPV_RE = re.compile(r"^\s*(\d{8})(?:\s*-\s*(\d))?\s*$")
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")
# Double-encoded UTF-8 read as Latin-1 ("SociÃ©tÃ©"): the tell-tale lead bytes.
_MOJIBAKE_RE = re.compile("[ÃÂâ][\u0080-\u00bf]")

def cpv_code(raw: object) -> str | None:
    """Return the 8-digit CPV code without check digit, or ``None`` if ``raw`` is not one.

    Accepts ``"50700000-2"``, ``"50700000"`` and integers that lost a leading zero
    (``3000000`` -> ``"03000000"``).
    """
    if raw is None:
        return None
    text = str(raw).strip()
    if text.isdigit() and 6 <= len(text) < 8:
        text = text.zfill(8)
    m = _CPV_RE.match(text)
    return m.group(1) if m else None

def clean_text(raw: object) -> str:
    """Repair double-encoded UTF-8, unescape HTML, drop tags and fold white space.

    Replacement characters (U+FFFD) already in the source cannot be repaired and are kept.
    """
    if raw is None:
        return ""
    text = str(raw)
    if _MOJIBAKE_RE.search(text):
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            text = text.encode("latin-1").decode("utf-8")
    text = html.unescape(_TAG_RE.sub(" ", text))
    text = unicodedata.normalize("NFC", text)
    return _SPACE_RE.sub(" ", text).strip()

def name_key(name: str) -> str:
    """A case- and accent-insensitive key for a name, used where a source has no identifier."""
    text = unicodedata.normalize("NFKD", clean_text(name).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACE_RE.sub(" ", re.sub(r"[^\w]+", " ", text)).strip()
