"""Embedding for a build, through the cache: in this process, or on a Dask cluster: a local one (``--workers N``) or a running one (``--scheduler``).

The texts the embedding cache lacks are cut into partitions of whole batches; each worker loads
the model once and embeds its partitions batch by batch, exactly the batches the single-process
path would run, so the vectors are the same. The build process gathers the partitions and writes
them to the cache, so a later build (or the server) needs no cluster.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..embed import CachedEmbedder, Embedder, EmbeddingCache, load_embedder
from ..settings import Settings

__all__ = ["CacheFront", "RemoteEmbedder", "dask_embedder"]

#: The model of each worker process, loaded by its first partition.
_MODELS: dict[tuple[str, int, str], Embedder] = {}
#: One partition at a time per process: threads of one worker share the model, whose engine is
#: not documented as thread-safe.
_LOCK = threading.Lock()


def _embed_partition(model: str, batch_size: int, device: str, texts: Sequence[str]) -> np.ndarray:
    """Run on a worker: passage vectors of ``texts``, embedded ``batch_size`` at a time."""
    with _LOCK:
        key = (model, batch_size, device)
        embedder = _MODELS.get(key)
        if embedder is None:
            embedder = _MODELS[key] = load_embedder(model, batch_size, device)
        parts = [embedder.embed_passages(texts[i : i + batch_size])
                 for i in range(0, len(texts), batch_size)]  # fmt: skip
    return np.concatenate(parts).astype(np.float32)


class RemoteEmbedder:
    """Passage embedding spread over the workers of a ``dask.distributed`` client."""

    def __init__(self, client: Any, model: str, batch_size: int = 64, device: str = "cpu",
                 partition_batches: int = 32) -> None:  # fmt: skip
        self.client = client
        self.model = model
        self.batch_size = batch_size
        #: The workers' device (``cuda`` where they have a GPU).
        self.device = device
        #: Batches per partition: partitions start at whole batches, so no batch straddles two.
        self.partition_batches = partition_batches

    def embed(self, texts: Sequence[str]) -> Iterator[tuple[int, np.ndarray]]:
        """``(start, vectors)`` of each partition of ``texts``, in order as they finish."""
        from distributed import as_completed

        size = self.batch_size * self.partition_batches
        starts = list(range(0, len(texts), size))
        futures = {
            self.client.submit(_embed_partition, self.model, self.batch_size, self.device,
                               list(texts[s : s + size]), pure=False): s
            for s in starts
        }  # fmt: skip
        for future in as_completed(futures):
            yield futures[future], future.result()


@contextmanager
def dask_embedder(model: str, batch_size: int, workers: int = 0, scheduler: str | None = None,
                  processes: bool = True, device: str = "cpu") -> Iterator[RemoteEmbedder | None]:  # fmt: skip
    """A :class:`RemoteEmbedder` on ``scheduler`` (``tcp://host:8786``), or on a local cluster of
    ``workers`` single-threaded workers; None (embed in this process) when neither is given."""
    if not scheduler and workers <= 0:
        yield None
        return
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield RemoteEmbedder(client, model, batch_size, device)
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                      dashboard_address=None) as cluster, Client(cluster) as client:  # fmt: skip
        yield RemoteEmbedder(client, model, batch_size, device)


class CacheFront:
    """The embedding cache in front of the model (or of remote workers), opened on first need:
    an incremental build with nothing new to embed never loads the cache's shards."""

    def __init__(self, settings: Settings, embedder: Embedder,
                 progress: Callable[[str, int], Callable[[int], None]],
                 remote: RemoteEmbedder | None) -> None:  # fmt: skip
        self.settings, self.embedder = settings, embedder
        self.progress, self.remote = progress, remote
        self._cached: CachedEmbedder | None = None
        #: Rows that were not taken from the previous build.
        self.embedded_rows = 0

    @property
    def cached(self) -> CachedEmbedder:
        if self._cached is None:
            s = self.settings
            cache = EmbeddingCache(self.embedder.name, s.embedding_cache_dir, s.embedding_seed_dirs)
            self._cached = CachedEmbedder(self.embedder, cache, s.embed_batch_size)
        return self._cached

    def embed(self, stage: str, texts: list[str]) -> np.ndarray:
        """Passage vectors of ``texts`` through the cache; uncached texts go to the model."""
        if stage == "embed procurements":
            self.embedded_rows += len(texts)
        cache = self.cached.cache
        missing = list(dict.fromkeys(t for t in texts if cache.get("passage", t) is None))
        advance = self.progress(stage, len(missing))
        if self.remote is not None and missing:
            # Same texts, same order, same batches as the model would see here (identical vectors).
            for start, vectors in self.remote.embed(missing):
                cache.put_many("passage", missing[start : start + len(vectors)], vectors)
                advance(len(vectors))
        return self.cached.embed_passages(texts, advance)
