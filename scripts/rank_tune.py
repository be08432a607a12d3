"""Try LightGBM settings of the trained scorer on the validation cut, features computed once.

The training windows and the validation queries go through the pipeline once (retrieval and
features do not depend on the scorer); each setting is then one LightGBM fit and a re-ordering of
the cached candidates with the pipeline's own tie rule. Only the validation cut is read (the
training period's last 20%, its models trained before it), never the test split.

    python scripts/rank_tune.py                      # the default grid
    python scripts/rank_tune.py --grid '[{"num_leaves": 15}]' --windows 8 --start-share 0.2
    python scripts/rank_tune.py --grid '[{}, {"add": ["region_div"]}, {"drop": ["name_sim"]}]'
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matcher.evaluate.harness import query_vectors  # noqa: E402
from matcher.evaluate.run import _embedder, make_split  # noqa: E402
from matcher.evaluate.split import validation_split  # noqa: E402
from matcher.index.build import load_index  # noqa: E402
from matcher.index.corpus import need_text  # noqa: E402
from matcher.rank import RankingPipeline  # noqa: E402
from matcher.rank.features import FEATURES  # noqa: E402
from matcher.rank.train import DEFAULT_FEATURES, LearnedRanker, rolling_windows  # noqa: E402
from matcher.settings import Settings  # noqa: E402
from matcher.vocab import cpv_vocabulary  # noqa: E402

DEFAULT_GRID: list[dict[str, Any]] = [
    {}, {"n_estimators": 200}, {"n_estimators": 800}, {"num_leaves": 3}, {"num_leaves": 15},
    {"min_child_samples": 20}, {"min_child_samples": 200}, {"learning_rate": 0.06},
    {"lambdarank_truncation_level": 10}, {"lambdarank_truncation_level": 50},
    {"objective": "rank_xendcg"}, {"reg_lambda": 10.0}, {"colsample_bytree": 0.7},
    {"subsample": 0.7, "subsample_freq": 1},
]  # fmt: skip


def _columns(setting: dict[str, Any]) -> tuple[list[int], dict[str, Any]]:
    """The feature columns a setting reads (``DEFAULT_FEATURES`` with its ``add`` and ``drop``
    lists applied) and its LightGBM parameters."""
    params = dict(setting)
    names = [f for f in DEFAULT_FEATURES if f not in params.pop("drop", [])]
    names += [f for f in params.pop("add", []) if f not in names]
    return [list(FEATURES).index(f) for f in names], params


def _training(split: Any, embedder: Any, windows: int, start: float) -> tuple[Any, ...]:
    """Candidates' features and labels of every training window, as ``LearnedRanker.fit``."""
    vocab = cpv_vocabulary()

    def embed(texts: list[str], cpvs: list[list[str]]) -> np.ndarray:
        return embedder.embed_queries([need_text(t, c, vocab) for t, c in zip(texts, cpvs, strict=True)])

    cut = rolling_windows(split.train, embed, n_windows=windows, start_share=start)
    return LearnedRanker(features=list(FEATURES)).training_examples(cut)


def _validation(split: Any, embedder: Any) -> list[tuple[list[int], np.ndarray, set[int], list[int]]]:
    pipe = RankingPipeline().fit(split.train)
    out = []
    for q, v in zip(split.queries, query_vectors(split, embedder), strict=True):
        ctx = pipe.context(q, v)
        cands = pipe.candidates(ctx)
        X = np.ascontiguousarray(pipe.builder_.transform(ctx, cands), dtype=np.float64)
        out.append((cands, X, q.truth, [pipe.history_.n_awards(c) for c in cands]))
    return out


def _metrics(booster: Any, queries: list[Any], cols: list[int]) -> dict[str, float]:
    hits = rr = 0.0
    for cands, X, truth, n_awards in queries:
        if not cands:
            continue
        s = booster.predict(np.ascontiguousarray(X[:, cols]), num_threads=1)
        order = sorted(range(len(cands)), key=lambda i: (-s[i], -n_awards[i], cands[i]))[:10]
        first = next((r for r, i in enumerate(order, 1) if cands[i] in truth), None)
        hits, rr = hits + (first is not None), rr + (1 / first if first else 0.0)
    return {"HR@10": round(hits / len(queries), 4), "MRR@10": round(rr / len(queries), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grid", type=json.loads, default=DEFAULT_GRID, help="JSON list of settings")
    parser.add_argument("--windows", type=int, default=4)
    parser.add_argument("--start-share", type=float, default=0.4)
    args = parser.parse_args()
    threadpool_limits(limits=1, user_api="blas")
    settings = Settings()
    split = validation_split(make_split(settings, load_index(settings.index_dir), None, [], False))
    embedder = _embedder(settings)
    X, y, groups = _training(split, embedder, args.windows, args.start_share)
    queries = _validation(split, embedder)
    print(json.dumps({"training_needs": len(groups), "validation_queries": len(queries),
                      "cut": split.cut.isoformat()}), flush=True)  # fmt: skip
    base = LearnedRanker().lightgbm_params()
    for setting in args.grid:
        cols, params = _columns(setting)
        model = lgb.LGBMRanker(**{**base, **params}).fit(np.ascontiguousarray(X[:, cols]), y, group=groups)
        print(json.dumps({"setting": setting, **_metrics(model.booster_, queries, cols)}), flush=True)


if __name__ == "__main__":
    main()
