"""The CPV inferrer's fitting parts: what it reads from a corpus by row (from its columns when it
has them), the rows it trains on, its classifiers, and one classifier's probabilities computed
without scikit-learn's per-call checks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from ..index.columns import ProcurementRows, columns_of
from ..index.corpus import ProcurementDoc
from .cpv_wording import WordingClassifier

__all__ = ["first_codes", "fit_wording", "labelled_rows", "level_classifiers", "proba", "sample_rows"]


def labelled_rows(procurements: Sequence[ProcurementDoc]) -> np.ndarray:
    """Rows with a CPV code and a title: what the classifiers learn from, in row order."""
    if isinstance(procurements, ProcurementRows):  # columns: no row object made per contract
        arrays = procurements.columns.arrays
        has_title = (np.diff(arrays["title_off"]) > 0) & ~arrays["title_null"]
        return np.flatnonzero((np.diff(arrays["cpv_off"]) > 0) & has_title)
    return np.array([i for i, p in enumerate(procurements) if p.cpv and p.title], np.int64)


def first_codes(procurements: Sequence[ProcurementDoc]) -> list[str | None]:
    """Each row's main (first) CPV code, None for a contract without one (one gather over the
    code column, where reading ``p.cpv`` of a million rows took long)."""
    cols = columns_of(procurements)
    main, codes = cols.ragged_column("cpv").first(), cols.categories("cpv")
    labels = np.array([*codes, None], dtype=object)  # the last: rows with no code
    return labels[np.where(main >= 0, main, len(codes))].tolist()  # type: ignore[no-any-return]


def proba(clf: Pipeline, vector: np.ndarray) -> np.ndarray:
    """``clf.predict_proba`` for one vector, computed from the fitted scaler and regression.

    The same numbers without scikit-learn's per-call input validation, which cost more than the
    arithmetic on every request that infers codes.
    """
    scaler, lr = clf[0], clf[-1]
    z = ((vector.astype(np.float64) - scaler.mean_) / scaler.scale_) @ lr.coef_.T + lr.intercept_
    if z.shape[0] == 1:  # two classes: one logit
        p = 1.0 / (1.0 + np.exp(-z[0]))
        return np.array([1.0 - p, p])
    e = np.exp(z - z.max())
    return np.asarray(e / e.sum())


def sample_rows(rows: np.ndarray, most: int, seed: int | None) -> np.ndarray:
    """``rows`` if at most ``most``, else a seeded sample of that many (in row order)."""
    if len(rows) <= most:
        return rows
    return np.sort(np.random.default_rng(seed).choice(rows, most, replace=False))


def fit_wording(titles: list[str], codes: list[str], c: float) -> WordingClassifier | None:
    """The n-gram classifier, or None with too few titles or n-grams (the part stays silent)."""
    try:
        return WordingClassifier(c).fit(titles, codes)
    except ValueError:
        return None


def level_classifiers(x: np.ndarray, codes: list[str], levels: Sequence[int],
                      c: float) -> dict[int, Pipeline]:  # fmt: skip
    """One logistic regression per prefix length from vectors ``x`` to their codes' prefixes
    (on standardised vectors: unscaled e5 vectors make lbfgs crawl); a level with one class
    has none."""
    out = {}
    for n in levels:
        y = np.array([code[:n] for code in codes])
        if len(set(y)) >= 2:
            pipe = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=500))
            out[n] = pipe.fit(x, y)
    return out
