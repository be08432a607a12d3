"""The service's CPV inferrer: fitted by ``innomatch build`` on the new index, saved beside it."""

from __future__ import annotations

import logging
from pathlib import Path

import joblib
from threadpoolctl import threadpool_limits

from ..embed import CachedEmbedder, EmbeddingCache, load_embedder
from ..index.build import MatchIndex, build_folder, dump_atomic
from ..index.builds import live_build_beside
from ..index.incremental import within_refit_share
from ..settings import Settings
from .cpv_infer import CpvInferrer

__all__ = ["build_cpv_inferrer", "load_cpv_inferrer"]

log = logging.getLogger(__name__)
_FILE = "cpv_inferrer.joblib"


def build_cpv_inferrer(settings: Settings, index: MatchIndex) -> CpvInferrer:
    """Fit the inferrer on ``index`` (titles and labels through the embedding cache) and save it.

    In an incremental build (``settings.index_dir`` a new build folder, ``index.reused`` > 0)
    it warm-starts from the live build's inferrer while the contracts indexed since that one's
    last fit stay within ``settings.cpv_refit_share`` of the corpus: its classifiers took most of
    a large build (193 s CPU of an incremental build at 300k contracts).
    """
    model = load_embedder(settings.model_name, settings.embed_batch_size)
    cache = EmbeddingCache(model.name, settings.embedding_cache_dir, settings.embedding_seed_dirs)
    previous = _previous(settings, index)
    log.info("CPV inferrer %s", "warm-started from the live build" if previous else "fitted")
    with threadpool_limits(limits=1, user_api="blas"):  # lbfgs on 2 cores: threads only fight
        inferrer = CpvInferrer().fit(index, CachedEmbedder(model, cache, settings.embed_batch_size),
                                     previous)  # fmt: skip
    # Its state without the index it reads (saved once already, as the index itself).
    state = {k: v for k, v in vars(inferrer).items() if k != "index_"}
    dump_atomic((index.built_at, state), build_folder(settings.index_dir) / _FILE)
    return inferrer


def _previous(settings: Settings, index: MatchIndex) -> CpvInferrer | None:
    """The live build's inferrer to warm-start from, or None (see :func:`build_cpv_inferrer`)."""
    live = live_build_beside(settings.index_dir)
    if not index.reused or live is None or not (live / _FILE).is_file():
        return None
    _, previous = _read(live / _FILE)
    if any(getattr(previous, k, None) != v for k, v in vars(CpvInferrer()).items()):
        return None  # fitted with other parameters (another version's defaults)
    total = len(index.corpus.procurements)
    warm = within_refit_share(getattr(previous, "added_docs_", 0), total - index.reused, total,
                              settings.cpv_refit_share)  # fmt: skip
    return previous if warm else None


def load_cpv_inferrer(folder: Path, index: MatchIndex) -> CpvInferrer | None:
    """The saved inferrer if it was fitted on ``index`` (same build), else None."""
    path = folder / _FILE
    if not path.is_file():
        return None
    built_at, inferrer = _read(path)
    if built_at != index.built_at:
        log.warning("CPV inferrer in %s belongs to another build: CPV codes are inferred by the "
                    "nearest contracts' votes alone until `innomatch build` runs", folder)  # fmt: skip
        return None
    inferrer.index_ = index
    return inferrer


def _read(path: Path) -> tuple[str, CpvInferrer]:
    """The build a saved inferrer was fitted on, and the inferrer (without its index)."""
    built_at, state = joblib.load(path)
    inferrer = CpvInferrer.__new__(CpvInferrer)
    inferrer.__dict__.update(state)
    return built_at, inferrer
