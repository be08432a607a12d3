"""Safe normalisation of the messy values real sources publish.

Each function returns ``None`` where a value cannot be understood rather than guessing; callers
keep the raw value alongside.
"""

from __future__ import annotations

import contextlib
import html
import re
import unicodedata
from datetime import date, datetime

_CPV_RE = re.compile(r"^\s*(\d{8})(?:\s*-\s*(\d))?\s*$")
_ISO_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_FI_DATE_RE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})")
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


def parse_date(raw: object) -> date | None:
    """Parse ISO dates with or without time or offset, and Finnish ``d.m.yyyy``; else ``None``."""
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw)
    m = _ISO_DATE_RE.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _FI_DATE_RE.match(text)
        if not m:
            return None
        d, mo, y = (int(g) for g in m.groups())
    try:
        parsed = date(y, mo, d)
    except ValueError:
        return None
    # Years far outside the procurement era are typos ("2108"), not dates.
    return parsed if 1990 <= parsed.year <= 2100 else None


def parse_amount(raw: object) -> float | None:
    """Parse an amount; zero, negative or unparseable amounts mean "unknown" and give ``None``.

    Handles ``1 234,50``, ``1234.5`` and numbers with non-breaking spaces.
    """
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = re.sub(r"[\s\u00a0\u202f€]", "", str(raw))
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return None
    if value != value or value <= 0:  # NaN or non-positive
        return None
    return value


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


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def siren_from_siret(raw: object) -> str | None:
    """Return the 9-digit SIREN of a SIRET (or of a SIREN), or ``None`` if it is not a valid one.

    A SIREN carries a Luhn check digit; placeholders (``00000000000000``) and typos fail it and
    must not become one "company" that wins everything.
    """
    if raw is None:
        return None
    digits = re.sub(r"\s", "", str(raw))
    if not (digits.isdigit() and len(digits) in (9, 14)):
        return None
    siren = digits[:9]
    return siren if siren != "000000000" and _luhn_ok(siren) else None


def name_key(name: str) -> str:
    """A case- and accent-insensitive key for a name, used where a source has no identifier."""
    text = unicodedata.normalize("NFKD", clean_text(name).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACE_RE.sub(" ", re.sub(r"[^\w]+", " ", text)).strip()


# "1234567-8", with stray separators after it as in invoice exports ("1139856-0 /"), or the VAT
# form "FI12345678". Eight bare digits are not accepted: they may be another country's number.
_YTUNNUS_RE = re.compile(r"^\s*(?:(\d{6,7})-(\d)|FI\s?(\d{7})(\d))\s*(?:/[\s\d]*)?$", re.IGNORECASE)
# A Finnish personal identity code (henkilötunnus): a person, never stored.
_HETU_RE = re.compile(r"^\s*\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\s*$")
_YTUNNUS_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def is_personal_id(raw: object) -> bool:
    """True if ``raw`` looks like a Finnish personal identity code (a sole trader is a person)."""
    return raw is not None and bool(_HETU_RE.match(str(raw)))


def ytunnus(raw: object) -> str | None:
    """Return the Finnish business id as ``NNNNNNN-C`` if its check digit holds, else ``None``.

    Accepts ``0202881-6``, ``FI02028816`` and the old 6-digit form; never invents a check digit.
    """
    if raw is None:
        return None
    m = _YTUNNUS_RE.match(str(raw))
    if not m:
        return None
    body, check = (m.group(1) or m.group(3)).zfill(7), int(m.group(2) or m.group(4))
    remainder = sum(int(d) * w for d, w in zip(body, _YTUNNUS_WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return None
    expected = 0 if remainder == 0 else 11 - remainder
    return f"{body}-{check}" if expected == check else None
