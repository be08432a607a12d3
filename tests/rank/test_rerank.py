"""The service's re-ordering: award holders by the model, profile-only suppliers keep their slots."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from matcher.embed import Embedder
from matcher.index import MatchIndex
from matcher.rank.features import NeedQuery
from matcher.rank.ranker import Candidate, CaseBasedRanker, Query
from matcher.rank.rerank import POOL, learned_ranking, rerank
from matcher.schemas import MatchRequest
from matcher.service import Matcher
from matcher.settings import Settings


class _Model:
    """Stands in for a fitted LearnedRanker: scores by supplier id from a table."""

    def __init__(self, scores: dict[int, float]) -> None:
        self.scores = scores
        self.asked: list[list[int]] = []

    def score(self, q: NeedQuery, suppliers: list[int], sims: Any = None,
              lex: Any = None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        self.asked.append(list(suppliers))
        return np.array([self.scores[s] for s in suppliers]), np.zeros((len(suppliers), 1))

    def rank(self, q: NeedQuery, k: int, sims: Any = None,
             lex: Any = None) -> list[tuple[int, float, np.ndarray]]:  # fmt: skip
        best = sorted(self.scores.items(), key=lambda kv: -kv[1])[:k]
        return [(s, v, np.zeros(1)) for s, v in best]


def _index(ids: list[int]) -> Any:
    return SimpleNamespace(corpus=SimpleNamespace(suppliers=[SimpleNamespace(id=i) for i in ids]))


def test_award_holders_reordered_profile_only_keeps_its_slot() -> None:
    index = _index([10, 11, 12, 13])
    pool = [Candidate(supplier_pos=p) for p in (0, 1, 2, 3)]
    model = _Model({10: 0.1, 12: 0.9, 13: 0.5})
    out, scores = rerank(pool, model, NeedQuery("x", np.zeros(2), []), index,  # type: ignore[arg-type]
                         [True, False, True, True])  # fmt: skip
    assert [c.supplier_pos for c in out] == [2, 1, 3, 0]
    assert model.asked == [[10, 12, 13]]  # the profile-only supplier is not scored
    assert scores == {0: 0.1, 2: 0.9, 3: 0.5}


def test_ties_keep_the_case_based_order_and_one_holder_is_left_alone() -> None:
    index = _index([1, 2, 3])
    pool = [Candidate(supplier_pos=p) for p in (0, 1, 2)]
    out, _ = rerank(pool, _Model({1: 0.0, 2: 0.0, 3: 0.0}), NeedQuery("x", np.zeros(2), []),  # type: ignore[arg-type]
                    index, [True, True, True])  # fmt: skip
    assert [c.supplier_pos for c in out] == [0, 1, 2]
    out, scores = rerank(pool, _Model({}), NeedQuery("x", np.zeros(2), []), index,  # type: ignore[arg-type]
                         [False, True, False])  # fmt: skip
    assert [c.supplier_pos for c in out] == [0, 1, 2] and scores == {}


def test_scores_already_known_are_not_asked_again() -> None:
    index = _index([10, 11, 12])
    pool = [Candidate(supplier_pos=p) for p in (0, 1, 2)]
    model = _Model({10: 0.2, 11: 0.1, 12: 0.3})
    out, scores = rerank(pool, model, NeedQuery("x", np.zeros(2), []), index,  # type: ignore[arg-type]
                         [True, True, True], known={12: 5.0})  # fmt: skip
    assert model.asked == [[10, 11]]
    assert [c.supplier_pos for c in out] == [2, 0, 1] and scores[2] == 5.0


@pytest.mark.slow
def test_the_models_own_best_supplier_joins_the_pool_and_leads_it(
    demo_index: MatchIndex, embedder: Embedder
) -> None:
    text = "travaux de voirie"
    ranker = CaseBasedRanker().fit(demo_index)
    query = Query(text=text, vector=embedder.embed_query(text), cpv=[])
    full, _, _ = ranker.rank(query, 200)
    suppliers = demo_index.corpus.suppliers
    deep = next(c for c in full[POOL:] if ranker.won_rows_.get(c.supplier_pos))
    favourite = suppliers[deep.supplier_pos].id
    # The stand-in model likes that supplier best and every other one equally.
    scores = {suppliers[c.supplier_pos].id: 0.0 for c in full} | {favourite: 9.0}
    need = NeedQuery(text, query.vector, [])
    out, codes, inferred, learned = learned_ranking(ranker, _Model(scores), query, need)  # type: ignore[arg-type]
    assert inferred and codes
    first_holder = next(c for c in out if ranker.won_rows_.get(c.supplier_pos))
    assert first_holder.supplier_pos == deep.supplier_pos and learned[deep.supplier_pos] == 9.0
    assert first_holder.evidence_rows, "a supplier the model brought in is explained as any other"
    assert len(out) == POOL + 1
    # Suppliers without awards keep the slots they hold in the case-based order.
    for i, c in enumerate(full[:POOL]):
        if not ranker.won_rows_.get(c.supplier_pos):
            assert out[i].supplier_pos == c.supplier_pos


@pytest.mark.slow
def test_service_orders_with_the_shipped_model_and_keeps_profile_firms_in_place(
    demo_settings: Settings, demo_index: MatchIndex, embedder: Embedder
) -> None:
    learned = Matcher(demo_settings, embedder=embedder)
    plain = Matcher(demo_settings.model_copy(update={"use_learned_ranker": False}),
                    embedder=embedder)  # fmt: skip
    request = MatchRequest(text="kotihoidon palvelut ikääntyneille", k=10)
    a, b = learned.match(request), plain.match(request)
    assert a.ranker == "learned" and b.ranker == "case-based"
    profile_only = [i for i, r in enumerate(b.results) if r.n_awards == 0]
    assert profile_only, "the demo's Finnish home-care firms are known from their profiles"
    for i in profile_only:
        assert a.results[i].supplier_id == b.results[i].supplier_id
        assert a.results[i].learned_score is None
    scores = [r.learned_score for r in a.results if r.learned_score is not None]
    assert len(scores) >= 2 and scores == sorted(scores, reverse=True)
    assert all(r.learned_score is None for r in b.results)
    # An innovation weight blends the case-based fit (the learned score has no 0..1 scale).
    weighted = learned.match(request.model_copy(update={"innovation_weight": 0.5}))
    assert weighted.ranker == "case-based"
