"""Choose the CPV inferrer's settings on a validation cut inside the training period, then test.

Every part is computed once per setting of its own knobs on the validation queries; settings
and mix weights are then searched over those cached parts, scoring divisions and groups only
(the two levels the choice is made on), so the search takes a minute after the parts are built.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..index.build import MatchIndex
from ..rank.cpv_infer import CpvInferrer
from ..rank.cpv_parts import TextEmbedder
from ..vocab import cpv_vocabulary
from .cpv import cpv_inference_report, sample_queries
from .split import EvalQuery, internal_split

__all__ = ["DEFAULT_GRID", "evaluate_cpv_inference", "tune_cpv_inferrer"]

#: Knobs searched per part (values tried) and the step of the weight simplex.
DEFAULT_GRID: dict[str, Sequence[Any]] = {
    "n_neighbours": (20, 50, 100),
    "vote_temperature": (0.01, 0.02, 0.05),
    "label_temperature": (0.005, 0.01, 0.02),
    # English alone beat en/fi/sv labels on the validation cut (label part alone, division@1
    # 0.28 against 0.22); only English label vectors are shipped.
    "label_langs": (("en",),),
    "label_pool": (1, 3),
    "classifier_c": (0.003, 0.01, 0.03),
    "classifier_labels": (False, True),
    "weight_step": (0.1,),
    "wording_c": (3.0, 10.0),
    "wording_temperature": (0.02, 0.05, 0.1),
    # The lexical gates of the two wording parts (``CpvInferrer.min_wording*``); 0.3 was the
    # single hand-set gate before they were searched.
    "min_wording_classifier": (0.0, 0.1, 0.2, 0.3),
    "min_wording": (0.0, 0.2, 0.3),
    # Weights tried for the two wording parts, the vector parts' mix scaled to the rest.
    "wording_weight": (0.0, 0.1, 0.2, 0.3, 0.4, 0.5),
    "wording_votes_weight": (0.0, 0.1, 0.2, 0.3),
    # The buyer's and the region's past codes (``rank.cpv_prior``), in a last stage, the rest
    # of the mix scaled to leave them room; 0 (no prior) is among the trials.
    "buyer_smoothing": (1.0, 3.0, 10.0, 30.0),
    "region_smoothing": (3.0, 30.0),
    "buyer_weight": (0.0, 0.02, 0.05, 0.1, 0.15, 0.2),
    "region_weight": (0.0, 0.02, 0.05, 0.1),
}
_PARTS = {"votes": ("n_neighbours", "vote_temperature"),
          "labels": ("label_temperature", "label_langs", "label_pool"), "classifier": ("classifier_c", "classifier_labels"),
          "wording": ("wording_c", "min_wording_classifier"),
          "wording_votes": ("wording_temperature", "min_wording"),
          "buyer": ("buyer_smoothing",), "region": ("region_smoothing",)}  # fmt: skip
#: The parts read from the need's vector; the wording parts join them in a stage of their own,
#: then the buyer's and region's priors in a last one.
_VECTOR_PARTS = ("votes", "labels", "classifier")
_TEXT_PARTS = (*_VECTOR_PARTS, "wording", "wording_votes")
_LEVELS = (2, 3)
#: Knobs read only when predicting: settings that differ in them alone share one fit.
_PREDICT_TIME = ("min_wording", "min_wording_classifier")


def _matrices(inferrer: CpvInferrer, part: str, vectors: np.ndarray, queries: Sequence[EvalQuery],
              universe: dict[int, dict[str, int]]) -> dict[int, np.ndarray]:  # fmt: skip
    """One part's probabilities, queries x prefixes, at the division and group levels."""
    out = {n: np.zeros((len(vectors), len(universe[n])), np.float32) for n in _LEVELS}
    for i, (v, q) in enumerate(zip(vectors, queries, strict=True)):
        parts = inferrer.part_scores(v, text=q.text, buyer_id=q.buyer_id, region=q.region)
        scores = parts.get(part, {})
        for n in _LEVELS:
            for prefix, p in scores.get(n, {}).items():
                out[n][i, universe[n][prefix]] = p
    return out


