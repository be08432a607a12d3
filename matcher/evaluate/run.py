"""``innomatch evaluate`` and ``innomatch train`` as library functions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import joblib

from ..embed import CachedEmbedder, EmbeddingCache, load_embedder
from ..exceptions import InvalidInputError
from ..index import load_index
from ..index.build import MatchIndex
from ..rank.learned import MANIFEST_FILE, MODEL_FILE
from ..settings import Settings
from .harness import evaluate, query_vectors, sme_map
from .methods import Innomatch, Learned, Method, baselines
from .split import Split, external_split, internal_split, rolling_split

METHOD_NAMES = ("random", "top_winners", "cpv_exact", "cpv_exact_parent", "lexical_nn",
                "embedding_nn", "case_based", "innomatch", "innomatch_learned")  # fmt: skip


def _embedder(settings: Settings) -> CachedEmbedder:
    model = load_embedder(settings.model_name, settings.embed_batch_size)
    cache = EmbeddingCache(model.name, settings.embedding_cache_dir, settings.embedding_seed_dirs)
    return CachedEmbedder(model, cache, settings.embed_batch_size)


def methods_by_name(names: Sequence[str], embedder: CachedEmbedder) -> list[Method]:
    """The methods called ``names``, in that order.

    Raises:
        InvalidInputError: for an unknown name.
    """
    pool: dict[str, Method] = {m.name: m for m in baselines()}
    learned = Learned(embedder)
    pool["case_based"] = Innomatch(name="case_based")
    pool["innomatch"] = Innomatch(rerank=learned)
    pool["innomatch_learned"] = learned
    unknown = [n for n in names if n not in pool]
    if unknown:
        raise InvalidInputError(f"unknown method(s) {unknown}; known: {', '.join(METHOD_NAMES)}")
    return [pool[n] for n in names]


def make_split(settings: Settings, index: MatchIndex, cut: date | None, test: Sequence[Path],
               include_undated: bool, rolling: bool = False) -> Split:  # fmt: skip
    """The internal split at ``cut`` (rolling or not), or the external split over ``test``.

    Raises:
        InvalidInputError: for rolling mode with ``test`` files or undated training.
    """
    if rolling and (test or include_undated):
        raise InvalidInputError("rolling mode splits the store itself: no --test, no undated")
    if test:
        return external_split(index, test, settings.database_url)
    if rolling:
        return rolling_split(index, cut)
    return internal_split(index, cut, include_undated)


def run_evaluation(
    settings: Settings,
    cut: date | None = None,
    test: Sequence[Path] = (),
    include_undated: bool = False,
    names: Sequence[str] = METHOD_NAMES,
    progress: Callable[[str], None] | None = None,
    rolling: bool = False,
) -> dict[str, Any]:
    """Split, embed the queries, run every method, and return the report."""
    index = load_index(settings.index_dir)
    split = make_split(settings, index, cut, test, include_undated, rolling)
    embedder = _embedder(settings)
    methods = methods_by_name(names, embedder)
    if progress:
        progress(f"embedding {len(split.queries)} queries")
    vectors = query_vectors(split, embedder)
    return evaluate(split, methods, vectors, sme_map(settings.database_url), progress=progress)


def _fingerprint(index: MatchIndex) -> str:
    h = hashlib.sha1()
    for p in index.corpus.procurements:
        h.update(f"{p.id}|{p.date}|{p.title}|{','.join(map(str, p.winners))}\n".encode())
    return h.hexdigest()


def train_ranker(settings: Settings, cut: date | None = None,
                 progress: Callable[[str], None] | None = None) -> dict[str, Any]:  # fmt: skip
    """Train the learned ranker on the store and save it with its manifest under ``models/``.

    The model is fitted inside the data before ``cut`` (default: the evaluation cut) and measured
    on the needs after it, so the manifest's metrics are held-out figures.
    """
    index = load_index(settings.index_dir)
    split = internal_split(index, cut)
    embedder = _embedder(settings)
    if progress:
        progress("training")
    learned = Learned(embedder)
    service = Innomatch(rerank=learned)
    report = evaluate(
        split, [learned, service], query_vectors(split, embedder), sme_map(settings.database_url)
    )
    ranker = learned.ranker_
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(ranker.model_, settings.models_dir / MODEL_FILE)
    manifest = {
        "artefacts": [{
            "file": MODEL_FILE, "kind": "lightgbm LGBMRanker (lambdarank)",
            "trained_at": datetime.now().isoformat(timespec="seconds"),
            "model": index.model_name, "features": ranker.feature_names_,
            "training_needs": ranker.n_training_needs_, "cut": split.cut.isoformat(),
            "training_data_fingerprint": _fingerprint(split.train),
            "held_out": report["split"], "metrics": report["methods"][0]["metrics"],
            # What the service runs with this model (``rerank.learned_ranking``).
            "service_metrics": report["methods"][1]["metrics"],
        }],
    }  # fmt: skip
    (settings.models_dir / MANIFEST_FILE).write_text(
        json.dumps(manifest, indent=2), encoding="utf-8"
    )
    return manifest
