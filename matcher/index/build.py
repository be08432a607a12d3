"""Build the search index from the store, save it, and load it back."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import joblib
import numpy as np

from ..embed import CachedEmbedder, Embedder, load_embedder
from ..exceptions import IndexNotBuiltError, InvalidInputError
from ..settings import Settings
from ..store.db import session_scope
from ..vocab import cpv_vocabulary
from .builds import INDEX_FILE, current_build, new_build_dir, publish
from .cluster import CacheFront, RemoteEmbedder
from .columns import columns_of, load_columns, save_columns
from .corpus import Corpus, load_corpus
from .incremental import Coverage, coverage_now, derivation_key, reuse_vectors
from .lexical import LexicalIndex
from .vectors import ExactIndex, VectorIndex, make_vector_index

log = logging.getLogger(__name__)
_MANIFEST = "manifest.json"
#: The corpus's columns in a build folder (the pickled index holds the rest).
CORPUS_DIR = "corpus"

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
    #: What this build read from the store (None in builds made before incremental builds).
    coverage: Coverage | None = None
    #: Procurements whose document and vector were taken from the previous build.
    reused: int = 0
    #: Seconds per build stage: ``{"wall": {stage: s}, "cpu": {stage: s}}``.
    timings: dict[str, dict[str, float]] | None = None

    def manifest(self) -> dict[str, object]:
        """Counts and provenance, written next to the index."""
        return {
            "model": self.model_name,
            "built_at": self.built_at,
            "procurements": len(self.corpus.procurements),
            "suppliers": len(self.corpus.suppliers),
            "supplier_profiles": int(len(self.profile_rows)),
            "awards": int(columns_of(self.corpus.procurements).ragged_column("winners").offsets[-1]),
            "sim_floor": round(self.sim_floor, 4),
            "sim_ceiling": round(self.sim_ceiling, 4),
            "coverage": self.coverage.as_dict() if self.coverage else None,
            "reused_procurements": self.reused,
            "timings_s": self.timings,
        }


def _noop(_stage: str, _total: int) -> Callable[[int], None]:
    return lambda _n: None


#: Run on a finished index before it goes live, with settings whose ``index_dir`` is the new
#: build's folder (the innovation table and the CPV inferrer are written there this way).
BuildStep = Callable[[Settings, "MatchIndex"], object]


def build_index(
    settings: Settings, embedder: Embedder | None = None, progress: ProgressFactory = _noop, *,
    full: bool = False, remote: RemoteEmbedder | None = None, steps: Sequence[BuildStep] = (),
) -> MatchIndex:  # fmt: skip
    """Embed and index the store into a new build folder, run ``steps`` on it, then publish it.

    Incremental unless ``full``: documents and vectors of procurements that no ingest run wrote
    since the last build are taken from it (when it was derived the same way), the rest derived
    and embedded; the result equals a full build's. Only texts not in the embedding cache reach
    the model, on ``remote`` workers if given.
    """
    lap = _Laps()
    embedder = embedder or load_embedder(settings.model_name, settings.embed_batch_size,
                                         settings.embed_device)
    vocab = cpv_vocabulary()
    key = derivation_key(embedder.name, settings.embed_max_words, vocab)
    previous = None if full else _previous(settings.index_dir, key)
    log.info("%s build", "incremental" if previous else "full")
    since = previous.coverage.ingest_run if previous and previous.coverage else None
    lap("previous build")
    with session_scope(settings.database_url) as session:
        coverage = coverage_now(session, key)
        corpus = load_corpus(session, vocab, settings.embed_max_words,
                             previous.corpus if previous else None, since)  # fmt: skip
    lap("corpus")
    cached = CacheFront(settings, embedder, progress, remote)
    proc_vecs = reuse_vectors(
        [(p.id, p.text) for p in corpus.procurements], _proc_keys(previous),
        _matrix(previous.procurement_vectors) if previous else None, embedder.dim,
        lambda texts: cached.embed("embed procurements", texts),
    )  # fmt: skip
    prof_rows = np.array([i for i, s in enumerate(corpus.suppliers) if s.profile_text], np.int64)
    prof_vecs = reuse_vectors(
        [(corpus.suppliers[i].id, corpus.suppliers[i].profile_text) for i in prof_rows],
        _profile_keys(previous), _matrix(previous.profile_vectors) if previous else None,
        embedder.dim, lambda texts: cached.embed("embed supplier profiles", texts),
    )  # fmt: skip
    lap("vectors")
    advance = progress("lexical index", 1)
    lexical = LexicalIndex().fit([p.text for p in corpus.procurements])
    advance(1)
    lap("lexical")
    floor, ceiling = calibrate(cached.cached, corpus, proc_vecs)
    lap("calibrate")
    index = MatchIndex(
        corpus=corpus, model_name=embedder.name,
        procurement_vectors=make_vector_index(settings, "procurements", proc_vecs),
        profile_vectors=make_vector_index(settings, "profiles", prof_vecs),
        profile_rows=prof_rows, lexical=lexical, built_at=datetime.now().isoformat(timespec="seconds"),
        sim_floor=floor, sim_ceiling=ceiling, coverage=coverage,
        reused=len(corpus.procurements) - cached.embedded_rows,
        timings={"wall": lap.seconds, "cpu": lap.cpu},
    )  # fmt: skip
    folder = new_build_dir(settings.index_dir)
    save_index(index, folder)
    lap("save")
    for step in steps:
        step(settings.model_copy(update={"index_dir": folder}), index)
        lap(getattr(step, "__name__", "step"))
    _write_manifest(index, folder)  # again, with the steps' times
    publish(settings.index_dir, folder, keep=settings.index_keep_builds)
    log.info("build %s published: %s s (CPU %s)", folder.name, lap.seconds, lap.cpu)
    return index


class _Laps:
    """Seconds per stage of a build, for the manifest (what an incremental build saves where):
    wall clock, and this process's CPU time (what a busy shared machine does not inflate)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._last = (time.perf_counter(), time.process_time())

    def __call__(self, stage: str) -> None:
        now = (time.perf_counter(), time.process_time())
        self.seconds[stage] = round(now[0] - self._last[0], 2)
        self.cpu[stage] = round(now[1] - self._last[1], 2)
        self._last = now


