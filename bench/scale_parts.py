"""Steps of ``bench/scale.py`` around the real commands: seeding the embedding cache with the
synthetic vectors, the incremental build, and ANN recall against exact search."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from synth import RealData, noisy_vectors, write_decp

from matcher.embed import Embedder, EmbeddingCache
from matcher.index.corpus import need_text, procurement_text
from matcher.settings import Settings
from matcher.store.db import session_scope
from matcher.store.models import Procurement
from matcher.vocab import cpv_vocabulary

__all__ = ["incremental", "recall_at_50", "seed_cache"]

ROOT = Path(__file__).resolve().parent.parent


def seed_cache(real: RealData, url: str, model: str, cache_dir: Path, start: int) -> float:
    """Put the vector of every synthetic contract numbered from ``start`` into the embedding
    cache, keyed by the very texts ``innomatch build`` embeds (read back from the store, so the
    reader's cleaning is what is keyed): passages, and titles as queries (CPV inference).

    Returns:
        Seconds taken.
    """
    began = time.perf_counter()
    vocab, max_words = cpv_vocabulary(), Settings().embed_max_words
    q = select(Procurement.source_id, Procurement.title, Procurement.description,
               Procurement.cpv_main, Procurement.cpv_additional)  # fmt: skip
    ids, passages, titles = [], [], []
    with session_scope(url) as s:
        for sid, title, description, main, extra in s.execute(q):
            if int(sid.rsplit(":", 1)[1].removeprefix("S").split("-T")[0]) < start:
                continue
            cpv = [c for c in [main, *(extra or [])] if c]
            ids.append(sid)
            passages.append(procurement_text(title, description, cpv, vocab, max_words))
            titles.append(title)
    cache = EmbeddingCache(model, cache_dir)
    cache.put_many("passage", passages, noisy_vectors(real, ids, "passage"))
    cache.put_many("query", titles, noisy_vectors(real, ids, "query"))
    return time.perf_counter() - began


def _has_incremental_build() -> bool:
    """True once ``innomatch build`` has ``--full`` (the incremental build's switch)."""
    out = subprocess.run([sys.executable, "-m", "matcher.cli", "build", "--help"], cwd=ROOT,
                         capture_output=True, text=True, check=False)  # fmt: skip
    return "--full" in out.stdout


Runner = Callable[[list[str], dict[str, str]], tuple[float, float, str]]


def incremental(real: RealData, n: int, added: int, work: Path, url: str, model: str,
                env: dict[str, str], run: Runner) -> tuple[float | None, str | None]:  # fmt: skip
    """Seconds of ``innomatch build`` after ``added`` more procurements are ingested, or
    ``(None, reason)`` while the build has no incremental mode (it would rebuild everything)."""
    if not added:
        return None, "not asked (--added 0)"
    if not _has_incremental_build():
        return None, "no incremental build in this code yet (innomatch build has no --full)"
    write_decp(real, work / "added", added, n, seed=2)
    run(["ingest", str(work / "added")], env)
    seed_cache(real, url, model, work / "embeddings", n)
    took, _, _ = run(["build"], env)
    return round(took, 1), None


def recall_at_50(backend: str, index_dir: Path, embedder: Embedder,
                 titles: list[tuple[str, str | None]], n: int) -> tuple[float | None, str | None]:  # fmt: skip
    """Mean share of the exact top 50 contracts that the ANN backend returns, over ``n`` needs
    embedded as the service embeds them; ``(None, reason)`` on the exact backend."""
    if backend == "exact":
        return None, "exact backend (VECTOR_BACKEND=hnsw or pgvector, or a corpus above VECTOR_EXACT_MAX, measures ANN recall)"
    from replay import real_needs

    from matcher.index import load_index

    index = load_index(index_dir)
    vectors: Any = index.procurement_vectors
    size = len(index.corpus.procurements)
    matrix = np.asarray(vectors.vectors_for(np.arange(size)), np.float32)
    vocab = cpv_vocabulary()
    needs = real_needs(titles, n)
    queries = embedder.embed_queries([need_text(d["text"], d.get("cpv", []), vocab) for d in needs])
    hits = []
    for q in queries:
        exact = set(np.argpartition(-(matrix @ q), 50)[:50].tolist())
        found = vectors.search(q, 50)
        rows = found[0] if isinstance(found, tuple) else found
        hits.append(len(exact & set(np.asarray(rows).ravel()[:50].tolist())) / 50)
    return round(float(np.mean(hits)), 4), None
