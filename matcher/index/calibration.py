"""What "unrelated" and "very similar" mean in a model's cosine scale, learned at build time."""

from __future__ import annotations

import numpy as np

from ..embed import CachedEmbedder, Embedder
from .corpus import Corpus

__all__ = ["calibrate"]


def calibrate(
    embedder: Embedder | CachedEmbedder, corpus: Corpus, vectors: np.ndarray, sample: int = 200
) -> tuple[float, float]:
    """Learn what "unrelated" and "very similar" mean for queries in this model's cosine scale.

    Sampled contract titles are embedded as queries, as a buyer's need would be. Floor: the 90th
    percentile of their similarity to all contracts. Ceiling: the median similarity to the best
    other contract (the contract itself and verbatim copies of its title left out). Ranking reads
    similarities on that scale, so a weak best match stays weak instead of counting as perfect.
    """
    n = len(corpus.procurements)
    if n < 50:
        return 0.75, 0.92
    rows = np.random.default_rng(0).choice(n, size=min(sample, n), replace=False)
    titles = [corpus.procurements[r].title for r in rows]
    # Through the cache when given one: an incremental build embeds no query again.
    sims = embedder.embed_queries(titles) @ vectors.T
    floor = float(np.percentile(sims, 90))
    by_title: dict[str, list[int]] = {}
    for i, p in enumerate(corpus.procurements):
        by_title.setdefault(p.title.casefold(), []).append(i)
    for i, title in enumerate(titles):
        sims[i, by_title[title.casefold()]] = -1.0
    ceiling = float(np.median(sims.max(axis=1)))
    return floor, max(ceiling, floor + 0.02)
