"""Innovation potential of a need: the framework a buyer reads before tendering.

Each dimension is a value on 0..1 that reads as "room for innovation", with the figures and
evidence behind it and a confidence (how much data it rests on). Dimensions with no data are shown
but left out of the overall level, whose weights are renormalised over the rest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..vocab.messages import Msg
from .supplier import ComponentSpec, SupplierPotential
from .themes import THEME_LABELS, detect_themes

if TYPE_CHECKING:  # the index imports the flags of this package
    from ..index.corpus import ProcurementDoc

#: The need dimensions; weights sum to 1.
NEED_DIMENSIONS: dict[str, ComponentSpec] = {
    "concentration": ComponentSpec(0.10, (
        "Herfindahl-Hirschman index of the winners' shares of the similar past procurements, "
        "with the top-3 share as evidence. A concentrated market repeats its incumbents unless "
        "the buyer opens it (market dialogue)."), "value = HHI (0 = fragmented, 1 = one winner)"),
    "competition": ComponentSpec(0.15, (
        "Tenders received on similar past procurements: mean count and single-bid share. Few "
        "bids mean the need as usually written reaches few firms."),
        "value = single-bid share, or 1 - mean tenders / 5 when no single bid is recorded"),
    "incumbency": ComponentSpec(0.10, (
        "Share of similar past procurements won by a firm that won at least one other of them."),
        "0 = every winner new; 1 = the same firms every time"),
    "untapped_supply": ComponentSpec(0.20, (
        "Matching suppliers with innovation signals (potential >= 25 or any funding or "
        "innovative contract) that never won a similar contract."),
        "value = count / 5, capped at 1"),
    "novelty": ComponentSpec(0.20, (
        "Distance of the need to its nearest past procurements on the calibrated similarity "
        "scale: nothing alike bought before means an ordinary tender has no model to copy."),
        "value = 1 - relevance of the best match"),
    "themes": ComponentSpec(0.15, (
        "Strategic themes in the need's text: carbon neutrality, digitalisation, use of data."),
        "1 theme = 0.5, 2 or more = 1"),
    "flagged_share": ComponentSpec(0.10, (
        "Share of similar past procurements flagged innovative (by the buyer or by route)."),
        "value = share x 5, capped at 1 (a 20% share counts as full)"),
}  # fmt: skip

#: Overall level thresholds on the weighted value.
LEVELS = ((0.50, "high"), (0.30, "medium"), (0.0, "low"))
_RD_WORDS = ("tutkimu", "kehitystyö", "kehittämi", "pilotoi", "prototyyp", "research",
             "prototype", "pilot", "forskning", "utveckling", "recherche", "expérimentation")  # fmt: skip


@dataclass
class Dimension:
    """One dimension of a need's innovation potential."""

    name: str
    value: float
    weight: float
    confidence: float
    evidence: list[str] = field(default_factory=list)


@dataclass
class NeedPotential:
    """The need's dimensions, overall level and suggested route."""

    score: float
    level: str
    confidence: float
    dimensions: list[Dimension]
    route: str
    route_reasons: list[str]
    n_similar: int


def _dim(name: str, value: float, confidence: float, evidence: Sequence[str]) -> Dimension:
    return Dimension(name, round(float(np.clip(value, 0, 1)), 4),
                     NEED_DIMENSIONS[name].weight, round(confidence, 2), list(evidence))  # fmt: skip


def _market(similar: list[ProcurementDoc]) -> list[Dimension]:
    wins = Counter(w for p in similar for w in p.winners)
    n_won = sum(wins.values())
    conf = min(1.0, len(similar) / 10.0)
    if n_won:
        shares = np.array(list(wins.values()), dtype=float) / n_won
        hhi, top3 = float((shares**2).sum()), float(np.sort(shares)[::-1][:3].sum())
        conc = _dim("concentration", hhi, conf, [
            Msg("need.hhi", f"HHI {hhi:.2f} over {len(wins)} winners of {len(similar)} similar "
                "procurements", hhi=round(hhi, 2), winners=len(wins), similar=len(similar)),
            Msg("need.top3", f"top-3 winners hold {top3:.0%} of the awards", share=top3)])  # fmt: skip
        repeat = sum(any(wins[w] > 1 for w in p.winners) for p in similar if p.winners)
        n_with = sum(bool(p.winners) for p in similar)
        inc = _dim("incumbency", repeat / n_with, conf,
                   [Msg("need.repeat", f"{repeat} of {n_with} similar procurements went to a "
                        "repeat winner", n=repeat, of=n_with)])  # fmt: skip
    else:
        none = Msg("need.no_winners", "no winners known for similar procurements")
        conc = _dim("concentration", 0, 0, [none])
        inc = _dim("incumbency", 0, 0, [none])
    bids = [p.n_tenders for p in similar if p.n_tenders]
    if bids:
        single = sum(b == 1 for b in bids) / len(bids)
        mean = float(np.mean(bids))
        value = single if single > 0 else 1.0 - mean / 5.0
        comp = _dim("competition", value, min(1.0, len(bids) / 5.0), [
            Msg("need.mean_tenders", f"mean {mean:.1f} tenders on {len(bids)} similar "
                "procurements with a count", mean=round(mean, 1), n=len(bids)),
            Msg("need.single_bid", f"single-bid share {single:.0%}", share=single)])  # fmt: skip
    else:
        comp = _dim("competition", 0, 0, [Msg("need.no_tender_counts",
                                              "no tender counts recorded for similar procurements")])  # fmt: skip
    flagged = [p for p in similar if p.flag]
    share = len(flagged) / len(similar) if similar else 0.0
    flag = _dim("flagged_share", share * 5, conf if similar else 0.0,
                [Msg("need.flagged", f"{len(flagged)} of {len(similar)} similar procurements "
                     "flagged innovative", n=len(flagged), of=len(similar))]
                + [Msg("flagged_contract", f"{p.title[:70]} ({p.flag.reason})", title=p.title[:70],
                       reason=p.flag.reason) for p in flagged[:3] if p.flag])  # fmt: skip
    return [conc, comp, inc, flag]


