"""Company names made comparable: legal forms, case, punctuation, accents and mojibake."""

from __future__ import annotations

import re

from ..ingest.normalize import name_key

#: Legal-form words (Finnish, Swedish, French, German, English...), dropped before comparing.
LEGAL_FORMS = frozenset({
    "oy", "oyj", "ab", "abp", "ky", "tmi", "ay", "osk", "ry", "rf", "sr", "kommandiittiyhtio",
    "osakeyhtio", "sas", "sasu", "sarl", "eurl", "sa", "sca", "snc", "sci", "scop", "gie",
    "gmbh", "ag", "kg", "ohg", "ug", "ltd", "limited", "plc", "llp", "inc", "corp", "co", "bv",
    "nv", "as", "asa", "aps", "spa", "srl", "sl", "sro", "oü", "ou", "uab", "sia", "se",
})  # fmt: skip


def comparable(name: str) -> str:
    """``"DESTIA OY ETELÄ-SUOMI"`` -> ``"destia etela suomi"``: the name without its legal form."""
    words = [w for w in name_key(name).split() if w not in LEGAL_FORMS]
    return re.sub(r"\s+", " ", " ".join(words)).strip()
