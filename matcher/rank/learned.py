"""The learned ranker: gradient-boosted trees over (need, supplier) features.

Trained on past awards with time-respecting negatives: the training index is split again at an
inner cut; needs after it are scored against contracts before it, and the candidates who did not
win are the negatives. So the model learns from the same situation it is used in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from ..index.build import MatchIndex
from .features import FEATURES, FeatureBuilder, NeedQuery


class LearnedRanker:
    """Ranks candidates by the probability that they win; scikit-learn estimator contract.

    Args:
        features: Feature names to use (all of ``FEATURES`` by default; fewer for ablations).
        max_iter: Boosting iterations.
        learning_rate: Boosting learning rate.
        negatives_per_query: Non-winning candidates sampled per training need.
        random_state: Seed for the negative sampling and the model.
    """

    def __init__(self, features: Sequence[str] | None = None, max_iter: int = 300,
                 learning_rate: float = 0.05, negatives_per_query: int = 40,
                 random_state: int = 0) -> None:  # fmt: skip
        self.features = features
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.negatives_per_query = negatives_per_query
        self.random_state = random_state

    def _columns(self) -> list[int]:
        names = list(FEATURES)
        return [names.index(f) for f in (self.features or names)]

    def fit(
        self,
        index: MatchIndex,
        queries: Sequence[tuple[NeedQuery, set[int]]],
        builder: FeatureBuilder | None = None,
    ) -> LearnedRanker:
        """Learn from ``queries`` (needs with their winners) scored against ``index``.

        ``index`` must hold only contracts dated before every query.
        """
        builder = builder or FeatureBuilder()
        builder.fit(index)
        rng = np.random.default_rng(self.random_state)
        cols = self._columns()
        xs, ys = [], []
        for q, truth in queries:
            cands, X = builder.transform(q)
            y = np.array([c in truth for c in cands])
            if not y.any():
                continue  # no winner among the candidates: nothing to learn from this need
            neg = np.flatnonzero(~y)
            keep = np.concatenate(
                [np.flatnonzero(y), rng.permutation(neg)[: self.negatives_per_query]]
            )
            xs.append(X[keep][:, cols])
            ys.append(y[keep])
        if not xs:
            raise ValueError("no training need has a winner among its candidates")
        self.model_ = HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate, random_state=self.random_state,
            early_stopping=False,
        ).fit(np.concatenate(xs), np.concatenate(ys))  # fmt: skip
        self.feature_names_ = [list(FEATURES)[c] for c in cols]
        self.n_training_needs_ = len(xs)
        return self

    def use(self, index: MatchIndex) -> LearnedRanker:
        """Point the fitted model at the index it will rank from (the newest data)."""
        self.builder_ = FeatureBuilder().fit(index)
        return self

    def rank(self, q: NeedQuery, k: int) -> list[tuple[int, float, np.ndarray]]:
        """Top ``k`` ``(supplier id, probability, feature row)``, best first."""
        cands, X = self.builder_.transform(q)
        if not cands:
            return []
        X = X[:, self._columns()]
        p = self.model_.predict_proba(X)[:, 1]
        order = np.argsort(-p, kind="stable")[:k]
        return [(cands[i], float(p[i]), X[i]) for i in order]


def inner_queries(
    index: MatchIndex, cut: date, embed: Callable[[list[str], list[list[str]]], np.ndarray]
) -> list[tuple[NeedQuery, set[int]]]:
    """Needs from the contracts of ``index`` dated on or after ``cut``, with their winners."""
    procs = [p for p in index.corpus.procurements if p.date and p.date >= cut and p.winners]
    vectors = embed([p.title for p in procs], [p.cpv[:2] for p in procs])
    return [
        (
            NeedQuery(
                text=p.title,
                vector=v,
                cpv=p.cpv[:2],
                buyer_id=p.buyer_id,
                region=p.region,
                date=p.date,
                value=p.value,
            ),
            set(p.winners),
        )  # fmt: skip
        for p, v in zip(procs, vectors, strict=True)
    ]
