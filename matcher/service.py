"""The library's front door: one function per use, each returning a schema.

The API and the CLI call these and nothing deeper, so both behave the same.
Look-ups by id live in ``lookup``; this module holds matching, statistics and health.
"""

from __future__ import annotations

import threading
import time
from functools import lru_cache

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from .embed import Embedder, load_embedder
from .index import MatchIndex, load_index
from .index.corpus import ProcurementDoc, need_text
from .index.vectors import top_k
from .innovation.need import need_potential
from .innovation.schemas import (
    InnovationStats,
    NeedInnovationOut,
    ShareEstimate,
    SupplierInnovationOut,
)
from .innovation.stats import innovation_stats
from .innovation.supplier import SupplierPotential
from .innovation.table import PotentialTable, build_potentials, load_potentials
from .rank import Candidate, CaseBasedRanker, Query
from .rank.features import NeedQuery
from .rank.learned import LearnedRanker, load_learned
from .rank.rerank import POOL, learned_ranking
from .schemas import (
    EvidenceContract,
    Health,
    MatchRequest,
    MatchResponse,
    Signal,
    SupplierMatch,
)
from .settings import Settings
from .store.db import is_migrated
from .store.models import Award, Procurement
from .vocab import cpv_vocabulary

#: Similar past procurements the need's market view is read from.
_SIMILAR = 50


def learned_ranker(settings: Settings, index: MatchIndex) -> LearnedRanker | None:
    """The trained ranker the service orders ``index``'s matches with, or None (turned off, or
    no model in ``models_dir`` fits the index's embedding model)."""
    if not settings.use_learned_ranker:
        return None
    return load_learned(settings.models_dir, index.model_name)


