"""Ranking on the real demo data: sensible suppliers, explanations that add up, the sklearn contract."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.embed import Embedder
from matcher.index import MatchIndex
from matcher.rank import DEFAULT_WEIGHTS, CaseBasedRanker, Query

pytestmark = pytest.mark.slow


def _rank(index: MatchIndex, embedder: Embedder, text: str, k: int = 10, **kw: object):  # type: ignore[no-untyped-def]
    ranker = CaseBasedRanker().fit(index)
    query = Query(text=text, vector=embedder.embed_query(text), cpv=list(kw.pop("cpv", [])), **kw)  # type: ignore[arg-type]
    return ranker, *ranker.rank(query, k)


def test_follows_the_estimator_contract(demo_index: MatchIndex) -> None:
    ranker = CaseBasedRanker(n_neighbours=50, weights={"place": 0.1})
    assert (ranker.n_neighbours, ranker.weights) == (50, {"place": 0.1})  # __init__ only stores
    assert not hasattr(ranker, "weights_")  # nothing learned before fit
    assert ranker.fit(demo_index) is ranker
    assert ranker.weights_["place"] == 0.1 and ranker.weights_["cpv"] == DEFAULT_WEIGHTS["cpv"]
    assert 0 < ranker.sim_floor_ < ranker.sim_ceiling_ < 1


def test_finnish_need_finds_french_cleaning_companies(
    demo_index: MatchIndex, embedder: Embedder
) -> None:
    ranker, results, cpv, inferred = _rank(demo_index, embedder, "koulun siivouspalvelut")
    assert inferred and all(c.startswith("909") for c in cpv)  # cleaning services
    procs = demo_index.corpus.procurements
    top5 = results[:5]
    assert len(top5) == 5
    for c in top5:
        assert c.evidence_rows, "every top supplier shows the contracts behind it"
        assert any(code.startswith("909") for r in c.evidence_rows for code in procs[r].cpv)


def test_scores_are_the_sum_of_their_parts(demo_index: MatchIndex, embedder: Embedder) -> None:
    ranker, results, _, _ = _rank(demo_index, embedder, "Päällystysurakka, asfaltointi")
    for c in results:
        parts = sum(ranker.weights_[n] * v for n, v in c.signals.items())
        assert c.score == pytest.approx(parts)
        assert all(0.0 <= v <= 1.0 for v in c.signals.values())
    assert [c.score for c in results] == sorted((c.score for c in results), reverse=True)


def test_supplier_without_awards_is_found_through_its_profile(
    demo_index: MatchIndex, embedder: Embedder
) -> None:
    ranker, results, _, _ = _rank(demo_index, embedder, "kotipalvelut ikääntyneille ja vammaisille")
    suppliers = demo_index.corpus.suppliers
    profile_only = [c for c in results if not ranker.won_rows_.get(c.supplier_pos)]
    assert profile_only and "profile" in profile_only[0].signals
    assert suppliers[profile_only[0].supplier_pos].country == "FI"
    assert results.index(profile_only[0]) < 3


def test_given_cpv_and_filters(demo_index: MatchIndex, embedder: Embedder) -> None:
    ranker, results, cpv, inferred = _rank(demo_index, embedder, "restauration scolaire",
                                           cpv=["55523100"], country="FR")  # fmt: skip
    assert cpv == ["55523100"] and not inferred
    suppliers = demo_index.corpus.suppliers
    assert results and all(suppliers[c.supplier_pos].country == "FR" for c in results)
    assert any("55523100" in c.matching_cpv for c in results)
    _, fi_only, _, _ = _rank(demo_index, embedder, "restauration scolaire", country="FI")
    assert all(suppliers[c.supplier_pos].country == "FI" for c in fi_only)


def test_region_signal_rewards_local_suppliers(demo_index: MatchIndex, embedder: Embedder) -> None:
    _, without, _, _ = _rank(demo_index, embedder, "travaux de voirie", k=30)
    _, with_region, _, _ = _rank(demo_index, embedder, "travaux de voirie", k=30, region="FR-D59")
    local = [c for c in with_region if "place" in c.signals]
    assert local, "some road-works suppliers delivered in département 59"
    before = {c.supplier_pos: i for i, c in enumerate(without)}
    moved = [c for c in local if c.supplier_pos in before]
    assert any(with_region.index(c) < before[c.supplier_pos] for c in moved)


def test_empty_query_vector_gives_no_crash(demo_index: MatchIndex) -> None:
    ranker = CaseBasedRanker().fit(demo_index)
    results, _, _ = ranker.rank(Query(text="xyz", vector=np.zeros(384, np.float32), cpv=[]), 5)
    assert len(results) <= 5


def test_included_suppliers_follow_the_top_k_with_their_signals(
    demo_index: MatchIndex, embedder: Embedder
) -> None:
    text = "travaux de voirie"
    ranker, full, _, _ = _rank(demo_index, embedder, text, k=200)
    deep = [c.supplier_pos for c in full[60:63]]
    assert len(deep) == 3, "the demo has enough road-works suppliers"
    query = Query(text=text, vector=embedder.embed_query(text), cpv=[])
    top, _, _ = ranker.rank(query, 10, include=deep)
    assert [c.supplier_pos for c in top[:10]] == [c.supplier_pos for c in full[:10]]
    assert [c.supplier_pos for c in top[10:]] == deep  # below the top k, best first
    by_pos = {c.supplier_pos: c for c in full}
    for c in top[10:]:
        assert c.score == pytest.approx(by_pos[c.supplier_pos].score) and c.evidence_rows
    # Similarities handed in give the same ranking as those computed inside.
    sims = demo_index.procurement_vectors.scores(query.vector)
    lex = demo_index.lexical.scores(text)
    again, _, _ = ranker.rank(query, 10, include=deep, sims=sims, lex=lex)
    assert [c.supplier_pos for c in again] == [c.supplier_pos for c in top]
    # The need's filters still apply to included suppliers.
    fi_only = Query(text=text, vector=query.vector, cpv=[], country="FI")
    filtered, _, _ = ranker.rank(fi_only, 10, include=deep)
    assert not {c.supplier_pos for c in filtered} & set(deep)
