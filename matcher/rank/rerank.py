"""The service's ranking with a trained model: the case-based pool, re-ordered where it was trained.

The learned ranker was trained on award records, so it has only seen suppliers with past awards;
a firm known only from its register profile (most Finnish firms in the demo) has none of the
inputs it learned from and would always sink. So the case-based ranker builds the pool and its
explanations, and the model re-orders the suppliers with awards among the slots they hold; a
profile-only supplier keeps its slot.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..index.build import MatchIndex
from .features import NeedQuery
from .learned import LearnedRanker
from .ranker import Candidate

#: Case-based candidates the service ranks, and re-orders when it has a trained model.
POOL = 50


def rerank(
    pool: Sequence[Candidate],
    learned: LearnedRanker,
    need: NeedQuery,
    index: MatchIndex,
    has_awards: Sequence[bool],
) -> tuple[list[Candidate], dict[int, float]]:
    """The pool in the learned order, and the model's score by supplier position.

    Args:
        pool: Case-based candidates, best first.
        learned: A fitted ranker pointed at ``index`` (``use``).
        need: The need as the model reads it.
        index: The index the pool's supplier positions refer to.
        has_awards: Per pool entry, whether that supplier has past awards.
    """
    slots = [i for i, a in enumerate(has_awards) if a]
    if len(slots) < 2:
        return list(pool), {}
    ids = [index.corpus.suppliers[pool[i].supplier_pos].id for i in slots]
    scores, _ = learned.score(need, ids)
    # Stable: equal model scores keep the case-based order.
    order = np.argsort(-scores, kind="stable")
    out = list(pool)
    for slot, j in zip(slots, order, strict=True):
        out[slot] = pool[slots[j]]
    return out, {pool[slots[j]].supplier_pos: float(scores[j]) for j in range(len(slots))}
