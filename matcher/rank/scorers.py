"""Scorers: a feature matrix in, one score per row out, and each score's parts.

Both scorers split every score exactly into a base value plus one contribution per feature, so
the explanation a user reads adds up to the score that set the order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from .features import COLUMN, FEATURES

__all__ = ["DEFAULT_WEIGHTS", "LambdaMARTScorer", "LinearScorer", "Scorer"]

#: The linear scorer's weights (the first ranker's six signals plus purchase invoices). They sum
#: to 1, so a score reads as a share of a perfect match; each value is 0..1.
DEFAULT_WEIGHTS: dict[str, float] = {
    "similar_contracts": 0.30,
    "profile": 0.20,
    "lexical": 0.15,
    "cpv": 0.20,
    "place": 0.05,
    "same_buyer": 0.05,
    "purchases": 0.05,
}


class Scorer(Protocol):
    """Scores feature rows (columns in ``FEATURES`` order)."""

    name: str
    #: The features it reads, in the order of :meth:`contributions`' columns.
    feature_names: list[str]
    #: A typical spread of its scores; an innovation weight is applied on this scale.
    scale: float

    def score(self, X: np.ndarray) -> np.ndarray:
        """One score per row."""
        ...

    def contributions(self, X: np.ndarray) -> tuple[float, np.ndarray]:
        """The base value and per-feature contributions; ``base + row sum == score``."""
        ...


class LinearScorer:
    """Weight x value summed over named features (missing values count 0).

    Args:
        weights: Feature name -> weight (``DEFAULT_WEIGHTS`` by default).
    """

    name = "linear"
    scale = 1.0

    def __init__(self, weights: dict[str, float] | None = None) -> None:
        self.weights = dict(weights or DEFAULT_WEIGHTS)
        unknown = [n for n in self.weights if n not in FEATURES]
        if unknown:
            raise ValueError(f"unknown features {unknown}")
        self.feature_names = list(self.weights)
        self._cols = [COLUMN[n] for n in self.feature_names]
        self._w = np.array([self.weights[n] for n in self.feature_names], dtype=np.float64)

    def contributions(self, X: np.ndarray) -> tuple[float, np.ndarray]:
        values = np.nan_to_num(X[:, self._cols].astype(np.float64), nan=0.0)
        return 0.0, values * self._w

    def score(self, X: np.ndarray) -> np.ndarray:
        return self.contributions(X)[1].sum(axis=1)


class LambdaMARTScorer:
    """A trained LightGBM ranker (``lambdarank``); contributions from LightGBM's own
    ``pred_contrib`` (TreeSHAP), whose last column is the model's base value.

    Args:
        booster: The trained ``lightgbm.Booster``.
        feature_names: The features it was trained on, in its column order.
        scale: Spread of its scores on the training candidates (standard deviation).
    """

    name = "learned"

    def __init__(self, booster: object, feature_names: Sequence[str], scale: float = 1.0) -> None:
        unknown = [n for n in feature_names if n not in FEATURES]
        if unknown:
            raise ValueError(f"unknown features {unknown}")
        self.booster = booster
        self.feature_names = list(feature_names)
        self.scale = float(scale)
        self._cols = [COLUMN[n] for n in self.feature_names]

    def _predict(self, X: np.ndarray, **kw: object) -> np.ndarray:
        # One thread: a request scores a few hundred rows, where OpenMP's start-up costs more
        # than it saves, and the server's workers already use the cores.
        rows = np.ascontiguousarray(X[:, self._cols], dtype=np.float64)
        return np.asarray(self.booster.predict(rows, num_threads=1, **kw), dtype=np.float64)  # type: ignore[attr-defined]

    def score(self, X: np.ndarray) -> np.ndarray:
        if not len(X):
            return np.zeros(0)
        return self._predict(X)

    def contributions(self, X: np.ndarray) -> tuple[float, np.ndarray]:
        if not len(X):
            return 0.0, np.zeros((0, len(self._cols)))
        contrib = self._predict(X, pred_contrib=True)
        # The base value is the same for every row (the model's expected raw score).
        return float(contrib[0, -1]), contrib[:, :-1]
