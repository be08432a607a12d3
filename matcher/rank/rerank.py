"""The service's ranking with a trained model: the case-based pool, re-ordered where it was trained.

The learned ranker was trained on award records, so it has only seen suppliers with past awards;
a firm known only from its register profile (most Finnish firms in the demo) has none of the
inputs it learned from and would always sink. So the case-based ranker builds the pool and its
explanations, and the model re-orders the suppliers with awards among the slots they hold; a
profile-only supplier keeps its slot. The model's own best suppliers join the pool first, so one
the case-based signals under-rate can still reach the top.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

import numpy as np

from ..index.build import MatchIndex
from .features import NeedQuery
from .learned import LearnedRanker
from .ranker import Candidate, CaseBasedRanker, Query

#: Case-based candidates the service ranks, and re-orders when it has a trained model.
POOL = 50
#: The learned ranker's own top suppliers added to that pool (held-out service HR@10 0.150 ->
#: 0.159 on the bundled DECP split; measured in the README).
N_LEARNED = 10


def rerank(
    pool: Sequence[Candidate],
    learned: LearnedRanker,
    need: NeedQuery,
    index: MatchIndex,
    has_awards: Sequence[bool],
    known: Mapping[int, float] | None = None,
    sims: np.ndarray | None = None,
    lex: np.ndarray | None = None,
) -> tuple[list[Candidate], dict[int, float]]:
    """The pool in the learned order, and the model's score by supplier position.

    Args:
        pool: Case-based candidates, best first.
        learned: A fitted ranker pointed at ``index`` (``use``).
        need: The need as the model reads it.
        index: The index the pool's supplier positions refer to.
        has_awards: Per pool entry, whether that supplier has past awards.
        known: Model scores by supplier id already computed for this need (not asked again).
        sims: The need's similarity to every contract, if computed already.
        lex: Its lexical scores, likewise.
    """
    slots = [i for i, a in enumerate(has_awards) if a]
    if len(slots) < 2:
        return list(pool), {}
    ids = [index.corpus.suppliers[pool[i].supplier_pos].id for i in slots]
    scored = dict(known or {})
    missing = [s for s in ids if s not in scored]
    if missing:
        scored.update(
            zip(missing, learned.score(need, missing, sims, lex)[0].tolist(), strict=True)
        )
    scores = np.array([scored[s] for s in ids], dtype=np.float64)
    # Stable: equal model scores keep the case-based order.
    order = np.argsort(-scores, kind="stable")
    out = list(pool)
    for slot, j in zip(slots, order, strict=True):
        out[slot] = pool[slots[j]]
    return out, {pool[slots[j]].supplier_pos: float(scores[j]) for j in range(len(slots))}


def _award_holders(ranker: CaseBasedRanker, ids: Collection[int]) -> list[int]:
    """Positions of the suppliers ``ids`` that have past awards in the ranker's index."""
    pos = [ranker.pos_[s] for s in ids if s in ranker.pos_]
    return [p for p in pos if ranker.won_rows_.get(p)]


def learned_ranking(
    ranker: CaseBasedRanker,
    learned: LearnedRanker,
    query: Query,
    need: NeedQuery,
    k: int = POOL,
    sims: np.ndarray | None = None,
) -> tuple[list[Candidate], list[str], bool, dict[int, float]]:
    """The service's ranking with a trained model, as ``POST /v1/match`` and the evaluation run it.

    The case-based pool of ``k`` plus the model's own top ``N_LEARNED`` suppliers with awards,
    each scored by the case-based ranker (its signals and evidence explain every match), then
    re-ordered by ``rerank``. The need's similarities to the contracts (``sims``, if the caller
    has them) are computed once.

    Returns:
        The candidates in the served order, the CPV codes used, whether they were inferred, and
        the model's score by supplier position.
    """
    index = ranker.index_
    if sims is None:
        sims = index.procurement_vectors.scores(query.vector)
    lex = index.lexical.scores(query.text)
    # Inferred codes where none were given: the model was trained on needs with CPV codes.
    codes, _ = ranker.query_cpv(query, sims)
    need = replace(need, cpv=codes)
    # Every candidate of the model, best first: most of the pool is among them, scored once.
    scored = learned.rank(need, len(index.corpus.suppliers), sims, lex)
    include = _award_holders(ranker, [s for s, _, _ in scored[:N_LEARNED]])
    pool, codes, inferred = ranker.rank(query, k, include, sims, lex)
    has_awards = [bool(ranker.won_rows_.get(c.supplier_pos)) for c in pool]
    known = {s: score for s, score, _ in scored}
    ordered, scores = rerank(pool, learned, need, index, has_awards, known, sims, lex)
    return ordered, codes, inferred, scores
