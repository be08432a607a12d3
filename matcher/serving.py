"""One build as a server holds it: loaded whole, switched whole, and the heap settled after.

:class:`~matcher.service.Matcher` keeps one :class:`Loaded` and replaces it when a newer build
is published; this module holds what a load does, apart from the switching.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping
from dataclasses import dataclass, field

from threadpoolctl import threadpool_limits

from .exceptions import IndexNotBuiltError
from .index import MatchIndex, load_index
from .index.builds import current_build
from .index.ragged import paused_gc
from .innovation.schemas import SupplierInnovationOut
from .innovation.supplier import SupplierPotential
from .innovation.table import build_potentials, load_potentials
from .rank import LambdaMARTScorer, RankingPipeline
from .rank.cpv_build import load_cpv_inferrer
from .rank.history_build import load_history
from .rank.models import load_scorer
from .settings import Settings

__all__ = ["Loaded", "load_build", "settle_heap", "trained_scorer"]

#: Potentials' response shapes a build keeps.
_MAX_OUTS = 4096


@dataclass(frozen=True)
class Loaded:
    """One build as served: switched as a whole, so a request never mixes two builds."""

    build: str
    pipeline: RankingPipeline
    potentials: Mapping[int, SupplierPotential]

    #: Response shapes of the potentials asked for (see ``potential_out``).
    _outs: dict[int, SupplierInnovationOut | None] = field(default_factory=dict, repr=False,
                                                          compare=False)  # fmt: skip

    def potential_out(self, supplier_id: int) -> SupplierInnovationOut | None:
        """The response shape of a supplier's potential. A potential is fixed for a build, and
        converting it anew for every result took about 4% of a match (profiled): built once
        per supplier (up to ``_MAX_OUTS``, then started afresh)."""
        if supplier_id not in self._outs:
            if len(self._outs) >= _MAX_OUTS:
                self._outs.clear()
            p = self.potentials.get(supplier_id)
            self._outs[supplier_id] = SupplierInnovationOut.of(p) if p else None
        return self._outs[supplier_id]

    def potential_score(self, supplier_id: int) -> float | None:
        """The supplier's innovation potential score in this build (None if it has none)."""
        p = self.potentials.get(supplier_id)
        return p.score if p else None


def trained_scorer(settings: Settings, index: MatchIndex) -> LambdaMARTScorer | None:
    """The trained scorer the service ranks ``index``'s matches with, or None (turned off, or no
    model in ``models_dir`` fits the index's embedding model)."""
    if not settings.use_learned_ranker:
        return None
    return load_scorer(settings.models_dir, index.model_name)


def load_build(settings: Settings) -> Loaded:
    """The live build of ``settings.index_dir`` with its fitted pipeline and potentials.

    Raises:
        IndexNotBuiltError: if ``innomatch build`` has not run.
    """
    # Matching does small matrix-vector products; multi-threaded BLAS only fights the
    # embedder's OpenMP threads for the cores (measured: p50 34 -> 16 ms, p99 125 -> 31).
    threadpool_limits(limits=1, user_api="blas")
    folder = current_build(settings.index_dir)
    if folder is None:
        raise IndexNotBuiltError(f"no index at {settings.index_dir}: run `innomatch build`")
    with paused_gc():  # a load makes many objects and no garbage (see ``paused_gc``)
        index = load_index(folder, mmap=settings.index_mmap)
        # Scores saved by `innomatch build`; an index built without them gets them now.
        table = load_potentials(folder, index, mmap=settings.index_mmap) or (
            build_potentials(settings.model_copy(update={"index_dir": folder}), index))
        potentials = table.by_id
        scorer = trained_scorer(settings, index)
        cpv = load_cpv_inferrer(folder, index)
        history = load_history(folder, index)  # saved by the build; None: fitted here
        pipe = RankingPipeline(scorer=scorer, cpv_inferrer=cpv).fit(index, history)
    return Loaded(str(folder), pipe, potentials)


#: Younger collections between two full ones in a serving process (Python's default is 10).
_FULL_COLLECTION_AFTER = 1000


def settle_heap(replaced: bool) -> None:
    """Exempt every object alive now (the build just loaded) from the collector's later scans,
    after one collection if a build was ``replaced``, and make full collections rare.

    A full collection walks every container alive, in whichever request happens to trigger it.
    At 100k procurements, 400 real needs matched in one process (``bench/gc_pauses.py``): 7 full
    collections, 3.3 s in all and up to 718 ms each, p99 485 ms. Settled: none ran, p99 185-217
    ms in two runs (through uvicorn, 300k: p99 686 -> 207 ms). With the build frozen, a full
    collection walks only what requests left in the bounded caches. Frozen
    objects are still freed by reference counting; unfreezing first lets this collection
    reclaim a replaced build's cycles (a request still in flight on it keeps those frozen until
    the next load). A first load skips that collection: it would walk the whole build (1.7 s
    more load at 300k procurements) to find little more than the imports' garbage.
    """
    gc.unfreeze()
    if replaced:
        gc.collect()
    gc.freeze()
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, middle, max(full, _FULL_COLLECTION_AFTER))
