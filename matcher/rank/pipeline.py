"""The one ranking pipeline: context -> retrieval -> filtering -> features -> scoring -> ordering
-> explanation.

``POST /v1/match``, the CLI, the pages, the broker's shortlists and ``innomatch evaluate`` all
call :meth:`RankingPipeline.rank`. The order served is the scorer's order: each result's score is
the scorer's output (blended with innovation potential only when asked), results are sorted by
it, and the explained parts plus the base value add up to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..index.build import MatchIndex
from .context import NeedContext
from .cpv_votes import VoteCpvInferrer
from .explain import Contribution, Explainer, Ranked
from .features import FeatureBuilder
from .history import SupplierHistory
from .need import Need
from .retrieve import Retriever, default_retrievers
from .scorers import LinearScorer, Scorer

__all__ = ["POOL", "Ranking", "RankingPipeline"]

#: Ranked suppliers kept beyond the k shown: the need's untapped supply is read from them.
POOL = 50
#: Supplier id -> innovation potential 0..100 (None if unknown).
Potential = Callable[[int], float | None]


@dataclass
class Ranking:
    """The outcome of one ranking: the context, the top k explained, and the wider pool."""

    ctx: NeedContext
    results: list[Ranked]
    pool: list[int] = field(default_factory=list)
    scorer: str = "linear"


class RankingPipeline:
    """Ranks suppliers for needs over one index (scikit-learn style: fit, then rank).

    Args:
        scorer: The scorer (a :class:`LinearScorer` with documented weights by default).
        retrievers: Candidate retrievers (``default_retrievers()`` by default).
        cpv_inferrer: A fitted inferrer of CPV codes over the same index, used when a need gives
            none (a ``CpvInferrer``: votes, CPV labels and a classifier); by default the votes of
            the nearest contracts alone. Anything with ``predict(vector, neighbours, n)``.
        n_neighbours: Nearest contracts searched, by embedding and by wording, each.
        n_profiles: Nearest supplier profiles searched.
        max_candidates: Candidates scored per need.
    """

    def __init__(self, scorer: Scorer | None = None, retrievers: Sequence[Retriever] | None = None,
                 cpv_inferrer: object | None = None, n_neighbours: int = 100, n_profiles: int = 30,
                 max_candidates: int = 400) -> None:  # fmt: skip
        self.scorer = scorer
        self.retrievers = retrievers
        self.cpv_inferrer = cpv_inferrer
        self.n_neighbours = n_neighbours
        self.n_profiles = n_profiles
        self.max_candidates = max_candidates

    def fit(self, index: MatchIndex, history: SupplierHistory | None = None) -> RankingPipeline:
        """Read ``index`` (or take its fitted ``history``); returns ``self``."""
        self.index_ = index
        self.history_ = history or SupplierHistory().fit(index)
        self.builder_ = FeatureBuilder().fit(index, self.history_)
        self.scorer_: Scorer = self.scorer or LinearScorer()
        self.retrievers_ = list(self.retrievers or default_retrievers())
        self.cpv_ = self.cpv_inferrer or VoteCpvInferrer().fit(index)
        self.explainer_ = Explainer()
        return self

    def context(self, need: Need, vector: np.ndarray) -> NeedContext:
        """Search the indexes once for ``need`` and run every retriever."""
        idx = self.index_
        contracts = idx.procurement_vectors.search(vector, self.n_neighbours)
        q = idx.lexical.query(need.text)
        wording = idx.lexical.search_query(q, self.n_neighbours)
        profiles = idx.profile_vectors.search(vector, self.n_profiles) if len(idx.profile_rows) \
            else (np.zeros(0, np.int64), np.zeros(0, np.float32))  # fmt: skip
        cpv, inferred, confidence = list(need.cpv), False, 1.0
        if not cpv:
            # The context's neighbours are rows of this index: handed over only if the inferrer
            # was fitted on the same one (in rolling evaluation it was fitted on the training side).
            same = getattr(self.cpv_, "index_", None) is idx
            codes = self.cpv_.predict(vector, contracts if same else None, 2, text=need.text,  # type: ignore[attr-defined]
                                      wording=wording if same else None,
                                      buyer_id=need.buyer_id, region=need.region)  # fmt: skip
            # The best code, and the second where it is nearly as likely.
            cpv = [c for i, (c, share) in enumerate(codes) if i == 0 or share >= 0.15]
            inferred = True
            confidence = float(self.builder_.relevance(contracts[1][:1]).max(initial=0.0))
        ctx = NeedContext(need, vector, cpv, inferred, confidence, contracts, wording, q,
                          profiles)  # fmt: skip
        for r in self.retrievers_:
            ctx.hits[r.name] = r.retrieve(ctx, self.history_, idx)
        return ctx

    def candidates(self, ctx: NeedContext) -> list[int]:
        """The retrieved suppliers that pass the need's filters (at most ``max_candidates``)."""
        return [s for s in ctx.candidates() if self._passes(s, ctx.need)][: self.max_candidates]

    def _passes(self, s: int, need: Need) -> bool:
        h = self.history_
        sup = h.supplier_.get(s)
        if sup is None or (need.country and sup.country != need.country):
            return False
        if need.with_awards_only and not h.won_.get(s):
            return False
        if need.supplier_region:
            return need.supplier_region in (h.regions_.get(s, set()) | {sup.region})
        return True

    def rank(self, need: Need, vector: np.ndarray, k: int = 10, potential: Potential | None = None,
             innovation_weight: float = 0.0) -> Ranking:  # fmt: skip
        """The top ``k`` suppliers for ``need``, explained, and the top ``POOL`` ids.

        Args:
            need: The need.
            vector: Its query vector.
            k: How many to explain and return.
            potential: Supplier id -> innovation potential, read when ``innovation_weight`` > 0.
            innovation_weight: w in 0..1: score = (1 - w) fit + w x scale x potential / 100.
        """
        ctx = self.context(need, vector)
        cands = self.candidates(ctx)
        X = self.builder_.transform(ctx, cands)
        fit = self.scorer_.score(X)
        w = innovation_weight
        pot = np.array([(potential(s) or 0.0) / 100.0 for s in cands]) if w and potential \
            else np.zeros(len(cands))  # fmt: skip
        final = (1.0 - w) * fit + w * self.scorer_.scale * pot
        h = self.history_
        # Ties (equal scores) go to the supplier with more awards, then the lower id: stable.
        order = sorted(range(len(cands)), key=lambda i: (-final[i], -h.n_awards(cands[i]), cands[i]))
        top = order[:k]
        results = self._explain(ctx, [cands[i] for i in top], X[top], final[top], fit[top],
                                pot[top], w)  # fmt: skip
        return Ranking(ctx, results, [cands[i] for i in order[:POOL]], self.scorer_.name)

    def _explain(self, ctx: NeedContext, ids: list[int], X: np.ndarray, final: np.ndarray,
                 fit: np.ndarray, pot: np.ndarray, w: float) -> list[Ranked]:  # fmt: skip
        base, contrib = self.scorer_.contributions(X)
        weights = getattr(self.scorer_, "weights", None)
        out = []
        for i, s in enumerate(ids):
            parts = self.explainer_.parts(self.builder_, ctx, s, self.scorer_.feature_names, X[i],
                                          (1.0 - w) * contrib[i], weights)  # fmt: skip
            if w:
                parts.append(Contribution(
                    "innovation", round(float(pot[i]) * 100, 1), w * self.scorer_.scale * float(pot[i]),
                    "the supplier's innovation potential (0-100), weighted by the innovation weight",
                    w))  # fmt: skip
            rows, sims = self.explainer_.evidence(self.builder_, ctx, s)
            out.append(Ranked(
                supplier_id=s, score=float(final[i]), fit=float(fit[i]), base=(1.0 - w) * base,
                contributions=parts, evidence_rows=rows, evidence_sims=sims,
                matching_cpv=self.builder_.cpv_match(ctx, s)[1], found_by=ctx.found_by(s),
                n_awards=self.history_.n_awards(s),
            ))  # fmt: skip
        return out
