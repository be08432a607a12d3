"""The innovative share of procurement against the national 10% target, counted and estimated.

Counted: procurements flagged innovative (see :mod:`.flags`) by count and value, per group.
Estimated: flags are sparse (most buyers never answer, most sources have no field), so the
flagged procurements are treated as a labelled sample of the innovative ones (positive-unlabelled
learning, Elkan and Noto 2008): a text classifier learns P(flagged | text); the mean of its
held-out probability over the flagged ones estimates c = P(flagged | innovative); the innovative
share is then the flagged share / c. It assumes flags are missing at random among innovative
procurements, which the output says, with a bootstrap interval.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..exceptions import InvalidInputError
from ..index.flags import Flag, innovation_flag
from ..store.models import Organisation, Procurement
from .schemas import InnovationStats, ShareEstimate, ShareRow

#: The national goal: 10% of public procurement innovative.
TARGET = 0.10
GROUPINGS = ("year", "buyer", "region", "cpv")
_MIN_POSITIVE = 5
_MIN_RELIABLE = 50


@dataclass
class _Row:
    key: dict[str, str]
    value: float | None
    flag: Flag | None
    text: str


def _rows(session: Session) -> list[_Row]:
    buyers = {i: name for i, name in session.execute(select(Organisation.id, Organisation.name))}
    out = []
    for p in session.scalars(select(Procurement)):
        cpv = [c for c in [p.cpv_main, *(p.cpv_additional or [])] if c]
        d: date | None = p.date
        out.append(_Row(
            key={"year": str(d.year) if d else "undated",
                 "buyer": (buyers.get(p.buyer_id) if p.buyer_id else None) or "unknown buyer",
                 "region": p.region or "unknown", "cpv": cpv[0][:2] if cpv else "none"},
            value=p.value if p.value and p.value > 0 else None,
            flag=innovation_flag(p.innovation, p.procedure, cpv),
            text=" ".join(t for t in (p.title, (p.description or "")[:500]) if t),
        ))  # fmt: skip
    return out


def _share(key: str, rows: list[_Row]) -> ShareRow:
    flagged = [r for r in rows if r.flag]
    value = sum(r.value or 0.0 for r in rows)
    value_flagged = sum(r.value or 0.0 for r in flagged)
    return ShareRow(
        key=key, n=len(rows), n_flagged=len(flagged),
        n_flagged_buyer=sum(r.flag.kind == "buyer" for r in flagged if r.flag),
        n_flagged_route=sum(r.flag.kind == "route" for r in flagged if r.flag),
        share=round(len(flagged) / len(rows), 4) if rows else 0.0,
        value=round(value, 2), value_flagged=round(value_flagged, 2),
        value_share=round(value_flagged / value, 4) if value else None,
    )  # fmt: skip


def estimate_share(texts: list[str], labels: np.ndarray, n_boot: int = 200,
                   seed: int = 0) -> ShareEstimate:  # fmt: skip
    """Positive-unlabelled estimate of the innovative share from flagged texts.

    Args:
        texts: One text per procurement.
        labels: 1 where flagged innovative.
        n_boot: Bootstrap resamples of the procurements for the interval.
        seed: Random seed (folds and bootstrap).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    n_pos, n = int(labels.sum()), len(labels)
    method = ("TF-IDF word 1-2 grams + logistic regression, 5-fold held-out P(flagged | text); "
              "innovative share = flagged share / mean held-out P over flagged (Elkan-Noto); "
              "assumes flags are missing at random among innovative procurements")  # fmt: skip
    if n_pos < _MIN_POSITIVE or n - n_pos < _MIN_POSITIVE:
        return ShareEstimate(available=False, n_positive=n_pos, n_total=n, method=method,
                             reason=f"{n_pos} flagged procurements: at least {_MIN_POSITIVE} "
                                    "flagged and unflagged are needed to learn from")  # fmt: skip
    x = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                        max_features=50000).fit_transform(texts)  # fmt: skip
    folds = StratifiedKFold(n_splits=min(5, n_pos), shuffle=True, random_state=seed)
    model = LogisticRegression(C=4.0, max_iter=2000)
    prob = cross_val_predict(model, x, labels, cv=folds, method="predict_proba")[:, 1]

    def point(idx: np.ndarray) -> float:
        pos = labels[idx] == 1
        c = float(prob[idx][pos].mean()) if pos.any() else 0.0
        return min(1.0, float(pos.mean()) / c) if c > 0 else float("nan")

    share = point(np.arange(n))
    rng = np.random.default_rng(seed)
    boots = np.array([point(rng.integers(0, n, n)) for _ in range(n_boot)])
    boots = boots[np.isfinite(boots)]
    from sklearn.metrics import roc_auc_score

    auc = float(roc_auc_score(labels, prob))
    c = float(prob[labels == 1].mean())
    # With few positives the held-out probabilities shrink toward the base rate, c is then
    # underestimated and the share overestimated: below 50 flagged the figure is not trusted.
    reliable = auc >= 0.8 and n_pos >= _MIN_RELIABLE
    short = (
        [f"{n_pos} flagged procurements ({_MIN_RELIABLE} needed)"] if n_pos < _MIN_RELIABLE else []
    )
    if auc < 0.8:
        short.append(f"held-out AUC {auc:.2f} (0.8 needed)")
    why = (f"estimate from {n_pos} flagged of {n} procurements; the interval covers sampling "
           "only, not a violated missing-at-random assumption") if reliable else (
           f"UNRELIABLE: {' and '.join(short)}: too little to learn what an innovative notice "
           "reads like; with few flags c is underestimated, so the share is biased upwards")  # fmt: skip
    return ShareEstimate(
        available=True, share=round(share, 4),
        low=round(float(np.percentile(boots, 2.5)), 4) if len(boots) else None,
        high=round(float(np.percentile(boots, 97.5)), 4) if len(boots) else None,
        n_positive=n_pos, n_total=n, cv_auc=round(auc, 3), c=round(c, 4), reliable=reliable,
        method=method, reason=why,
    )  # fmt: skip


