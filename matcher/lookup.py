"""Look-ups by id: a supplier with everything known about it, a procurement with its awards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from .exceptions import NotFoundError
from .innovation.facts import load_facts
from .innovation.schemas import SupplierInnovationOut
from .innovation.supplier import supplier_potential
from .schemas import AwardOut, ProcurementOut, PurchaseOut, SignalOut, SupplierOut
from .store.models import Award, Identifier, Organisation, Procurement, Purchase
from .store.models import Signal as SignalRow
from .vocab import cpv_vocabulary

if TYPE_CHECKING:
    from .service import Matcher


def _award_out(a: Award, proc: Procurement, supplier: Organisation) -> AwardOut:
    return AwardOut(
        procurement_id=proc.id, procurement_title=proc.title, supplier_id=supplier.id,
        supplier_name=supplier.name, lot=a.lot, value=a.value, currency=a.currency, date=a.date,
        n_tenders=a.n_tenders,
    )  # fmt: skip


#: The largest id the primary key holds (INTEGER: 32 bits on PostgreSQL).
_MAX_ID = 2**31 - 1


def _find_org(session: Session, key: str) -> Organisation | None:
    org: Organisation | None = None
    if key.isdigit():
        # ASCII digits within the column's range only: str.isdigit() passes "²" (int() then
        # fails) and a 20-digit number overflows the database's integer (both were a 500).
        if key.isascii() and int(key) <= _MAX_ID:
            org = session.get(Organisation, int(key))
    else:
        scheme, _, value = key.partition(":")
        ident = session.scalar(
            select(Identifier).where(Identifier.scheme == scheme, Identifier.value == value)
        ) if value else None  # fmt: skip
        org = ident.organisation if ident else None
    # An organisation merged by entity resolution answers as the one it was merged into.
    while org is not None and org.merged_into_id is not None:
        org = session.get(Organisation, org.merged_into_id)
    return org


def get_supplier(session: Session, key: str, max_awards: int = 50,
                 matcher: Matcher | None = None) -> SupplierOut:  # fmt: skip
    """A supplier by internal id or by ``SCHEME:value`` (e.g. ``FR-SIREN:123456789``).

    Its innovation potential is computed now from the store (so it is current); the novelty
    component needs the built index and is taken from ``matcher`` when given.

    Raises:
        NotFoundError: if no organisation matches.
    """
    org = _find_org(session, key)
    if org is None:
        raise NotFoundError(f"no supplier {key!r}")
    n = session.scalar(select(func.count()).select_from(Award).where(Award.supplier_id == org.id))
    awards = session.scalars(
        select(Award).where(Award.supplier_id == org.id)
        .options(selectinload(Award.procurement))
        .order_by(Award.date.desc().nulls_last(), Award.id.desc()).limit(max_awards)
    ).all()  # fmt: skip
    n_purchases = session.scalar(
        select(func.count()).select_from(Purchase).where(Purchase.supplier_id == org.id)
    )
    purchases = session.scalars(
        select(Purchase).where(Purchase.supplier_id == org.id)
        .order_by(Purchase.date.desc().nulls_last()).limit(max_awards)
    ).all()  # fmt: skip
    signals = session.scalars(
        select(SignalRow)
        .where(SignalRow.organisation_id == org.id)
        .order_by(SignalRow.year, SignalRow.id)
    ).all()
    merged = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.merged_into_id == org.id)
    ).all()
    merged_from = [m.id for m in merged]
    history = {str(n["name"]) for n in org.names or [] if n.get("name")}
    merged_names = {str(m.name) for m in merged if m.name}
    other_names = sorted((merged_names | history) - {org.name or ""})
    facts = load_facts(session, {org.id}).get(org.id)
    novelty = None
    if matcher is not None and matcher.index_ready():
        saved = matcher.potential(org.id)
        novelty = next(((c.value, c.confidence, c.evidence) for c in saved.components
                        if c.name == "novelty"), None) if saved else None  # fmt: skip
    potential = supplier_potential(facts, novelty) if facts else None
    return SupplierOut(
        innovation=SupplierInnovationOut.of(potential) if potential else None,
        size_class=org.size_class, registration_date=org.registration_date, status=org.status,
        n_purchases=n_purchases or 0, merged_from=merged_from, other_names=other_names,
        purchases=[PurchaseOut(buyer_id=p.buyer_id, buying_unit=p.buying_unit,
                               account_code=p.account_code, account_name=p.account_name,
                               amount=p.amount, date=p.date) for p in purchases],
        signals=[SignalOut(kind=x.kind, source=x.source, year=x.year, date=x.date, value=x.value)
                 for x in signals],
        id=org.id, name=org.name, country=org.country, region=org.region,
        identifiers=[f"{i.scheme}:{i.value}" for i in org.identifiers],
        industry_codes=list(org.industry_codes or []), profile=org.profile, website=org.website,
        n_awards=n or 0, awards=[_award_out(a, a.procurement, org) for a in awards],
    )  # fmt: skip


def get_procurement(session: Session, procurement_id: int) -> ProcurementOut:
    """A procurement with its awards.

    Raises:
        NotFoundError: if there is no such procurement.
    """
    p = session.get(Procurement, procurement_id)
    if p is None:
        raise NotFoundError(f"no procurement {procurement_id}")
    vocab = cpv_vocabulary()
    codes = [c for c in [p.cpv_main, *(p.cpv_additional or [])] if c]
    return ProcurementOut(
        id=p.id, source=p.source, source_id=p.source_id, title=p.title, description=p.description,
        buyer_id=p.buyer_id, buyer_name=p.buyer.name if p.buyer else None, cpv_main=p.cpv_main,
        cpv_additional=list(p.cpv_additional or []),
        cpv_labels={c: vocab.label(c) or "" for c in codes if c in vocab},
        value=p.value, currency=p.currency, date=p.date, place_name=p.place_name, region=p.region,
        procedure=p.procedure,
        awards=[_award_out(a, p, a.supplier) for a in p.awards],
    )  # fmt: skip


def find_organisation(session: Session, key: str) -> Organisation | None:
    """An organisation by internal id or ``SCHEME:value``, as the one it was merged into."""
    return _find_org(session, key)
