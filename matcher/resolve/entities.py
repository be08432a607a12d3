"""What linkage compares: an organisation as its names and the fields that tell companies apart.

The same shape serves the store (organisations) and the measurement (source records with their
identifier hidden), so the linkage measured is the linkage that merges.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .names import Name, parse


@dataclass
class Entity:
    """One side of a comparison.

    Attributes:
        key: The organisation's id in the store, or the record's key in the measurement.
        names: Every name it is known by (a register keeps earlier names).
        country: ISO 3166 alpha-2 code, when known.
        regions: Where it is (a register's region) and where its contracts were (NUTS,
            ``FR-D75``...): a local firm wins local contracts.
        industry: Industry codes (NACE/TOL), compared on their first two digits.
        buyers: Keys of the buyers it sold to (awards and invoices).
        years: Years it was active in the sources (awards, invoices, funding).
        size: The register's size class (Sirene: ``PME``, ``ETI``, ``GE``), when it has one: a
            large group's name is shared by its subsidiaries, each its own SIREN.
        cpv: CPV divisions (two digits) of the contracts it won: what it sells, which tells
            the plumber "GIRAUD SARL" from the road builder "GIRAUD SAS".
    """

    key: int | str
    names: list[str]
    country: str | None = None
    regions: set[str] = field(default_factory=set)
    industry: set[str] = field(default_factory=set)
    buyers: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    cpv: set[str] = field(default_factory=set)
    size: str | None = None
    _parsed: list[Name] | None = field(default=None, repr=False, compare=False)

    @property
    def parsed(self) -> list[Name]:
        """The distinct readings of its names (see :func:`.names.parse`) with a non-empty key."""
        if self._parsed is None:
            seen: dict[tuple[str, bool, bool], Name] = {}
            for n in self.names:
                for p in parse(n):
                    if p.key:
                        seen.setdefault((p.key, p.unit, p.qualifier), p)
            self._parsed = list(seen.values())
        return self._parsed

    @property
    def whole(self) -> list[Name]:
        """Only the whole-name readings: a register's names are official, none is a unit."""
        return [n for n in self.parsed if not (n.unit or n.qualifier)]

    def absorb(self, other: Entity) -> None:
        """Add what ``other`` (another record of the same organisation) says."""
        self.names.extend(n for n in other.names if n not in self.names)
        self.country = self.country or other.country
        self.regions |= other.regions
        self.industry |= other.industry
        self.buyers |= other.buyers
        self.years |= other.years
        self.cpv |= other.cpv
        self.size = self.size or other.size
        self._parsed = None


def divisions(codes: set[str]) -> set[str]:
    """NACE/TOL codes cut to their division (two digits): ``"NAF:43.12B"`` -> ``"43"``."""
    cut = (c.rsplit(":", 1)[-1].replace(".", "")[:2] for c in codes if c)
    return {c for c in cut if len(c) == 2 and c.isdigit()}


def cpv_divisions(codes: list[str | None]) -> set[str]:
    """CPV codes cut to their division: ``["45233140", None]`` -> ``{"45"}``."""
    return {c[:2] for c in codes if c and len(c) >= 2 and c[:2].isdigit()}


__all__ = ["Entity", "cpv_divisions", "divisions"]