class Matcher:
    """Holds the loaded index, ranker and embedder; safe to share across threads."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._lock = threading.Lock()
        self._index: MatchIndex | None = None
        self._ranker: CaseBasedRanker | None = None
        self._potentials: PotentialTable | None = None
        self._learned: LearnedRanker | None = None
        #: Share estimates by store state (count and last id of procurements): seconds to train.
        self._estimates: dict[tuple[int, int], ShareEstimate] = {}
        # A need's page ranks it and draws its market from the same text: embed it once.
        self.embed_query = lru_cache(maxsize=256)(self._embed_query)

    def _embed_query(self, text: str) -> np.ndarray:
        """The query vector of ``text`` (read-only: the cache shares it between callers)."""
        vector = self.embedder.embed_query(text)
        vector.flags.writeable = False
        return vector

    @property
    def embedder(self) -> Embedder:
        """The query embedder, loaded on first use."""
        with self._lock:
            if self._embedder is None:
                self._embedder = load_embedder(self.settings.model_name)
            return self._embedder

    def ranker(self) -> CaseBasedRanker:
        """The fitted ranker over the saved index, loaded on first use.

        Raises:
            IndexNotBuiltError: if ``innomatch build`` has not run.
        """
        with self._lock:
            if self._ranker is None:
                # Matching does small matrix-vector products; multi-threaded BLAS only fights the
                # embedder's OpenMP threads for the cores (measured: p50 34 -> 16 ms, p99 125 -> 31).
                threadpool_limits(limits=1, user_api="blas")
                index = load_index(self.settings.index_dir)
                # Scores saved by `innomatch build`; an index built without them gets them now.
                self._potentials = load_potentials(self.settings.index_dir, index) or (
                    build_potentials(self.settings, index)
                )
                self._index, self._ranker = index, CaseBasedRanker().fit(index)
                self._learned = self._load_learned(index)
            return self._ranker

    def _load_learned(self, index: MatchIndex) -> LearnedRanker | None:
        learned = learned_ranker(self.settings, index)
        return learned.use(index) if learned else None

    def potential(self, supplier_pos: int) -> SupplierPotential | None:
        """The innovation potential of the supplier at ``supplier_pos`` of the loaded index."""
        self.ranker()
        return self._potentials.by_pos.get(supplier_pos) if self._potentials else None

    def warm_up(self) -> None:
        """Load the index, the ranker and the query model now (the first match is then fast)."""
        self.ranker()
        self.embed_query("warm-up")

    def reload(self) -> None:
        """Forget the loaded index so the next call reads the newest build."""
        with self._lock:
            self._index = self._ranker = self._potentials = self._learned = None

    def index_ready(self) -> bool:
        """True if an index is loaded or can be."""
        return self._index is not None or (self.settings.index_dir / "index.joblib").is_file()

    def match(self, request: MatchRequest) -> MatchResponse:
        """Rank suppliers for a described need, each with its signals and evidence."""
        start = time.perf_counter()
        ranker = self.ranker()
        index = ranker.index_
        vocab = cpv_vocabulary()
        text = need_text(request.text, request.cpv, vocab)
        query = Query(
            text=request.text, vector=self.embed_query(text), cpv=request.cpv,
            region=request.region,
            buyer_id=request.buyer_id, country=request.filters.country,
            supplier_region=request.filters.region, with_awards_only=request.filters.with_awards_only,
        )  # fmt: skip
        # A wider pool than asked: the need's untapped supply is read from it, and an innovation
        # weight may lift a firm from below the first k.
        w, size = request.innovation_weight, max(request.k, POOL)
        # The need against every contract, once: both rankers and the market view read it.
        sims = index.procurement_vectors.scores(query.vector)
        learned_scores: dict[int, float] = {}
        # The learned score has no 0..1 scale to blend with potential: with an innovation weight
        # the case-based fit is blended instead.
        if not w and (learned := self._learned) is not None:
            need_q = NeedQuery(text=request.text, vector=query.vector, cpv=request.cpv,
                               buyer_id=request.buyer_id, region=request.region,
                               value=request.value)  # fmt: skip
            pool, query_cpv, inferred, learned_scores = learned_ranking(
                ranker, learned, query, need_q, size, sims
            )
            ranked = pool[: request.k]
        else:
            pool, query_cpv, inferred = ranker.rank(query, size, sims=sims)
            ranked = (
                sorted(pool, key=lambda c: -self._blend(c, w))[: request.k]
                if w
                else pool[: request.k]
            )
        need = self._need(ranker, sims, request.text, pool)
        results = []
        for rank, c in enumerate(ranked, start=1):
            s = index.corpus.suppliers[c.supplier_pos]
            signals = [
                Signal(
                    name=name,
                    value=round(c.signals.get(name, 0.0), 4),
                    weight=weight,
                    contribution=round(weight * c.signals.get(name, 0.0), 4),
                    explanation=c.notes.get(name, "no support from this signal"),
                )  # fmt: skip
                for name, weight in ranker.weights_.items()
            ]
            evidence = [
                EvidenceContract(
                    procurement_id=p.id,
                    title=p.title,
                    buyer=p.buyer_name,
                    date=p.date,
                    value=p.value,
                    currency=p.currency,
                    cpv=p.cpv,
                    similarity=round(sim, 4),
                )
                for r, sim in zip(c.evidence_rows, c.evidence_sims, strict=True)
                for p in [index.corpus.procurements[r]]
            ]
            results.append(
                SupplierMatch(
                    rank=rank,
                    supplier_id=s.id,
                    name=s.name,
                    country=s.country,
                    identifiers=[f"{a}:{b}" for a, b in s.identifiers],
                    score=round(self._blend(c, w), 4),
                    fit_score=round(c.score, 4),
                    innovation=SupplierInnovationOut.of(p)
                    if (p := self.potential(c.supplier_pos))
                    else None,
                    signals=signals,
                    matching_cpv=c.matching_cpv,
                    evidence=evidence,
                    n_awards=len(ranker.won_rows_.get(c.supplier_pos, [])),
                    learned_score=(
                        round(v, 4)
                        if (v := learned_scores.get(c.supplier_pos)) is not None
                        else None
                    ),
                )  # fmt: skip
            )
        return MatchResponse(
            query_cpv=query_cpv, cpv_inferred=inferred, results=results, model=index.model_name,
            index_built_at=index.built_at, took_ms=round((time.perf_counter() - start) * 1000, 2),
            innovation_weight=w, need_innovation=need,
            ranker="learned" if learned_scores else "case-based",
        )  # fmt: skip

    def _blend(self, c: Candidate, weight: float) -> float:
        """Fit blended with innovation potential: ``(1 - w) fit + w potential / 100``."""
        if not weight:
            return c.score
        p = self.potential(c.supplier_pos)
        return (1.0 - weight) * c.score + weight * (p.score / 100.0 if p else 0.0)

    def _similar(
        self, ranker: CaseBasedRanker, sims: np.ndarray
    ) -> tuple[list[ProcurementDoc], float]:
        """Past procurements above the calibrated floor, nearest first, and the best relevance,
        from the need's similarity ``sims`` to every contract."""
        index = ranker.index_
        rows, top = top_k(sims, _SIMILAR)
        rel = ranker.relevance(top)
        similar = [index.corpus.procurements[r] for r, v in zip(rows, rel, strict=True) if v > 0]
        return similar, float(rel[0]) if len(rel) else 0.0

    def similar_procurements(self, text: str, cpv: list[str] | None = None) -> list[ProcurementDoc]:
        """Past procurements similar to a need (the market view reads these)."""
        ranker = self.ranker()
        vector = self.embed_query(need_text(text, cpv or [], cpv_vocabulary()))
        return self._similar(ranker, ranker.index_.procurement_vectors.scores(vector))[0]

    def suggest_cpv(self, text: str, n: int = 5) -> list[tuple[str, float]]:
        """CPV codes for a need's text: the main codes of the 20 nearest past contracts, each
        with its share of their relevance-weighted votes (best first)."""
        ranker = self.ranker()
        sims = ranker.index_.procurement_vectors.scores(self.embed_query(text))
        rows, top = top_k(sims, 20)
        ranked = ranker.cpv_votes(rows, ranker.relevance(top))[:n]
        return [(code, round(share, 3)) for code, share in ranked]

    def _need(self, ranker: CaseBasedRanker, sims: np.ndarray, text: str,
              pool: list[Candidate]) -> NeedInnovationOut:  # fmt: skip
        index = ranker.index_
        similar, best = self._similar(ranker, sims)
        candidates = [
            (index.corpus.suppliers[c.supplier_pos].name, c.signals.get("similar_contracts", 0) > 0,
             self.potential(c.supplier_pos)) for c in pool
        ]  # fmt: skip
        return NeedInnovationOut.of(need_potential(text, similar, best, candidates))


