"""Figures of one category: spend by year, concentration, SMEs, local suppliers, competition,
incumbency, innovative share, themes, and the need framework applied to its own contracts."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import cast

from ..index.corpus import ProcurementDoc
from ..innovation.need import NeedPotential, need_potential
from ..innovation.supplier import SupplierPotential
from ..innovation.themes import detect_themes
from .categories import Item
from .schemas import CategoryYear, Concentration

__all__ = ["SupplierInfo", "category_potential", "concentration", "hhi", "is_sme", "market",
           "themes", "years"]  # fmt: skip

#: Size classes that registers use for small and medium-sized firms (Sirene's PME, and plain ones).
_SME = {"pme", "sme", "micro", "small", "medium", "pk", "pienyritys", "mikroyritys"}


@dataclass
class SupplierInfo:
    """What the register says of a supplier."""

    name: str | None
    size_class: str | None
    region: str | None


def is_sme(size_class: str | None) -> bool | None:
    """True for an SME size class, False for a large one, None when the register says nothing."""
    if not size_class:
        return None
    return size_class.strip().casefold() in _SME


def hhi(amounts: dict[int, float]) -> tuple[float | None, float | None]:
    """Herfindahl-Hirschman index (0..1) and top-3 share of the amounts per supplier."""
    total = sum(v for v in amounts.values() if v > 0)
    if total <= 0:
        return None, None
    shares = sorted((v / total for v in amounts.values() if v > 0), reverse=True)
    return round(sum(s * s for s in shares), 4), round(sum(shares[:3]), 4)


def years(items: list[Item]) -> list[CategoryYear]:
    """Spend, contracts, invoices, notices and suppliers per year (undated last)."""
    by: dict[int | None, list[Item]] = defaultdict(list)
    for it in items:
        by[it.year].append(it)
    out = [CategoryYear(
        year=y, spend=round(sum(i.value or 0.0 for i in rows if i.kind != "notice"), 2),
        n_contracts=len({i.procurement_id for i in rows if i.kind == "award"}),
        n_invoices=sum(i.kind == "invoice" for i in rows),
        n_notices=sum(i.kind == "notice" for i in rows),
        n_suppliers=len({i.supplier_id for i in rows if i.supplier_id}),
    ) for y, rows in by.items()]  # fmt: skip
    return sorted(out, key=lambda r: (r.year is None, r.year or 0))


def concentration(items: list[Item], info: dict[int, SupplierInfo]) -> Concentration:
    """Supplier shares by spend where values are known, else by number of awards or invoices."""
    spend: dict[int, float] = defaultdict(float)
    count: dict[int, float] = defaultdict(float)
    for it in items:
        if it.supplier_id is None:
            continue
        count[it.supplier_id] += 1
        if it.value and it.value > 0:
            spend[it.supplier_id] += it.value
    basis, amounts = ("spend", spend) if spend else ("count", count)
    index, top3 = hhi(amounts)
    total = sum(amounts.values()) or 1.0
    top = sorted(amounts.items(), key=lambda kv: -kv[1])[:5]
    names = [((info[s].name if s in info else None) or f"#{s}", round(v / total, 4)) for s, v in top]
    return Concentration(hhi=index, top3_share=top3, basis=basis, top_suppliers=names)


def _share(flags: list[bool | None]) -> tuple[float | None, int]:
    known = [f for f in flags if f is not None]
    return (round(sum(known) / len(known), 4) if known else None), len(known)


def market(items: list[Item], info: dict[int, SupplierInfo], region: str | None) -> dict[str, object]:
    """SME and local shares (of suppliers the register places), competition and incumbency."""
    sups = {i.supplier_id for i in items if i.supplier_id}
    sme, n_sme = _share([is_sme(info[s].size_class) if s in info else None for s in sups])
    local, n_local = _share([(info[s].region == region) if s in info and info[s].region and region
                             else None for s in sups])  # fmt: skip
    bids = [i.n_tenders for i in items if i.kind == "award" and i.n_tenders]
    awards = [i for i in items if i.kind == "award"]
    incumbency: float | None
    if awards:
        wins = Counter(i.supplier_id for i in awards)
        incumbency = round(sum(wins[i.supplier_id] > 1 for i in awards) / len(awards), 4)
        basis = "share of awards won by a firm that won another award in the category"
    else:
        months: dict[int, set[str]] = defaultdict(set)
        spend: dict[int, float] = defaultdict(float)
        for i in items:
            if i.kind == "invoice" and i.supplier_id:
                months[i.supplier_id].add(i.month or "")
                spend[i.supplier_id] += i.value or 0.0
        total = sum(spend.values())
        incumbency = round(sum(v for s, v in spend.items() if len(months[s]) > 1) / total, 4) \
            if total > 0 else None  # fmt: skip
        basis = "share of invoice spend paid to suppliers paid in more than one month" \
            if total > 0 else "no awards or invoices"  # fmt: skip
    flagged = [i for i in items if i.kind != "invoice" and i.flag]
    procs = [i for i in items if i.kind != "invoice"]
    return {
        "sme_share": sme, "n_sme_known": n_sme, "local_share": local, "n_local_known": n_local,
        "mean_tenders": round(sum(bids) / len(bids), 2) if bids else None,
        "single_bid_share": round(sum(b == 1 for b in bids) / len(bids), 4) if bids else None,
        "n_tenders_known": len(bids), "incumbency": incumbency, "incumbency_basis": basis,
        "flagged_share": round(len(flagged) / len(procs), 4) if procs else None,
        "n_flagged": len(flagged),
    }  # fmt: skip


def _docs(items: list[Item]) -> list[ProcurementDoc]:
    """The category's own contracts (and invoices, one per supplier and month) as the need
    framework reads past procurements."""
    docs: dict[object, ProcurementDoc] = {}
    for n, i in enumerate(items):
        key: object = i.procurement_id if i.kind != "invoice" else (i.supplier_id, i.month)
        d = docs.get(key)
        if d is None:
            d = docs[key] = ProcurementDoc(
                id=i.procurement_id or -n, title=i.text[:120], text=i.text, buyer_id=None,
                buyer_name=None, cpv=[], date=None, value=i.value, currency="EUR", region=None,
                n_tenders=i.n_tenders, flag=i.flag)  # fmt: skip
        if i.supplier_id and i.supplier_id not in d.winners:
            d.winners.append(i.supplier_id)
    return list(docs.values())


def category_potential(text: str, items: list[Item],
                       candidates: list[tuple[str | None, bool, object]]) -> NeedPotential:  # fmt: skip
    """The need-innovation framework applied to the category's own contracts.

    The category has been bought before by definition, so its best past match is itself
    (novelty 0); the other six dimensions read its own winners, bids, flags and texts, and the
    suppliers the service's ranking finds for it.

    Args:
        text: The category's label and its most frequent titles or account names.
        items: The category's items.
        candidates: (name, already supplies the organisation, potential) of matching suppliers;
            the potential is the ranking's ``innovation`` (score and components).
    """
    typed = [(n, won, cast(SupplierPotential | None, p)) for n, won, p in candidates]
    return need_potential(text, _docs(items), 1.0, typed)


def themes(items: list[Item]) -> dict[str, list[str]]:
    """Strategic themes found in the category's own texts (titles, descriptions, account names;
    not the CPV label, which would give every IT category the digitalisation theme)."""
    return detect_themes(*sorted({i.text for i in items}))
