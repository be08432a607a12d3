"""The linkage model follows the estimator contract and calibrates its scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.model_selection import GroupKFold

from matcher.resolve.features import FEATURES
from matcher.resolve.model import LinkageModel, load_models, save_models


def _pairs(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    groups = np.repeat(np.arange(n), 3)
    y = np.zeros(3 * n, dtype=int)
    y[::3] = rng.random(n) < 0.7  # the first candidate of 70% of the groups is right
    X = rng.normal(size=(3 * n, len(FEATURES)))
    X[:, 0] += 2.0 * y
    return X, y, groups


def test_fit_returns_self_and_learns_state() -> None:
    model = LinkageModel(C=0.5)
    assert model.C == 0.5 and not hasattr(model, "coef_")
    X, y, g = _pairs(np.random.default_rng(0), 400)
    assert model.fit(X, y, g) is model
    assert model.coef_[0] > 1.0 and abs(model.coef_[1]) < 0.3


def test_calibrated_probabilities_match_the_outcomes() -> None:
    rng = np.random.default_rng(1)
    X, y, g = _pairs(rng, 2000)
    model = LinkageModel().fit(X, y, g)
    Xt, yt, gt = _pairs(rng, 2000)
    p = model.predict_proba(Xt)
    for lo, hi in ((0.0, 0.3), (0.7, 1.01)):
        band = (p >= lo) & (p < hi)
        assert band.sum() > 100
        assert abs(yt[band].mean() - p[band].mean()) < 0.08


def test_explain_names_the_fields_with_their_weights() -> None:
    X, y, g = _pairs(np.random.default_rng(2), 300)
    model = LinkageModel().fit(X, y, g)
    why = model.explain(X[0], top=3)
    assert len(why) == 3 and FEATURES[0] in why
    assert why[FEATURES[0]]["weight"] == max((v["weight"] for v in why.values()), key=abs)


def test_models_round_trip(tmp_path: Path) -> None:
    X, y, g = _pairs(np.random.default_rng(3), 300)
    model = LinkageModel().fit(X, y, g)
    save_models(tmp_path / "m.json", {"FI": model}, {"threshold": 0.9})
    loaded, state = load_models(tmp_path / "m.json")
    assert state["threshold"] == 0.9
    assert np.allclose(loaded["FI"].predict_proba(X), model.predict_proba(X))


def test_the_best_candidate_model_adds_up_field_by_field() -> None:
    X, y, g = _pairs(np.random.default_rng(4), 400)
    X[::3, 1] += 1.5 * y[::3]  # a field that only tells right from wrong best candidates
    plain = LinkageModel(rescore=False).fit(X, y, g)
    model = LinkageModel(rescore=True).fit(X, y, g)
    assert np.array_equal(plain.best_coef_, plain.coef_)
    assert not np.allclose(model.best_coef_, model.coef_)
    # One weight per field: the explained parts and the intercept are the merge's log-odds.
    why = model.explain(X[0], top=len(FEATURES))
    total = sum(v["weight"] for v in why.values()) + model.best_intercept_
    assert abs(total - model.best_log_odds(X[:1])[0]) < 1e-2
    # The pair model still ranks the candidates; the best-candidate model scores the choice.
    assert np.allclose(model.decision_function(X), plain.decision_function(X))


def test_held_out_folds_keep_a_company_together(monkeypatch: pytest.MonkeyPatch) -> None:
    # Two spellings of one company are two queries; scoring one with a fold model fitted on the
    # other would make the out-of-fold scores, and the threshold chosen on them, too sure.
    seen: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    class Recording(GroupKFold):
        def split(self, X, y=None, groups=None):  # type: ignore[no-untyped-def, override]
            for train, test in super().split(X, y, groups):
                seen.append((train, test, np.asarray(groups)))
                yield train, test

    monkeypatch.setattr("matcher.resolve.model.GroupKFold", Recording)
    X, y, g = _pairs(np.random.default_rng(5), 400)
    company = g // 2  # queries 0 and 1 are one company, 2 and 3 another...
    LinkageModel().fit(X, y, g, fold_groups=company)
    assert len(seen) == 10  # five folds of the pair model, five of the best-candidate model
    assert np.array_equal(seen[0][2], company)  # the pair model's folds: by company
    for train, test, groups in seen:
        assert groups.max() == company.max()  # companies (0-199), not queries (0-399)
        assert not set(groups[train]) & set(groups[test])
