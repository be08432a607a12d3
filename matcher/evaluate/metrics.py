"""Ranking metrics as in Mynarz's matchmaking work, so results compare with the literature.

Each query has a set of true suppliers (the winners; several winners count a hit on any) and a
ranked list of recommended suppliers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence


def hit_rate(ranked: Sequence[Sequence[int]], truth: Sequence[set[int]], k: int) -> float:
    """HR@k: share of queries with at least one true supplier in the top ``k``."""
    if not truth:
        return 0.0
    return sum(bool(set(r[:k]) & t) for r, t in zip(ranked, truth, strict=True)) / len(truth)


def mrr(ranked: Sequence[Sequence[int]], truth: Sequence[set[int]], k: int = 10) -> float:
    """MRR@k: mean reciprocal rank of the first true supplier (0 when none is in the top ``k``)."""
    if not truth:
        return 0.0
    total = 0.0
    for r, t in zip(ranked, truth, strict=True):
        for i, s in enumerate(r[:k], start=1):
            if s in t:
                total += 1.0 / i
                break
    return total / len(truth)


def ndcg(ranked: Sequence[Sequence[int]], truth: Sequence[set[int]], k: int = 10) -> float:
    """nDCG@k with binary relevance; the ideal list puts every true supplier first."""
    if not truth:
        return 0.0
    total = 0.0
    for r, t in zip(ranked, truth, strict=True):
        dcg = sum(1.0 / math.log2(i + 1) for i, s in enumerate(r[:k], start=1) if s in t)
        ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(t), k) + 1))
        total += dcg / ideal if ideal else 0.0
    return total / len(truth)


def catalogue_coverage(ranked: Sequence[Sequence[int]], catalogue_size: int, k: int = 10) -> float:
    """CC@k: share of the catalogue (suppliers known at training time) ever recommended."""
    if not catalogue_size:
        return 0.0
    return len({s for r in ranked for s in r[:k]}) / catalogue_size


def prediction_coverage(ranked: Sequence[Sequence[int]]) -> float:
    """PC: share of queries for which the method recommends anything at all."""
    return sum(bool(r) for r in ranked) / len(ranked) if ranked else 0.0


def long_tail(train_award_counts: Counter[int], head_share: float = 0.2) -> set[int]:
    """The short head: the most-awarded suppliers that together hold ``head_share`` of awards.

    Everything else in the catalogue is the long tail.
    """
    total = sum(train_award_counts.values())
    head: set[int] = set()
    running = 0
    for supplier, n in train_award_counts.most_common():
        if running >= head_share * total:
            break
        head.add(supplier)
        running += n
    return head


def long_tail_share(ranked: Sequence[Sequence[int]], head: set[int], k: int = 10) -> float:
    """LTP@k: share of recommended slots filled by long-tail suppliers (not in the short head)."""
    slots = [s for r in ranked for s in r[:k]]
    return sum(s not in head for s in slots) / len(slots) if slots else 0.0


def sme_share(suppliers: Sequence[int], is_sme: dict[int, bool]) -> float | None:
    """Share of SMEs among ``suppliers`` whose size is known; ``None`` if none is known."""
    known = [is_sme[s] for s in suppliers if s in is_sme]
    return sum(known) / len(known) if known else None
