"""In-process HNSW graph (usearch): the embedded default above ``vector_exact_max`` vectors.

Picked over hnswlib and faiss-cpu by measurement on this machine (README, "Search
backends"): comparable speed and recall, and the only one of the three that both removes
vectors by id and serves a saved graph memory-mapped (``view``), so several server workers
share one copy of the pages and a server starts without reading the file into memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .base import HnswParams, as_ids, params_dict, read_meta, write_meta

__all__ = ["HnswIndex"]

_GRAPH = "graph.usearch"


def _new(dim: int, params: HnswParams) -> Any:
    from usearch.index import Index

    return Index(
        ndim=dim, metric="ip", dtype="f32", connectivity=params.m,
        expansion_add=params.ef_construction, expansion_search=params.ef_search,
    )  # fmt: skip


class HnswIndex:
    """Approximate nearest neighbours by inner product over an HNSW graph.

    Args:
        dim: vector length.
        params: graph parameters (``ef_search`` is raised to ``k`` when ``k`` is larger).
    """

    backend = "hnsw"

    def __init__(self, dim: int, params: HnswParams | None = None) -> None:
        self.params = params or HnswParams()
        self._dim = int(dim)
        self._index = _new(self._dim, self.params)
        self._path: Path | None = None  # set when the graph is a read-only memory map

    def __getstate__(self) -> dict[str, object]:
        # The compiled index does not pickle; its serialised bytes do (a joblib index file).
        return {"params": self.params, "dim": self._dim, "graph": bytes(self._index.save())}

    def __setstate__(self, state: dict[str, Any]) -> None:
        from usearch.index import Index

        self.params, self._dim, self._path = state["params"], state["dim"], None
        self._index = Index.restore(bytearray(state["graph"]))

    def __len__(self) -> int:
        return len(self._index)

    @property
    def dim(self) -> int:
        """Length of each vector."""
        return self._dim

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(ids, scores)`` of about the ``k`` nearest vectors, best first."""
        k = min(k, len(self))
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        self._index.expansion_search = max(self.params.ef_search, k)
        found = self._index.search(np.asarray(query, np.float32), k)
        # usearch's inner-product distance is 1 - similarity.
        return found.keys.astype(np.int64), (1.0 - found.distances).astype(np.float32)

    def vectors_for(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of ``ids``, in that order."""
        ids = as_ids(ids)
        if not len(ids):
            return np.zeros((0, self._dim), np.float32)
        got = self._index.get(ids, dtype=np.float32)
        if isinstance(got, np.ndarray) and got.ndim == 2:
            return got
        missing = [int(i) for i, v in zip(ids, got, strict=True) if v is None]
        if missing:
            raise KeyError(f"ids not in the index: {missing[:5]}")
        return np.stack(got)

    def scores_for(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Inner product of ``query`` with the vectors of ``ids`` only (exact)."""
        if not len(ids):
            return np.zeros(0, np.float32)
        return np.asarray(self.vectors_for(ids) @ query.astype(np.float32), dtype=np.float32)

    def _writable(self) -> None:
        if self._path is not None:  # a memory map is read-only: load a private copy first
            from usearch.index import Index

            self._index = Index.restore(str(self._path), view=False)
            self._path = None

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Insert ``vectors`` under ``ids``; an id already present is replaced."""
        ids = as_ids(ids)
        if not len(ids):
            return
        self._writable()
        self.remove(ids)
        self._index.add(ids, np.asarray(vectors, np.float32).reshape(len(ids), -1), threads=0)

    def remove(self, ids: np.ndarray) -> None:
        """Drop ``ids`` (absent ones are ignored)."""
        ids = as_ids(ids)
        present = ids[np.asarray(self._index.contains(ids), bool).reshape(-1)] if len(ids) else ids
        if len(present):
            self._writable()
            self._index.remove(present)

    def save(self, folder: Path) -> None:
        """Write the graph (with its vectors) under ``folder``."""
        write_meta(folder, self.backend, dim=self._dim, **params_dict(self.params))
        tmp = folder / (_GRAPH + ".tmp")
        self._index.save(str(tmp))
        tmp.replace(folder / _GRAPH)

    @classmethod
    def load(cls, folder: Path, view: bool = True) -> HnswIndex:
        """Read what :meth:`save` wrote: memory-mapped read-only by default (a later ``add`` or
        ``remove`` first loads a private copy)."""
        from usearch.index import Index

        meta: dict[str, Any] = read_meta(folder)
        params = HnswParams(m=meta["m"], ef_construction=meta["ef_construction"],
                            ef_search=meta["ef_search"])  # fmt: skip
        out = cls(int(meta["dim"]), params)
        out._index = Index.restore(str(folder / _GRAPH), view=view)
        out._path = folder / _GRAPH if view else None
        return out
