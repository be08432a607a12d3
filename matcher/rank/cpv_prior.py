"""What a buyer (or a region) bought before as evidence of a need's CPV code.

A buyer knows who it is before tendering, and buyers re-tender the same trades: the divisions
and groups of its past contracts, smoothed toward the whole training period's distribution (a
buyer with six past contracts has not shown every trade it buys), are one more part of the
inferrer's mix. The part is silent where there is no key (``GET /v1/cpv/suggest``, company
profiles) or the key has no past contract with a code.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence

from ..index.corpus import ProcurementDoc
from .cpv_parts import LevelScores

__all__ = ["HistoryPrior"]


class HistoryPrior:
    """Per-key CPV prefix distribution of past contracts (scikit-learn estimator contract).

    Args:
        field: The contracts' attribute that keys the history (``buyer_id`` or ``region``).
        smoothing: Pseudo-contracts of the global distribution added to each key's own: the
            prior is ``(n_key(p) + m * global(p)) / (n_key + m)``; large ``m`` trusts the key less.
        levels: Prefix lengths scored (2: divisions, 3: groups).
    """

    def __init__(self, field: str = "buyer_id", smoothing: float = 10.0,
                 levels: Sequence[int] = (2, 3)) -> None:  # fmt: skip
        self.field = field
        self.smoothing = smoothing
        self.levels = levels

    def fit(self, procurements: Sequence[ProcurementDoc]) -> HistoryPrior:
        """Count the main codes' prefixes of ``procurements`` per key and overall; returns self."""
        counts: dict[Hashable, dict[int, Counter[str]]] = defaultdict(
            lambda: {n: Counter() for n in self.levels}
        )
        overall: dict[int, Counter[str]] = {n: Counter() for n in self.levels}
        for p in procurements:
            if not p.cpv:
                continue
            key = getattr(p, self.field)
            for n in self.levels:
                overall[n][p.cpv[0][:n]] += 1
                if key is not None:
                    counts[key][n][p.cpv[0][:n]] += 1
        self.counts_ = {
            k: {n: dict(c) for n, c in by_level.items()} for k, by_level in counts.items()
        }
        self.totals_ = {
            k: sum(by_level[self.levels[0]].values()) for k, by_level in self.counts_.items()
        }
        total = sum(overall[self.levels[0]].values()) or 1
        # The global share each key's counts are smoothed toward, per level.
        self.overall_ = {n: {p: c / total for p, c in overall[n].items()} for n in self.levels}
        return self

    def scores(self, key: Hashable | None) -> LevelScores:
        """Prefix length -> {prefix: prior}; empty for no key or a key with no history."""
        if key is None or key not in self.counts_:
            return {}
        m, total = self.smoothing, self.totals_[key]
        out: LevelScores = {}
        for n in self.levels:
            own = self.counts_[key][n]
            out[n] = {p: (own.get(p, 0) + m * g) / (total + m) for p, g in self.overall_[n].items()}
        return out
