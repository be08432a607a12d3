"""Find, for organisations known only by name, the identified organisation they most likely are.

Candidates must share the first significant word and (where both are known) the country. A
name that contains every word of the identified company's name is that company or a unit of it
("Destia Oy Etelä-Suomi" is "Destia Oy"); the reverse is not ("VTT" is not "VTT Memsfab Oy", a
subsidiary). Otherwise the score is rapidfuzz's similarity ratio of the comparable names, which
catches spelling variants ("Oy Vestek Ab" / "Vestek Oy Ab").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import Identifier, Organisation
from .names import comparable

#: Schemes that identify an organisation on their own (a register number, not a name).
STRONG_SCHEMES = ("FI-YTUNNUS", "FR-SIREN", "EU-VAT")


@dataclass(frozen=True)
class Proposal:
    """A proposed merge: ``merged`` (name only) is ``kept`` (identified), with a confidence."""

    kept_id: int
    merged_id: int
    kept_name: str
    merged_name: str
    confidence: float


def propose(session: Session, threshold: float = 0.92) -> list[Proposal]:
    """Merge proposals for every live name-only organisation, best candidate each."""
    schemes = defaultdict(set)
    for oid, scheme in session.execute(select(Identifier.organisation_id, Identifier.scheme)):
        schemes[oid].add(scheme)
    live = session.scalars(select(Organisation).where(Organisation.merged_into_id.is_(None))).all()
    strong = [o for o in live if schemes[o.id] & set(STRONG_SCHEMES) and o.name]
    weak = [o for o in live if o.name and not schemes[o.id] & set(STRONG_SCHEMES)]
    by_first: dict[str, list[Organisation]] = defaultdict(list)
    for o in strong:
        key = comparable(o.name or "")
        if key:
            by_first[key.split()[0]].append(o)
    proposals = []
    for o in weak:
        key = comparable(o.name or "")
        if not key:
            continue
        pool = [c for c in by_first.get(key.split()[0], [])
                if not (o.country and c.country and o.country != c.country)]  # fmt: skip
        if not pool:
            continue
        score, kept = max(((_score(key, comparable(c.name or "")), c) for c in pool),
                          key=lambda sc: sc[0])  # fmt: skip
        if score >= threshold:
            proposals.append(
                Proposal(kept.id, o.id, kept.name or "", o.name or "", round(score, 3))
            )
    return proposals


def _score(weak: str, strong: str) -> float:
    """How surely the name-only ``weak`` is the identified ``strong`` (0..1)."""
    if set(strong.split()) <= set(weak.split()):
        return 1.0
    return fuzz.ratio(weak, strong) / 100
