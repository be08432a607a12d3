"""Features of a (need, supplier) pair, each with a name and a sentence: the one feature builder.

The six signals of the first, case-based ranker (``similar_contracts`` .. ``same_buyer``) are
features like the others, so the linear scorer and the trained one read the same columns. Every
value comes from the index the builder was fitted on, so a query never sees data from its own
date or later when the index is a temporal training split.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from ..index.build import MatchIndex
from ..index.ragged import pair_sums
from ..vocab.cpv import LEVELS, shared_level
from .context import NeedContext, Neighbours
from .history import SupplierHistory
from .past import award_columns

__all__ = ["FEATURES", "FeatureBuilder", "noisy_or"]

#: Feature name -> what it measures, shown beside its value in every explanation.
FEATURES: dict[str, str] = {
    "similar_contracts": "won past contracts among the 100 most similar to the need (noisy-or of their calibrated similarity, 0-1)",
    "lexical": "won past contracts among the 100 that share most wording with the need (0-1)",
    "profile": "similarity of the need to the supplier's own profile (calibrated, 0-1)",
    "cpv": "deepest CPV level its past contracts share with the need's codes (0.2 division .. 1 exact code)",
    "place": "delivered in the need's region before",
    "same_buyer": "won a contract of this buyer before, or is paid by it per purchase invoices",
    "purchases": "wording shared between the need and the purchase accounts it is paid under (0-1)",
    "emb_max": "similarity of the need to its most similar past contract",
    "emb_top3": "mean similarity of its three most similar past contracts",
    "lex_max": "wording shared with its most similar past contract",
    "cpv_exact": "its past contracts with exactly the need's CPV code (log)",
    "cpv_parent": "its past contracts under the same parent CPV code (log)",
    "cpv_share": "share of its contracts in the need's CPV division",
    "buyer_awards": "its past contracts with this buyer (log)",
    "buyer_share": "share of this buyer's past awards it won",
    "same_region": "its past contracts in the need's region (log)",
    "home_region": "registered in the need's region",
    "n_awards": "its past awards (log)",
    "recency": "years since its last award",
    "value_fit": "distance of the need's estimated value from its typical contract value (log10)",
    "name_sim": "wording shared between the need and the supplier's name",
    "region_div": "its past contracts in the need's CPV division and region (log)",
    "cpv_group": "its past contracts whose main CPV code is in the need's CPV group (log)",
    "cpv_class": "its past contracts whose main CPV code is in the need's CPV class (log)",
    "recent_awards": "its past awards, each weighted by its age (half-life one year, log)",
    "recent_div": "its past awards in the need's CPV division, weighted by age (half-life one year, log)",
    "buyer_div_share": "share of this buyer's past awards in the need's CPV division it won",
}
COLUMN = {name: i for i, name in enumerate(FEATURES)}
#: Lexical scores at or above this count as a full-strength match.
_LEX_FULL = 0.3


def noisy_or(values: Sequence[float], strength: float = 0.7) -> float:
    """Combine evidence in 0..1: more similar contracts raise the value, with diminishing returns."""
    rest = 1.0
    for v in values:
        rest *= 1.0 - strength * v
    return 1.0 - rest


def _lookup(per_code: list[int], codes: np.ndarray, dtype: type) -> np.ndarray:
    """``per_code[c]`` for each code ``c`` of ``codes``, -1 where ``c`` is -1 (None)."""
    return np.array([*per_code, -1], dtype)[codes]


def _log10(values: np.ndarray) -> np.ndarray:
    """log10 of each positive value, NaN elsewhere (and for None). ``math.log10`` as before:
    NumPy's vectorised log10 may differ from it in the last bit."""
    out = np.full(len(values), np.nan, np.float64)
    positive = values > 0
    out[positive] = [math.log10(v) for v in values[positive].tolist()]
    return out


