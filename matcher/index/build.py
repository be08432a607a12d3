"""Build the search index from the store, save it, and load it back."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import joblib
import numpy as np

from ..embed import Embedder, load_embedder
from ..exceptions import IndexNotBuiltError
from ..settings import Settings
from ..store.db import session_scope
from ..vocab import cpv_vocabulary
from .builds import INDEX_FILE, current_build, new_build_dir, publish
from .calibration import calibrate
from .cluster import CacheFront, RemoteEmbedder
from .columns import columns_of, load_columns, save_columns
from .corpus import Corpus, SupplierDoc, load_corpus
from .incremental import (
    Coverage,
    coverage_now,
    derivation_key,
    reuse_vectors,
    reused_rows,
    within_refit_share,
)
from .lexical import LexicalIndex
from .ragged import paused_gc
from .vectors import VectorIndex, make_vector_index, update_vector_index

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
    #: Lexical index of the suppliers' names, in ``corpus.suppliers`` order (fitted by the
    #: build, memory-mapped by every server worker; None in builds made before it).
    names: LexicalIndex | None = None

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
    # A build makes a few objects per document beside the previous build's, and none of them
    # form cycles. With the collector scanning them all, an incremental build (10k added to 100k
    # procurements) took 46.0-52.1 s, with it paused 38.6 s (the corpus read 7.7-8.5 s against
    # 4.0); a full build's index 84.0 s against 78.4 s, its peak RSS 1.4% higher (measured).
    with paused_gc():
        return _build_index(settings, embedder, progress, full, remote, steps)


def _build_index(settings: Settings, embedder: Embedder | None, progress: ProgressFactory,
                 full: bool, remote: RemoteEmbedder | None, steps: Sequence[BuildStep],
                 ) -> MatchIndex:  # fmt: skip
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
    proc_keys = [(p.id, p.text) for p in corpus.procurements]
    proc_reused = reused_rows(proc_keys, _proc_keys(previous))
    proc_vecs = reuse_vectors(
        proc_reused, [t for _, t in proc_keys],
        previous.procurement_vectors.vectors_for if previous else None, embedder.dim,
        lambda texts: cached.embed("embed procurements", texts),
    )  # fmt: skip
    prof_rows = np.array([i for i, s in enumerate(corpus.suppliers) if s.profile_text], np.int64)
    prof_keys = [(corpus.suppliers[i].id, corpus.suppliers[i].profile_text) for i in prof_rows]
    prof_vecs = reuse_vectors(
        reused_rows(prof_keys, _profile_keys(previous)), [t for _, t in prof_keys],
        previous.profile_vectors.vectors_for if previous else None, embedder.dim,
        lambda texts: cached.embed("embed supplier profiles", texts),
    )  # fmt: skip
    lap("vectors")
    advance = progress("lexical index", 1)
    lexical = _fit_lexical(settings, [t or "" for _, t in proc_keys],
                           previous.lexical if previous else None, proc_reused)  # fmt: skip
    advance(1)
    lap("lexical")
    names = fit_names(corpus.suppliers)
    lap("supplier names")
    floor, ceiling = calibrate(cached.cached, corpus, proc_vecs)
    lap("calibrate")
    proc_index, graph_kept = update_vector_index(
        settings, "procurements", proc_vecs, previous.procurement_vectors if previous else None,
        proc_reused)  # fmt: skip
    log.info("contract vectors: %s", "previous graph updated" if graph_kept else "indexed afresh")
    lap("vector index")
    index = MatchIndex(
        corpus=corpus, model_name=embedder.name, procurement_vectors=proc_index,
        profile_vectors=make_vector_index(settings, "profiles", prof_vecs),
        profile_rows=prof_rows, lexical=lexical, built_at=datetime.now().isoformat(timespec="seconds"),
        sim_floor=floor, sim_ceiling=ceiling, coverage=coverage,
        reused=len(corpus.procurements) - cached.embedded_rows,
        timings={"wall": lap.seconds, "cpu": lap.cpu}, names=names,
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
        # Memory-mapped: the build reads the rows it reuses and copies what it changes (at 330k
        # contracts 13 s CPU and 3.7 GB to load whole, 0.9 s and 1.3 GB mapped).
        index = load_index(folder, mmap=True)
    except Exception as exc:  # an unreadable old build only means a full build
        log.warning("previous build in %s unreadable (%s): building in full", folder, exc)
        return None
    cov = getattr(index, "coverage", None)
    if cov is None or cov.key != key:
        log.info("previous build derived differently: building in full")
        return None
    return index


def _fit_lexical(settings: Settings, texts: list[str], previous: LexicalIndex | None,
                 reused: np.ndarray) -> LexicalIndex:  # fmt: skip
    """The lexical index: warm-started from the previous build's while the documents indexed
    since its last full fit stay within ``settings.lexical_refit_share`` of the corpus (its
    vocabulary and idf kept, only new documents transformed), else fitted afresh."""
    if previous is not None and getattr(previous, "by_term_", None) is not None:
        before, now = getattr(previous, "added_docs_", 0), int((reused < 0).sum())
        if within_refit_share(before, now, len(texts), settings.lexical_refit_share):
            log.info("lexical index warm-started: %d indexed since its last fit", before + now)
            return LexicalIndex().fit(texts, previous, reused)
    return LexicalIndex().fit(texts)


def _proc_keys(index: MatchIndex | None) -> list[tuple[int, str | None]]:
    return [(p.id, p.text) for p in index.corpus.procurements] if index else []


def _profile_keys(index: MatchIndex | None) -> list[tuple[int, str | None]]:
    if index is None:
        return []
    sup = index.corpus.suppliers
    return [(sup[i].id, sup[i].profile_text) for i in index.profile_rows]


def fit_names(suppliers: Sequence[SupplierDoc]) -> LexicalIndex:
    """The lexical index of ``suppliers``' names, one document each (firm names often say the
    trade)."""
    return LexicalIndex().fit([s.name or "" for s in suppliers])


def names_index(index: MatchIndex) -> LexicalIndex:
    """``index``'s names index as the build saved it, or fitted now for a build made before
    builds saved one (or whose suppliers it does not match)."""
    names = index.names
    if names is not None and names.n_docs_ == len(index.corpus.suppliers):
        return names
    return fit_names(index.corpus.suppliers)


def matrix_of(vectors: VectorIndex) -> np.ndarray:
    """Every stored vector of ``vectors``, in id order."""
    return vectors.vectors_for(np.arange(len(vectors), dtype=np.int64))


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
