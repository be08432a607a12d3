"""The organisation's innovative share by count and value, year by year, against the 10% target
and next to the national figure counted the same way (the flags of ``index.flags``: the buyer's
declaration or the route) from the same data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ..index.flags import innovation_flag
from ..store.models import Procurement
from .schemas import ShareYear

__all__ = ["YearCount", "count_by_year", "national_by_year", "organisation_shares"]

_NATIONAL: dict[tuple[str, int, int], dict[str, YearCount]] = {}


@dataclass
class YearCount:
    """Procurements of one year, and those flagged innovative, by count and value."""

    n: int = 0
    n_flagged: int = 0
    value: float = 0.0
    value_flagged: float = 0.0


def _query() -> Select[Any]:
    # Only the columns the flag reads: loading whole rows (their raw JSON) took seconds.
    return select(Procurement.date, Procurement.value, Procurement.innovation,
                  Procurement.procedure, Procurement.cpv_main, Procurement.cpv_additional)  # fmt: skip


def count_by_year(session: Session, stmt: Select[Any]) -> dict[str, YearCount]:
    """Year ("undated" apart) -> counts over the procurements ``stmt`` selects."""
    out: dict[str, YearCount] = defaultdict(YearCount)
    for d, value, innovation, procedure, main, extra in session.execute(stmt):
        cpv = [c for c in [main, *(extra or [])] if c]
        flagged = innovation_flag(innovation, procedure, cpv) is not None
        v = float(value) if value and value > 0 else 0.0
        row = out[str(d.year) if d else "undated"]
        row.n += 1
        row.n_flagged += flagged
        row.value += v
        row.value_flagged += v if flagged else 0.0
    return dict(out)


def national_by_year(session: Session) -> dict[str, YearCount]:
    """Counts over every procurement in the store (cached per store state)."""
    n, last = session.execute(select(func.count(), func.max(Procurement.id))).one()
    key = (str(session.get_bind().engine.url), int(n or 0), int(last or 0))
    if key not in _NATIONAL:
        _NATIONAL.clear()
        _NATIONAL[key] = count_by_year(session, _query())
    return _NATIONAL[key]


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


def organisation_shares(session: Session, ids: list[int]) -> list[ShareYear]:
    """Per year: the organisation's share flagged innovative, and the national one."""
    own = count_by_year(session, _query().where(Procurement.buyer_id.in_(ids)))
    national = national_by_year(session)
    out = []
    for year in sorted(own):
        c, nat = own[year], national.get(year, YearCount())
        out.append(ShareYear(
            year=year, n=c.n, n_flagged=c.n_flagged, share=_ratio(c.n_flagged, c.n),
            value=round(c.value, 2), value_flagged=round(c.value_flagged, 2),
            value_share=_ratio(c.value_flagged, c.value), national_n=nat.n,
            national_share=_ratio(nat.n_flagged, nat.n),
            national_value_share=_ratio(nat.value_flagged, nat.value)))  # fmt: skip
    return out
