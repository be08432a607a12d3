"""Baselines and the service's rankers, behind one small interface for the harness.

Every method is fitted on the training index only and then asked for the top ``k`` supplier ids
for each query. Stable names: ``random``, ``top_winners``, ``cpv_exact``, ``cpv_exact_parent``,
``lexical_nn``, ``embedding_nn``; the service's rankers ``case_based`` (no trained model) and
``innomatch`` (what the service runs with a trained model), and ``innomatch_learned`` (the
learned ranker over its own candidates).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from ..embed import CachedEmbedder
from ..index.build import MatchIndex
from ..index.corpus import need_text
from ..rank import CaseBasedRanker, Query
from ..rank.features import NeedQuery
from ..rank.learned import LearnedRanker, rolling_windows
from ..rank.rerank import POOL, learned_ranking
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
    under the same parent code count that much (Mynarz's best matcher uses 0.1)."""

    def __init__(self, parent_weight: float = 0.0) -> None:
        self.parent_weight = parent_weight
        self.name = "cpv_exact_parent" if parent_weight else "cpv_exact"

    def fit(self, train: MatchIndex) -> Method:
        super().fit(train)
        vocab = cpv_vocabulary()
        self.exact_: dict[str, Counter[int]] = defaultdict(Counter)
        self.parent_: dict[str, Counter[int]] = defaultdict(Counter)
        for p in train.corpus.procurements:
            for code in p.cpv[:1]:
                for s in p.winners:
                    self.exact_[code][s] += 1
                    parent = vocab.parent(code)
                    if parent:
                        self.parent_[parent][s] += 1
        return self

    def recommend(self, query: EvalQuery, vector: np.ndarray, k: int) -> list[int]:
        if not query.cpv:
            return []
        code = query.cpv[0]
        scores: dict[int, float] = defaultdict(float)
        for s, n in self.exact_.get(code, Counter()).items():
            scores[s] += n
        parent = cpv_vocabulary().parent(code)
        if self.parent_weight and parent:
            for s, n in self.parent_.get(parent, Counter()).items():
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
    """The service's own ranker, as ``POST /v1/match`` runs it.

    Without ``rerank``: the case-based ranker alone (the service with no trained model). With
    it: the case-based pool of 50 plus that learned ranker's own top 10, re-ordered by it
    (``learned_ranking``), the ranker trained inside the training split, as the service does
    with a model in ``models/``.
    """

    def __init__(self, ranker: CaseBasedRanker | None = None, name: str = "innomatch",
                 rerank: Learned | None = None) -> None:  # fmt: skip
        self.ranker = ranker
        self.name = name
        self.rerank = rerank

    def fit(self, train: MatchIndex) -> Method:
        super().fit(train)
        self.ranker_ = (self.ranker or CaseBasedRanker()).fit(train)
        if self.rerank is not None:
            self.rerank.fit(train)
        return self

    def update(self, history: MatchIndex) -> Method:
        self.train_ = history
        self.ranker_ = (self.ranker or CaseBasedRanker()).fit(history)
        if self.rerank is not None:
            self.rerank.update(history)
        return self

    def recommend(self, query: EvalQuery, vector: np.ndarray, k: int) -> list[int]:
        q = Query(text=query.text, vector=vector, cpv=query.cpv, region=query.region,
                  buyer_id=query.buyer_id)  # fmt: skip
        if self.rerank is None:
            ranked, _, _ = self.ranker_.rank(q, k)
        else:
            need = NeedQuery(text=query.text, vector=vector, cpv=query.cpv,
                             buyer_id=query.buyer_id, region=query.region, date=query.date,
                             value=query.value)  # fmt: skip
            ranked, _, _, _ = learned_ranking(self.ranker_, self.rerank.ranker_, q, need,
                                              max(k, POOL))  # fmt: skip
        suppliers = self.train_.corpus.suppliers
        return [suppliers[c.supplier_pos].id for c in ranked[:k]]


def baselines() -> list[Method]:
    """Every baseline, in the order the report lists them."""
    return [RandomMethod(), TopWinners(), CpvMatch(), CpvMatch(parent_weight=0.1), LexicalNN(),
            EmbeddingNN()]  # fmt: skip


class Learned(Method):
    """The learned ranker, trained inside the training split with its own inner temporal cut."""

    def __init__(self, embedder: CachedEmbedder, features: Sequence[str] | None = None,
                 name: str = "innomatch_learned") -> None:  # fmt: skip
        self.embedder = embedder
        self.features = features
        self.name = name

    def fit(self, train: MatchIndex) -> Method:
        if getattr(self, "train_", None) is train:
            return self  # shared with the service's method: train once per split
        super().fit(train)
        vocab = cpv_vocabulary()

        def embed(texts: list[str], cpvs: list[list[str]]) -> np.ndarray:
            return self.embedder.embed_queries(
                [need_text(t, c, vocab) for t, c in zip(texts, cpvs, strict=True)]
            )

        windows = rolling_windows(train, embed)
        self.ranker_ = LearnedRanker(features=self.features).fit(windows).use(train)
        return self

    def update(self, history: MatchIndex) -> Method:
        """Rank from the newer ``history`` with the model trained in ``fit`` (no retraining)."""
        if self.train_ is history:
            return self
        self.train_ = history
        self.ranker_.use(history)
        return self

    def recommend(self, query: EvalQuery, vector: np.ndarray, k: int) -> list[int]:
        q = NeedQuery(text=query.text, vector=vector, cpv=query.cpv, buyer_id=query.buyer_id,
                      region=query.region, date=query.date, value=query.value)  # fmt: skip
        return [s for s, _, _ in self.ranker_.rank(q, k)]