def _objective(mixed: dict[int, np.ndarray], truth: dict[int, np.ndarray]) -> dict[str, float]:
    """Top-1 and top-5 accuracy at division and group, and the score the choice maximises."""
    out: dict[str, float] = {}
    for n, name in ((2, "division"), (3, "group")):
        top5 = np.argpartition(-mixed[n], 4, axis=1)[:, :5]
        out[f"{name}@1"] = float(np.mean(mixed[n].argmax(axis=1) == truth[n]))
        out[f"{name}@5"] = float(np.mean((top5 == truth[n][:, None]).any(axis=1)))
    # The target is on divisions; groups break ties and keep the mix useful one level down.
    out["objective"] = (
        out["division@1"] + out["division@5"] + 0.5 * (out["group@1"] + out["group@5"])
    )
    return out


def _settings(grid: Mapping[str, Sequence[Any]], part: str) -> list[dict[str, Any]]:
    names = _PARTS[part]
    return [
        dict(zip(names, values, strict=True))
        for values in itertools.product(*(grid[k] for k in names))
    ]


def _simplex(step: float) -> list[dict[str, float]]:
    n = round(1 / step)
    return [{"votes": a * step, "labels": b * step, "classifier": (n - a - b) * step}
            for a in range(n + 1) for b in range(n + 1 - a)]  # fmt: skip


#: Each part's candidate settings, with that part's matrices on the validation queries.
_Cached = dict[str, list[tuple[dict[str, Any], dict[int, np.ndarray]]]]


class _Search:
    """Scores of mixes of cached parts on the validation queries."""

    def __init__(self, cached: _Cached, truth: dict[int, np.ndarray]) -> None:
        self.cached = cached
        self.truth = truth

    def score(self, choice: dict[str, int], weights: dict[str, float]) -> dict[str, float]:
        """Accuracies of the parts' settings ``choice`` mixed with ``weights``."""
        mixed = {n: sum(weights.get(p, 0.0) * self.cached[p][choice[p]][1][n] for p in _PARTS)
                 for n in _LEVELS}  # fmt: skip
        return _objective(mixed, self.truth)  # type: ignore[arg-type]

    def best_setting(self, part: str, choice: dict[str, int], weights: dict[str, float]) -> int:
        """The setting of ``part`` that does best with the others as in ``choice``."""
        options = range(len(self.cached[part]))
        return max(options, key=lambda i: self.score({**choice, part: i}, weights)["objective"])

    def best_weights(self, choice: dict[str, int], step: float) -> dict[str, float]:
        """The mix weights that do best with the settings ``choice``."""
        return max(_simplex(step), key=lambda w: self.score(choice, w)["objective"])


def _alone(part: str) -> dict[str, float]:
    return {p: float(p == part) for p in _PARTS}