def innovation_statistics(session: Session, matcher: Matcher, by: str = "year",
                          limit: int = 20) -> InnovationStats:  # fmt: skip
    """The innovative share by ``by``, with the classifier estimate cached per store state.

    Raises:
        InvalidInputError: if ``by`` is not year, buyer, region or cpv.
    """
    n, last = session.execute(select(func.count(), func.max(Procurement.id))).one()
    key = (int(n or 0), int(last or 0))
    stats = innovation_stats(session, by, limit, matcher._estimates.get(key))
    matcher._estimates = {key: stats.estimate}
    return stats


def health(session: Session, matcher: Matcher) -> Health:
    """Whether the database answers and the index is built, with counts."""
    url = matcher.settings.database_url
    if not is_migrated(url):
        return Health(status="degraded", database="not migrated", index_built=False,
                      procurements=0, suppliers=0, model=matcher.settings.model_name)  # fmt: skip
    n_proc = session.scalar(select(func.count()).select_from(Procurement)) or 0
    n_sup = session.scalar(select(func.count(func.distinct(Award.supplier_id)))) or 0
    ready = matcher.index_ready()
    return Health(
        status="ok" if ready else "degraded", database="ok", index_built=ready,
        procurements=n_proc, suppliers=n_sup, model=matcher.settings.model_name,
    )  # fmt: skip
