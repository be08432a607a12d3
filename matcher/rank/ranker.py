"""The first ranker: case-based voting plus CPV, profile, lexical and place signals.

Nearest past contracts vote for their winners (the case-based approach of matchmaking
research); every signal is a number in 0..1 with a weight, and the score is their weighted sum,
so the explanation is the score itself, not a story told afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np

from ..index.build import MatchIndex
from ..index.vectors import top_k
from ..vocab.cpv import shared_level

#: Default weight of each signal; they sum to 1 so a score reads as a share of a perfect match.
DEFAULT_WEIGHTS: dict[str, float] = {
    "similar_contracts": 0.35,
    "profile": 0.20,
    "lexical": 0.15,
    "cpv": 0.20,
    "place": 0.05,
    "same_buyer": 0.05,
}
#: Value of a CPV match by how deep the codes agree (division .. exact code).
_CPV_LEVEL_VALUE = {0: 0.0, 1: 0.2, 2: 0.4, 3: 0.6, 4: 0.8, 5: 1.0}


@dataclass
class Candidate:
    """A supplier under consideration, with its signal values and supporting rows."""

    supplier_pos: int
    signals: dict[str, float] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    evidence_rows: list[int] = field(default_factory=list)
    #: Similarity of the need to each evidence contract.
    evidence_sims: list[float] = field(default_factory=list)
    matching_cpv: list[str] = field(default_factory=list)
    score: float = 0.0


@dataclass
class Query:
    """A need as the ranker sees it."""

    text: str
    vector: np.ndarray
    cpv: list[str]
    region: str | None = None
    buyer_id: int | None = None
    country: str | None = None
    supplier_region: str | None = None
    with_awards_only: bool = False


def noisy_or(values: list[float], strength: float = 0.7) -> float:
    """Combine evidence in 0..1: more similar contracts raise the value, with diminishing returns."""
    rest = 1.0
    for v in values:
        rest *= 1.0 - strength * v
    return 1.0 - rest


class CaseBasedRanker:
    """Ranks suppliers for a need; follows the scikit-learn estimator contract.

    Args:
        n_neighbours: Past contracts (embedding and lexical, each) that vote for their winners.
        n_profile: Supplier profiles retrieved by embedding (finds firms that never won).
        weights: Weight per signal; missing names take ``DEFAULT_WEIGHTS``.
        n_evidence: Evidence contracts shown per supplier.
    """

    def __init__(
        self,
        n_neighbours: int = 100,
        n_profile: int = 30,
        weights: dict[str, float] | None = None,
        n_evidence: int = 3,
    ) -> None:
        self.n_neighbours = n_neighbours
        self.n_profile = n_profile
        self.weights = weights
        self.n_evidence = n_evidence

    def fit(self, index: MatchIndex) -> CaseBasedRanker:
        """Learn each supplier's won contracts, CPV codes and places from ``index``."""
        corpus = index.corpus
        self.index_ = index
        self.weights_ = {**DEFAULT_WEIGHTS, **(self.weights or {})}
        self.pos_ = {s.id: i for i, s in enumerate(corpus.suppliers)}
        self.won_rows_: dict[int, list[int]] = defaultdict(list)
        self.cpv_: dict[int, set[str]] = defaultdict(set)
        self.regions_: dict[int, set[str]] = defaultdict(set)
        self.buyers_: dict[int, set[int]] = defaultdict(set)
        self.by_cpv_: dict[str, list[int]] = defaultdict(list)
        for row, p in enumerate(corpus.procurements):
            for sid in p.winners:
                pos = self.pos_[sid]
                self.won_rows_[pos].append(row)
                self.cpv_[pos].update(p.cpv)
                if p.region:
                    self.regions_[pos].add(p.region)
                if p.buyer_id:
                    self.buyers_[pos].add(p.buyer_id)
                for code in p.cpv:
                    self.by_cpv_[code].append(pos)
        # Invoices count too: a supplier the buyer already pays has "supplied this buyer before".
        self.bought_from_: dict[int, set[int]] = defaultdict(set)
        # (Indexes built before purchases were indexed have no such field.)
        for buyer_id, supplier_ids in getattr(corpus, "purchases_by_buyer", {}).items():
            for sid in supplier_ids:
                if sid in self.pos_:
                    self.bought_from_[self.pos_[sid]].add(buyer_id)
        self.profile_of_ = {int(pos): r for r, pos in enumerate(index.profile_rows)}
        self.sim_floor_, self.sim_ceiling_ = index.sim_floor, index.sim_ceiling
        return self

    def relevance(self, sims: np.ndarray) -> np.ndarray:
        """Similarities mapped to 0..1 on the calibrated scale."""
        scale = self.sim_ceiling_ - self.sim_floor_
        return np.clip((sims - self.sim_floor_) / scale, 0.0, 1.0)

    def cpv_votes(self, rows: np.ndarray, rel: np.ndarray) -> list[tuple[str, float]]:
        """Main CPV codes of the 20 nearest contracts (``rows``, best first, with relevance
        ``rel``), each with its share of their relevance-weighted votes, best first."""
        votes: dict[str, float] = defaultdict(float)
        procs = self.index_.corpus.procurements
        for row, r in zip(rows[:20], rel[:20], strict=False):
            if procs[row].cpv:
                votes[procs[row].cpv[0]] += float(r) + 1e-3
        total = sum(votes.values()) or 1.0
        return [(c, v / total) for c, v in sorted(votes.items(), key=lambda kv: -kv[1])]

    def infer_cpv(self, rows: np.ndarray, rel: np.ndarray, n: int = 2) -> list[str]:
        """CPV codes of the nearest contracts, by similarity-weighted vote."""
        return [c for c, share in self.cpv_votes(rows, rel)[:n] if share >= 0.15]

    def query_cpv(self, query: Query, sims: np.ndarray) -> tuple[list[str], bool]:
        """The need's CPV codes, or (with True) those inferred from its nearest contracts."""
        if query.cpv:
            return query.cpv, False
        rows, top = top_k(sims, 20)
        return self.infer_cpv(rows, self.relevance(top)), True

    def rank(
        self,
        query: Query,
        k: int,
        include: Collection[int] = (),
        sims: np.ndarray | None = None,
        lex: np.ndarray | None = None,
    ) -> tuple[list[Candidate], list[str], bool]:
        """Rank suppliers for ``query``.

        Args:
            query: The need.
            k: How many to return.
            include: Supplier positions scored and returned even below the top ``k`` (after
                it, best first), unless the query's filters exclude them.
            sims: The need's similarity to every contract, if the caller has it already.
            lex: Its lexical scores against every contract, likewise.

        Returns:
            The top ``k`` candidates (best first) and any of ``include`` below them, the CPV
            codes used, and whether they were inferred from the text.
        """
        idx = self.index_
        if sims is None:
            sims = idx.procurement_vectors.scores(query.vector)
        rows, top = top_k(sims, self.n_neighbours)
        if not len(rows):
            return [], query.cpv, False
        rel = self.relevance(top)
        cands: dict[int, Candidate] = {}

        def cand(pos: int) -> Candidate:
            if pos not in cands:
                cands[pos] = Candidate(pos)
            return cands[pos]

        procs = idx.corpus.procurements
        case_votes: dict[int, list[float]] = defaultdict(list)
        for row, r in zip(rows, rel, strict=True):
            for sid in procs[row].winners:
                case_votes[self.pos_[sid]].append(float(r))
        for pos, votes in case_votes.items():
            c = cand(pos)
            c.signals["similar_contracts"] = noisy_or(votes)
            c.notes["similar_contracts"] = (
                f"won {len(votes)} of the {len(rows)} past contracts most similar to the need"
            )

        if lex is None:
            lex = idx.lexical.scores(query.text)
        lrows, ltop = top_k(lex, self.n_neighbours)
        lbest = float(ltop[0]) if len(ltop) else 0.0
        if lbest > 0:
            # Weak best matches (short or unusual texts) count for less than strong ones.
            confidence = min(1.0, lbest / 0.3)
            lex_votes: dict[int, list[float]] = defaultdict(list)
            for row, s in zip(lrows, ltop, strict=True):
                for sid in procs[row].winners:
                    lex_votes[self.pos_[sid]].append(float(s) / lbest * confidence)
            for pos, votes in lex_votes.items():
                c = cand(pos)
                c.signals["lexical"] = noisy_or(votes)
                c.notes["lexical"] = f"{len(votes)} past contracts share wording with the need"

        if len(idx.profile_rows):
            psims = idx.profile_vectors.scores(query.vector)
            prow, ptop = top_k(psims, self.n_profile)
            for r, s, value in zip(prow, ptop, self.relevance(ptop), strict=True):
                if value > 0:
                    c = cand(int(idx.profile_rows[r]))
                    c.signals["profile"] = float(value)
                    c.notes["profile"] = f"own profile is close to the need (similarity {s:.2f})"

        query_cpv, inferred, cpv_confidence = query.cpv, False, 1.0
        if not query_cpv:
            # Codes inferred from the nearest contracts are only as sure as those contracts are
            # close; otherwise their winners would be rewarded twice for the same weak match.
            query_cpv, inferred = self.infer_cpv(rows, rel), True
            cpv_confidence = float(rel[0])
        if query.cpv:
            for code in query.cpv:
                for pos in self.by_cpv_.get(code, [])[:200]:
                    cand(pos)
        for pos in include:
            cand(pos)

        results = []
        for pos, c in cands.items():
            if not self._passes(pos, query):
                continue
            self._cpv_signal(c, query_cpv, cpv_confidence)
            if query.region and query.region in self.regions_.get(pos, ()):
                c.signals["place"] = 1.0
                c.notes["place"] = f"delivered in {query.region} before"
            if query.buyer_id and query.buyer_id in self.buyers_.get(pos, ()):
                c.signals["same_buyer"] = 1.0
                c.notes["same_buyer"] = "won a contract of this buyer before"
            elif query.buyer_id and query.buyer_id in self.bought_from_.get(pos, ()):
                c.signals["same_buyer"] = 1.0
                c.notes["same_buyer"] = "the buyer has bought from it before (invoices)"
            c.score = sum(self.weights_[n] * v for n, v in c.signals.items())
            won = self.won_rows_.get(pos, [])
            c.evidence_rows = self._evidence(won, sims)
            c.evidence_sims = [float(sims[r]) for r in c.evidence_rows]
            results.append(c)
        results.sort(key=lambda c: (-c.score, -len(self.won_rows_.get(c.supplier_pos, []))))
        below = [c for c in results[k:] if c.supplier_pos in include]
        return results[:k] + below, query_cpv, inferred

    def _evidence(self, won: list[int], sims: np.ndarray) -> list[int]:
        """The supplier's most similar contracts, one per (title, buyer): lots repeat them."""
        procs = self.index_.corpus.procurements
        out: list[int] = []
        seen: set[tuple[str, int | None]] = set()
        for r in sorted(won, key=lambda r: -sims[r]):
            key = (procs[r].title.casefold(), procs[r].buyer_id)
            if key not in seen:
                seen.add(key)
                out.append(r)
                if len(out) == self.n_evidence:
                    break
        return out

    def _cpv_signal(self, c: Candidate, query_cpv: list[str], confidence: float) -> None:
        mine = self.cpv_.get(c.supplier_pos, set())
        best, matched = 0, []
        for q in query_cpv:
            for code in mine:
                level = shared_level(q, code)
                if level > best:
                    best, matched = level, [code]
                elif level == best and level > 0:
                    matched.append(code)
        if best:
            c.signals["cpv"] = _CPV_LEVEL_VALUE[best] * confidence
            c.matching_cpv = sorted(set(matched))[:5]
            c.notes["cpv"] = f"past contracts share CPV level {best} of 5 with the need"

    def _passes(self, pos: int, query: Query) -> bool:
        s = self.index_.corpus.suppliers[pos]
        if query.country and s.country != query.country:
            return False
        if query.with_awards_only and not self.won_rows_.get(pos):
            return False
        if query.supplier_region:
            places = self.regions_.get(pos, set()) | ({s.region} if s.region else set())
            if query.supplier_region not in places:
                return False
        return True
