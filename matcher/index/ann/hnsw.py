"""In-process HNSW graph (hnswlib), with ``HNSW_LIBRARY=hnswlib``: the embedded default above
``vector_exact_max`` vectors before :mod:`.hnsw_fp16`, and what builds made then load as.

Picked then over faiss-cpu and usearch by measurement on this machine (README, "Search
backends"): hnswlib and faiss answered a query in about the same time with the same recall,
usearch many times slower here; hnswlib removes and replaces vectors by id, which the
incremental build needs (the faiss backend now does it with dead slots). It keeps float32
vectors in its graph and, for reading them back fast, a second float32 matrix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hnswlib
import numpy as np

from .base import (
    HnswParams,
    StoredVectorScores,
    as_ids,
    params_dict,
    read_meta,
    writable,
    write_meta,
)

__all__ = ["HnswIndex"]

_GRAPH = "graph.hnsw"
_IDS = "ids.npy"
_VECTORS = "vectors.npy"


class HnswIndex(StoredVectorScores):
    """Approximate nearest neighbours by inner product over an HNSW graph.

    Args:
        dim: vector length.
        params: graph parameters (``ef_search`` is raised to ``k`` when ``k`` is larger).
        capacity: vectors room is made for at first (it doubles when full).
    """

    backend = "hnsw"

    def __init__(self, dim: int, params: HnswParams | None = None, capacity: int = 1024) -> None:
        self.params = params or HnswParams()
        self._dim = int(dim)
        self._index: Any = hnswlib.Index(space="ip", dim=self._dim)
        self._index.init_index(max_elements=max(capacity, 1), M=self.params.m,
                               ef_construction=self.params.ef_construction)  # fmt: skip
        # Which ids are live: hnswlib keeps a removed vector (marked deleted) in the graph.
        self._alive = np.zeros(0, bool)
        # Row ``i`` is the vector of id ``i`` (stale where ``_alive[i]`` is False).
        self._vectors = np.zeros((0, self._dim), np.float32)
        self._n = 0

    def __setstate__(self, state: dict[str, Any]) -> None:
        # An index pickled before the matrix existed: read its live vectors out of the graph once.
        self.__dict__.update(state)
        if "_vectors" not in state:
            self._vectors = self._from_graph()
        self._n = int(self._alive.sum())

    def _from_graph(self) -> np.ndarray:
        out = np.zeros((len(self._alive), self._dim), np.float32)
        live = np.flatnonzero(self._alive)
        if len(live):
            out[live] = self._index.get_items(live, return_type="numpy")
        return out

    def __len__(self) -> int:
        return self._n

    @property
    def dim(self) -> int:
        """Length of each vector."""
        return self._dim

    def _own_arrays(self) -> None:
        self._alive, self._vectors = writable(self._alive), writable(self._vectors)

    def capacity_ids(self) -> int:
        """One past the largest id ever stored (live or removed)."""
        return len(self._alive)

    def _has(self, ids: np.ndarray) -> np.ndarray:
        inside = ids < len(self._alive)
        out = np.zeros(len(ids), bool)
        out[inside] = self._alive[ids[inside]]
        return out

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(ids, scores)`` of about the ``k`` nearest vectors, best first."""
        k = min(k, len(self))
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        self._index.set_ef(max(self.params.ef_search, k))
        while True:
            try:
                labels, dists = self._index.knn_query(np.asarray(query, np.float32), k=k)
                break
            except RuntimeError:
                # Fewer than k reachable (removals cut the graph near this query): ask fewer.
                k //= 2
                if k == 0:
                    return np.zeros(0, np.int64), np.zeros(0, np.float32)
        # hnswlib's inner-product distance is 1 - similarity.
        return labels[0].astype(np.int64), (1.0 - dists[0]).astype(np.float32)

    def vectors_for(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of ``ids``, in that order."""
        ids = as_ids(ids)
        if not len(ids):
            return np.zeros((0, self._dim), np.float32)
        if not self._has(ids).all():
            raise KeyError(f"ids not in the index: {ids[~self._has(ids)][:5].tolist()}")
        return np.asarray(self._vectors[ids], np.float32)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Insert ``vectors`` under ``ids``; an id already present is replaced."""
        ids = as_ids(ids)
        if not len(ids):
            return
        vectors = np.asarray(vectors, np.float32).reshape(len(ids), -1)
        self._own_arrays()
        need = self._index.get_current_count() + len(ids)
        if need > self._index.get_max_elements():
            self._index.resize_index(max(need, 2 * self._index.get_max_elements()))
        # hnswlib replaces the vector of a label it has, and revives a label marked deleted.
        self._index.add_items(vectors, ids)
        if ids.max() >= len(self._alive):
            grow = int(ids.max()) + 1 - len(self._alive)
            self._alive = np.concatenate([self._alive, np.zeros(grow, bool)])
            self._vectors = np.concatenate([self._vectors, np.zeros((grow, self._dim), np.float32)])
        # The last vector given for an id wins, as in hnswlib.
        self._vectors[ids] = vectors
        self._alive[ids] = True
        self._n = int(self._alive.sum())

    def remove(self, ids: np.ndarray) -> None:
        """Drop ``ids`` (absent ones are ignored)."""
        ids = as_ids(ids)
        self._own_arrays()
        for i in ids[self._has(ids)]:
            self._index.mark_deleted(int(i))
        self._alive[ids[self._has(ids)]] = False
        self._n = int(self._alive.sum())

    def save(self, folder: Path) -> None:
        """Write the graph (with its vectors) and the live ids under ``folder``."""
        write_meta(folder, self.backend, dim=self._dim, **params_dict(self.params))
        tmp = folder / (_GRAPH + ".tmp")
        self._index.save_index(str(tmp))
        tmp.replace(folder / _GRAPH)
        np.save(folder / _IDS, np.flatnonzero(self._alive))
        np.save(folder / _VECTORS, np.asarray(self._vectors, np.float32))

    @classmethod
    def load(cls, folder: Path) -> HnswIndex:
        """Read what :meth:`save` wrote (the vector matrix memory-mapped read-only)."""
        meta: dict[str, Any] = read_meta(folder)
        params = HnswParams(m=meta["m"], ef_construction=meta["ef_construction"],
                            ef_search=meta["ef_search"])  # fmt: skip
        out = cls(int(meta["dim"]), params)
        out._index = hnswlib.Index(space="ip", dim=out._dim)
        out._index.load_index(str(folder / _GRAPH))
        live = np.load(folder / _IDS)
        out._alive = np.zeros(int(live.max()) + 1 if len(live) else 0, bool)
        out._alive[live] = True
        out._n = len(live)
        matrix = folder / _VECTORS
        # A folder saved before the matrix existed: read the vectors out of the graph once.
        out._vectors = np.load(matrix, mmap_mode="r")[: len(out._alive)] if matrix.is_file() \
            else out._from_graph()  # fmt: skip
        return out
