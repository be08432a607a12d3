"""Read the store into the flat arrays that indexing and ranking work on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from ..store.models import Award, Identifier, Organisation, Procurement, Purchase
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
    """All procurements and suppliers, in index order (lists when built, read-only sequences
    over memory-mapped columns when loaded: :mod:`~matcher.index.columns`)."""

    procurements: Sequence[ProcurementDoc]
    suppliers: Sequence[SupplierDoc]
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
    return _profile_text(org.name, org.profile, org.industry_codes, max_words)


def _profile_text(name: str | None, profile: str | None, codes: list[str] | None,
                  max_words: int) -> str | None:  # fmt: skip
    if not profile:
        return None
    parts = (name or "", _words(profile, max_words), " ".join(codes or []))
    return " | ".join(p for p in parts if p)


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


#: The columns a procurement's document is derived from (never the ``raw`` payload).
_DOC_COLUMNS = (
    Procurement.id, Procurement.title, Procurement.description, Procurement.cpv_main,
    Procurement.cpv_additional, Procurement.date, Procurement.value, Procurement.currency,
    Procurement.region, Procurement.procedure, Procurement.innovation,
)  # fmt: skip
#: Ids per ``IN (...)`` query (SQLite allows 32,766 bound parameters; PostgreSQL 65,535).
_CHUNK = 5000


def _doc(row: Row[Any], vocab: CpvVocabulary, max_words: int) -> ProcurementDoc:
    """A procurement's document from its own columns; the links to other rows (buyer, winners)
    are set by :func:`load_corpus` on every build."""
    cpv = [c for c in [row.cpv_main, *(row.cpv_additional or [])] if c]
    return ProcurementDoc(
        id=row.id, title=row.title,
        text=procurement_text(row.title, row.description, cpv, vocab, max_words),
        buyer_id=None, buyer_name=None, cpv=cpv, date=row.date, value=row.value,
        currency=row.currency, region=row.region,
        flag=innovation_flag(row.innovation, row.procedure, cpv),
    )  # fmt: skip


def _documents(session: Session, vocab: CpvVocabulary, max_words: int,
               reuse: dict[int, ProcurementDoc], since_run: int | None) -> dict[int, ProcurementDoc]:  # fmt: skip
    """Id -> document of every procurement: taken from ``reuse`` where the row was not written by
    an ingest run after ``since_run``, derived from the store's columns otherwise."""
    if since_run is None or not reuse:
        rows = session.execute(select(*_DOC_COLUMNS))
        return {r.id: _doc(r, vocab, max_words) for r in rows}
    heads = session.execute(select(Procurement.id, Procurement.ingest_run_id))
    docs: dict[int, ProcurementDoc] = {}
    fresh: list[int] = []
    for pid, run in heads:
        old = reuse.get(pid)
        if old is None or (run is not None and run > since_run):
            fresh.append(pid)
        else:
            docs[pid] = old
    for start in range(0, len(fresh), _CHUNK):
        chunk = fresh[start : start + _CHUNK]
        for r in session.execute(select(*_DOC_COLUMNS).where(Procurement.id.in_(chunk))):
            docs[r.id] = _doc(r, vocab, max_words)
    return docs


def _relinked(doc: ProcurementDoc, **links: Any) -> ProcurementDoc:
    """A new document with ``doc``'s own fields and the given links (``dataclasses.replace``
    would not do: a reused document may be a read-only row of the last build's columns)."""
    own = {f.name: getattr(doc, f.name) for f in fields(ProcurementDoc)}
    return ProcurementDoc(**(own | links))


def _load_awards(session: Session) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Procurement -> winners (in award order, once each), and -> most tenders received."""
    winners: dict[int, list[int]] = defaultdict(list)
    tenders: dict[int, int] = {}
    for pid, sid, n in session.execute(
        select(Award.procurement_id, Award.supplier_id, Award.n_tenders).order_by(Award.id)
    ):
        if sid not in winners[pid]:
            winners[pid].append(sid)
        if n:
            tenders[pid] = max(tenders.get(pid, 0), n)
    return winners, tenders


def load_corpus(session: Session, vocab: CpvVocabulary, max_words: int = 96,
                previous: Corpus | None = None, since_run: int | None = None) -> Corpus:  # fmt: skip
    """Load every procurement (with winners) and every supplier from the store.

    With ``previous`` (the corpus of the last build) and ``since_run`` (the last ingest run it
    covered), a procurement's document is derived again only if an ingest run after that one
    wrote it; the rest are reused. What other rows decide (the buyer and its name, the winners,
    the suppliers, the purchase history) is read again in full, by column, on every build: a
    merge or unmerge moves awards, buyers and identifiers without touching the procurement row.
    """
    reuse = {d.id: d for d in previous.procurements} if previous else {}
    docs = _documents(session, vocab, max_words, reuse, since_run)
    org_cols = (Organisation.id, Organisation.name, Organisation.country, Organisation.region,
                Organisation.profile, Organisation.industry_codes, Organisation.merged_into_id)  # fmt: skip
    orgs = {o.id: o for o in session.execute(select(*org_cols))}
    winners, tenders = _load_awards(session)
    procs = []
    for pid, buyer_id in session.execute(
        select(Procurement.id, Procurement.buyer_id).order_by(Procurement.id)
    ):
        buyer = orgs.get(buyer_id) if buyer_id else None
        procs.append(_relinked(docs[pid], buyer_id=buyer_id,
                               buyer_name=buyer.name if buyer else None,
                               winners=winners.get(pid, []), n_tenders=tenders.get(pid)))  # fmt: skip
    bought, accounts = _load_purchases(session)
    # Suppliers: every firm that won, has a profile, or is paid per purchase invoices.
    known = {sid for ws in winners.values() for sid in ws} | {
        s for ss in bought.values() for s in ss
    }
    idents: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for oid, scheme, value in session.execute(
        select(Identifier.organisation_id, Identifier.scheme, Identifier.value)
    ):
        idents[oid].append((scheme, value))
    suppliers = [
        SupplierDoc(id=o.id, name=o.name, country=o.country, region=o.region,
                    profile_text=_profile_text(o.name, o.profile, o.industry_codes, max_words),
                    identifiers=idents.get(o.id, []))  # fmt: skip
        for oid, o in sorted(orgs.items())
        if (oid in known or o.profile) and o.merged_into_id is None
    ]
    return Corpus(procs, suppliers, bought, accounts)
