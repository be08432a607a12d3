"""The two sides of ``innomatch resolve`` read from the store: organisations known only by name,
and organisations with a register identifier, each with the fields linkage compares."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import Award, Identifier, Organisation, Procurement, Purchase, Signal
from .entities import Entity, cpv_divisions
from .sources import STRONG_SCHEMES


def store_entities(session: Session) -> tuple[list[Entity], list[Entity]]:
    """(name-only organisations, identified organisations), live ones only (not merged away)."""
    schemes: dict[int, set[str]] = defaultdict(set)
    for oid, scheme in session.execute(select(Identifier.organisation_id, Identifier.scheme)):
        schemes[oid].add(scheme)
    entities: dict[int, Entity] = {}
    strong: set[int] = set()
    rows = session.execute(
        select(Organisation.id, Organisation.name, Organisation.names, Organisation.country,
               Organisation.region, Organisation.industry_codes, Organisation.size_class)
        .where(Organisation.merged_into_id.is_(None))
    )  # fmt: skip
    for oid, name, names, country, region, codes, size in rows:
        all_names = [n for n in [name, *(x.get("name") for x in names or [])] if n]
        if not all_names:
            continue
        # A name-only organisation's country is in its scheme ("NAME-FI").
        country = country or next((s[5:] for s in schemes[oid] if s.startswith("NAME-")), None)
        entities[oid] = Entity(oid, list(dict.fromkeys(all_names)), country,
                               {region} if region else set(), set(codes or []), size=size)  # fmt: skip
        if schemes[oid] & set(STRONG_SCHEMES):
            strong.add(oid)
    _activity(session, entities)
    weak = [e for k, e in entities.items() if k not in strong]
    return weak, [e for k, e in entities.items() if k in strong]


def _activity(session: Session, entities: dict[int, Entity]) -> None:
    """Add each organisation's buyers, years and contract regions."""
    won = select(Award.supplier_id, Procurement.buyer_id, Procurement.date, Procurement.region,
                 Award.date, Procurement.cpv_main, Procurement.cpv_additional
                 ).join(Procurement, Award.procurement_id == Procurement.id)  # fmt: skip
    for sid, bid, pdate, region, adate, cpv, more in session.execute(won):
        e = entities.get(sid)
        if e is None:
            continue
        if bid is not None:
            e.buyers.add(str(bid))
        when = adate or pdate
        if when is not None:
            e.years.add(when.year)
        if region:
            e.regions.add(region)
        e.cpv |= cpv_divisions([cpv, *(more or [])])
    for sid, bid, when in session.execute(
        select(Purchase.supplier_id, Purchase.buyer_id, Purchase.date)
    ):
        e = entities.get(sid)
        if e is not None:
            e.buyers.add(str(bid))
            if when:
                e.years.add(when.year)
    for oid, year in session.execute(select(Signal.organisation_id, Signal.year)):
        e = entities.get(oid)
        if e is not None and year:
            e.years.add(year)


__all__ = ["store_entities"]
