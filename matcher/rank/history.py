"""What an index says about each supplier's past: the counts the learned ranker's features read.

Fitted on one index (for evaluation, a temporal training split), so nothing here can know of
awards dated after that index.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ..index.build import MatchIndex
from ..index.lexical import LexicalIndex
from ..vocab import cpv_vocabulary


class SupplierHistory:
    """Per-supplier counts of past awards, and the suppliers' names, in one index."""

    def fit(self, index: MatchIndex) -> SupplierHistory:
        """Count every award of ``index`` by supplier, CPV code, buyer and region."""
        vocab = cpv_vocabulary()
        self.won_: dict[int, list[int]] = defaultdict(list)
        self.exact_: dict[str, Counter[int]] = defaultdict(Counter)
        self.parent_: dict[str, Counter[int]] = defaultdict(Counter)
        self.by_buyer_: dict[int, Counter[int]] = defaultdict(Counter)
        self.by_region_div_: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
        for row, p in enumerate(index.corpus.procurements):
            for s in p.winners:
                self.won_[s].append(row)
                for code in p.cpv[:1]:
                    self.exact_[code][s] += 1
                    if parent := vocab.parent(code):
                        self.parent_[parent][s] += 1
                if p.buyer_id:
                    self.by_buyer_[p.buyer_id][s] += 1
                if p.region and p.cpv:
                    self.by_region_div_[(p.region, p.cpv[0][:2])][s] += 1
        self.buyer_total_ = {b: sum(c.values()) for b, c in self.by_buyer_.items()}
        self.parent_of_ = vocab.parent
        suppliers = index.corpus.suppliers
        # Firm names often say the trade ("... Nettoyage", "... Avocats", "Siivous Oy").
        self.names_ = LexicalIndex().fit([s.name or "" for s in suppliers])
        self.name_row_ = {s.id: i for i, s in enumerate(suppliers)}
        return self
