"""What one index says about each supplier's past, by supplier id: the one history every stage reads.

Fitted on one index (for evaluation, a temporal training split), so nothing here can know of
awards dated after that index.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from ..index.build import MatchIndex
from ..index.corpus import SupplierDoc
from ..index.lexical import LexicalIndex
from ..vocab import cpv_vocabulary

__all__ = ["SupplierHistory"]


class SupplierHistory:
    """Per-supplier awards, CPV codes, places, buyers, invoices and names of one index.

    Attributes (after ``fit``):
        won_: Supplier id -> rows of the contracts it won.
        cpv_: Supplier id -> every CPV code of its won contracts.
        regions_: Supplier id -> regions it delivered in.
        buyers_: Supplier id -> buyers that awarded it a contract.
        bought_from_: Supplier id -> buyers that paid it per purchase invoices.
        exact_, parent_: Main CPV code (or its parent) -> awards per supplier.
        by_buyer_: Buyer id -> awards per supplier; ``buyer_total_`` its awards in all.
        by_region_div_: (region, CPV division) -> awards per supplier.
        supplier_: Supplier id -> its document; ``profile_row_`` its row in the profile vectors.
        names_: Lexical index of the suppliers' names (firm names often say the trade).
        accounts_: Purchase account names and ``account_index_`` a lexical index over them.
    """

    def fit(self, index: MatchIndex) -> SupplierHistory:
        """Read every award, purchase and profile of ``index``; returns ``self``."""
        self._fit_awards(index)
        corpus = index.corpus
        suppliers = corpus.suppliers
        self.supplier_: dict[int, SupplierDoc] = {s.id: s for s in suppliers}
        self.profile_row_ = {suppliers[int(p)].id: r for r, p in enumerate(index.profile_rows)}
        self.names_ = LexicalIndex().fit([s.name or "" for s in suppliers])
        self.name_row_ = {s.id: i for i, s in enumerate(suppliers)}
        self.bought_from_: dict[int, set[int]] = defaultdict(set)
        for buyer_id, ids in corpus.purchases_by_buyer.items():
            for sid in ids:
                self.bought_from_[sid].add(buyer_id)
        self.accounts_ = sorted(corpus.purchase_accounts)
        self.account_suppliers_ = [corpus.purchase_accounts[a] for a in self.accounts_]
        self.account_index_ = LexicalIndex().fit(self.accounts_)
        self.supplier_accounts_: dict[int, list[int]] = defaultdict(list)
        for row, paid in enumerate(self.account_suppliers_):
            for sid in paid:
                self.supplier_accounts_[sid].append(row)
        return self

    def _fit_awards(self, index: MatchIndex) -> None:
        vocab = cpv_vocabulary()
        self.won_: dict[int, list[int]] = defaultdict(list)
        self.cpv_: dict[int, set[str]] = defaultdict(set)
        self.regions_: dict[int, set[str]] = defaultdict(set)
        self.buyers_: dict[int, set[int]] = defaultdict(set)
        self.exact_: dict[str, Counter[int]] = defaultdict(Counter)
        self.parent_: dict[str, Counter[int]] = defaultdict(Counter)
        self.by_buyer_: dict[int, Counter[int]] = defaultdict(Counter)
        self.by_region_div_: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
        for row, p in enumerate(index.corpus.procurements):
            for s in p.winners:
                self.won_[s].append(row)
                self.cpv_[s].update(p.cpv)
                if p.region:
                    self.regions_[s].add(p.region)
                    if p.cpv:
                        self.by_region_div_[(p.region, p.cpv[0][:2])][s] += 1
                if p.buyer_id:
                    self.buyers_[s].add(p.buyer_id)
                    self.by_buyer_[p.buyer_id][s] += 1
                for code in p.cpv[:1]:
                    self.exact_[code][s] += 1
                    if parent := vocab.parent(code):
                        self.parent_[parent][s] += 1
        self.buyer_total_ = {b: sum(c.values()) for b, c in self.by_buyer_.items()}
        self.parent_of_ = vocab.parent

    def won_rows(self, supplier_id: int) -> np.ndarray:
        """Rows of the contracts ``supplier_id`` won (empty if none)."""
        return np.asarray(self.won_.get(supplier_id, ()), dtype=np.int64)

    def n_awards(self, supplier_id: int) -> int:
        """How many awards ``supplier_id`` has in the index."""
        return len(self.won_.get(supplier_id, ()))
