"""Helpers of the CPV inference tests: a tiny hand-made index and a deterministic embedder."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

import numpy as np

from matcher.embed.base import normalise
from matcher.index import Corpus, LexicalIndex, MatchIndex, ProcurementDoc
from matcher.index.vectors import ExactIndex


class HashEmbedder:
    """Vectors from a hash of the text: no model, same text -> same vector (counts its calls)."""

    dim = 8

    def __init__(self) -> None:
        self.calls = 0

    def _vectors(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        rows = [
            np.frombuffer(hashlib.sha256(t.encode()).digest()[: self.dim], np.uint8) for t in texts
        ]
        return normalise(np.array(rows, np.float32) - 127.5)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._vectors(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._vectors(texts)


def make_index(rows: Sequence[tuple[str, str, Sequence[float]]]) -> MatchIndex:
    """An index of contracts ``(title, main CPV code, vector)``, one winner each."""
    procs = [
        ProcurementDoc(
            id=i,
            title=t,
            text=t,
            buyer_id=None,
            buyer_name=None,
            cpv=[c],
            date=date(2020, 1, 1 + i),
            value=None,
            currency=None,
            region=None,
            winners=[i],
        )  # fmt: skip
        for i, (t, c, _) in enumerate(rows)
    ]
    vectors = normalise(np.array([v for _, _, v in rows], np.float32))
    return MatchIndex(
        corpus=Corpus(procs, []), model_name="test", procurement_vectors=ExactIndex(vectors),
        profile_vectors=ExactIndex(np.zeros((0, vectors.shape[1]), np.float32)),
        profile_rows=np.zeros(0, np.int64), lexical=LexicalIndex().fit([t for t, _, _ in rows]),
        built_at="now", sim_floor=0.0, sim_ceiling=1.0,
    )  # fmt: skip


def tiny_index() -> MatchIndex:
    """Three road works near (1, 0), one cleaning contract near (0, 1)."""
    return make_index([
        ("asphalt A", "45233140", [1.0, 0.0]), ("asphalt B", "45233140", [0.95, 0.05]),
        ("kerbs", "45233200", [0.9, 0.1]), ("cleaning", "90911200", [0.0, 1.0]),
    ])  # fmt: skip
