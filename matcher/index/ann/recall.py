"""ANN recall against exact search on the same queries (the scale bench reports it)."""

from __future__ import annotations

import numpy as np

from .base import VectorIndex
from .exact import ExactIndex

__all__ = ["ann_recall", "recall_at_k"]


def recall_at_k(exact: ExactIndex, queries: np.ndarray, found: np.ndarray, k: int = 50) -> float:
    """Mean share of the exact top ``k`` ids that ``found`` holds, over ``queries``.

    Args:
        exact: exact index over the same vectors and ids as the ANN index.
        queries: one query vector per row.
        found: per query, the ids the ANN index returned (its first ``k`` are read; a short
            row, or ``-1`` padding, counts as misses).
        k: depth.
    """
    if not len(queries):
        return float("nan")
    shares = []
    for q, got in zip(queries, found, strict=True):
        truth = exact.search(q, k)[0]
        if not len(truth):
            continue
        shares.append(len(np.intersect1d(truth, np.asarray(got)[:k])) / len(truth))
    return float(np.mean(shares)) if shares else float("nan")


def ann_recall(index: VectorIndex, exact: ExactIndex, queries: np.ndarray, k: int = 50) -> float:
    """Recall@``k`` of ``index`` (any backend) against ``exact`` on ``queries``."""
    found = [index.search(q, k)[0] for q in queries]
    padded = np.full((len(found), k), -1, np.int64)
    for i, f in enumerate(found):
        padded[i, : len(f)] = f[:k]
    return recall_at_k(exact, queries, padded, k)
