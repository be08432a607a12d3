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
from ..vocab.cpv import shared_level
from .history import SupplierHistory
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
    "name_sim": "wording shared between the need and the supplier's name",
    "buyer_share": "share of this buyer's past awards it won",
}
_COL = {name: i for i, name in enumerate(FEATURES)}


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
        """Read each supplier's past from ``index``; returns ``self``."""
        self.index_ = index
        self.history_ = SupplierHistory().fit(index)
        self.supplier_ = {s.id: s for s in index.corpus.suppliers}
        self.profile_ids_ = [index.corpus.suppliers[int(p)].id for p in index.profile_rows]
        return self

    def candidates(
        self, q: NeedQuery, sims: np.ndarray, lex: np.ndarray, psims: np.ndarray
    ) -> list[int]:
        """Supplier ids worth scoring for ``q``, from every cheap retriever (``psims``: the
        need's similarity to every supplier profile)."""
        h = self.history_
        procs = self.index_.corpus.procurements
        found: dict[int, None] = {}
        for scores in (sims, lex):
            for r in top_k(scores, self.n_neighbours)[0]:
                found.update(dict.fromkeys(procs[r].winners))
        lists: list[Counter[int]] = []
        for code in q.cpv[:1]:
            lists += [
                h.exact_.get(code, Counter()),
                h.parent_.get(h.parent_of_(code) or "", Counter()),
            ]
        # Local and repeat business: the buyer's past suppliers, and suppliers of the same CPV
        # division in the same region (most French winners are local firms).
        if q.buyer_id:
            lists.append(h.by_buyer_.get(q.buyer_id, Counter()))
        if q.region and q.cpv:
            lists.append(h.by_region_div_.get((q.region, q.cpv[0][:2]), Counter()))
        for counts in lists:
            found.update(dict.fromkeys(s for s, _ in counts.most_common(self.n_cpv)))
        if len(psims):
            found.update(
                dict.fromkeys(self.profile_ids_[r] for r in top_k(psims, self.n_profile)[0])
            )
        return list(found)[: self.max_candidates]

    def _votes(self, scores: np.ndarray, floor: float, scale: float) -> dict[int, float]:
        """Noisy-or of the (rescaled) similarities of the nearest contracts each supplier won."""
        procs = self.index_.corpus.procurements
        rows, top = top_k(scores, self.n_neighbours)
        votes: dict[int, list[float]] = defaultdict(list)
        for r, v in zip(rows, np.clip((top - floor) / scale, 0, 1), strict=True):
            for s in procs[r].winners:
                votes[s].append(float(v))
        return {s: noisy_or(v) for s, v in votes.items()}

    def transform(
        self,
        q: NeedQuery,
        suppliers: list[int] | None = None,
        sims: np.ndarray | None = None,
        lex: np.ndarray | None = None,
    ) -> tuple[list[int], np.ndarray]:
        """Candidates for ``q`` (or the given ``suppliers``) and their feature matrix (columns in
        ``FEATURES`` order). ``sims`` and ``lex``, the need's embedding and lexical scores against
        every contract of the index, are computed here unless the caller has them."""
        idx, h = self.index_, self.history_
        if sims is None:
            sims = idx.procurement_vectors.scores(q.vector)
        if lex is None:
            lex = idx.lexical.scores(q.text)
        psims = idx.profile_vectors.scores(q.vector) if len(idx.profile_rows) else np.zeros(0)
        cands = self.candidates(q, sims, lex, psims) if suppliers is None else list(suppliers)
        votes_e = self._votes(sims, idx.sim_floor, max(idx.sim_ceiling - idx.sim_floor, 1e-3))
        lbest = float(lex.max()) if len(lex) and lex.max() > 0 else 1.0
        votes_l = self._votes(lex, 0.0, lbest)
        psim = {self.profile_ids_[i]: float(v) for i, v in enumerate(psims)}
        code = q.cpv[0] if q.cpv else None
        exact = h.exact_.get(code or "", Counter())
        parent = h.parent_.get((h.parent_of_(code) if code else None) or "", Counter())
        btotal = h.buyer_total_.get(q.buyer_id or -1, 0)
        bcounts = h.by_buyer_.get(q.buyer_id or -1, Counter())
        nsim = h.names_.scores(q.text)
        qlog = math.log10(q.value) if q.value else None
        X = np.full((len(cands), len(FEATURES)), np.nan, dtype=np.float32)
        for i, s in enumerate(cands):
            r = h.name_row_.get(s)
            f: dict[str, float | None] = {
                "emb_votes": votes_e.get(s, 0.0), "lex_votes": votes_l.get(s, 0.0),
                "name_sim": float(nsim[r]) if r is not None else 0.0,
            }  # fmt: skip
            if won := h.won_.get(s, []):
                f.update(self._past(q, won, sims, lex, code, qlog))
            else:
                f["n_awards"] = 0.0
            if code:
                f["cpv_exact"] = math.log1p(exact.get(s, 0))
                f["cpv_parent"] = math.log1p(parent.get(s, 0))
            sup = self.supplier_.get(s)
            f["home_region"] = float(bool(q.region and sup and sup.region == q.region))
            f["profile_sim"] = psim.get(s)
            f["buyer_share"] = bcounts.get(s, 0) / btotal if btotal else None
            for name, value in f.items():
                if value is not None:
                    X[i, _COL[name]] = value
        return cands, X

    def _past(self, q: NeedQuery, won: list[int], sims: np.ndarray, lex: np.ndarray,
              code: str | None, qlog: float | None) -> dict[str, float | None]:  # fmt: skip
        """Features of a supplier that won before: its contracts against the need."""
        procs = self.index_.corpus.procurements
        ws = np.sort(sims[won])[::-1]
        f: dict[str, float | None] = {
            "emb_max": ws[0], "emb_top3": ws[:3].mean(), "lex_max": lex[won].max(),
            "same_buyer": math.log1p(sum(1 for r in won if q.buyer_id and procs[r].buyer_id == q.buyer_id)),
            "same_region": math.log1p(sum(1 for r in won if q.region and procs[r].region == q.region)),
            "n_awards": math.log1p(len(won)),
        }  # fmt: skip
        if code:
            codes = {c for r in won for c in procs[r].cpv[:1]}
            f["cpv_level"] = max((shared_level(code, c) for c in codes), default=0)
            in_div = sum(1 for r in won if procs[r].cpv[:1] and procs[r].cpv[0][:2] == code[:2])
            f["cpv_share"] = in_div / len(won)
        dates = [d for r in won if (d := procs[r].date) is not None]
        if dates and q.date:
            f["recency"] = (q.date - max(dates)).days / 365.25
        values = [math.log10(v) for r in won if (v := procs[r].value)]
        if values and qlog is not None:
            f["value_fit"] = abs(qlog - float(np.median(values)))
        return f