def need_potential(text: str, similar: list[ProcurementDoc], best_relevance: float,
                   candidates: list[tuple[str | None, bool, SupplierPotential | None]],
                   ) -> NeedPotential:  # fmt: skip
    """Assess a need.

    Args:
        text: The need as the buyer wrote it.
        similar: Past procurements similar to the need (above the calibrated floor), best first.
        best_relevance: Relevance 0..1 of the best past match.
        candidates: For each matching supplier: name, whether it won a similar contract, and its
            innovation potential.
    """
    dims = _market(similar)
    untapped = [(n, p) for n, won, p in candidates if not won and p is not None
                and (p.score >= 25 or any(c.value > 0 for c in p.components
                                           if c.name in ("funding", "innovative_contracts")))]  # fmt: skip
    dims.append(_dim("untapped_supply", len(untapped) / 5, 1.0 if candidates else 0.0,
                     [Msg("need.untapped", f"{len(untapped)} of {len(candidates)} matching "
                          "suppliers bring innovation signals and never won a similar contract",
                          n=len(untapped), of=len(candidates))]
                     + [Msg("need.untapped_firm", f"{n} (potential {p.score:.0f})", name=n or "",
                            score=round(p.score)) for n, p in untapped[:3]]))  # fmt: skip
    dims.append(_dim("novelty", 1.0 - best_relevance, 1.0,
                     [Msg("need.best_match", f"best past match relevance {best_relevance:.2f}; "
                          f"{len(similar)} similar past procurements",
                          relevance=round(best_relevance, 2), similar=len(similar))]))  # fmt: skip
    themes = detect_themes(text)
    dims.append(_dim("themes", len(themes) / 2, 1.0,
                     [Msg("theme_words", f"{THEME_LABELS[t]}: {', '.join(w)}", theme=t, words=w)
                      for t, w in themes.items()]
                     or [Msg("need.no_theme", "no strategic theme in the text")]))  # fmt: skip
    dims.sort(key=lambda d: list(NEED_DIMENSIONS).index(d.name))
    known = [d for d in dims if d.confidence > 0]
    total_w = sum(d.weight for d in known) or 1.0
    score = sum(d.weight * d.value for d in known) / total_w
    confidence = sum(d.weight * d.confidence for d in dims)
    level = next(name for cut, name in LEVELS if score >= cut)
    route, reasons = _route(level, {d.name: d for d in dims}, text, themes)
    return NeedPotential(round(score, 3), level, round(confidence, 2), dims, route, reasons,
                         len(similar))  # fmt: skip


def _route(level: str, d: dict[str, Dimension], text: str,
           themes: dict[str, list[str]]) -> tuple[str, list[str]]:  # fmt: skip
    """The suggested procurement route and the reasons for it (rules, in order)."""
    novel = d["novelty"].value >= 0.6
    untapped = d["untapped_supply"].value >= 0.4
    rd = any(w in text.casefold() for w in _RD_WORDS)
    stuck = (d["concentration"].value >= 0.25 and d["concentration"].confidence > 0) or (
        d["incumbency"].value >= 0.5 and d["incumbency"].confidence > 0
    )
    reasons: list[str] = []
    if novel and rd:
        reasons = [Msg("route.nothing_close", "nothing close has been bought before"),
                   Msg("route.rd", "the need asks for research or development: buy the R&D in "
                       "phases before buying a product")]  # fmt: skip
        return "pre-commercial procurement", reasons
    if novel and untapped:
        return "innovation partnership", [
            Msg("route.no_ready_solution",
                "nothing close has been bought before, so no ready solution is known"),
            Msg("route.develop_with_one",
                "suppliers with innovation signals match the need: develop and then buy with one"),
        ]  # fmt: skip
    if level == "high" and themes:
        return "competitive dialogue", [
            Msg("route.high_themes", f"high innovation potential and strategic goals "
                f"({', '.join(themes)})", themes=list(themes)),
            Msg("route.shape_with_bidders",
                "the solution is better shaped with bidders than specified in advance"),
        ]  # fmt: skip
    if level in ("high", "medium") or untapped:
        if stuck:
            reasons.append(Msg("route.recurring_winners",
                               "similar past procurements went to few, recurring winners"))
        if untapped:
            reasons.append(Msg("route.untapped", "firms with innovation signals match but "
                               "never won similar contracts"))  # fmt: skip
        if not reasons:
            reasons.append(Msg("route.learn_market", f"{level} innovation potential: learn what "
                               "the market offers first", level=level))  # fmt: skip
        return "market dialogue first", reasons
    reasons = [Msg("route.low", "low innovation potential: the need is well known and no "
                   "untapped innovative supply matches it")]  # fmt: skip
    if stuck:
        reasons.append(Msg("route.announce_early", "but similar past procurements went to few, "
                           "recurring winners: announce the tender early to reach new bidders"))  # fmt: skip
    return "ordinary tender", reasons
