"""The linkage model: field weights learned from hidden-identifier records, and a calibration.

A logistic regression weighs the comparison fields (the log-odds of a match add up field by
field, as in Fellegi-Sunter linkage, so each merge can say which fields made it). Its scores are
then weighed again on each query's best candidate alone, and that score calibrated with isotonic
regression on held-out folds, so that a confidence of 0.97 means that 97 of 100 such merges were
right in the measurement.
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

    Two logistic regressions on the standardised comparison fields: the first, on every
    candidate pair, picks each name's best candidate; the second, on those best candidates only
    (with the first one's out-of-fold score as one more field), says how sure that choice is.
    Telling right from wrong *among best candidates* is the question a merge asks (an exact
    name of a large group, or one carried by a namesake elsewhere), and one the first model,
    busy with the clearly wrong candidates, weighs little. Both are linear in the fields, so a
    merge's log-odds still add up field by field (:meth:`explain`).

    Args:
        C: Inverse regularisation strength of the pair model.
        rescore: Fit the best-candidate model; without it the pair model's score is calibrated.
        C_best: Inverse regularisation strength of the best-candidate model (fewer rows).
        folds: Folds (grouped by query) for the out-of-fold scores.
    """

    def __init__(self, C: float = 1.0, rescore: bool = True, C_best: float = 0.3,
                 folds: int = 5) -> None:  # fmt: skip
        self.C = C
        self.rescore = rescore
        self.C_best = C_best
        self.folds = folds

    def fit(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray,
            fold_groups: np.ndarray | None = None) -> LinkageModel:  # fmt: skip
        """Fit the pair weights, the best-candidate weights and the calibration.

        Args:
            X: Comparison fields, one row per candidate pair.
            y: Whether each pair is right.
            groups: The query (name) of each pair: the best candidate is chosen per query.
            fold_groups: What the held-out folds are split by (default ``groups``). Pass the
                company: its other spellings are then never in the folds that score it, as
                in the calibration/test split; otherwise the out-of-fold scores, and the
                threshold chosen on them, are too sure.
        """
        folds_by = groups if fold_groups is None else fold_groups
        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        Z = (X - self.mean_) / self.scale_
        pair = LogisticRegression(C=self.C, max_iter=3000).fit(Z, y)
        self.coef_, self.intercept_ = pair.coef_.ravel(), float(pair.intercept_[0])
        self.best_coef_, self.best_intercept_ = self.coef_, self.intercept_
        oof = np.zeros(len(y))
        for train, test in GroupKFold(n_splits=self.folds).split(Z, y, folds_by):
            fold = LogisticRegression(C=self.C, max_iter=3000).fit(Z[train], y[train])
            oof[test] = fold.decision_function(Z[test])
        top = _top(groups, oof)
        label = y[top].astype(float)
        best_oof = self._fit_best(np.c_[oof[top], Z[top]], label, folds_by[top]) if self.rescore \
            else oof[top]  # fmt: skip
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(best_oof, label)
        self.iso_x_, self.iso_y_ = iso.X_thresholds_, iso.y_thresholds_
        self.oof_best_ = np.interp(best_oof, self.iso_x_, self.iso_y_)
        self.oof_label_ = label
        self.oof_groups_ = groups[top]
        return self

    def _fit_best(self, B: np.ndarray, label: np.ndarray, groups: np.ndarray) -> np.ndarray:
        """Fit the best-candidate model on (out-of-fold pair score, fields) of each name's best
        candidate; returns its own out-of-fold log-odds (what the calibration is fitted on)."""
        best_oof = np.zeros(len(label))
        for train, test in GroupKFold(n_splits=self.folds).split(B, label, groups):
            best_oof[test] = self._best_lr().fit(B[train], label[train]).decision_function(B[test])
        best = self._best_lr().fit(B, label)
        a, c2 = float(best.coef_.ravel()[0]), best.coef_.ravel()[1:]
        # Linear in (pair score, fields), the pair score linear in the fields: together one
        # weight per field.
        self.best_coef_ = a * self.coef_ + c2
        self.best_intercept_ = a * self.intercept_ + float(best.intercept_[0])
        return best_oof

    def _best_lr(self) -> LogisticRegression:
        return LogisticRegression(C=self.C_best, max_iter=3000)

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """The pair model's log-odds of a match: which candidate is a name's best."""
        return ((X - self.mean_) / self.scale_) @ self.coef_ + self.intercept_

    def best_log_odds(self, X: np.ndarray) -> np.ndarray:
        """The best-candidate model's log-odds, before calibration."""
        return ((X - self.mean_) / self.scale_) @ self.best_coef_ + self.best_intercept_

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Calibrated probability that each pair, as its name's best candidate, is right."""
        return np.interp(self.best_log_odds(X), self.iso_x_, self.iso_y_)

    def explain(self, x: np.ndarray, top: int = 6) -> dict[str, dict[str, float]]:
        """The fields that moved one merge's log-odds most: value and weight (contribution)."""
        contrib = (x - self.mean_) / self.scale_ * self.best_coef_
        order = np.argsort(-np.abs(contrib))[:top]
        return {FEATURES[i]: {"value": round(float(x[i]), 3), "weight": round(float(contrib[i]), 3)}
                for i in order}  # fmt: skip

    def state(self) -> dict[str, Any]:
        """The fitted state as plain JSON values."""
        return {"C": self.C, "rescore": self.rescore, "C_best": self.C_best, "mean": self.mean_.tolist(),
                "scale": self.scale_.tolist(), "coef": self.coef_.tolist(),
                "intercept": self.intercept_, "best_coef": self.best_coef_.tolist(),
                "best_intercept": self.best_intercept_, "iso_x": self.iso_x_.tolist(),
                "iso_y": self.iso_y_.tolist()}  # fmt: skip

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> LinkageModel:
        """The model :meth:`state` describes."""
        model = cls(C=state["C"], rescore=state["rescore"], C_best=state["C_best"])
        model.mean_, model.scale_ = np.array(state["mean"]), np.array(state["scale"])
        model.coef_, model.intercept_ = np.array(state["coef"]), float(state["intercept"])
        model.best_coef_ = np.array(state["best_coef"])
        model.best_intercept_ = float(state["best_intercept"])
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
