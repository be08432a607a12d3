"""The learned ranker: LambdaMART (LightGBM ``lambdarank``) over (need, supplier) features.

Trained on past awards with time-respecting negatives: the training period is cut into rolling
windows; the needs of each window are scored against the contracts before it, and the candidates
who did not win are the negatives. So the model learns in the situation it is used in, and a
listwise objective optimises the top of each need's list, which is what HR@k and MRR measure.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import joblib
import lightgbm as lgb
import numpy as np

from ..index.build import MatchIndex, index_before
from .features import FEATURES, FeatureBuilder, NeedQuery

#: Features used by default (ablation in the README). Supplier activity (n_awards, recency)
#: lowered held-out HR@10 and only pushed incumbents up.
DEFAULT_FEATURES = tuple(f for f in FEATURES if f not in ("n_awards", "recency"))

log = logging.getLogger(__name__)
#: File names under ``models/``.
MODEL_FILE, MANIFEST_FILE = "ranker.joblib", "manifest.json"

#: One training window: the index of everything before it, and its needs with their winners.
Window = tuple[MatchIndex, list[tuple[NeedQuery, set[int]]]]


class LearnedRanker:
    """Ranks candidates for a need; scikit-learn estimator contract.

    Args:
        features: Feature names to use (``DEFAULT_FEATURES`` by default; others for ablations).
        n_estimators: Boosting rounds.
        learning_rate: Boosting learning rate.
        num_leaves: Leaves per tree (small: the training set is small).
        random_state: Seed.
    """

    def __init__(self, features: Sequence[str] | None = None, n_estimators: int = 400,
                 learning_rate: float = 0.03, num_leaves: int = 7,
                 random_state: int = 0) -> None:  # fmt: skip
        self.features = features
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.random_state = random_state

    def _columns(self) -> list[int]:
        names = list(FEATURES)
        return [names.index(f) for f in (self.features or DEFAULT_FEATURES)]

    def fit(self, windows: Sequence[Window]) -> LearnedRanker:
        """Learn from every window's needs, each scored against the index before it."""
        cols = self._columns()
        xs, ys, groups = [], [], []
        for past, needs in windows:
            builder = FeatureBuilder().fit(past)
            for q, truth in needs:
                cands, X = builder.transform(q)
                y = np.array([c in truth for c in cands], dtype=int)
                if not y.any():
                    continue  # no winner among the candidates: nothing to rank
                xs.append(X[:, cols])
                ys.append(y)
                groups.append(len(cands))
        if not xs:
            raise ValueError("no training need has a winner among its candidates")
        self.model_ = lgb.LGBMRanker(
            objective="lambdarank", n_estimators=self.n_estimators,
            learning_rate=self.learning_rate, num_leaves=self.num_leaves, min_child_samples=50,
            reg_lambda=1.0, lambdarank_truncation_level=20, random_state=self.random_state,
            verbose=-1,
        ).fit(np.concatenate(xs), np.concatenate(ys), group=groups)  # fmt: skip
        self.feature_names_ = [list(FEATURES)[c] for c in cols]
        self.n_training_needs_ = len(groups)
        return self

    def use(self, index: MatchIndex) -> LearnedRanker:
        """Point the fitted model at the index it will rank from (the newest data)."""
        self.builder_ = FeatureBuilder().fit(index)
        return self

    def _predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The model's scores of full feature rows, and the rows cut to its features."""
        X = X[:, self._columns()]
        return np.asarray(self.model_.predict(X), dtype=np.float64), X

    def score(self, q: NeedQuery, suppliers: list[int], sims: np.ndarray | None = None,
              lex: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """The model's scores for the given ``suppliers`` and their feature rows (``sims`` and
        ``lex`` as in ``FeatureBuilder.transform``)."""
        if not suppliers:
            return np.zeros(0), np.zeros((0, len(self._columns())), np.float32)
        return self._predict(self.builder_.transform(q, suppliers, sims, lex)[1])

    def rank(self, q: NeedQuery, k: int, sims: np.ndarray | None = None,
             lex: np.ndarray | None = None) -> list[tuple[int, float, np.ndarray]]:  # fmt: skip
        """Top ``k`` ``(supplier id, score, feature row)``, best first."""
        cands, X = self.builder_.transform(q, None, sims, lex)
        if not cands:
            return []
        scores, X = self._predict(X)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(cands[i], float(scores[i]), X[i]) for i in order]


def rolling_windows(
    index: MatchIndex,
    embed: Callable[[list[str], list[list[str]]], np.ndarray],
    n_windows: int = 4,
    start_share: float = 0.4,
) -> list[Window]:
    """Cut the dated awards of ``index`` into ``n_windows`` windows after the first ``start_share``.

    Each window's needs are the contracts dated inside it; its index holds only what came before.
    """
    dated = sorted(p.date for p in index.corpus.procurements if p.date for _ in p.winners)
    if not dated:
        return []
    shares = np.linspace(start_share, 1.0, n_windows + 1)
    cuts = [dated[min(len(dated) - 1, int(s * len(dated)))] for s in shares[:-1]] + [date.max]
    windows = []
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        procs = [p for p in index.corpus.procurements if p.date and lo <= p.date < hi and p.winners]
        if not procs:
            continue
        vectors = embed([p.title for p in procs], [p.cpv[:2] for p in procs])
        needs = [
            (
                NeedQuery(
                    text=p.title,
                    vector=v,
                    cpv=p.cpv[:2],
                    buyer_id=p.buyer_id,
                    region=p.region,
                    date=p.date,
                    value=p.value,
                ),
                set(p.winners),
            )  # fmt: skip
            for p, v in zip(procs, vectors, strict=True)
        ]
        windows.append((index_before(index, lo), needs))
    return windows


def load_learned(models_dir: Path, embedding_model: str) -> LearnedRanker | None:
    """The trained ranker saved under ``models_dir``, or None if there is none that fits.

    A model trained on another embedding model's similarities would read this index's
    similarities on the wrong scale, so it is refused (with a warning), not used.
    """
    manifest_path, model_path = models_dir / MANIFEST_FILE, models_dir / MODEL_FILE
    if not (manifest_path.is_file() and model_path.is_file()):
        return None
    entry = next(
        (a for a in json.loads(manifest_path.read_text(encoding="utf-8")).get("artefacts", [])
         if a.get("file") == MODEL_FILE), None,
    )  # fmt: skip
    if entry is None or entry.get("model") != embedding_model:
        log.warning("trained ranker in %s is for embedding model %s, not %s: not used",
                    models_dir, entry and entry.get("model"), embedding_model)  # fmt: skip
        return None
    unknown = [f for f in entry["features"] if f not in FEATURES]
    if unknown:
        log.warning("trained ranker in %s uses unknown features %s: not used", models_dir, unknown)
        return None
    ranker = LearnedRanker(features=entry["features"])
    ranker.model_ = joblib.load(model_path)
    ranker.feature_names_ = list(entry["features"])
    ranker.n_training_needs_ = int(entry.get("training_needs", 0))
    return ranker
