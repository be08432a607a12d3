"""Read the store into the flat arrays that indexing and ranking work on."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..store.models import Award, Organisation, Procurement, Purchase
from ..vocab.cpv import CpvVocabulary
from .flags import Flag, innovation_flag


@dataclass
class ProcurementDoc:
    """What ranking needs of one procurement."""

    id: int
    title: str
    text: str
    buyer_id: int | None
    buyer_name: str | None
    cpv: list[str]
    date: date | None
    value: float | None
    currency: str | None
    region: str | None
    winners: list[int] = field(default_factory=list)
    #: Tenders received (the largest count over its lots), where the source records it.
    n_tenders: int | None = None
    #: Why it counts as innovative, if it does (the buyer's declaration or the route).
    flag: Flag | None = None


@dataclass
class SupplierDoc:
    """What ranking needs of one supplier (any organisation that won, or has a profile)."""

    id: int
    name: str | None
    country: str | None
    region: str | None
    profile_text: str | None
    identifiers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Corpus:
    """All procurements and suppliers, in index order."""

    procurements: list[ProcurementDoc]
    suppliers: list[SupplierDoc]
    #: Buyer id -> ids of suppliers it bought from, per purchase invoices (not tenders).
    purchases_by_buyer: dict[int, set[int]] = field(default_factory=dict)
    #: Purchase account name (what was bought) -> supplier id -> invoices under it.
    purchase_accounts: dict[str, dict[int, int]] = field(default_factory=dict)


def _words(text: str | None, limit: int) -> str:
    return " ".join((text or "").split()[:limit])


def procurement_text(
    title: str, description: str | None, cpv: list[str], vocab: CpvVocabulary, max_words: int
) -> str:
    """The passage embedded for a procurement: title, CPV labels (en + fi), short description.

    The multilingual CPV labels give e5 a bridge between languages (a French title gains the
    English and Finnish names of its category).
    """
    parts = [title]
    parts.extend(vocab.text(c) for c in cpv[:2] if c in vocab)
    if description and description.strip() != title.strip():
        parts.append(_words(description, max_words))
    return " | ".join(p for p in parts if p)


def need_text(text: str, cpv: list[str], vocab: CpvVocabulary) -> str:
    """The query embedded for a need: its text plus the labels of the CPV codes given, as
    stored contracts carry theirs."""
    return " | ".join([text, *(vocab.text(c) for c in cpv[:2] if c in vocab)])


def supplier_text(org: Organisation, max_words: int) -> str | None:
    """The passage embedded for a supplier's own profile, if it has one."""
    if not org.profile:
        return None
    codes = " ".join(org.industry_codes or [])
    return " | ".join(p for p in (org.name or "", _words(org.profile, max_words), codes) if p)


def _load_purchases(session: Session) -> tuple[dict[int, set[int]], dict[str, dict[int, int]]]:
    """Buyer -> suppliers it paid, and purchase account name -> supplier -> invoices."""
    bought: dict[int, set[int]] = defaultdict(set)
    accounts: dict[str, dict[int, int]] = defaultdict(dict)
    for buyer_id, supplier_id, account, n in session.execute(
        select(
            Purchase.buyer_id, Purchase.supplier_id, Purchase.account_name, func.count()
        ).group_by(Purchase.buyer_id, Purchase.supplier_id, Purchase.account_name)
    ):
        bought[buyer_id].add(supplier_id)
        if account:
            by_supplier = accounts[account]
            by_supplier[supplier_id] = by_supplier.get(supplier_id, 0) + int(n)
    return dict(bought), dict(accounts)


def load_corpus(session: Session, vocab: CpvVocabulary, max_words: int = 96) -> Corpus:
    """Load every procurement (with winners) and every supplier from the store."""
    orgs = {o.id: o for o in session.scalars(select(Organisation))}
    winners: dict[int, list[int]] = defaultdict(list)
    tenders: dict[int, int] = {}
    for pid, sid, n in session.execute(
        select(Award.procurement_id, Award.supplier_id, Award.n_tenders)
    ):
        if sid not in winners[pid]:
            winners[pid].append(sid)
        if n:
            tenders[pid] = max(tenders.get(pid, 0), n)
    procs = []
    for p in session.scalars(select(Procurement).order_by(Procurement.id)):
        cpv = [c for c in [p.cpv_main, *(p.cpv_additional or [])] if c]
        buyer = orgs.get(p.buyer_id) if p.buyer_id else None
        procs.append(
            ProcurementDoc(
                id=p.id, title=p.title,
                text=procurement_text(p.title, p.description, cpv, vocab, max_words),
                buyer_id=p.buyer_id, buyer_name=buyer.name if buyer else None, cpv=cpv,
                date=p.date, value=p.value, currency=p.currency, region=p.region,
                winners=winners.get(p.id, []), n_tenders=tenders.get(p.id),
                flag=innovation_flag(p.innovation, p.procedure, cpv),
            )
        )  # fmt: skip
    bought, accounts = _load_purchases(session)
    # Suppliers: every firm that won, has a profile, or is paid per purchase invoices.
    known = {sid for ws in winners.values() for sid in ws} | {
        s for ss in bought.values() for s in ss
    }
    idents: dict[int, list[tuple[str, str]]] = defaultdict(list)
    from ..store.models import Identifier

    for oid, scheme, value in session.execute(
        select(Identifier.organisation_id, Identifier.scheme, Identifier.value)
    ):
        idents[oid].append((scheme, value))
    suppliers = [
        SupplierDoc(
            id=o.id,
            name=o.name,
            country=o.country,
            region=o.region,
            profile_text=supplier_text(o, max_words),
            identifiers=idents.get(o.id, []),
        )  # fmt: skip
        for o in sorted(orgs.values(), key=lambda o: o.id)
        if (o.id in known or o.profile) and o.merged_into_id is None
    ]
    return Corpus(procs, suppliers, bought, accounts)
