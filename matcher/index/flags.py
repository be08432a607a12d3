"""Whether a procurement counts as innovative, and on whose word.

Two kinds of flag, never mixed up: the buyer's own answer (eForms BT-776 "innovative
acquisition", Hilma's innovation questions) and the procurement route (an innovation
partnership, or research and development services, CPV division 73, the object of
pre-commercial procurement). The buyer's flag is the official measure of the national 10% target;
the route is a proxy that catches innovation procurement in data that has no such field (DECP).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: eForms procedure code and national wordings of the innovation partnership procedure.
_INNOVATION_PROCEDURES = ("innovation", "partenariat d'innovation", "innovaatiokumppanuus",
                          "innovationspartnerskap", "innovation partnership")  # fmt: skip
#: CPV division of research and development services.
_RD_DIVISION = "73"


@dataclass(frozen=True)
class Flag:
    """An innovation flag: ``buyer`` (declared) or ``route`` (inferred), and why."""

    kind: str
    reason: str


def innovation_flag(innovation: dict[str, Any] | None, procedure: str | None,
                    cpv: list[str]) -> Flag | None:  # fmt: skip
    """The innovation flag of a procurement, the buyer's declaration first.

    Args:
        innovation: The stored ``innovation`` field (``BT-776`` codes, ``hilma:*`` answers).
        procedure: The procedure as the source words it.
        cpv: CPV codes, main first.

    Returns:
        The flag, or None when nothing marks the procurement as innovative.
    """
    innovation = innovation or {}
    codes = innovation.get("BT-776") or []
    if codes:
        return Flag("buyer", f"eForms BT-776 innovative acquisition: {', '.join(codes)}")
    answers = [k.removeprefix("hilma:") for k, v in innovation.items()
               if k.startswith("hilma:") and v in (True, 1, "true", "yes")]  # fmt: skip
    if answers:
        return Flag("buyer", f"Hilma innovation questions answered yes: {', '.join(answers)}")
    proc = (procedure or "").casefold()
    if any(p == proc or (len(p) > 12 and p in proc) for p in _INNOVATION_PROCEDURES):
        return Flag("route", f"innovation partnership procedure ({procedure})")
    if cpv and cpv[0].startswith(_RD_DIVISION):
        return Flag("route", f"research and development services (CPV {cpv[0]})")
    return None


def can_declare(source: str) -> bool:
    """True if records of this source can carry the buyer's own innovation declaration."""
    return source == "eforms"
