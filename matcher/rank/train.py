"""Training the LambdaMART scorer (LightGBM ``lambdarank``) on past awards, through the pipeline.

The training period is cut into rolling windows; each window's needs go through the same
retrieval and feature building as the service, against the contracts before the window, and the
candidates who did not win are the negatives. So the model learns in the situation it is used in.

Firms known only by a profile (never a winner in award data) are part of the same model through
cold-start examples: in each training need a share of the candidates with awards have their award
history hidden, and a stand-in profile similarity (the need against the centre of their past
contracts' vectors) takes its place, so the model learns how a profile-only firm compares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import lightgbm as lgb
import numpy as np

from ..index.build import MatchIndex
from ..index.subsets import index_before
from .features import FEATURES
from .need import Need
from .pipeline import RankingPipeline
from .scorers import LambdaMARTScorer

__all__ = ["COLD_START", "DEFAULT_FEATURES", "LearnedRanker", "Window", "rolling_windows"]

#: Features the trained scorer reads by default (ablation in the README): supplier activity
#: (n_awards, recency, recent_awards) only pushed incumbents up; no source here has an
#: estimated value; the CPV group and class counts added nothing to the CPV features on the
#: validation cut (``scripts/rank_tune.py``, README "Evaluation").
DEFAULT_FEATURES = tuple(f for f in FEATURES if f not in (
    "n_awards", "recency", "value_fit", "cpv_group", "cpv_class", "recent_awards"))

#: Share of each training need's candidates with awards whose history is hidden (cold start).
COLD_START = 0.1

#: One training window: the index of everything before it, and its needs (need, query vector,
#: winners).
Window = tuple[MatchIndex, list[tuple[Need, np.ndarray, set[int]]]]


class LearnedRanker:
    """Trains a :class:`LambdaMARTScorer`; scikit-learn estimator contract.

    Args:
        features: Feature names (``DEFAULT_FEATURES`` by default; others for ablations).
        n_estimators: Boosting rounds.
        learning_rate: Boosting learning rate.
        num_leaves: Leaves per tree (small: the training set is small).
        cold_start: Share of each need's candidates with awards whose history is hidden.
        random_state: Seed (training is deterministic for a seed).
    """

    def __init__(self, features: Sequence[str] | None = None, n_estimators: int = 400,
                 learning_rate: float = 0.03, num_leaves: int = 7, cold_start: float = COLD_START,
                 random_state: int = 0) -> None:  # fmt: skip
        self.features = features
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.cold_start = cold_start
        self.random_state = random_state

    def fit(self, windows: Sequence[Window]) -> LearnedRanker:
        """Learn from every window's needs, each ranked against the index before it."""
        names = list(self.features or DEFAULT_FEATURES)
        X, y, groups = self.training_examples(windows)
        self.model_ = lgb.LGBMRanker(**self.lightgbm_params()).fit(X, y, group=groups)
        self.feature_names_ = names
        self.n_training_needs_ = len(groups)
        scale = float(np.std(self.model_.predict(X))) or 1.0
        self.scorer_ = LambdaMARTScorer(self.model_.booster_, names, scale)
        return self

    def training_examples(self, windows: Sequence[Window]) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """The candidates' feature rows (this ranker's features), labels (won or not) and group
        sizes of every window's needs, as ``fit`` learns from them; fitted state is untouched.

        Raises:
            ValueError: if no need has a winner among its candidates.
        """
        cols = [list(FEATURES).index(f) for f in (self.features or DEFAULT_FEATURES)]
        rng = np.random.default_rng(self.random_state)
        xs, ys, groups = [], [], []
        for past, needs in windows:
            pipe = RankingPipeline().fit(past)
            centres = _Centres(past)
            for need, vector, truth in needs:
                ctx = pipe.context(need, vector)
                cands = pipe.candidates(ctx)
                y = np.array([c in truth for c in cands], dtype=int)
                if not y.any():
                    continue  # no winner among the candidates: nothing to rank
                hidden = self._hide(cands, pipe, centres, vector, rng)
                xs.append(pipe.builder_.transform(ctx, cands, hidden)[:, cols])
                ys.append(y)
                groups.append(len(cands))
        if not xs:
            raise ValueError("no training need has a winner among its candidates")
        return np.concatenate(xs), np.concatenate(ys), groups

    def lightgbm_params(self) -> dict[str, Any]:
        """The ``LGBMRanker`` settings ``fit`` uses (deterministic, one thread)."""
        return {"objective": "lambdarank", "n_estimators": self.n_estimators,
                "learning_rate": self.learning_rate, "num_leaves": self.num_leaves,
                "min_child_samples": 50, "reg_lambda": 1.0, "lambdarank_truncation_level": 20,
                # Each tree sees 70% of the features (seeded): chosen on the validation cut.
                "colsample_bytree": 0.7, "random_state": self.random_state, "deterministic": True,
                "force_row_wise": True, "n_jobs": 1, "verbose": -1}  # fmt: skip

    def _hide(self, cands: list[int], pipe: RankingPipeline, centres: _Centres,
              vector: np.ndarray, rng: np.random.Generator) -> dict[int, float]:  # fmt: skip
        """Candidates with awards drawn for cold-start, with their stand-in profile relevance."""
        if not self.cold_start:
            return {}
        with_awards = [c for c in cands if pipe.history_.won_.get(c)]
        drawn = [c for c in with_awards if rng.random() < self.cold_start]
        if not drawn:
            return {}
        rel = pipe.builder_.relevance(centres.of(drawn, pipe) @ vector.astype(np.float32))
        return dict(zip(drawn, rel.tolist(), strict=True))


class _Centres:
    """Unit centre of each supplier's won contracts' vectors, computed on first use."""

    def __init__(self, index: MatchIndex) -> None:
        self.index = index
        self.cache: dict[int, np.ndarray] = {}

    def of(self, ids: list[int], pipe: RankingPipeline) -> np.ndarray:
        for s in ids:
            if s not in self.cache:
                m = self.index.procurement_vectors.vectors_for(pipe.history_.won_rows(s)).mean(axis=0)
                self.cache[s] = m / (np.linalg.norm(m) or 1.0)
        return np.stack([self.cache[s] for s in ids])


def rolling_windows(
    index: MatchIndex,
    embed: Callable[[list[str], list[list[str]]], np.ndarray],
    n_windows: int = 4,
    start_share: float = 0.4,
) -> list[Window]:
    """Cut the dated awards of ``index`` into ``n_windows`` windows after the first ``start_share``.

    Each window's needs are the contracts dated inside it, as a buyer knows them before
    tendering (title, CPV codes, buyer, region, date; no awarded amount); its index holds only
    what came before.
    """
    dated = sorted(p.date for p in index.corpus.procurements if p.date for _ in p.winners)
    if not dated:
        return []
    shares = np.linspace(start_share, 1.0, n_windows + 1)
    cuts = [dated[min(len(dated) - 1, int(s * len(dated)))] for s in shares[:-1]] + [date.max]
    windows: list[Window] = []
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        procs = [p for p in index.corpus.procurements if p.date and lo <= p.date < hi and p.winners]
        if not procs:
            continue
        vectors = embed([p.title for p in procs], [p.cpv[:2] for p in procs])
        needs = [(Need(text=p.title, cpv=p.cpv[:2], buyer_id=p.buyer_id, region=p.region,
                       date=p.date), v, set(p.winners))
                 for p, v in zip(procs, vectors, strict=True)]  # fmt: skip
        windows.append((index_before(index, lo), needs))
    return windows
