"""The linkage model: field weights learned from hidden-identifier records, and a calibration.

A logistic regression weighs the comparison fields (the log-odds of a match add up field by
field, as in Fellegi-Sunter linkage, so each merge can say which fields made it). Its scores are
then calibrated with isotonic regression on held-out folds, on each query's best candidate, so
that a confidence of 0.97 means that 97 of 100 such merges were right in the measurement.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from .features import FEATURES

#: The shipped model, fitted on the calibration half of the hidden-identifier records.
MODEL_PATH = Path(__file__).with_name("linkage_model.json")


class LinkageModel:
    """Match probability of a (name-only organisation, register candidate) pair.

    Args:
        C: Inverse regularisation strength of the logistic regression.
        folds: Folds (grouped by query) for the out-of-fold scores the calibration is fitted on.
    """

    def __init__(self, C: float = 1.0, folds: int = 5) -> None:
        self.C = C
        self.folds = folds

    def _lr(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, max_iter=2000)

    def fit(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray) -> LinkageModel:
        """Fit the field weights on every pair and the calibration on each group's best pair."""
        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        Z = (X - self.mean_) / self.scale_
        lr = self._lr().fit(Z, y)
        self.coef_, self.intercept_ = lr.coef_.ravel(), float(lr.intercept_[0])
        oof = np.zeros(len(y))
        for train, test in GroupKFold(n_splits=self.folds).split(Z, y, groups):
            fold = self._lr().fit(Z[train], y[train])
            oof[test] = fold.decision_function(Z[test])
        best, label = best_per_group(groups, oof, y)
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(best, label)
        self.iso_x_, self.iso_y_ = iso.X_thresholds_, iso.y_thresholds_
        self.oof_best_ = np.interp(best, self.iso_x_, self.iso_y_)
        self.oof_label_ = label
        self.oof_groups_ = groups[_top(groups, oof)]
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """The log-odds of a match before calibration."""
        return ((X - self.mean_) / self.scale_) @ self.coef_ + self.intercept_

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Calibrated probability that each pair is the same organisation."""
        return np.interp(self.decision_function(X), self.iso_x_, self.iso_y_)

    def explain(self, x: np.ndarray, top: int = 6) -> dict[str, dict[str, float]]:
        """The fields that moved one pair's log-odds most: value and weight (contribution)."""
        contrib = (x - self.mean_) / self.scale_ * self.coef_
        order = np.argsort(-np.abs(contrib))[:top]
        return {FEATURES[i]: {"value": round(float(x[i]), 3), "weight": round(float(contrib[i]), 3)}
                for i in order}  # fmt: skip

    def state(self) -> dict[str, Any]:
        """The fitted state as plain JSON values."""
        return {"C": self.C, "mean": self.mean_.tolist(), "scale": self.scale_.tolist(),
                "coef": self.coef_.tolist(), "intercept": self.intercept_,
                "iso_x": self.iso_x_.tolist(), "iso_y": self.iso_y_.tolist()}  # fmt: skip

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> LinkageModel:
        """The model :meth:`state` describes."""
        model = cls(C=state["C"])
        model.mean_, model.scale_ = np.array(state["mean"]), np.array(state["scale"])
        model.coef_, model.intercept_ = np.array(state["coef"]), float(state["intercept"])
        model.iso_x_, model.iso_y_ = np.array(state["iso_x"]), np.array(state["iso_y"])
        return model


def save_models(path: Path, models: dict[str, LinkageModel], extra: dict[str, Any]) -> None:
    """Write one model per country (and ``extra``: word counts, threshold, measurement)."""
    state = {"features": list(FEATURES), "models": {c: m.state() for c, m in models.items()},
             **extra}  # fmt: skip
    path.write_text(json.dumps(state, ensure_ascii=False, separators=(",", ":")), "utf-8")


def load_models(path: Path = MODEL_PATH) -> tuple[dict[str, LinkageModel], dict[str, Any]]:
    """Read what :func:`save_models` wrote: the models by country and the whole state.

    Raises:
        ValueError: if the file was fitted on other comparison fields than this code's.
    """
    state = json.loads(path.read_text("utf-8"))
    if state["features"] != list(FEATURES):
        raise ValueError(
            f"{path} was fitted on other fields; run `innomatch resolve --evaluate --save`"
        )
    return {c: LinkageModel.from_state(s) for c, s in state["models"].items()}, state


def best_per_group(groups: np.ndarray, score: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Each group's highest score and the label of that pair, in the order of the groups' ids."""
    top = _top(groups, score)
    return score[top], y[top].astype(float)


def _top(groups: np.ndarray, score: np.ndarray) -> np.ndarray:
    order = np.lexsort((-score, groups))
    first = np.ones(len(order), dtype=bool)
    first[1:] = groups[order][1:] != groups[order][:-1]
    return order[first]


__all__ = ["MODEL_PATH", "LinkageModel", "best_per_group", "load_models", "save_models"]