def tune_cpv_inferrer(
    train: MatchIndex, embedder: TextEmbedder, grid: Mapping[str, Sequence[Any]] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The settings that do best on the last 20% of ``train``'s dated awards, fitted before them.

    Returns:
        The chosen ``CpvInferrer`` parameters, and the validation record (cut, sizes, the chosen
        mix's scores and each part's alone).
    """
    grid = {**DEFAULT_GRID, **(grid or {})}
    split = internal_split(train)
    queries = [q for q in split.queries if q.cpv]
    vectors = embedder.embed_queries([q.text for q in queries])
    truth_codes = [q.cpv[0] for q in queries]
    # Every prefix any part can name: the vocabulary's, the training codes' and the truths'.
    known = {*cpv_vocabulary().labels, *truth_codes,
             *(c for p in split.train.corpus.procurements for c in p.cpv)}  # fmt: skip
    universe = {n: {p: i for i, p in enumerate(sorted({c[:n] for c in known}))} for n in _LEVELS}
    cached: _Cached = {part: [] for part in _PARTS}
    for part in _PARTS:
        fits: dict[tuple[Any, ...], CpvInferrer] = {}
        for setting in _settings(grid, part):
            key = tuple(v for k, v in setting.items() if k not in _PREDICT_TIME)
            if key not in fits:
                fits[key] = CpvInferrer(weights=_alone(part), **setting).fit(split.train, embedder)
            inferrer = fits[key]
            for name in _PREDICT_TIME:  # as if constructed with them: fit never reads them
                if name in setting:
                    setattr(inferrer, name, setting[name])
            matrices = _matrices(inferrer, part, vectors, queries, universe)
            cached[part].append((setting, matrices))
    truth = {n: np.array([universe[n][c[:n]] for c in truth_codes]) for n in _LEVELS}
    search, step = _Search(cached, truth), float(grid["weight_step"][0])
    # The votes' knobs alone; then every labels x classifier setting with its best weights
    # (greedy one-part-at-a-time steps stall there); then the votes' knobs and weights again.
    choice = {p: 0 for p in _PARTS}
    choice["votes"] = search.best_setting("votes", choice, _alone("votes"))
    pairs = itertools.product(range(len(cached["labels"])), range(len(cached["classifier"])))
    best = -1.0
    for lab, clf in pairs:
        trial = {**choice, "labels": lab, "classifier": clf}
        w = search.best_weights(trial, step)
        if (value := search.score(trial, w)["objective"]) > best:
            best, best_trial, weights = value, trial, w
    choice = best_trial
    choice["votes"] = search.best_setting("votes", choice, weights)
    weights = search.best_weights(choice, step)
    # The wording parts join the vector parts' mix, then the priors join that (``_add_pair``);
    # each stage's scores are kept, to show what it added.
    stages = {"vector parts": search.score(choice, weights)}
    for pair, scaled in (
        (("wording", "wording_votes"), _VECTOR_PARTS),
        (("buyer", "region"), _TEXT_PARTS),
    ):
        grids = (grid[f"{pair[0]}_weight"], grid[f"{pair[1]}_weight"])
        choice, weights = _add_pair(search, choice, weights, pair, grids, scaled)
        stages[f"+ {' and '.join(pair)}"] = search.score(choice, weights)
    chosen = {k: v for p in _PARTS for k, v in cached[p][choice[p]][0].items()}
    chosen["weights"] = weights
    record = {"cut": split.cut.isoformat(), "train_contracts": len(split.train.corpus.procurements),
              "queries": len(queries), "chosen": chosen, "scores": search.score(choice, weights),
              "stages": stages,
              "each_part_alone": {p: search.score(choice, _alone(p)) for p in _PARTS}}  # fmt: skip
    return chosen, record


def _add_pair(search: _Search, choice: dict[str, int], weights: dict[str, float],
              pair: tuple[str, str], grids: tuple[Sequence[float], Sequence[float]],
              scaled: Sequence[str]) -> tuple[dict[str, int], dict[str, float]]:  # fmt: skip
    """The settings and weights of two more parts that do best with the mix of ``scaled`` as
    chosen, scaled down to leave them room (neither part at all is one of the trials)."""
    one, two = pair
    weights = {**weights, one: 0.0, two: 0.0}
    best = (search.score(choice, weights)["objective"], choice, weights)
    settings = itertools.product(range(len(search.cached[one])), range(len(search.cached[two])))
    for a, b in settings:
        trial = {**choice, one: a, two: b}
        for wa, wb in itertools.product(*grids):
            if wa + wb >= 1:
                continue
            w = {**weights, **{p: round(weights[p] * (1 - wa - wb), 4) for p in scaled}}
            w.update({one: float(wa), two: float(wb)})
            if (value := search.score(trial, w)["objective"]) > best[0]:
                best = (value, trial, w)
    return best[1], best[2]


def evaluate_cpv_inference(
    train: MatchIndex,
    queries: Sequence[Any],
    embedder: TextEmbedder,
    sample: int = 400,
    grid: Mapping[str, Sequence[Any]] | None = None,
) -> dict[str, Any]:
    """Choose on the validation cut, fit on all of ``train``, then read the test queries once.

    Returns the validation record, the fit and predict costs, and the reports on every query and
    on a seeded sample of ``sample`` queries.
    """
    params, validation = tune_cpv_inferrer(train, embedder, grid)
    start = time.perf_counter()
    inferrer = CpvInferrer(**params).fit(train, embedder)
    fit_s = time.perf_counter() - start
    vectors = embedder.embed_queries([q.text for q in queries])
    start = time.perf_counter()
    report = cpv_inference_report(train, queries, vectors, inferrer)
    per_query_ms = 1000 * (time.perf_counter() - start) / max(report["queries"], 1)
    small_q, small_v = sample_queries(queries, vectors, sample)
    return {"validation": validation, "params": params, "fit_s": round(fit_s, 2),
            "report_ms_per_query": round(per_query_ms, 2), "test": report,
            f"test_sample_{sample}": cpv_inference_report(train, small_q, small_v, inferrer)}  # fmt: skip
