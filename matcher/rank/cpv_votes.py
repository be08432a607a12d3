"""CPV codes of a need by vote of its nearest past contracts (the baseline inferrer).

Each of the 20 nearest contracts votes for its main CPV code with its calibrated relevance; a
code's score is its share of the votes.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from ..index.build import MatchIndex
from .context import Neighbours

__all__ = ["VoteCpvInferrer"]


class VoteCpvInferrer:
    """Votes of the nearest contracts (scikit-learn estimator contract).

    Args:
        n_voters: Nearest contracts that vote.
    """

    def __init__(self, n_voters: int = 20) -> None:
        self.n_voters = n_voters

    def fit(self, index: MatchIndex) -> VoteCpvInferrer:
        """Remember the contracts of ``index`` and its similarity scale; returns ``self``."""
        self.index_ = index
        self.scale_ = max(index.sim_ceiling - index.sim_floor, 1e-3)
        return self

    def predict(self, vector: np.ndarray, neighbours: Neighbours | None = None, n: int = 5,
                text: str | None = None, wording: Neighbours | None = None,
                buyer_id: int | None = None, region: str | None = None,
                ) -> list[tuple[str, float]]:  # fmt: skip
        """Up to ``n`` CPV codes with their share of the votes (0..1), best first.

        Args:
            vector: The need's query vector.
            neighbours: Nearest contracts (rows, similarities), best first, if searched already.
            n: How many codes.
            text: Not read (the same call as ``CpvInferrer.predict``: votes by vector only).
            wording: Not read.
            buyer_id: Not read.
            region: Not read.
        """
        rows, sims = neighbours or self.index_.procurement_vectors.search(vector, self.n_voters)
        rel = np.clip((sims[: self.n_voters] - self.index_.sim_floor) / self.scale_, 0.0, 1.0)
        votes: dict[str, float] = defaultdict(float)
        procs = self.index_.corpus.procurements
        for row, r in zip(rows[: self.n_voters], rel, strict=True):
            if procs[int(row)].cpv:
                votes[procs[int(row)].cpv[0]] += float(r) + 1e-3
        total = sum(votes.values()) or 1.0
        ranked = sorted(votes.items(), key=lambda kv: -kv[1])[:n]
        return [(c, v / total) for c, v in ranked]
