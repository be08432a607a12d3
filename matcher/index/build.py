"""Build the search index from the store, save it, and load it back."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import joblib
import numpy as np

from ..embed import CachedEmbedder, Embedder, EmbeddingCache, load_embedder
from ..exceptions import IndexNotBuiltError
from ..settings import Settings
from ..store.db import session_scope
from ..vocab import cpv_vocabulary
from .corpus import Corpus, load_corpus
from .lexical import LexicalIndex
from .vectors import ExactIndex, VectorIndex, make_vector_index

log = logging.getLogger(__name__)
_FILE = "index.joblib"
_MANIFEST = "manifest.json"

#: Called as ``progress(stage, total)`` to get a per-stage ``advance(n)`` callback.
ProgressFactory = Callable[[str, int], Callable[[int], None]]


@dataclass
class MatchIndex:
    """Everything matching needs in memory: documents, vectors and lexical matrix."""

    corpus: Corpus
    model_name: str
    procurement_vectors: VectorIndex
    profile_vectors: VectorIndex
    #: Row in ``profile_vectors`` -> position in ``corpus.suppliers``.
    profile_rows: np.ndarray
    lexical: LexicalIndex
    built_at: str
    #: Query-to-contract similarity of unrelated pairs (90th percentile) in this model's scale.
    sim_floor: float = 0.75
    #: Typical similarity of a need to its best matching other contract (median).
    sim_ceiling: float = 0.92

    def manifest(self) -> dict[str, object]:
        """Counts and provenance, written next to the index."""
        return {
            "model": self.model_name,
            "built_at": self.built_at,
            "procurements": len(self.corpus.procurements),
            "suppliers": len(self.corpus.suppliers),
            "supplier_profiles": int(len(self.profile_rows)),
            "awards": sum(len(p.winners) for p in self.corpus.procurements),
            "sim_floor": round(self.sim_floor, 4),
            "sim_ceiling": round(self.sim_ceiling, 4),
        }


def _noop(_stage: str, _total: int) -> Callable[[int], None]:
    return lambda _n: None


def build_index(
    settings: Settings, embedder: Embedder | None = None, progress: ProgressFactory = _noop
) -> MatchIndex:
    """Embed and index every procurement and supplier profile in the store, then save.

    Only texts not in the embedding cache are embedded.
    """
    embedder = embedder or load_embedder(settings.model_name, settings.embed_batch_size)
    cache = EmbeddingCache(
        embedder.name, settings.embedding_cache_dir, settings.embedding_seed_dirs
    )
    cached = CachedEmbedder(embedder, cache, settings.embed_batch_size)
    with session_scope(settings.database_url) as session:
        corpus = load_corpus(session, cpv_vocabulary(), settings.embed_max_words)
    texts = [p.text for p in corpus.procurements]
    missing = len({t for t in texts if cache.get("passage", t) is None})
    proc_vecs = cached.embed_passages(texts, progress("embed procurements", missing))
    prof_rows = np.array([i for i, s in enumerate(corpus.suppliers) if s.profile_text], np.int64)
    prof_texts = [corpus.suppliers[i].profile_text or "" for i in prof_rows]
    prof_missing = len({t for t in prof_texts if cache.get("passage", t) is None})
    prof_vecs = cached.embed_passages(prof_texts, progress("embed supplier profiles", prof_missing))
    advance = progress("lexical index", 1)
    lexical = LexicalIndex().fit([p.text for p in corpus.procurements])
    advance(1)
    floor, ceiling = calibrate(embedder, corpus, proc_vecs)
    index = MatchIndex(
        corpus=corpus, model_name=embedder.name,
        procurement_vectors=make_vector_index(settings, "procurements", proc_vecs),
        profile_vectors=make_vector_index(settings, "profiles", prof_vecs),
        profile_rows=prof_rows, lexical=lexical, built_at=datetime.now().isoformat(timespec="seconds"),
        sim_floor=floor, sim_ceiling=ceiling,
    )  # fmt: skip
    save_index(index, settings.index_dir)
    return index


def index_before(index: MatchIndex, before: date, include_undated: bool = False) -> MatchIndex:
    """The index restricted to contracts dated strictly before ``before``.

    Undated contracts are left out unless ``include_undated``: nothing shows they came before
    the queries, so including them may leak the future (reported apart, never by default).
    """
    rows = [
        i
        for i, p in enumerate(index.corpus.procurements)
        if (p.date and p.date < before) or (include_undated and p.date is None)
    ]
    procs = [index.corpus.procurements[i] for i in rows]
    vectors = index.procurement_vectors.vectors_for(np.array(rows, dtype=np.int64))
    return replace(
        index,
        # Purchase history is left out too: it is not dated per pair, so it could leak the future.
        corpus=Corpus(procs, index.corpus.suppliers),
        procurement_vectors=ExactIndex(vectors),
        lexical=LexicalIndex().fit([p.text for p in procs]),
    )


def calibrate(
    embedder: Embedder, corpus: Corpus, vectors: np.ndarray, sample: int = 200
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
    sims = embedder.embed_queries(titles) @ vectors.T
    floor = float(np.percentile(sims, 90))
    by_title: dict[str, list[int]] = {}
    for i, p in enumerate(corpus.procurements):
        by_title.setdefault(p.title.casefold(), []).append(i)
    for i, title in enumerate(titles):
        sims[i, by_title[title.casefold()]] = -1.0
    ceiling = float(np.median(sims.max(axis=1)))
    return floor, max(ceiling, floor + 0.02)


def dump_atomic(obj: object, path: Path) -> None:
    """Pickle ``obj`` to ``path`` with joblib through a temporary file: a reader (a server
    loading the index) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    joblib.dump(obj, tmp)
    tmp.replace(path)


def save_index(index: MatchIndex, folder: Path) -> None:
    """Write the index and its manifest (atomically: a reader never sees half a file)."""
    dump_atomic(index, folder / _FILE)
    (folder / _MANIFEST).write_text(json.dumps(index.manifest(), indent=2), encoding="utf-8")


def load_index(folder: Path) -> MatchIndex:
    """Load a saved index.

    Raises:
        IndexNotBuiltError: if there is none yet.
    """
    path = folder / _FILE
    if not path.is_file():
        raise IndexNotBuiltError(f"no index at {folder}: run `innomatch build` first")
    index: MatchIndex = joblib.load(path)
    return index
