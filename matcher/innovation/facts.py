"""What innovation potential rests on, per supplier, read from the store as of a date.

``as_of`` makes the same scores computable in the past (for the separation study): nothing dated
on or after it is read. Undated facts are kept, since they cannot be placed in time either way
(awards without a date are rare outside DECP; funding always has a year).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..index.flags import can_declare, innovation_flag
from ..store.models import Award, Identifier, Organisation, Procurement, Purchase, Signal


@dataclass
class FundingEvent:
    """One R&D&I funding decision: kind (``bf_grant``...), year and amount in euro."""

    kind: str
    year: int
    amount: float


@dataclass
class FlaggedAward:
    """An award on a procurement flagged innovative."""

    procurement_id: int
    title: str
    flag_kind: str
    reason: str


@dataclass
class SupplierFacts:
    """The facts one supplier's innovation potential is computed from."""

    id: int
    country: str | None = None
    #: True if the firm has a Finnish business id (Business Finland data covers only those).
    finnish: bool = False
    registration_date: date | None = None
    #: Texts the firm is known by: profile, industry codes, titles of contracts it won.
    texts: list[str] = field(default_factory=list)
    funding: list[FundingEvent] = field(default_factory=list)
    #: Years of dated activity: awards, purchases paid to it, funding.
    activity_years: list[int] = field(default_factory=list)
    flagged_awards: list[FlaggedAward] = field(default_factory=list)
    n_awards: int = 0
    #: Awards from sources where a buyer can declare innovation (eForms).
    n_declarable: int = 0
    has_capability: bool = False


_FEW = 500


def _before(d: date | None, as_of: date | None) -> bool:
    return as_of is None or d is None or d < as_of


def load_facts(session: Session, ids: set[int] | None = None, as_of: date | None = None,
               max_titles: int = 30) -> dict[int, SupplierFacts]:  # fmt: skip
    """Facts of every organisation (or of ``ids``) known before ``as_of``.

    Args:
        session: An open session.
        ids: Organisations wanted; None for all that are not merged into another.
        as_of: Leave out everything dated on or after this day.
        max_titles: Contract titles kept per supplier as its texts.
    """
    facts: dict[int, SupplierFacts] = {}
    # A few ids (one supplier's page) are filtered in SQL; many (a whole build) in Python, which
    # is faster than a long IN list and within every database's parameter limit.
    few = ids is not None and len(ids) <= _FEW
    orgs = select(Organisation).where(Organisation.merged_into_id.is_(None))
    for o in session.scalars(orgs.where(Organisation.id.in_(ids)) if few and ids else orgs):
        if ids is not None and o.id not in ids:
            continue
        if o.registration_date and as_of and o.registration_date >= as_of:
            continue  # the firm did not exist yet
        facts[o.id] = SupplierFacts(
            o.id, o.country, registration_date=o.registration_date,
            texts=[t for t in (o.profile, " ".join(o.industry_codes or [])) if t],
            has_capability=bool(o.profile or o.industry_codes),
        )  # fmt: skip
    wanted = list(facts)
    idents = select(Identifier.organisation_id, Identifier.scheme)
    for oid, scheme in session.execute(
        idents.where(Identifier.organisation_id.in_(wanted)) if few else idents
    ):
        if oid in facts and scheme == "FI-YTUNNUS":
            facts[oid].finnish = True
    signals = select(Signal.organisation_id, Signal.kind, Signal.year, Signal.value)
    for oid, kind, year, value in session.execute(
        signals.where(Signal.organisation_id.in_(wanted)) if few else signals
    ):
        f = facts.get(oid)
        if f is None or year is None or (as_of and year >= as_of.year):
            continue
        f.funding.append(FundingEvent(kind, int(year), float(value or 0.0)))
        f.activity_years.append(int(year))
    titles: dict[int, list[str]] = defaultdict(list)
    awards = (
        select(Award.supplier_id, Award.date, Procurement.id, Procurement.title, Procurement.date,
               Procurement.source, Procurement.innovation, Procurement.procedure,
               Procurement.cpv_main).join(Procurement, Award.procurement_id == Procurement.id)
    )  # fmt: skip
    rows = session.execute(awards.where(Award.supplier_id.in_(wanted)) if few else awards)
    for sid, adate, pid, title, pdate, source, innovation, procedure, cpv in rows:
        f = facts.get(sid)
        when = adate or pdate
        if f is None or not _before(when, as_of):
            continue
        f.n_awards += 1
        f.n_declarable += can_declare(source)
        if when:
            f.activity_years.append(when.year)
        if len(titles[sid]) < max_titles:
            titles[sid].append(title)
        flag = innovation_flag(innovation, procedure, [cpv] if cpv else [])
        if flag:
            f.flagged_awards.append(FlaggedAward(pid, title, flag.kind, flag.reason))
    purchases = select(Purchase.supplier_id, Purchase.date)
    for sid, pdate in session.execute(
        purchases.where(Purchase.supplier_id.in_(wanted)) if few else purchases
    ):
        f = facts.get(sid)
        if f is not None and pdate and _before(pdate, as_of):
            f.activity_years.append(pdate.year)
    for sid, ts in titles.items():
        facts[sid].texts.extend(ts)
    return facts
