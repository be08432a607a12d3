"""The vector search interface every backend answers, and the helpers they share.

Vectors are unit vectors compared by inner product. Each vector carries an integer id: the
row of its document in the corpus (``corpus.procurements`` for contracts, the profile row for
suppliers), so ids stay stable while other rows are added or removed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = [
    "HnswParams", "StoredVectorScores", "VectorIndex", "as_ids", "params_dict", "read_meta", "top_k", "writable", "write_meta",
]  # fmt: skip

_META = "meta.json"


@runtime_checkable
class VectorIndex(Protocol):
    """Nearest neighbours by inner product over unit vectors, addressed by integer ids."""

    #: Short name of the backend (``exact``, ``hnsw``, ``pgvector``), written in the manifest.
    backend: str

    def __len__(self) -> int: ...

    @property
    def dim(self) -> int:
        """Length of each vector."""
        ...

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(ids, scores)`` of the ``k`` nearest vectors, best first."""
        ...

    def scores_for(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Inner product of ``query`` with the vectors of ``ids`` only (exact, any backend)."""
        ...

    def vectors_for(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of ``ids``, in that order."""
        ...

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Insert ``vectors`` under ``ids``; an id already present is replaced."""
        ...

    def remove(self, ids: np.ndarray) -> None:
        """Drop ``ids`` (absent ones are ignored): they are never returned again."""
        ...

    def save(self, folder: Path) -> None:
        """Write the index under ``folder`` (read back by :func:`..load_vector_index`)."""
        ...


@dataclass(frozen=True)
class HnswParams:
    """Graph parameters of an HNSW index (in process or in pgvector)."""

    #: Links per node: more gives better recall for more memory and a slower build.
    m: int = 16
    #: Candidate list while inserting: more gives a better graph for a slower build.
    ef_construction: int = 100
    #: Candidate list while searching: more gives better recall for slower queries.
    ef_search: int = 128


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of the ``k`` largest scores, best first (argpartition, not a sort)."""
    n = scores.shape[0]
    if n == 0 or k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    k = min(k, n)
    part = np.argpartition(-scores, k - 1)[:k]
    order = part[np.argsort(-scores[part], kind="stable")]
    return order, scores[order]


class StoredVectorScores:
    """``scores_for`` of an in-process backend that reads its stored vectors back."""

    def vectors_for(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of ``ids``, in that order."""
        raise NotImplementedError

    def scores_for(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Inner product of ``query`` with the stored vectors of ``ids`` only."""
        if not len(ids):
            return np.zeros(0, np.float32)
        return np.asarray(self.vectors_for(ids) @ query.astype(np.float32), dtype=np.float32)


def writable(array: np.ndarray) -> np.ndarray:
    """``array``, or a copy of it where it is read-only (memory-mapped from a saved index, as an
    incremental build loads the previous one): what an index copies before it changes it."""
    return array if array.flags.writeable else np.array(array)


def as_ids(ids: np.ndarray | list[int]) -> np.ndarray:
    """``ids`` as a flat int64 array."""
    return np.asarray(ids, dtype=np.int64).reshape(-1)


def write_meta(folder: Path, backend: str, **extra: object) -> None:
    """Record which backend wrote ``folder``, so that loading needs no settings."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / _META).write_text(json.dumps({"backend": backend, **extra}), encoding="utf-8")


def read_meta(folder: Path) -> dict[str, object]:
    """What :func:`write_meta` recorded."""
    meta: dict[str, object] = json.loads((folder / _META).read_text(encoding="utf-8"))
    return meta


def params_dict(params: HnswParams) -> dict[str, int]:
    """``params`` as JSON-ready numbers."""
    return asdict(params)
