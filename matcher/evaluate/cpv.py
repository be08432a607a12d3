"""How well CPV codes are inferred from a need's text: top-1 and top-5 accuracy per CPV level.

A query's truth is its first CPV code. Two readings per method:

- ``levels``: the method's own ranking of prefixes at each level (divisions, groups, ...);
- ``codes``: the prefixes of the codes it serves (the first code; the first five codes).

The old method (``votes_only``) is the pipeline's baseline inferrer: the main codes of the 20
nearest contracts, each voting with its calibrated relevance (``rank.cpv_votes.VoteCpvInferrer``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..index.build import MatchIndex
from ..rank.cpv_infer import CpvInferrer
from ..rank.cpv_parts import LEVELS, LevelScores, level_marginals
from ..rank.cpv_votes import VoteCpvInferrer
from ..rank.need import Need
from .split import EvalQuery

__all__ = ["LEVEL_NAMES", "cpv_inference_report", "format_cpv_table", "sample_queries",
           "votes_only"]  # fmt: skip

#: Prefix length -> name of the CPV level.
LEVEL_NAMES = {2: "division", 3: "group", 4: "class", 5: "category", 8: "code"}
_TOP = (1, 5)

#: A method under test: the need's vector and the need (its text, buyer and region) -> (its
#: per-level prefix scores, its served codes).
CpvMethod = Callable[[np.ndarray, Need], tuple[LevelScores, list[str]]]


def votes_only(train: MatchIndex, n: int = 20) -> CpvMethod:
    """The baseline: the ``n`` nearest contracts' main codes, relevance-weighted."""
    inferrer = VoteCpvInferrer(n_voters=n).fit(train)

    def method(vector: np.ndarray, _need: Need) -> tuple[LevelScores, list[str]]:
        shares = dict(inferrer.predict(vector, None, n))
        return level_marginals(shares), list(shares)

    return method


def _inferrer_method(inferrer: CpvInferrer) -> CpvMethod:
    def method(vector: np.ndarray, need: Need) -> tuple[LevelScores, list[str]]:
        # What a buyer knows before tendering: its text, who it is and where (the priors read them).
        levels = inferrer.predict_levels(vector, text=need.text, buyer_id=need.buyer_id,
                                         region=need.region)  # fmt: skip
        ranked = inferrer.predict(vector, n=max(_TOP), text=need.text, buyer_id=need.buyer_id,
                                  region=need.region)  # fmt: skip
        return levels, [c for c, _ in ranked]

    return method


def _ranked(scores: dict[str, float]) -> list[str]:
    return sorted(scores, key=lambda p: (-scores[p], p))


def _accuracy(method: CpvMethod, vectors: np.ndarray, needs: Sequence[Need],
              truths: Sequence[str]) -> dict[str, Any]:  # fmt: skip
    """Share of queries whose true prefix is in the top 1 and top 5, per level and reading."""
    hits = {(reading, n, k): 0 for reading in ("levels", "codes") for n in LEVELS for k in _TOP}
    for vector, need, truth in zip(vectors, needs, truths, strict=True):
        levels, codes = method(vector, need)
        for n in LEVELS:
            ranked = _ranked(levels.get(n, {}))
            for k in _TOP:
                hits["levels", n, k] += truth[:n] in ranked[:k]
                hits["codes", n, k] += truth[:n] in {c[:n] for c in codes[:k]}
    total = max(len(truths), 1)
    return {
        reading: {
            LEVEL_NAMES[n]: {f"top{k}": round(hits[reading, n, k] / total, 4) for k in _TOP}
            for n in LEVELS
        }
        for reading in ("levels", "codes")
    }


def cpv_inference_report(
    train: MatchIndex, queries: Sequence[EvalQuery], vectors: np.ndarray, inferrer: CpvInferrer
) -> dict[str, Any]:
    """Top-1 and top-5 accuracy per CPV level of ``inferrer`` and of the votes-only method.

    Args:
        train: The training side of the split (what ``inferrer`` was fitted on).
        queries: Held-out needs; those without a CPV code are left out.
        vectors: Their query vectors, embedded from the text WITHOUT CPV labels (row per query).
        inferrer: A ``CpvInferrer`` fitted on ``train``.
    """
    keep = [i for i, q in enumerate(queries) if q.cpv]
    truths = [queries[i].cpv[0] for i in keep]
    needs = [queries[i] for i in keep]
    sub = vectors[keep] if keep else vectors[:0]
    return {
        "queries": len(keep),
        "methods": {
            "votes_only": _accuracy(votes_only(train), sub, needs, truths),
            "inferred": _accuracy(_inferrer_method(inferrer), sub, needs, truths),
        },
    }


def sample_queries(
    queries: Sequence[EvalQuery], vectors: np.ndarray, n: int = 400, seed: int = 0
) -> tuple[list[EvalQuery], np.ndarray]:
    """A seeded sample of ``n`` queries with a CPV code, and their vectors (order kept)."""
    eligible = [i for i, q in enumerate(queries) if q.cpv]
    rows = sorted(random.Random(seed).sample(eligible, min(n, len(eligible))))
    return [queries[i] for i in rows], vectors[rows]


def format_cpv_table(report: dict[str, Any], reading: str = "levels") -> str:
    """The report as a plain-text table: one row per method, top-1/top-5 per level."""
    cols = [f"{name} {k}" for name in LEVEL_NAMES.values() for k in ("@1", "@5")]
    lines = [f"CPV inferred from the text ({reading}), {report['queries']} queries",
             f"{'method':<12}" + "".join(f"{c:>13}" for c in cols)]  # fmt: skip
    for name, readings in report["methods"].items():
        cells = [readings[reading][lvl][f"top{k}"] for lvl in LEVEL_NAMES.values() for k in _TOP]
        lines.append(f"{name:<12}" + "".join(f"{v:>13.3f}" for v in cells))
    return "\n".join(lines)
