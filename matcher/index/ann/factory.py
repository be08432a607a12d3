"""Pick, build and reload the vector backend that the settings ask for."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ...settings import Settings
from .base import HnswParams, VectorIndex, read_meta
from .exact import ExactIndex
from .hnsw import HnswIndex
from .hnsw_fp16 import MAX_DEAD_SHARE, Fp16HnswIndex
from .pgvector import PgVectorIndex, is_postgres_url, pgvector_available

__all__ = ["choose_backend", "hnsw_params", "load_vector_index", "make_vector_index",
           "update_vector_index"]

log = logging.getLogger(__name__)
_TABLE = "innomatch_vectors_{name}"


def hnsw_params(settings: Settings) -> HnswParams:
    """The HNSW graph parameters of ``settings``."""
    return HnswParams(m=settings.hnsw_m, ef_construction=settings.hnsw_ef_construction,
                      ef_search=settings.hnsw_ef_search)  # fmt: skip


def _vector_url(settings: Settings) -> str:
    return settings.vector_database_url or settings.database_url


def choose_backend(settings: Settings, n: int) -> str:
    """The backend for ``n`` vectors: ``settings.vector_backend`` unless it is ``auto``.

    ``auto``: pgvector when the vector store is a PostgreSQL with the extension (Debian's
    PostgreSQL 15 has none: then the in-process choice, with a log line); else exact up to
    ``vector_exact_max`` vectors and HNSW above.
    """
    if settings.vector_backend != "auto":
        return settings.vector_backend
    url = _vector_url(settings)
    if is_postgres_url(url):
        if pgvector_available(url):
            return "pgvector"
        log.info("PostgreSQL at the vector store has no pgvector: vectors stay in process")
    return "exact" if n <= settings.vector_exact_max else "hnsw"


def _hnsw_class(settings: Settings) -> type[HnswIndex] | type[Fp16HnswIndex]:
    return Fp16HnswIndex if settings.hnsw_library == "faiss" else HnswIndex


def make_vector_index(settings: Settings, name: str, vectors: np.ndarray,
                      ids: np.ndarray | None = None) -> VectorIndex:
    """A new index of the chosen backend over ``vectors`` (ids ``0..n-1`` by default).

    Args:
        settings: backend choice and parameters.
        name: what the vectors are (``procurements``, ``profiles``): the pgvector table name.
        vectors: one unit vector per row.
        ids: the id of each row.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    ids = np.arange(len(vectors), dtype=np.int64) if ids is None else np.asarray(ids, np.int64)
    backend = choose_backend(settings, len(vectors))
    if backend == "exact":
        return ExactIndex(vectors, ids)
    if backend == "hnsw":
        index = _hnsw_class(settings)(vectors.shape[1], hnsw_params(settings))
        index.add(ids, vectors)
        return index
    return PgVectorIndex.build(_vector_url(settings), _TABLE.format(name=name), ids, vectors,
                               hnsw_params(settings))  # fmt: skip


def update_vector_index(settings: Settings, name: str, vectors: np.ndarray,
                        previous: VectorIndex | None, reused: np.ndarray) -> tuple[VectorIndex, bool]:
    """An index over ``vectors`` (ids ``0..n-1``) for an incremental build: the previous build's
    HNSW graph updated in place where it can be, else a new one (:func:`make_vector_index`).

    The graph is taken when the backend and its graph parameters are the same and every reused row
    kept its id (``reused[i]`` is ``i`` or -1: new ingests append, merges move no contract).
    Then only changed and new rows are inserted (replacing a vector by id) and rows past the end
    removed (a faiss graph is built afresh instead once its dead slots would pass
    ``MAX_DEAD_SHARE``): building a graph is the costliest part of indexing a large corpus, and
    the cost now follows the change. The graph differs from a fresh build's (insertion order),
    so its answers may too, within the recall an HNSW graph has either way.

    Args:
        settings: backend choice and parameters.
        name: what the vectors are (the pgvector table name when one is made).
        vectors: every row's vector, reused and new.
        previous: the previous build's index (modified in place when taken).
        reused: for each row, its id in ``previous`` if unchanged, else -1.

    Returns:
        The index, and whether the previous graph was taken.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    n = len(vectors)
    kept = reused >= 0
    params = hnsw_params(settings)
    changed = np.flatnonzero(~kept)
    if (isinstance(previous, _hnsw_class(settings)) and choose_backend(settings, n) == "hnsw"
            and (previous.params.m, previous.params.ef_construction) == (params.m, params.ef_construction)
            and previous.dim == vectors.shape[1]
            and np.array_equal(reused[kept], np.flatnonzero(kept))
            and (not isinstance(previous, Fp16HnswIndex)
                 or previous.dead_share_after(changed, n) <= MAX_DEAD_SHARE)):  # fmt: skip
        previous.params = params  # ef_search is read per query: a new value needs no new graph
        previous.add(changed, vectors[changed])
        previous.remove(np.arange(n, previous.capacity_ids(), dtype=np.int64))
        return previous, True
    return make_vector_index(settings, name, vectors), False


def load_vector_index(folder: Path, settings: Settings) -> VectorIndex:
    """Reopen what an index's ``save(folder)`` wrote (the backend is read from the folder)."""
    backend = read_meta(folder)["backend"]
    if backend == "exact":
        return ExactIndex.load(folder)
    if backend == "hnsw":
        faiss_graph = read_meta(folder).get("library") == "faiss-fp16"
        return Fp16HnswIndex.load(folder) if faiss_graph else HnswIndex.load(folder)
    return PgVectorIndex.load(folder, _vector_url(settings))
