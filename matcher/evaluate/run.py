"""``innomatch evaluate`` and ``innomatch train`` as library functions."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from ..embed import CachedEmbedder, EmbeddingCache, load_embedder
from ..exceptions import InvalidInputError
from ..index import load_index
from ..index.build import MatchIndex
from ..index.subsets import with_vector_backend
from ..innovation.supplier import SupplierPotential
from ..innovation.table import build_potentials
from ..rank.cpv_infer import CpvInferrer
from ..rank.models import save_scorer
from ..settings import Settings
from .cpv import cpv_inference_report
from .harness import evaluate, query_vectors, sme_map
from .methods import Innomatch, Method, Trainer, baselines
from .split import (
    Split,
    external_split,
    internal_split,
    rolling_split,
    validation_split,
    without_cpv,
)
from .tradeoff import innovation_curve

#: Protocols: CPV codes given in the query, or none (inferred by the pipeline from the text).
PROTOCOLS = ("cpv", "no_cpv")


@dataclass
class EvalOptions:
    """What else ``innomatch evaluate`` runs beyond the table.

    Attributes:
        protocols: ``cpv`` (codes given) and/or ``no_cpv`` (the pipeline infers them).
        validation: Evaluate on a validation cut inside the training period instead of the test.
        innovation_weight: The service's innovation weight in ``innomatch``.
        curve: Also run the innovation-weight curve.
    """

    protocols: tuple[str, ...] = PROTOCOLS
    validation: bool = False
    innovation_weight: float = 0.0
    curve: bool = False

METHOD_NAMES = ("random", "top_winners", "cpv_exact", "cpv_exact_parent", "lexical_nn",
                "embedding_nn", "case_based", "innomatch")  # fmt: skip


def _embedder(settings: Settings) -> CachedEmbedder:
    model = load_embedder(settings.model_name, settings.embed_batch_size)
    cache = EmbeddingCache(model.name, settings.embedding_cache_dir, settings.embedding_seed_dirs)
    return CachedEmbedder(model, cache, settings.embed_batch_size)


def methods_by_name(names: Sequence[str], trainer: Trainer, innovation_weight: float = 0.0,
                    potentials: Mapping[int, float] | None = None,
                    cpv_inferrer: object | None = None) -> list[Method]:  # fmt: skip
    """The methods called ``names``, in that order (``innomatch`` with ``innovation_weight``;
    the pipeline's methods infer missing CPV codes with ``cpv_inferrer``).

    Raises:
        InvalidInputError: for an unknown name.
    """
    pool: dict[str, Method] = {m.name: m for m in baselines()}
    pool["case_based"] = Innomatch(name="case_based", cpv_inferrer=cpv_inferrer)
    pool["innomatch"] = Innomatch(trainer=trainer, innovation_weight=innovation_weight,
                                  potentials=potentials, cpv_inferrer=cpv_inferrer)  # fmt: skip
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


def potentials_as_of(settings: Settings, split: Split) -> dict[int, SupplierPotential]:
    """Every training supplier's innovation potential from the facts dated before the cut."""
    return dict(build_potentials(settings, split.train, as_of=split.cut, save=False).by_id)


def run_evaluation(
    settings: Settings,
    cut: date | None = None,
    test: Sequence[Path] = (),
    include_undated: bool = False,
    names: Sequence[str] = METHOD_NAMES,
    progress: Callable[[str], None] | None = None,
    rolling: bool = False,
    options: EvalOptions | None = None,
) -> dict[str, Any]:
    """Split, embed the queries, run every method in both protocols, and return the report.

    The report's top level is the protocol with CPV codes given; ``protocols.no_cpv`` the same
    queries without codes; ``innovation_curve`` and ``cpv_inference`` as asked in ``options``.
    """
    opts = options or EvalOptions()
    # Small products and lbfgs fits: multi-threaded BLAS only fights itself on 2 cores (the CPV
    # inferrer's fit took minutes instead of seconds).
    threadpool_limits(limits=1, user_api="blas")
    index = load_index(settings.index_dir)
    split = make_split(settings, index, cut, test, include_undated, rolling)
    if opts.validation:
        split = validation_split(split)
    if settings.vector_backend == "hnsw":  # VECTOR_BACKEND=hnsw: the ANN ranking against exact
        split = replace(split, train=with_vector_backend(split.train, settings))
    embedder = _embedder(settings)
    trainer = Trainer(embedder)
    pots = potentials_as_of(settings, split) if opts.innovation_weight or opts.curve else {}
    scores = {s: p.score for s, p in pots.items()}
    sme = sme_map(settings.database_url)
    reports: dict[str, dict[str, Any]] = {}
    vectors_by: dict[str, np.ndarray] = {}
    cpv_report = None
    for protocol in opts.protocols:
        s = split if protocol == "cpv" else without_cpv(split)
        if progress:
            progress(f"{protocol}: embedding {len(s.queries)} queries")
        vectors = vectors_by[protocol] = query_vectors(s, embedder)
        inferrer = None
        if protocol == "no_cpv":
            # Fitted on the training side only; its choices were made on a validation cut
            # (``evaluate.cpv_tune``). Its accuracy per CPV level is read on the same queries.
            inferrer = CpvInferrer().fit(split.train, embedder)
            cpv_report = cpv_inference_report(split.train, split.queries, vectors, inferrer)
        methods = methods_by_name(names, trainer, opts.innovation_weight, scores, inferrer)
        reports[protocol] = evaluate(s, methods, vectors, sme, progress=progress)
    first = opts.protocols[0]
    result = {**reports[first], "protocol": first,
              "protocols": {p: r for p, r in reports.items() if p != first}}  # fmt: skip
    if cpv_report:
        result["cpv_inference"] = cpv_report
    if opts.curve:
        # The curve ranks the queries with their CPV codes: their vectors if that protocol ran.
        cpv_vectors = vectors_by["cpv"] if "cpv" in vectors_by else query_vectors(split, embedder)
        result["innovation_curve"] = innovation_curve(split, trainer, cpv_vectors, pots, sme,
                                                      progress=progress)  # fmt: skip
    return result


def _fingerprint(index: MatchIndex) -> str:
    h = hashlib.sha1()
    for p in index.corpus.procurements:
        h.update(f"{p.id}|{p.date}|{p.title}|{','.join(map(str, p.winners))}\n".encode())
    return h.hexdigest()


def train_ranker(settings: Settings, cut: date | None = None,
                 progress: Callable[[str], None] | None = None) -> dict[str, Any]:  # fmt: skip
    """Train the production scorer on all dated data and save it with its manifest.

    The manifest's metrics are held-out figures: the service's method (``innomatch``) of
    ``innomatch evaluate`` at ``cut`` (default: the evaluation cut), in both protocols, with a
    scorer trained the same way inside the split and measured after it.
    """
    held = run_evaluation(settings, cut, names=["innomatch"], progress=progress)
    metrics = {"cpv": held["methods"][0]["metrics"],
               "no_cpv": held["protocols"]["no_cpv"]["methods"][0]["metrics"]}  # fmt: skip
    if progress:
        progress("training on all dated data")
    index = load_index(settings.index_dir)
    ranker = Trainer(_embedder(settings)).ranker(index)
    return save_scorer(ranker, settings.models_dir, index.model_name, {
        "trained_on": "every dated award in the store", "training_data_fingerprint": _fingerprint(index),
        "held_out": held["split"], "held_out_metrics": metrics,
    })  # fmt: skip
