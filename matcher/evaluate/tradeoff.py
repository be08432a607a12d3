"""The market-opening trade-off: accuracy against who gets recommended, over innovation weights.

For each weight W the service's pipeline ranks every query with score = (1 - W) fit +
W x potential; beside HR@10 and MRR@10 the report gives the share of top-10 suppliers with
innovation signals (funding, innovative contracts or strategic themes), with at most two past
awards, and SMEs. Potentials are computed as of the split's cut, from facts dated before it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ..innovation.supplier import SupplierPotential
from . import metrics as m
from .harness import rank_all
from .methods import Innomatch, Trainer
from .split import Split

__all__ = ["SIGNAL_COMPONENTS", "WEIGHTS", "innovation_curve"]

#: Weights of the curve.
WEIGHTS = (0.0, 0.1, 0.2, 0.3)
#: Components that count as an innovation signal (newcomer, youth and novelty describe a firm's
#: position, not evidence of innovation).
SIGNAL_COMPONENTS = ("funding", "innovative_contracts", "themes")


def _has_signal(p: SupplierPotential | None) -> bool:
    return bool(p) and any(c.value > 0 for c in p.components if c.name in SIGNAL_COMPONENTS)  # type: ignore[union-attr]


def shares(ranked: Sequence[Sequence[int]], potentials: Mapping[int, SupplierPotential],
           awards: Counter[int], is_sme: Mapping[int, bool]) -> dict[str, float | None]:  # fmt: skip
    """Shares of the top-10 recommendations with innovation signals, few awards, and SMEs."""
    top = [s for r in ranked for s in r[:10]]
    if not top:
        return {"innovation_signals@10": None, "few_awards@10": None, "SME@10": None}
    return {
        "innovation_signals@10": round(sum(_has_signal(potentials.get(s)) for s in top) / len(top), 4),
        "few_awards@10": round(sum(awards[s] <= 2 for s in top) / len(top), 4),
        "SME@10": m.sme_share(top, dict(is_sme)),
    }  # fmt: skip


def innovation_curve(split: Split, trainer: Trainer, vectors: np.ndarray,
                     potentials: Mapping[int, SupplierPotential], is_sme: Mapping[int, bool],
                     weights: Sequence[float] = WEIGHTS,
                     progress: Callable[[str], None] | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """One row per weight: HR@10, MRR@10 and the shares above."""
    truth = [q.truth for q in split.queries]
    awards = Counter(s for p in split.train.corpus.procurements for s in p.winners)
    scores = {s: p.score for s, p in potentials.items()}
    rows = []
    for w in weights:
        method = Innomatch(name=f"innomatch w={w}", trainer=trainer, innovation_weight=w,
                           potentials=scores)  # fmt: skip
        ranked = rank_all(split, [method], vectors, 10, progress)[0]
        rows.append({"innovation_weight": w, "HR@10": round(m.hit_rate(ranked, truth, 10), 4),
                     "MRR@10": round(m.mrr(ranked, truth, 10), 4),
                     **shares(ranked, potentials, awards, is_sme)})  # fmt: skip
    return rows
