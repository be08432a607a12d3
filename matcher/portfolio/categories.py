"""An organisation's spend as items in categories: awards and notices by CPV division, purchase
invoices by their account's division.

Every source the organisation appears in as a buyer counts: awards (eForms, Hilma, DECP, OCDS),
notices without an award (the HILMA 2014 listing: what it announced), and purchase invoices. A
notice without CPV codes gets the division the service's nearest past contracts vote for, when an
index is built (and says so); without one it stays "uncoded".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..index.flags import Flag, innovation_flag
from ..store.models import Organisation, Procurement, Purchase
from ..vocab import cpv_vocabulary
from .accounts import NOT_PURCHASE, map_account

__all__ = ["UNCODED", "Item", "OrgItems", "load_items"]

#: Category of notices whose division cannot be told.
UNCODED = "??"


@dataclass
class Item:
    """One award, notice or invoice of the organisation, placed in a category."""

    kind: str  # "award", "notice" or "invoice"
    category: str
    year: int | None
    value: float | None
    supplier_id: int | None = None
    month: str | None = None
    n_tenders: int | None = None
    flag: Flag | None = None
    text: str = ""
    procurement_id: int | None = None
    #: True when the category was inferred from the text, not given by the source.
    inferred: bool = False


@dataclass
class OrgItems:
    """The organisation's items, and the invoice euros the account mapping could not place."""

    items: list[Item] = field(default_factory=list)
    invoice_total: float = 0.0
    not_purchases: float = 0.0
    unmapped: dict[str, float] = field(default_factory=dict)
    n_duplicates: int = 0


def _year(d: date | None) -> int | None:
    return d.year if d else None


def _procurement_items(p: Procurement, infer: Callable[[str], str | None] | None) -> list[Item]:
    codes = [c for c in [p.cpv_main, *(p.cpv_additional or [])] if c]
    category, inferred = (codes[0][:2], False) if codes else (UNCODED, False)
    if not codes and infer is not None:
        guess = infer(p.title)
        # Only a real division: malformed codes in other sources can win a vote.
        if guess and guess[:2].ljust(8, "0") in cpv_vocabulary():
            category, inferred = guess[:2], True
    flag = innovation_flag(p.innovation, p.procedure, codes)
    text = " ".join(t for t in (p.title, (p.description or "")[:300]) if t)
    base = {"category": category, "flag": flag, "text": text, "procurement_id": p.id,
            "inferred": inferred}  # fmt: skip
    if not p.awards:
        return [Item("notice", year=_year(p.date), value=p.value if p.value and p.value > 0
                     else None, **base)]  # type: ignore[arg-type]  # fmt: skip
    known = [a.value for a in p.awards if a.value and a.value > 0]
    share = p.value / len(p.awards) if p.value and p.value > 0 and not known else None
    return [Item("award", year=_year(a.date or p.date),
                 value=(a.value if a.value and a.value > 0 else share),
                 supplier_id=a.supplier_id, n_tenders=a.n_tenders, **base)  # type: ignore[arg-type]
            for a in p.awards]  # fmt: skip


def load_items(session: Session, org: Organisation,
               infer: Callable[[str], str | None] | None = None) -> OrgItems:  # fmt: skip
    """Every item the organisation (and what entity resolution merged into it) bought.

    Args:
        session: An open session.
        org: The buying organisation.
        infer: Title -> CPV code for notices without one (the service's vote), or None.
    """
    ids = [org.id, *session.scalars(
        select(Organisation.id).where(Organisation.merged_into_id == org.id))]  # fmt: skip
    out = OrgItems()
    seen: set[tuple[str, date | None]] = set()
    procs = session.scalars(
        select(Procurement).where(Procurement.buyer_id.in_(ids))
        .options(selectinload(Procurement.awards)).order_by(Procurement.id)
    )  # fmt: skip
    for p in procs:
        # The listing repeats notices the parsed HILMA files hold: one buyer, title and day.
        key = (" ".join(p.title.casefold().split()), p.date)
        if key in seen and not p.awards:
            out.n_duplicates += 1
            continue
        seen.add(key)
        out.items.extend(_procurement_items(p, infer))
    for row in session.scalars(select(Purchase).where(Purchase.buyer_id.in_(ids))):
        amount = row.amount or 0.0
        out.invoice_total += amount
        mapping = map_account(row.account_name)
        if mapping is None or not mapping.division:
            name = f"{row.account_code or ''} {row.account_name or ''}".strip()
            out.unmapped[name] = out.unmapped.get(name, 0.0) + amount
            continue
        if mapping.division == NOT_PURCHASE:
            out.not_purchases += amount
            continue
        out.items.append(Item(
            "invoice", mapping.division, _year(row.date), row.amount, row.supplier_id,
            month=row.date.strftime("%Y-%m") if row.date else None,
            text=row.account_name or "",
        ))  # fmt: skip
    return out
