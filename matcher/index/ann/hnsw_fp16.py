"""In-process HNSW graph over half-precision vectors (faiss ``IndexHNSWSQ``, ``QT_fp16``): the
embedded default above ``vector_exact_max`` vectors.

Why not hnswlib, the backend before (:mod:`.hnsw`, still read and still selectable with
``HNSW_LIBRARY=hnswlib``): hnswlib keeps float32 vectors inside its graph and cannot hand
them back cheaply (``get_items`` costs ~77 µs a vector here), so the ranking's exact scores
needed a second float32 matrix beside it: two copies, 3 KB a contract, 3 GB at a million. Here
the graph's own storage is the one copy, 768 bytes a vector, read as a NumPy view without
copying. Half precision loses nothing a build indexes: the embedding cache already keeps every
vector in float16 (``matcher.embed.cache``). Searching is slower than hnswlib's float32 graph
(README, "Search backends": recall, time and memory measured).

faiss's HNSW cannot delete. A removed or replaced id leaves its node in the graph as a dead slot
(a replaced vector is appended as a new slot); searches skip dead slots through a bitmap
selector. :func:`~.factory.update_vector_index` rebuilds the graph once dead slots pass
``MAX_DEAD_SHARE`` of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faiss as _faiss_module
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

__all__ = ["MAX_DEAD_SHARE", "Fp16HnswIndex"]

# faiss's bundled type stubs lag its SWIG classes (no SearchParametersHNSW, no storage codes).
faiss: Any = _faiss_module

_GRAPH = "graph.faiss"
_IDS = "slot_ids.npy"
#: Dead slots (removed or replaced vectors) past this share of the graph: build a new one.
MAX_DEAD_SHARE = 0.2


class Fp16HnswIndex(StoredVectorScores):
    """Approximate nearest neighbours by inner product over an HNSW graph of float16 vectors.

    Args:
        dim: vector length.
        params: graph parameters (``ef_search`` is raised to ``k`` when ``k`` is larger).
    """

    backend = "hnsw"

    def __init__(self, dim: int, params: HnswParams | None = None) -> None:
        self.params = params or HnswParams()
        self._dim = int(dim)
        self._index: Any = faiss.IndexHNSWSQ(self._dim, faiss.ScalarQuantizer.QT_fp16,
                                             self.params.m, faiss.METRIC_INNER_PRODUCT)  # fmt: skip
        self._index.hnsw.efConstruction = self.params.ef_construction
        self._id_of = np.zeros(0, np.int64)  # slot -> id, -1 where dead
        self._slot_of = np.zeros(0, np.int64)  # id -> slot, -1 where absent
        self._mapped: np.ndarray | None = None  # the mapped bytes the graph reads in place
        self._refresh()

    def __getstate__(self) -> dict[str, Any]:
        # A faiss index does not pickle: its bytes do (an array, which joblib can map).
        state = {**self.__dict__, "_selector": None, "_mapped": None}
        state["_index"] = faiss.serialize_index(self._index)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        raw = state["_index"]
        if isinstance(raw, np.memmap) and not raw.flags.writeable:
            # A memory-mapped build (a server): the graph's vectors are read in place from the
            # file's pages, which every worker shares, instead of copied into each (768 MB at
            # 1M contracts). The array stays referenced as long as the graph reads it.
            reader = faiss.ZeroCopyIOReader(faiss.swig_ptr(raw), raw.size)
            self._index = faiss.read_index(reader, faiss.IO_FLAG_MMAP_IFC)
            self._mapped = raw
        else:
            self._index = faiss.deserialize_index(np.asarray(raw, np.uint8))
            self._mapped = None
        self._refresh()

    def _own_index(self) -> None:
        """Copy a graph read in place into memory of its own, before it changes (faiss cannot
        grow a vector it only views)."""
        if self._mapped is not None:
            self._index = faiss.deserialize_index(np.asarray(self._mapped, np.uint8))
            self._mapped = None

    def _refresh(self) -> None:
        """Count the live ids and make the dead-slot filter, after any change: a search only
        reads them (servers search from many threads, and only a build changes an index)."""
        live = self._id_of >= 0
        self._n = int(live.sum())
        self._selector: tuple[Any, np.ndarray] | None = None
        if not live.all():
            bits = np.packbits(live, bitorder="little")
            # The selector reads the array through a pointer: the tuple keeps both alive.
            self._selector = (faiss.IDSelectorBitmap(len(live), faiss.swig_ptr(bits)), bits)

    def __len__(self) -> int:
        return self._n

    @property
    def dim(self) -> int:
        """Length of each vector."""
        return self._dim

    def dead_share(self) -> float:
        """Share of the graph's slots whose vector was removed or replaced."""
        return float((self._id_of < 0).mean()) if len(self._id_of) else 0.0

    def dead_share_after(self, replaced: np.ndarray, keep_below: int) -> float:
        """:meth:`dead_share` once ``replaced`` ids are added again and every id from
        ``keep_below`` on removed, worked out before doing either (a graph past
        ``MAX_DEAD_SHARE`` is rebuilt, and inserting into it first would be wasted)."""
        replaced = as_ids(replaced)
        slots = self._slots(replaced[replaced < keep_below])
        dying = int((slots >= 0).sum()) + int((self._id_of >= keep_below).sum())
        total = len(self._id_of) + len(replaced)
        return (int((self._id_of < 0).sum()) + dying) / total if total else 0.0

    def capacity_ids(self) -> int:
        """One past the largest id ever stored (live or removed)."""
        return len(self._slot_of)

    def _codes(self) -> np.ndarray:
        """The graph's stored vectors, one float16 row per slot (a view, not a copy)."""
        n = self._index.ntotal
        if n == 0:
            return np.zeros((0, self._dim), np.float16)
        codes = faiss.downcast_index(self._index.storage).codes
        raw = faiss.rev_swig_ptr(codes.data(), n * self._dim * 2)
        return np.asarray(raw).view(np.float16).reshape(n, self._dim)

    def _own_arrays(self) -> None:
        self._id_of, self._slot_of = writable(self._id_of), writable(self._slot_of)

    def _slots(self, ids: np.ndarray) -> np.ndarray:
        inside = ids < len(self._slot_of)
        out = np.full(len(ids), -1, np.int64)
        out[inside] = self._slot_of[ids[inside]]
        return out

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(ids, scores)`` of about the ``k`` nearest vectors, best first."""
        k = min(k, len(self))
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = np.asarray(query, np.float32).reshape(1, -1)
        params = faiss.SearchParametersHNSW()
        params.efSearch = max(self.params.ef_search, k)
        selector = self._selector  # held for the whole search
        if selector is not None:
            params.sel = selector[0]
        scores, slots = self._index.search(q, k, params=params)
        found = slots[0] >= 0  # -1: fewer than k reachable
        return self._id_of[slots[0][found]], scores[0][found].astype(np.float32)

    def vectors_for(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of ``ids`` (float16, returned as float32), in that order."""
        ids = as_ids(ids)
        if not len(ids):
            return np.zeros((0, self._dim), np.float32)
        slots = self._slots(ids)
        if (slots < 0).any():
            raise KeyError(f"ids not in the index: {ids[slots < 0][:5].tolist()}")
        return self._codes()[slots].astype(np.float32)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Insert ``vectors`` under ``ids``; an id already present is replaced (its old slot dies)."""
        ids = as_ids(ids)
        if not len(ids):
            return
        vectors = np.asarray(vectors, np.float32).reshape(len(ids), -1)
        # The last vector given for an id wins.
        last = len(ids) - 1 - np.unique(ids[::-1], return_index=True)[1]
        ids, vectors = ids[last], vectors[last]
        self._kill(ids)
        if ids.max() >= len(self._slot_of):
            grow = np.full(int(ids.max()) + 1 - len(self._slot_of), -1, np.int64)
            self._slot_of = np.concatenate([self._slot_of, grow])
        first = self._index.ntotal
        self._own_index()
        self._index.add(np.ascontiguousarray(vectors))
        self._own_arrays()
        self._slot_of[ids] = first + np.arange(len(ids))
        self._id_of = np.concatenate([self._id_of, ids])
        self._refresh()

    def remove(self, ids: np.ndarray) -> None:
        """Drop ``ids`` (absent ones are ignored): their slots stay in the graph, dead."""
        if self._kill(as_ids(ids)):
            self._refresh()

    def _kill(self, ids: np.ndarray) -> bool:
        """Mark the slots of ``ids`` dead; whether any was live."""
        slots = self._slots(ids)
        live = slots[slots >= 0]
        if not len(live):
            return False
        self._own_arrays()
        self._slot_of[self._id_of[live]] = -1
        self._id_of[live] = -1
        return True

    def save(self, folder: Path) -> None:
        """Write the graph (with its vectors) and the id of each slot under ``folder``."""
        write_meta(folder, self.backend, dim=self._dim, library="faiss-fp16",
                   **params_dict(self.params))  # fmt: skip
        tmp = folder / (_GRAPH + ".tmp")
        faiss.write_index(self._index, str(tmp))
        tmp.replace(folder / _GRAPH)
        np.save(folder / _IDS, self._id_of)

    @classmethod
    def load(cls, folder: Path) -> Fp16HnswIndex:
        """Read what :meth:`save` wrote."""
        meta: dict[str, Any] = read_meta(folder)
        out = cls(int(meta["dim"]), HnswParams(m=meta["m"], ef_construction=meta["ef_construction"],
                                               ef_search=meta["ef_search"]))  # fmt: skip
        out._index = faiss.read_index(str(folder / _GRAPH))
        out._id_of = np.load(folder / _IDS)
        live = out._id_of >= 0
        out._slot_of = np.full(int(out._id_of.max()) + 1 if live.any() else 0, -1, np.int64)
        out._slot_of[out._id_of[live]] = np.flatnonzero(live)
        out._refresh()
        return out
