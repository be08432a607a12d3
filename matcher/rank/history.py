"""What one index says about each supplier's past, by supplier id: the one history every stage reads.

Fitted on one index (for evaluation, a temporal training split), so nothing here can know of
awards dated after that index.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ..index.build import MatchIndex, names_index
from ..index.columns import Columns, columns_of
from ..index.corpus import ProcurementDoc, SupplierDoc
from ..index.lexical import LexicalIndex
from ..index.ragged import Ragged, group_counts, group_lists, group_unique, paused_gc
from ..vocab import cpv_vocabulary

__all__ = ["AWARD_STATE", "SupplierHistory"]

#: The attributes a fit learns from the awards alone (see ``SupplierHistory.award_state``).
AWARD_STATE = ("won_", "cpv_", "cpv_labels_", "cpv_codes_", "regions_", "buyers_", "by_buyer_",
               "exact_", "parent_", "by_region_div_", "buyer_total_")  # fmt: skip


class SupplierHistory:
    """Per-supplier awards, CPV codes, places, buyers, invoices and names of one index.

    Attributes (after ``fit``):
        columns_: The contracts' columns it read (for plain documents, the fields encoded once;
            see ``columns_for``).
        winners_: Every contract's winners (supplier ids, flat with offsets).
        won_: Supplier id -> rows of the contracts it won.
        cpv_: Supplier id -> every CPV code of its won contracts.
        cpv_codes_: The same as arrays: supplier ids sorted, and each one's codes as indexes
            into ``cpv_labels_`` (for reading many candidates at once).
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

    def fit(self, index: MatchIndex, awards: Mapping[str, Any] | None = None) -> SupplierHistory:
        """Read every award, purchase and profile of ``index``; returns ``self``.

        Args:
            index: The index.
            awards: What a fit on this same index learned from its awards
                (:meth:`award_state`, saved by the build): taken instead of grouping them again.
        """
        with paused_gc():
            return self._fit(index, awards)

    def award_state(self) -> dict[str, Any]:
        """What the fit learned from the awards (the part worth saving: seconds to group at
        1M contracts, the rest is read from the index)."""
        return {name: getattr(self, name) for name in AWARD_STATE}

    def _fit(self, index: MatchIndex, awards: Mapping[str, Any] | None) -> SupplierHistory:
        self._procurements = index.corpus.procurements
        self.columns_ = columns_of(self._procurements)
        self.winners_ = self.columns_.ragged_column("winners")
        if awards is None:
            self._fit_awards()
        else:
            self.__dict__.update({name: awards[name] for name in AWARD_STATE})
        self.parent_of_ = cpv_vocabulary().parent
        corpus = index.corpus
        suppliers = corpus.suppliers
        self.supplier_: dict[int, SupplierDoc] = {s.id: s for s in suppliers}
        self.profile_row_ = {suppliers[int(p)].id: r for r, p in enumerate(index.profile_rows)}
        self.names_ = names_index(index)
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

    def _fit_awards(self) -> None:
        # Whole columns rather than a row object per procurement (seconds at 1M rows): each
        # winner of each contract is one event, grouped in the order a loop over the rows and
        # their winners would meet it, so every dict and Counter (and its ties) is the loop's.
        vocab = cpv_vocabulary()
        cols, winners = self.columns_, self.winners_
        cpv, codes = cols.ragged_column("cpv"), cols.categories("cpv")
        sid, row = winners.values, winners.owners()
        self.won_: dict[int, list[int]] = defaultdict(list, group_lists(sid, row))
        at, code = cpv.expand(row)
        # Every winner has its entry, with no codes too (as ``cpv_[s].update(p.cpv)`` made it).
        got = dict(group_unique(sid[at], code))
        self.cpv_: dict[int, set[str]] = defaultdict(
            set, ((s, {codes[c] for c in got.get(s, ())}) for s in self.won_))
        self.cpv_labels_ = codes
        self.cpv_codes_ = _by_key(got)
        region, regions = cols.column("region")[row], cols.categories("region")
        placed = np.array([bool(r) for r in regions] + [False])[region]  # -1 (None) is last
        self.regions_: dict[int, set[str]] = _sets(group_unique(sid[placed], region[placed]),
                                                   regions.__getitem__)  # fmt: skip
        buyer = cols.column("buyer_id")[row]
        known = (buyer != -1) & (buyer != 0)  # -1 stands for None; a loop skipped 0 as well
        self.buyers_: dict[int, set[int]] = _sets(group_unique(sid[known], buyer[known]))
        self.by_buyer_: dict[int, Counter[int]] = _counters(group_counts(buyer[known], sid[known]))
        main = cpv.first()[row]
        coded = main >= 0
        self.exact_: dict[str, Counter[int]] = _counters(group_counts(main[coded], sid[coded]),
                                                         codes.__getitem__)  # fmt: skip
        parent, parents = _relabel(codes, vocab.parent)
        up = coded & (parent[main] >= 0)
        self.parent_: dict[str, Counter[int]] = _counters(
            group_counts(parent[main[up]], sid[up]), parents.__getitem__)
        div, divs = _relabel(codes, lambda c: c[:2], keep_empty=True)
        both, n_divs = placed & coded, max(len(divs), 1)
        key = region[both].astype(np.int64) * n_divs + div[main[both]]
        self.by_region_div_: dict[tuple[str, str], Counter[int]] = _counters(
            group_counts(key, sid[both]), lambda k: (regions[k // n_divs], divs[k % n_divs]))
        self.buyer_total_ = {b: sum(c.values()) for b, c in self.by_buyer_.items()}

    def columns_for(self, procurements: Sequence[ProcurementDoc]) -> Columns:
        """The columns of ``procurements``: those this history read if they are the same
        sequence (a corpus of documents is then not encoded again), else their own."""
        return self.columns_ if procurements is self._procurements else columns_of(procurements)

    def won_rows(self, supplier_id: int) -> np.ndarray:
        """Rows of the contracts ``supplier_id`` won (empty if none)."""
        return np.asarray(self.won_.get(supplier_id, ()), dtype=np.int64)

    def n_awards(self, supplier_id: int) -> int:
        """How many awards ``supplier_id`` has in the index."""
        return len(self.won_.get(supplier_id, ()))


def _by_key(groups: dict[int, list[int]]) -> tuple[np.ndarray, Ragged]:
    """Integer groups as arrays: the keys sorted, and each one's values in a row."""
    keys = np.array(sorted(groups), dtype=np.int64)
    rows = [groups[k] for k in keys.tolist()]
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    values = np.fromiter((v for r in rows for v in r), dtype=np.int64, count=int(lengths.sum()))
    return keys, Ragged(values, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64))


def _relabel(labels: Sequence[str], derive: Callable[[str], str | None],
             keep_empty: bool = False) -> tuple[np.ndarray, list[str]]:  # fmt: skip
    """Per label, the code of ``derive(label)`` (-1 where it is None, or "" unless
    ``keep_empty``), and the derived labels. The extra last entry maps code -1 to -1."""
    derived: dict[str, int] = {}
    codes = [derived.setdefault(d, len(derived)) if (d := derive(c)) or (keep_empty and d == "")
             else -1 for c in labels]  # fmt: skip
    return np.array([*codes, -1], np.int64), list(derived)


def _sets(groups: list[tuple[Any, list[Any]]],
          label: Callable[[Any], Any] | None = None) -> defaultdict[Any, set[Any]]:  # fmt: skip
    """Grouped values as a dict of sets (each value replaced by ``label(value)``, if given)."""
    if label is None:
        return defaultdict(set, ((k, set(v)) for k, v in groups))
    return defaultdict(set, ((k, {label(c) for c in v}) for k, v in groups))


def _counters(groups: list[tuple[Any, dict[Any, int]]],
              label: Callable[[Any], Any] | None = None) -> defaultdict[Any, Counter[Any]]:  # fmt: skip
    """Grouped counts as a dict of Counters (each key replaced by ``label(key)``, if given)."""
    return defaultdict(Counter, ((k if label is None else label(k), Counter(c)) for k, c in groups))
