"""Retrievers: each asks its index for the k best and returns supplier ids with provenance.

None of them scores every row of a corpus: the nearest contracts and profiles come from the
vector index's top k (searched once per request into the context), the CPV, buyer and region
lists are counts kept by supplier history, and purchase accounts have a small index of their own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Protocol

from ..index.build import MatchIndex
from .context import Hit, NeedContext, Neighbours
from .history import SupplierHistory

__all__ = [
    "BuyerSuppliers", "CpvPrior", "NearestProfiles", "PurchaseCategory", "RegionSuppliers",
    "Retriever", "SimilarContracts", "SimilarWording", "default_retrievers",
]  # fmt: skip


class Retriever(Protocol):
    """Finds candidate suppliers for a need."""

    name: str

    def retrieve(self, ctx: NeedContext, history: SupplierHistory,
                 index: MatchIndex) -> list[Hit]:  # fmt: skip
        """Hits for ``ctx``, best first."""
        ...


def _winners(history: SupplierHistory, neighbours: Neighbours) -> list[Hit]:
    """Winners of the given contracts, each with its best similarity and its contracts."""
    rows_by: dict[int, list[int]] = defaultdict(list)
    best: dict[int, float] = {}
    winners = history.winners_  # the flat column: no row object per contract read
    for row, score in zip(*neighbours, strict=True):
        for sid in winners.row(int(row)).tolist():
            rows_by[sid].append(int(row))
            best.setdefault(sid, float(score))
    return [Hit(s, best[s], tuple(rows)) for s, rows in rows_by.items()]


def _top(counts: Counter[int], k: int) -> list[Hit]:
    return [Hit(s, float(n)) for s, n in counts.most_common(k)]


class SimilarContracts:
    """Winners of the nearest past contracts by embedding (the context's ``contracts``)."""

    name = "similar_contracts"

    def retrieve(self, ctx: NeedContext, history: SupplierHistory, index: MatchIndex) -> list[Hit]:
        return _winners(history, ctx.contracts)


class SimilarWording:
    """Winners of the nearest past contracts by wording (character n-grams)."""

    name = "similar_wording"

    def retrieve(self, ctx: NeedContext, history: SupplierHistory, index: MatchIndex) -> list[Hit]:
        return _winners(history, ctx.wording)


class CpvPrior:
    """The most frequent winners of the need's CPV code and of its parent code."""

    name = "cpv_prior"

    def __init__(self, k: int = 50) -> None:
        self.k = k

    def retrieve(self, ctx: NeedContext, history: SupplierHistory, index: MatchIndex) -> list[Hit]:
        hits: list[Hit] = []
        for code in ctx.cpv[:1]:
            hits += _top(history.exact_.get(code, Counter()), self.k)
            parent = history.parent_of_(code)
            hits += _top(history.parent_.get(parent or "", Counter()), self.k)
        return hits


class BuyerSuppliers:
    """The buyer's most frequent past suppliers (repeat business)."""

    name = "buyer_suppliers"

    def __init__(self, k: int = 50) -> None:
        self.k = k

    def retrieve(self, ctx: NeedContext, history: SupplierHistory, index: MatchIndex) -> list[Hit]:
        buyer = ctx.need.buyer_id
        return _top(history.by_buyer_.get(buyer, Counter()), self.k) if buyer else []


class RegionSuppliers:
    """Suppliers of the need's CPV division in its region (most winners are local firms)."""

    name = "region_suppliers"

    def __init__(self, k: int = 50) -> None:
        self.k = k

    def retrieve(self, ctx: NeedContext, history: SupplierHistory, index: MatchIndex) -> list[Hit]:
        region = ctx.need.region
        if not (region and ctx.cpv):
            return []
        return _top(history.by_region_div_.get((region, ctx.cpv[0][:2]), Counter()), self.k)


class NearestProfiles:
    """Suppliers whose own profile is nearest the need: finds firms that never won."""

    name = "nearest_profiles"

    def retrieve(self, ctx: NeedContext, history: SupplierHistory, index: MatchIndex) -> list[Hit]:
        suppliers = index.corpus.suppliers
        rows, sims = ctx.profiles
        return [Hit(suppliers[int(index.profile_rows[r])].id, float(s), (int(r),))
                for r, s in zip(rows, sims, strict=True)]  # fmt: skip


class PurchaseCategory:
    """Suppliers paid under a purchase account whose name shares wording with the need.

    Municipal invoices say what was bought only by the account's name ("Siivouspalvelut"); most
    Finnish firms in the data are known only this way.

    Args:
        k: Accounts searched.
        min_score: Lexical score below which an account is not taken as matching.
    """

    name = "purchase_category"

    def __init__(self, k: int = 5, min_score: float = 0.2) -> None:
        self.k = k
        self.min_score = min_score

    def retrieve(self, ctx: NeedContext, history: SupplierHistory, index: MatchIndex) -> list[Hit]:
        if not history.accounts_:
            return []
        q = ctx.text_query("accounts", history.account_index_)
        rows, scores = history.account_index_.search_query(q, self.k)
        hits: dict[int, Hit] = {}
        for row, score in zip(rows, scores, strict=True):
            if score < self.min_score:
                continue
            for sid in history.account_suppliers_[int(row)]:
                if sid not in hits:
                    hits[sid] = Hit(sid, float(score), (int(row),))
        return list(hits.values())


def default_retrievers() -> list[Retriever]:
    """The service's retrievers, in the order their candidates are listed."""
    return [SimilarContracts(), SimilarWording(), CpvPrior(), BuyerSuppliers(), RegionSuppliers(),
            NearestProfiles(), PurchaseCategory()]  # fmt: skip