class FeatureBuilder:
    """Feature rows over one index (scikit-learn style: fit, then transform)."""

    def fit(self, index: MatchIndex, history: SupplierHistory | None = None) -> FeatureBuilder:
        """Read each supplier's past from ``index`` (or take its fitted ``history``)."""
        self.index_ = index
        self.history_ = history or SupplierHistory().fit(index)
        self.scale_ = max(index.sim_ceiling - index.sim_floor, 1e-3)
        # Per contract row, as arrays: a candidate's past is then read with a few numpy ops.
        # Built from whole columns (a row object per contract cost seconds at 1M rows).
        cols = self.history_.columns_for(index.corpus.procurements)
        self.winners_ = cols.ragged_column("winners")
        region, regions = cols.column("region"), cols.categories("region")
        used = [regions[c] for c in np.unique(region[region >= 0]).tolist()]
        self.regions_ = {r: i for i, r in enumerate(sorted({r for r in used if r}))}
        self.row_region_ = _lookup([self.regions_.get(r or "", -1) for r in regions], region, np.int32)
        main, codes = cols.ragged_column("cpv").first(), cols.categories("cpv")
        # Only main codes are read as numbers (int() of another code could fail where a loop
        # over main codes did not).
        mains = {c: codes[c] for c in np.unique(main[main >= 0]).tolist()}
        self.row_div_, self.row_group_, self.row_class_ = (
            _lookup([int(code[:n]) if c in mains else -1 for c, code in enumerate(codes)], main,
                    np.int32) for n in (2, 3, 4))  # fmt: skip
        buyer = cols.column("buyer_id").astype(np.int64)
        self.row_buyer_ = np.where(buyer == 0, -1, buyer)  # ``p.buyer_id or -1``
        # Awards per (buyer, CPV division): the denominator of a candidate's share of them.
        # A contract with no winner still adds its key (with 0), as ``+= len(p.winners)`` did.
        counted = (self.row_buyer_ != -1) & (self.row_div_ >= 0)
        self.buyer_div_total_: Counter[tuple[int, int]] = Counter(pair_sums(
            self.row_buyer_[counted], self.row_div_[counted], self.winners_.lengths()[counted]))
        day = cols.column("date").astype(np.int64)
        self.row_day_ = np.where(day > 0, day, -1)
        self.row_logv_ = _log10(cols.column("value"))
        # Each CPV code's prefix at each level, to compare a need's codes with many candidates'
        # codes at once (a set of prefixes per supplier and level took 300 MB at 1M contracts).
        labels = self.history_.cpv_labels_
        self.cpv_prefixes_ = [np.array([c[:n] for c in labels] or [""]) for n in LEVELS]
        return self

    def relevance(self, sims: np.ndarray) -> np.ndarray:
        """Similarities mapped to 0..1 on the scale calibrated at build time for this model."""
        return np.clip((sims - self.index_.sim_floor) / self.scale_, 0.0, 1.0)

    def _votes(self, neighbours: Neighbours, values: np.ndarray) -> dict[int, float]:
        """Noisy-or of ``values`` (one per neighbour) over the neighbours each supplier won."""
        winners = self.winners_
        votes: dict[int, list[float]] = defaultdict(list)
        for row, v in zip(neighbours[0], values, strict=True):
            for s in winners.row(int(row)).tolist():
                votes[s].append(float(v))
        return {s: noisy_or(v) for s, v in votes.items()}

    def transform(self, ctx: NeedContext, suppliers: Sequence[int],
                  hidden: Mapping[int, float] | None = None) -> np.ndarray:  # fmt: skip
        """The feature matrix of ``suppliers`` for ``ctx`` (columns in ``FEATURES`` order, NaN
        where a feature does not apply).

        Args:
            ctx: The need's context.
            suppliers: Supplier ids, one row each.
            hidden: For cold-start training only: supplier id -> a stand-in profile relevance;
                these suppliers' award history is hidden, as if known from a profile alone.
        """
        hidden = hidden or {}
        rows, lbest = ctx.wording
        lbest_v = float(lbest[0]) if len(lbest) and lbest[0] > 0 else 0.0
        shared = {
            "similar_contracts": self._votes(ctx.contracts, self.relevance(ctx.contracts[1])),
            "lexical": self._votes(ctx.wording, ctx.wording[1] / lbest_v * min(1.0, lbest_v / _LEX_FULL))
            if lbest_v else {},
        }  # fmt: skip
        X = np.full((len(suppliers), len(FEATURES)), np.nan, dtype=np.float32)
        for i, (s, f) in enumerate(zip(suppliers, self._supplier_extras(ctx, suppliers, hidden),
                                       strict=True)):  # fmt: skip
            for name, values in shared.items():
                f[name] = values.get(s, 0.0) if s not in hidden else 0.0
            for name, value in f.items():
                if value is not None:
                    X[i, COLUMN[name]] = value
        shown = [s for s in suppliers if s not in hidden]
        at = [i for i, s in enumerate(suppliers) if s not in hidden]
        keep, cols = award_columns(self, ctx, shown)
        rows = np.array([at[j] for j in keep], dtype=np.int64)
        for name, column in cols.items():
            X[rows, COLUMN[name]] = column
        return X

    def _supplier_extras(self, ctx: NeedContext, suppliers: Sequence[int],
                         hidden: Mapping[int, float]) -> list[dict[str, float | None]]:  # fmt: skip
        """Features that do not need an award history: profile, invoices, register, name."""
        h, idx, need = self.history_, self.index_, ctx.need
        prows = [h.profile_row_.get(s) for s in suppliers]
        have = np.array([r for r in prows if r is not None], dtype=np.int64)
        prel = iter(self.relevance(idx.profile_vectors.scores_for(ctx.vector, have)).tolist())
        names = h.names_.scores_for(h.names_.query(need.text),
                                    np.array([h.name_row_.get(s, 0) for s in suppliers], np.int64))  # fmt: skip
        accounts = self._account_scores(ctx, suppliers)
        out: list[dict[str, float | None]] = []
        for i, s in enumerate(suppliers):
            sup = h.supplier_.get(s)
            profile = next(prel) if prows[i] is not None else None
            f: dict[str, float | None] = {
                "profile": hidden.get(s, profile), "purchases": accounts.get(s, 0.0),
                "name_sim": float(names[i]) if s in h.name_row_ else 0.0,
                "home_region": float(bool(need.region and sup and sup.region == need.region)),
                "same_buyer": float(bool(need.buyer_id and need.buyer_id in h.bought_from_.get(s, ()))),
                "place": 0.0, "cpv": 0.0, "n_awards": 0.0,
            }  # fmt: skip
            if ctx.cpv:
                f["cpv_exact"] = f["cpv_parent"] = 0.0
            out.append(f)
        return out

    def _account_scores(self, ctx: NeedContext, suppliers: Sequence[int]) -> dict[int, float]:
        """Best lexical score of the need against each supplier's purchase accounts."""
        h = self.history_
        paid = [s for s in suppliers if s in h.supplier_accounts_]
        if not paid:
            return {}
        q = ctx.text_query("accounts", h.account_index_)
        out = {}
        for s in paid:
            rows = np.asarray(h.supplier_accounts_[s], dtype=np.int64)
            out[s] = float(h.account_index_.scores_for(q, rows).max(initial=0.0))
        return out

    def cpv_levels(self, ctx: NeedContext, suppliers: Sequence[int]) -> np.ndarray:
        """Per supplier, the deepest CPV level (0-5) any of the need's codes shares with its
        past contracts' codes."""
        best = np.zeros(len(suppliers), dtype=np.int64)
        keys, codes = self.history_.cpv_codes_
        ids = np.asarray(suppliers, dtype=np.int64)
        if not ctx.cpv or not len(keys) or not len(ids):
            return best
        at = np.minimum(np.searchsorted(keys, ids), len(keys) - 1)
        has = np.flatnonzero(keys[at] == ids)
        which, code = codes.expand(at[has])
        for q in ctx.cpv:
            # Prefixes nest (a code sharing 5 digits shares 2), so a code's level is how many
            # of its prefixes equal the need's.
            level = sum((p[code] == q[:n]).astype(np.int64)
                        for n, p in zip(LEVELS, self.cpv_prefixes_, strict=True))
            np.maximum.at(best, has[which], level)
        return best

    def cpv_match(self, ctx: NeedContext, s: int) -> tuple[int, list[str]]:
        """The deepest CPV level (0-5) the need's codes share with ``s``'s past contracts, and
        the supplier's codes that share it."""
        best, matched = 0, []
        for q in ctx.cpv:
            for code in self.history_.cpv_.get(s, ()):
                level = shared_level(q, code)
                if level > best:
                    best, matched = level, [code]
                elif level == best and level > 0:
                    matched.append(code)
        return best, sorted(set(matched))[:5]
