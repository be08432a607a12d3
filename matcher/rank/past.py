"""Award-history features of many candidates at once: one product, then segment reductions.

A candidate's past contracts are read with numpy over the concatenated rows of all candidates
(``reduceat`` per candidate), not with a Python loop per contract: the feature stage stays a few
milliseconds for hundreds of candidates.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from .context import NeedContext

if TYPE_CHECKING:
    from .features import FeatureBuilder

__all__ = ["award_columns"]

#: Value of a CPV match by how deep the codes agree (division .. exact code).
CPV_LEVEL_VALUE = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
#: Age at which an award counts half in the recency-weighted counts.
_HALF_LIFE_DAYS = 365.25


def _top3_mean(sims: np.ndarray, seg: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    order = np.lexsort((-sims, seg))
    rank = np.arange(len(sims)) - starts[seg[order]]
    top = np.where(rank < 3, sims[order], 0.0)
    return np.add.reduceat(top, starts) / np.minimum(lens, 3)


def award_columns(b: FeatureBuilder, ctx: NeedContext,
                  ids: list[int]) -> tuple[list[int], dict[str, np.ndarray]]:  # fmt: skip
    """For the candidates of ``ids`` that won before: their indexes in ``ids`` and one array per
    award feature (aligned with those indexes)."""
    h, idx, need = b.history_, b.index_, ctx.need
    keep = [i for i, s in enumerate(ids) if s in h.won_]
    if not keep:
        return [], {}
    won = [h.won_rows(ids[i]) for i in keep]
    lens = np.array([len(w) for w in won], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    rows = np.concatenate(won)
    seg = np.repeat(np.arange(len(keep)), lens)
    sims = ctx.contract_scores(idx.procurement_vectors, rows).astype(np.float64)
    lex = idx.lexical.scores_for(ctx.lexical_query, rows).astype(np.float64)
    region = b.regions_.get(need.region or "", -2)
    region_n = np.add.reduceat((b.row_region_[rows] == region).astype(np.int64), starts)
    cols: dict[str, np.ndarray] = {
        "emb_max": np.maximum.reduceat(sims, starts), "emb_top3": _top3_mean(sims, seg, starts, lens),
        "lex_max": np.maximum.reduceat(lex, starts), "same_region": np.log1p(region_n),
        "place": (region_n > 0).astype(np.float64), "n_awards": np.log1p(lens),
    }  # fmt: skip
    if ctx.cpv:
        div = int(ctx.cpv[0][:2])
        cols["cpv_share"] = np.add.reduceat((b.row_div_[rows] == div).astype(np.int64), starts) / lens
    last = np.maximum.reduceat(b.row_day_[rows], starts)
    if need.date:
        cols["recency"] = np.where(last >= 0, (need.date.toordinal() - last) / 365.25, np.nan)
    if need.value and need.value > 0:
        q = math.log10(need.value)
        cols["value_fit"] = np.array([abs(q - m) if not np.isnan(m := np.nanmedian(b.row_logv_[w]))
                                      else np.nan for w in won])  # fmt: skip
    cols.update(_counts(b, ctx, [ids[i] for i in keep]))
    cols.update(_local(b, ctx, rows, starts))
    return keep, cols


def _local(b: FeatureBuilder, ctx: NeedContext, rows: np.ndarray,
           starts: np.ndarray) -> dict[str, np.ndarray]:  # fmt: skip
    """Features of the candidates' own past contracts narrowed to the need's market: its CPV
    group and class, its division in its region or with its buyer, and recent awards (a
    supplier's activity fades: old wins say less about who bids now)."""
    need = ctx.need
    # "Now" for a need without a date is the index's latest award, so a request and the
    # evaluation's dated queries measure ages alike.
    today = need.date.toordinal() if need.date else int(b.row_day_.max(initial=0))
    days = b.row_day_[rows]
    decay = np.where(days >= 0, np.exp2(-np.maximum(today - days, 0) / _HALF_LIFE_DAYS), 0.0)
    cols = {"recent_awards": np.log1p(np.add.reduceat(decay, starts))}
    if not ctx.cpv:
        return cols
    code = ctx.cpv[0]
    in_div = b.row_div_[rows] == int(code[:2])
    in_region = b.row_region_[rows] == b.regions_.get(need.region or "", -2)
    cols["region_div"] = np.log1p(np.add.reduceat((in_div & in_region).astype(np.int64), starts))
    cols["cpv_group"] = np.log1p(np.add.reduceat((b.row_group_[rows] == int(code[:3])).astype(np.int64), starts))
    cols["cpv_class"] = np.log1p(np.add.reduceat((b.row_class_[rows] == int(code[:4])).astype(np.int64), starts))
    cols["recent_div"] = np.log1p(np.add.reduceat(np.where(in_div, decay, 0.0), starts))
    total = b.buyer_div_total_.get((need.buyer_id or -1, int(code[:2])), 0)
    if total:
        mine = np.add.reduceat((in_div & (b.row_buyer_[rows] == need.buyer_id)).astype(np.int64), starts)
        cols["buyer_div_share"] = mine / total
    return cols


def _counts(b: FeatureBuilder, ctx: NeedContext, ids: list[int]) -> dict[str, np.ndarray]:
    """Features read from supplier history's counts (buyer, CPV code and parent, CPV level)."""
    h, need = b.history_, ctx.need
    by_buyer = h.by_buyer_.get(need.buyer_id or -1, Counter())
    btotal = h.buyer_total_.get(need.buyer_id or -1, 0)
    buyer_n = np.array([by_buyer.get(s, 0) for s in ids], dtype=np.float64)
    cols = {
        "buyer_awards": np.log1p(buyer_n),
        "buyer_share": buyer_n / btotal if btotal else np.full(len(ids), np.nan),
        "cpv": np.array(CPV_LEVEL_VALUE)[b.cpv_levels(ctx, ids)] * ctx.cpv_confidence,
        "same_buyer": np.array([float(bool(need.buyer_id) and (need.buyer_id in h.buyers_.get(s, ())
                                or need.buyer_id in h.bought_from_.get(s, ()))) for s in ids]),
    }  # fmt: skip
    if ctx.cpv:
        code = ctx.cpv[0]
        exact, parent = h.exact_.get(code, Counter()), h.parent_.get(h.parent_of_(code) or "", Counter())
        cols["cpv_exact"] = np.log1p([exact.get(s, 0) for s in ids])
        cols["cpv_parent"] = np.log1p([parent.get(s, 0) for s in ids])
    return cols
