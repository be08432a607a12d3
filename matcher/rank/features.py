"""Features of a (need, supplier) pair, each with a name and a sentence, for the learned ranker.

Everything is computed from the index the builder was fitted on, so a query never sees data
from its own date or later when the index is a temporal training split.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np

from ..index.build import MatchIndex
from ..index.vectors import top_k
from ..vocab import cpv_vocabulary
from ..vocab.cpv import shared_level
from .ranker import noisy_or

#: Feature name -> what it means, shown next to its value in explanations.
FEATURES: dict[str, str] = {
    "emb_max": "similarity of the need to the supplier's most similar past contract",
    "emb_top3": "mean similarity of its three most similar past contracts",
    "emb_votes": "how many of the nearest past contracts it won (similarity-weighted)",
    "lex_max": "wording shared with its most similar past contract",
    "lex_votes": "how many of the lexically nearest past contracts it won",
    "cpv_level": "deepest CPV level shared with its past contracts (0-5)",
    "cpv_exact": "its past contracts with exactly the need's CPV code (log)",
    "cpv_parent": "its past contracts under the same parent CPV code (log)",
    "cpv_share": "share of its contracts in the need's CPV division",
    "same_buyer": "its past contracts with this buyer (log)",
    "same_region": "its past contracts in the need's region (log)",
    "home_region": "registered in the need's region",
    "n_awards": "its past awards (log)",
    "recency": "years since its last award",
    "value_fit": "distance of the need's value from its typical contract value (log10)",
    "profile_sim": "similarity of the need to its own profile",
}


@dataclass
class NeedQuery:
    """What is known of a need before tendering."""

    text: str
    vector: np.ndarray
    cpv: list[str]
    buyer_id: int | None = None
    region: str | None = None
    date: date | None = None
    value: float | None = None


class FeatureBuilder:
    """Candidate retrieval and feature rows over one index (scikit-learn style: fit, then use).

    Args:
        n_neighbours: Nearest contracts (embedding and lexical, each) whose winners are candidates.
        n_cpv: Most frequent winners of the need's exact and parent CPV code added as candidates.
        n_profile: Nearest supplier profiles added as candidates.
        max_candidates: Cap on candidates per need.
    """

    def __init__(self, n_neighbours: int = 100, n_cpv: int = 50, n_profile: int = 20,
                 max_candidates: int = 400) -> None:  # fmt: skip
        self.n_neighbours = n_neighbours
        self.n_cpv = n_cpv
        self.n_profile = n_profile
        self.max_candidates = max_candidates

    def fit(self, index: MatchIndex) -> FeatureBuilder:
        """Index each supplier's contracts, CPV codes, buyers, regions, values and dates."""
        self.index_ = index
        vocab = cpv_vocabulary()
        self.won_: dict[int, list[int]] = defaultdict(list)
        self.exact_: dict[str, Counter[int]] = defaultdict(Counter)
        self.parent_: dict[str, Counter[int]] = defaultdict(Counter)
        for row, p in enumerate(index.corpus.procurements):
            for s in p.winners:
                self.won_[s].append(row)
                for code in p.cpv[:1]:
                    self.exact_[code][s] += 1
                    parent = vocab.parent(code)
                    if parent:
                        self.parent_[parent][s] += 1
        self.by_buyer_: dict[int, Counter[int]] = defaultdict(Counter)
        self.by_region_div_: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
        for p in index.corpus.procurements:
            for s in p.winners:
                if p.buyer_id:
                    self.by_buyer_[p.buyer_id][s] += 1
                if p.region and p.cpv:
                    self.by_region_div_[(p.region, p.cpv[0][:2])][s] += 1
        self.supplier_ = {s.id: s for s in index.corpus.suppliers}
        self.profile_ids_ = [index.corpus.suppliers[int(p)].id for p in index.profile_rows]
        self.parent_of_ = vocab.parent
        return self

    def candidates(self, q: NeedQuery, sims: np.ndarray, lex: np.ndarray) -> list[int]:
        """Supplier ids worth scoring for ``q``, from every cheap retriever."""
        procs = self.index_.corpus.procurements
        found: dict[int, None] = {}
        for scores in (sims, lex):
            rows, _ = top_k(scores, self.n_neighbours)
            for r in rows:
                for s in procs[r].winners:
                    found.setdefault(s)
        for code in q.cpv[:1]:
            for s, _ in self.exact_.get(code, Counter()).most_common(self.n_cpv):
                found.setdefault(s)
            parent = self.parent_of_(code)
            for s, _ in self.parent_.get(parent or "", Counter()).most_common(self.n_cpv):
                found.setdefault(s)
        # Local and repeat business: the buyer's past suppliers, and suppliers of the same CPV
        # division in the same region (most French winners are local firms).
        if q.buyer_id:
            for s, _ in self.by_buyer_.get(q.buyer_id, Counter()).most_common(self.n_cpv):
                found.setdefault(s)
        if q.region and q.cpv:
            local = self.by_region_div_.get((q.region, q.cpv[0][:2]), Counter())
            for s, _ in local.most_common(self.n_cpv):
                found.setdefault(s)
        if len(self.index_.profile_rows):
            psims = self.index_.profile_vectors.scores(q.vector)
            for r in top_k(psims, self.n_profile)[0]:
                found.setdefault(self.profile_ids_[r])
        return list(found)[: self.max_candidates]

    def transform(self, q: NeedQuery) -> tuple[list[int], np.ndarray]:
        """Candidates for ``q`` and their feature matrix (columns in ``FEATURES`` order)."""
        idx = self.index_
        procs = idx.corpus.procurements
        sims = idx.procurement_vectors.scores(q.vector)
        lex = idx.lexical.scores(q.text)
        cands = self.candidates(q, sims, lex)
        rows_e, top_e = top_k(sims, self.n_neighbours)
        scale = max(idx.sim_ceiling - idx.sim_floor, 1e-3)
        votes_e: dict[int, list[float]] = defaultdict(list)
        for r, v in zip(rows_e, np.clip((top_e - idx.sim_floor) / scale, 0, 1), strict=True):
            for s in procs[r].winners:
                votes_e[s].append(float(v))
        rows_l, top_l = top_k(lex, self.n_neighbours)
        lbest = float(top_l[0]) if len(top_l) and top_l[0] > 0 else 1.0
        votes_l: dict[int, list[float]] = defaultdict(list)
        for r, v in zip(rows_l, top_l, strict=True):
            for s in procs[r].winners:
                votes_l[s].append(float(v) / lbest)
        psim: dict[int, float] = {}
        if len(idx.profile_rows):
            ps = idx.profile_vectors.scores(q.vector)
            psim = {self.profile_ids_[i]: float(v) for i, v in enumerate(ps)}
        code = q.cpv[0] if q.cpv else None
        parent = self.parent_of_(code) if code else None
        qlog = math.log10(q.value) if q.value else None
        X = np.full((len(cands), len(FEATURES)), np.nan, dtype=np.float32)
        for i, s in enumerate(cands):
            won = self.won_.get(s, [])
            f = X[i]
            if won:
                ws = np.sort(sims[won])[::-1]
                f[0], f[1] = ws[0], ws[:3].mean()
                f[3] = lex[won].max()
                codes = {c for r in won for c in procs[r].cpv[:1]}
                f[5] = max((shared_level(code, c) for c in codes), default=0) if code else np.nan
                f[8] = (sum(1 for r in won if procs[r].cpv[:1] and code and procs[r].cpv[0][:2] == code[:2])
                        / len(won)) if code else np.nan  # fmt: skip
                f[9] = math.log1p(
                    sum(1 for r in won if q.buyer_id and procs[r].buyer_id == q.buyer_id)
                )
                f[10] = math.log1p(sum(1 for r in won if q.region and procs[r].region == q.region))
                f[12] = math.log1p(len(won))
                dates = [d for r in won if (d := procs[r].date) is not None]
                if dates and q.date:
                    f[13] = (q.date - max(dates)).days / 365.25
                values = [math.log10(v) for r in won if (v := procs[r].value)]
                if values and qlog is not None:
                    f[14] = abs(qlog - float(np.median(values)))
            else:
                f[12] = 0.0
            f[2] = noisy_or(votes_e.get(s, []))
            f[4] = noisy_or(votes_l.get(s, []))
            if code:
                f[6] = math.log1p(self.exact_.get(code, Counter()).get(s, 0))
                f[7] = math.log1p(self.parent_.get(parent or "", Counter()).get(s, 0))
            sup = self.supplier_.get(s)
            f[11] = float(bool(q.region and sup and sup.region == q.region))
            if s in psim:
                f[15] = psim[s]
        return cands, X
