"""The explainer: reads the scorer that produced the order, so the parts add up to the score.

For the linear scorer a part is weight x value; for the trained one, LightGBM's own per-feature
contribution. Each part carries its feature's sentence and, where the index knows them, the facts
behind it (how many similar contracts, which CPV codes, which purchase account); evidence
contracts are the supplier's won contracts most similar to the need.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..vocab.messages import Msg
from .context import NeedContext
from .features import COLUMN, FEATURES, FeatureBuilder

__all__ = ["Contribution", "Explainer", "Ranked", "printed_parts"]


@dataclass
class Contribution:
    """One part of a score."""

    name: str
    value: float | None
    contribution: float
    sentence: str
    weight: float | None = None


@dataclass
class Ranked:
    """A ranked supplier: its score, the parts it is made of, and the evidence."""

    supplier_id: int
    score: float
    fit: float
    base: float = 0.0
    contributions: list[Contribution] = field(default_factory=list)
    evidence_rows: list[int] = field(default_factory=list)
    evidence_sims: list[float] = field(default_factory=list)
    matching_cpv: list[str] = field(default_factory=list)
    found_by: list[str] = field(default_factory=list)
    n_awards: int = 0


class Explainer:
    """Turns a scorer's contributions into sentences with facts and evidence.

    Args:
        n_evidence: Evidence contracts shown per supplier.
    """

    def __init__(self, n_evidence: int = 3) -> None:
        self.n_evidence = n_evidence

    def parts(self, builder: FeatureBuilder, ctx: NeedContext, s: int, names: list[str],
              row: np.ndarray, contrib: np.ndarray,
              weights: dict[str, float] | None) -> list[Contribution]:  # fmt: skip
        """One :class:`Contribution` per feature the scorer reads, largest first."""
        out = []
        for name, c in zip(names, contrib, strict=True):
            v = row[COLUMN[name]]
            value = None if np.isnan(v) else round(float(v), 4)
            sentence = self._sentence(builder, ctx, s, name, value, float(c), weights is not None)
            out.append(Contribution(name, value, float(c), sentence,
                                    weights.get(name) if weights else None))  # fmt: skip
        out.sort(key=lambda p: -abs(p.contribution))
        return out

    def _sentence(self, builder: FeatureBuilder, ctx: NeedContext, s: int, name: str,
                  value: float | None, contribution: float, linear: bool) -> str:  # fmt: skip
        base = FEATURES[name]
        if value is None:
            # A missing value is not "no effect": a trained model learned what the absence says
            # (a firm with no profile, say) and gives it its own part of the score.
            if linear:
                return Msg("feature.missing_zero", f"{base}: no such data for this supplier; "
                           "counts as 0", feature=name)  # fmt: skip
            return Msg("feature.missing_learned", f"{base}: no such data for this supplier; the "
                       f"trained model scores the missing value itself: {contribution:+.3f}",
                       feature=name, contribution=round(contribution, 3))  # fmt: skip
        fact = self._fact(builder, ctx, s, name) if value else None
        return Msg("feature.fact" if fact else "feature.value",
                   f"{base}: {value:g}" + (f"; {fact}" if fact else ""), feature=name,
                   value=value, **({"fact": fact.code, **fact.params} if fact else {}))  # fmt: skip

    def _fact(self, builder: FeatureBuilder, ctx: NeedContext, s: int, name: str) -> Msg | None:
        h, procs = builder.history_, builder.index_.corpus.procurements
        if name in ("similar_contracts", "lexical"):
            which = "contracts" if name == "similar_contracts" else "wording"
            n, of = ctx.won_nearest(which, lambda r: procs[r].winners, s)
            return Msg("won_nearest", f"won {n} of the {of} nearest past contracts", n=n, of=of)
        if name == "cpv":
            level, codes = builder.cpv_match(ctx, s)
            inferred = " (codes inferred from the text)" if ctx.cpv_inferred else ""
            return Msg("cpv_inferred" if inferred else "cpv_shared",
                       f"level {level} of 5 shared via {', '.join(codes)}{inferred}", level=level,
                       codes=codes) if codes else None  # fmt: skip
        if name == "purchases":
            accounts = [h.accounts_[r] for r in h.supplier_accounts_.get(s, [])][:3]
            return Msg("paid_under", "paid under " + "; ".join(f"'{a}'" for a in accounts),
                       accounts=accounts) if accounts else None  # fmt: skip
        if name == "same_buyer":
            return (Msg("won_buyer", "won a contract of this buyer")
                    if ctx.need.buyer_id in h.buyers_.get(s, ())
                    else Msg("buyer_pays", "the buyer pays it per purchase invoices"))  # fmt: skip
        return None

    def evidence(self, builder: FeatureBuilder, ctx: NeedContext,
                 s: int) -> tuple[list[int], list[float]]:  # fmt: skip
        """The supplier's won contracts most similar to the need, one per (title, buyer)."""
        won = builder.history_.won_rows(s)
        if not len(won):
            return [], []
        sims = ctx.contract_scores(builder.index_.procurement_vectors, won)
        procs = builder.index_.corpus.procurements
        rows: list[int] = []
        out_sims: list[float] = []
        seen: set[tuple[str, int | None]] = set()
        for j in np.argsort(-sims, kind="stable"):
            p = procs[int(won[j])]
            if (key := (p.title.casefold(), p.buyer_id)) not in seen:
                seen.add(key)
                rows.append(int(won[j]))
                out_sims.append(float(sims[j]))
                if len(rows) == self.n_evidence:
                    break
        return rows, out_sims


def printed_parts(total: float, parts: Sequence[float], decimals: int = 3) -> list[float]:
    """``parts`` rounded to ``decimals`` so that the printed parts add up to the printed
    ``total`` (largest remainder): each stays within one last digit of its value, and a reader
    who adds the printed figures gets the printed score, which rounding each alone does not give.
    """
    unit = 10**decimals
    scaled = [p * unit for p in parts]
    floors = [math.floor(x) for x in scaled]
    short = round(total * unit) - sum(floors)
    # Parts whose dropped fraction is largest go up first; a negative shortfall takes one
    # down from those whose dropped fraction is smallest.
    order = sorted(range(len(parts)), key=lambda i: floors[i] - scaled[i])
    if short < 0:
        order = order[::-1]
    for i in order[: abs(short)]:
        floors[i] += 1 if short > 0 else -1
    return [f / unit for f in floors]
