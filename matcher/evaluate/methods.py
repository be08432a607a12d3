"""Baselines and the service's rankers, behind one small interface for the harness.

Every method is fitted on the training index only and then asked for the top ``k`` supplier ids
for each query. Stable names: ``random``, ``top_winners``, ``cpv_exact``, ``cpv_exact_parent``,
``lexical_nn``, ``embedding_nn``; and the service's own pipeline, ``case_based`` (the linear
scorer, as with no trained model) and ``innomatch`` (the LambdaMART scorer trained inside the
split, as the service runs with its model). Both call the same :class:`RankingPipeline` as
``POST /v1/match``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from ..embed import CachedEmbedder
from ..index.build import MatchIndex
from ..index.corpus import need_text
from ..rank import LambdaMARTScorer, RankingPipeline
from ..rank.history import SupplierHistory
from ..rank.train import COLD_START, LearnedRanker, rolling_windows
from ..vocab import cpv_vocabulary
from .split import EvalQuery


class Method:
    """A supplier recommender under evaluation."""

    name = "method"

    def fit(self, train: MatchIndex) -> Method:
        """Learn from the training index; returns ``self``."""
        self.train_ = train
        return self

    def update(self, history: MatchIndex) -> Method:
        """Take the awards known at a later date, keeping what was learned; returns ``self``.

        Counting methods simply refit: they learn nothing beyond the history itself.
        """
        return self.fit(history)

    def recommend(self, query: EvalQuery, vector: np.ndarray, k: int) -> list[int]:
        """Supplier ids, best first."""
        raise NotImplementedError


def _winners_in_order(train: MatchIndex, rows: np.ndarray, k: int) -> list[int]:
    out: list[int] = []
    for r in rows:
        for sid in train.corpus.procurements[r].winners:
            if sid not in out:
                out.append(sid)
                if len(out) == k:
                    return out
    return out


class RandomMethod(Method):
    """Uniformly random suppliers from the training catalogue (seeded)."""

    name = "random"

    def fit(self, train: MatchIndex) -> Method:
        super().fit(train)
        self.catalogue_ = np.array(
            sorted({s for p in train.corpus.procurements for s in p.winners})
        )
        self.rng_ = np.random.default_rng(0)
        return self

    def recommend(self, query: EvalQuery, vector: np.ndarray, k: int) -> list[int]:
        if not len(self.catalogue_):
            return []
        picks = self.rng_.choice(self.catalogue_, size=min(k, len(self.catalogue_)), replace=False)
        return [int(s) for s in picks]


class TopWinners(Method):
    """The suppliers with the most past awards, whatever the need."""

    name = "top_winners"

    def fit(self, train: MatchIndex) -> Method:
        super().fit(train)
        counts = Counter(s for p in train.corpus.procurements for s in p.winners)
        self.top_ = [s for s, _ in counts.most_common(100)]
        return self

    def recommend(self, query: EvalQuery, vector: np.ndarray, k: int) -> list[int]:
        return self.top_[:k]


class CpvMatch(Method):
    """Winners of past contracts with the query's CPV code; with ``parent_weight`` > 0, contracts
    under the same parent code count that much (Mynarz's best matcher uses 0.1). The counts are
    the pipeline's own supplier history."""

    def __init__(self, parent_weight: float = 0.0) -> None:
        self.parent_weight = parent_weight
        self.name = "cpv_exact_parent" if parent_weight else "cpv_exact"

    def fit(self, train: MatchIndex) -> Method:
        super().fit(train)
        self.history_ = SupplierHistory().fit(train)
        return self

    def recommend(self, query: EvalQuery, vector: np.ndarray, k: int) -> list[int]:
        if not query.cpv:
            return []
        h, code = self.history_, query.cpv[0]
        scores: dict[int, float] = defaultdict(float, h.exact_.get(code, Counter()))
        parent = h.parent_of_(code)
        if self.parent_weight and parent:
            for s, n in h.parent_.get(parent, Counter()).items():
                scores[s] += self.parent_weight * n
        return [s for s, _ in sorted(scores.items(), key=lambda kv: -kv[1])[:k]]


class LexicalNN(Method):
    """Winners of the lexically nearest past contracts."""

    name = "lexical_nn"

    def recommend(self, query: EvalQuery, vector: np.ndarray, k: int) -> list[int]:
        rows, _ = self.train_.lexical.search(query.text, 10 * k)
        return _winners_in_order(self.train_, rows, k)


class EmbeddingNN(Method):
    """Winners of the nearest past contracts in embedding space."""

    name = "embedding_nn"

    def recommend(self, query: EvalQuery, vector: np.ndarray, k: int) -> list[int]:
        rows, _ = self.train_.procurement_vectors.search(vector, 10 * k)
        return _winners_in_order(self.train_, rows, k)


class Innomatch(Method):
    """The service's ranking pipeline, as ``POST /v1/match`` runs it.

    Args:
        name: ``innomatch`` (trained scorer) or ``case_based`` (linear scorer).
        trainer: Trains the LambdaMART scorer inside the split (None: the linear scorer).
        innovation_weight: The request's innovation weight (0: pure fit).
        potentials: Supplier id -> innovation potential as of the cut, read when weighted.
        cpv_inferrer: A CPV inferrer fitted on the training side (None: the nearest contracts'
            votes), used where a query gives no CPV code.
    """

    def __init__(self, name: str = "innomatch", trainer: Trainer | None = None,
                 innovation_weight: float = 0.0, potentials: Mapping[int, float] | None = None,
                 cpv_inferrer: object | None = None) -> None:  # fmt: skip
        self.name = name
        self.trainer = trainer
        self.innovation_weight = innovation_weight
        self.potentials = potentials
        self.cpv_inferrer = cpv_inferrer

    def fit(self, train: MatchIndex) -> Method:
        super().fit(train)
        scorer = self.trainer.scorer(train) if self.trainer else None
        self.pipeline_ = RankingPipeline(scorer=scorer, cpv_inferrer=self.cpv_inferrer).fit(train)
        return self

    def update(self, history: MatchIndex) -> Method:
        """Rank from the newer ``history`` with the scorer (and CPV inferrer) fitted in ``fit``."""
        self.train_ = history
        self.pipeline_ = RankingPipeline(scorer=self.pipeline_.scorer_,
                                         cpv_inferrer=self.cpv_inferrer).fit(history)  # fmt: skip
        return self

    def recommend(self, query: EvalQuery, vector: np.ndarray, k: int) -> list[int]:
        pot = self.potentials or {}
        ranking = self.pipeline_.rank(query, vector, k, pot.get, self.innovation_weight)
        return [r.supplier_id for r in ranking.results]


class Trainer:
    """Trains the LambdaMART scorer once per training index (shared by several methods).

    Args:
        embedder: Embeds the training windows' needs as queries.
        features: Feature names (None: the default set); for ablations.
        cold_start: Share of candidates whose award history is hidden in training.
    """

    def __init__(self, embedder: CachedEmbedder, features: Sequence[str] | None = None,
                 cold_start: float = COLD_START) -> None:  # fmt: skip
        self.embedder = embedder
        self.features = features
        self.cold_start = cold_start
        self._trained: tuple[MatchIndex, LearnedRanker] | None = None

    def ranker(self, train: MatchIndex) -> LearnedRanker:
        """The ranker trained on ``train`` (trained on first call for that index)."""
        if self._trained is None or self._trained[0] is not train:
            vocab = cpv_vocabulary()

            def embed(texts: list[str], cpvs: list[list[str]]) -> np.ndarray:
                return self.embedder.embed_queries(
                    [need_text(t, c, vocab) for t, c in zip(texts, cpvs, strict=True)]
                )

            ranker = LearnedRanker(features=self.features, cold_start=self.cold_start)
            self._trained = (train, ranker.fit(rolling_windows(train, embed)))
        return self._trained[1]

    def scorer(self, train: MatchIndex) -> LambdaMARTScorer:
        """The trained scorer for ``train``."""
        return self.ranker(train).scorer_


def baselines() -> list[Method]:
    """Every baseline, in the order the report lists them."""
    return [RandomMethod(), TopWinners(), CpvMatch(), CpvMatch(parent_weight=0.1), LexicalNN(),
            EmbeddingNN()]  # fmt: skip
