"""What innovation potential rests on, per supplier, read from the store as of a date.

``as_of`` makes the same scores computable in the past (for the separation study): nothing dated
on or after it is read. Undated facts are kept, since they cannot be placed in time either way
(awards without a date are rare outside DECP; funding always has a year).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from ..index.flags import Flag, can_declare, innovation_flag
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
    # A few ids (one supplier's page) are filtered in SQL; many (a whole build) in Python, which
    # is faster than a long IN list and within every database's parameter limit. Columns, not
    # ORM objects: a national build reads every organisation and every award here.
    few = ids is not None and len(ids) <= _FEW
    facts = _organisations(session, ids, as_of, few)
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
    _add_awards(session, facts, wanted if few else None, as_of, max_titles)
    purchases = select(Purchase.supplier_id, Purchase.date)
    for sid, pdate in session.execute(
        purchases.where(Purchase.supplier_id.in_(wanted)) if few else purchases
    ):
        f = facts.get(sid)
        if f is not None and pdate and _before(pdate, as_of):
            f.activity_years.append(pdate.year)
    return facts


def _organisations(session: Session, ids: set[int] | None, as_of: date | None,
                   few: bool) -> dict[int, SupplierFacts]:  # fmt: skip
    """Each wanted organisation's own facts (not merged into another, existing before ``as_of``)."""
    orgs = select(Organisation.id, Organisation.country, Organisation.registration_date,
                  Organisation.profile, Organisation.industry_codes).where(
        Organisation.merged_into_id.is_(None))  # fmt: skip
    facts: dict[int, SupplierFacts] = {}
    for oid, country, registered, profile, industry in session.execute(
        orgs.where(Organisation.id.in_(ids)) if few and ids else orgs
    ):
        if ids is not None and oid not in ids:
            continue
        if registered and as_of and registered >= as_of:
            continue  # the firm did not exist yet
        facts[oid] = SupplierFacts(
            oid, country, registration_date=registered,
            texts=[t for t in (profile, " ".join(industry or [])) if t],
            has_capability=bool(profile or industry),
        )  # fmt: skip
    return facts


def _add_awards(session: Session, facts: dict[int, SupplierFacts], wanted: list[int] | None,
                as_of: date | None, max_titles: int) -> None:  # fmt: skip
    """Each supplier's awards before ``as_of``: counts, activity years, titles and flags."""
    # The innovation field is read as its JSON text and each distinct (text, procedure, main
    # CPV) flagged once: at a million awards, decoding and flagging every row took a fifth of
    # the whole read, and almost every row repeats one of a few thousand combinations.
    awards = (
        select(Award.supplier_id, Award.date, Procurement.id, Procurement.title, Procurement.date,
               Procurement.source, cast(Procurement.innovation, Text), Procurement.procedure,
               Procurement.cpv_main).join(Procurement, Award.procurement_id == Procurement.id)
    )  # fmt: skip
    flags: dict[tuple[str | None, str | None, str | None], Flag | None] = {}
    titles: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(awards.where(Award.supplier_id.in_(wanted)) if wanted is not None else awards)
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
        key = (innovation, procedure, cpv)
        if key not in flags:
            flags[key] = innovation_flag(json.loads(innovation) if innovation else None, procedure,
                                         [cpv] if cpv else [])  # fmt: skip
        if flag := flags[key]:
            f.flagged_awards.append(FlaggedAward(pid, title, flag.kind, flag.reason))
    for sid, ts in titles.items():
        facts[sid].texts.extend(ts)