def _previous(index_dir: Path, key: str) -> MatchIndex | None:
    """The live build, if an incremental build may start from it (same derivation key)."""
    folder = current_build(index_dir)
    if folder is None:
        return None
    try:
        index = load_index(folder)
    except Exception as exc:  # an unreadable old build only means a full build
        log.warning("previous build in %s unreadable (%s): building in full", folder, exc)
        return None
    cov = getattr(index, "coverage", None)
    if cov is None or cov.key != key:
        log.info("previous build derived differently: building in full")
        return None
    return index


def _proc_keys(index: MatchIndex | None) -> list[tuple[int, str | None]]:
    return [(p.id, p.text) for p in index.corpus.procurements] if index else []


def _profile_keys(index: MatchIndex | None) -> list[tuple[int, str | None]]:
    if index is None:
        return []
    sup = index.corpus.suppliers
    return [(sup[i].id, sup[i].profile_text) for i in index.profile_rows]


def _matrix(vectors: VectorIndex) -> np.ndarray:
    return vectors.vectors_for(np.arange(len(vectors), dtype=np.int64))


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


def with_vector_backend(index: MatchIndex, settings: Settings) -> MatchIndex:
    """``index`` with its contract vectors indexed by ``settings.vector_backend`` (``exact`` or
    ``hnsw``, in process): the evaluation's training side is cut from the built index with exact
    search, and this measures the ANN backend's ranking against it on the same split."""
    if settings.vector_backend not in ("exact", "hnsw"):
        raise InvalidInputError("the evaluation compares the in-process backends: exact or hnsw")
    vectors = _matrix(index.procurement_vectors)
    return replace(index, procurement_vectors=make_vector_index(settings, "procurements", vectors))


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


def dump_atomic(obj: object, path: Path) -> None:
    """Pickle ``obj`` to ``path`` with joblib through a temporary file: a reader (a server
    loading the index) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    joblib.dump(obj, tmp)
    tmp.replace(path)


def save_index(index: MatchIndex, folder: Path) -> None:
    """Write the index and its manifest into a build folder (atomically: a reader never sees half
    a file). Not live until :func:`~matcher.index.builds.publish` points ``current`` at it.

    The corpus's procurements and suppliers go to ``corpus/`` as columns (memory-mapped on load,
    see :mod:`~matcher.index.columns`); the pickle keeps the rest, with its purchase history.
    """
    corpus = index.corpus
    save_columns(corpus.procurements, corpus.suppliers, folder / CORPUS_DIR)
    rest = Corpus([], [], corpus.purchases_by_buyer, corpus.purchase_accounts)
    dump_atomic(replace(index, corpus=rest), folder / INDEX_FILE)
    _write_manifest(index, folder)


def _write_manifest(index: MatchIndex, folder: Path) -> None:
    (folder / _MANIFEST).write_text(json.dumps(index.manifest(), indent=2), encoding="utf-8")


def build_folder(index_dir: Path) -> Path:
    """Where files belonging to the live build are read and written (``index_dir`` itself when
    nothing is built yet, or when it is a build folder)."""
    return current_build(index_dir) or index_dir


def load_index(folder: Path, mmap: bool = False) -> MatchIndex:
    """Load the live build of ``INDEX_DIR`` (or the build in a build folder).

    With ``mmap`` its arrays (vectors, lexical matrices) are memory-mapped read-only from the
    file instead of copied into memory: server workers on one machine then share those pages.
    The corpus's columns are memory-mapped either way (they are read-only, and a build that
    reads them whole, an incremental one, reads each row once). An index pickled whole by an
    older version loads as it was saved.

    Raises:
        IndexNotBuiltError: if there is none yet, or its corpus is missing or in a layout this
            version does not read (then ``innomatch build --full`` makes a new one).
    """
    build = current_build(folder)
    if build is None:
        raise IndexNotBuiltError(f"no index at {folder}: run `innomatch build` first")
    index: MatchIndex = joblib.load(build / INDEX_FILE, mmap_mode="r" if mmap else None)
    columns = build / CORPUS_DIR
    if columns.is_dir():
        try:
            procs, suppliers = load_columns(columns)
        except (OSError, ValueError, KeyError) as exc:
            raise IndexNotBuiltError(f"the corpus of {build} cannot be read ({exc}): run "
                                     "`innomatch build --full`") from exc  # fmt: skip
        index.corpus = replace(index.corpus, procurements=procs, suppliers=suppliers)
    elif not index.corpus.procurements and _manifest_count(build):
        raise IndexNotBuiltError(f"the corpus of {build} is missing: run `innomatch build --full`")
    return index


def _manifest_count(build: Path) -> int:
    """Procurements the build's manifest says it holds (0 if it has no manifest)."""
    path = build / _MANIFEST
    if not path.is_file():
        return 0
    return int(json.loads(path.read_text(encoding="utf-8")).get("procurements") or 0)
