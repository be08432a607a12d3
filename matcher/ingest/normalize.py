"""Safe normalisation of the messy values real sources publish.

Each function returns ``None`` where a value cannot be understood rather than guessing; callers
keep the raw value alongside.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

# Defined below the readers (vocabularies use them too); re-exported for the readers.
from ..vocab.normalize import clean_text as clean_text
from ..vocab.normalize import cpv_code as cpv_code
from ..vocab.normalize import name_key as name_key

_ISO_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_FI_DATE_RE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})")


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
    if not math.isfinite(value) or value <= 0:  # NaN, infinite or non-positive
        return None
    return value


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