def innovation_stats(session: Session, by: str = "year", limit: int = 20,
                     estimate: ShareEstimate | None = None) -> InnovationStats:  # fmt: skip
    """Innovative share by ``by`` (year, buyer, region or cpv division), largest groups first.

    Args:
        session: An open session.
        by: The grouping.
        limit: Groups shown (years are all shown, in order).
        estimate: A precomputed estimate (the classifier takes seconds); computed if None.

    Raises:
        InvalidInputError: if ``by`` is not a known grouping.
    """
    if by not in GROUPINGS:
        raise InvalidInputError(f"by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    rows = _rows(session)
    groups: dict[str, list[_Row]] = defaultdict(list)
    for r in rows:
        groups[r.key[by]].append(r)
    shares = [_share(k, v) for k, v in groups.items()]
    if by == "year":
        shares.sort(key=lambda s: s.key)
    else:
        shares.sort(key=lambda s: (-s.n_flagged, -s.n, s.key))
        shares = shares[:limit]
    if estimate is None:
        estimate = estimate_share(
            [r.text for r in rows], np.array([r.flag is not None for r in rows], dtype=int)
        )
    overall = _share("all", rows)
    return InnovationStats(
        by=by, target=TARGET, overall=overall, rows=shares, estimate=estimate,
        note=(f"{overall.n_flagged_buyer} procurements flagged by the buyer (eForms BT-776, Hilma "
              f"innovation questions), {overall.n_flagged_route} by route (innovation partnership, "
              "R&D services CPV 73). Sources without an innovation field (DECP, HILMA 2014, "
              "most OCDS) can only be flagged by route, so counted shares are lower bounds."),
    )  # fmt: skip


def plot_stats(stats: InnovationStats, path: Any) -> None:
    """Bar chart of the counted share per group, the estimate and the 10% target line (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = stats.rows
    fig, ax = plt.subplots(figsize=(max(6.0, 0.45 * len(rows) + 2), 4.2))
    keys = [r.key[:18] for r in rows]
    ax.bar(keys, [100 * r.share for r in rows], color="#3b7dd8", label="flagged, by count")
    vals = [100 * r.value_share if r.value_share is not None else float("nan") for r in rows]
    ax.plot(keys, vals, "o", color="#e07b39", label="flagged, by value")
    ax.axhline(100 * stats.target, color="#c0392b", ls="--", label=f"target {stats.target:.0%}")
    est = stats.estimate
    if est.available and est.share is not None:
        tag = "" if est.reliable else ", unreliable"
        ax.axhspan(100 * (est.low or est.share), 100 * (est.high or est.share), color="#999",
                   alpha=0.25, label=f"estimated overall {est.share:.1%} (95% interval{tag})")  # fmt: skip
    ax.set_ylabel("innovative share, %")
    ax.set_title(f"Innovative share of procurement by {stats.by} "
                 f"(overall counted {stats.overall.share:.1%})")  # fmt: skip
    ax.tick_params(axis="x", rotation=60, labelsize=8)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=110)
    plt.close(fig)
