"""The one pipeline on the real demo data: sensible suppliers, filters, and an order that is
exactly the order its explanation explains."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from matcher.index import MatchIndex
from matcher.rank import DEFAULT_WEIGHTS, LinearScorer, Need, RankingPipeline

Rank = Any  # the `rank` fixture of conftest.py: rank(text, k=10, **need_fields) -> Ranking

pytestmark = pytest.mark.slow


def test_follows_the_estimator_contract(demo_index: MatchIndex) -> None:
    scorer = LinearScorer({"place": 0.1})
    pipe = RankingPipeline(scorer=scorer, n_neighbours=50)
    assert (pipe.n_neighbours, pipe.scorer) == (50, scorer)  # __init__ only stores
    assert not hasattr(pipe, "history_")  # nothing learned before fit
    assert pipe.fit(demo_index) is pipe
    assert pipe.scorer_ is scorer and pipe.history_.won_


def test_finnish_need_finds_french_cleaning_companies(rank: Rank, demo_index: MatchIndex) -> None:
    ranking = rank("koulun siivouspalvelut")
    ctx = ranking.ctx
    assert ctx.cpv_inferred and ctx.cpv and all(c.startswith("909") for c in ctx.cpv)
    procs = demo_index.corpus.procurements
    top5 = ranking.results[:5]
    assert len(top5) == 5
    for r in top5:
        assert r.evidence_rows, "every top supplier shows the contracts behind it"
        assert any(code.startswith("909") for row in r.evidence_rows for code in procs[row].cpv)
        assert r.found_by and set(r.found_by) <= set(ctx.hits)


def test_scores_sorted_and_the_sum_of_their_parts(rank: Rank) -> None:
    results = rank("Päällystysurakka, asfaltointi", k=20).results
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    for r in results:
        assert r.base == 0.0  # the linear scorer has no base value
        assert r.score == pytest.approx(sum(c.contribution for c in r.contributions), abs=1e-9)
        for c in r.contributions:
            # Values are shown to 4 decimals; the contribution is computed from the exact one.
            assert c.contribution == pytest.approx(DEFAULT_WEIGHTS[c.name] * (c.value or 0.0), abs=1e-4)
            assert c.sentence and (c.value is None or 0.0 <= c.value <= 1.0)


def test_supplier_without_awards_is_found_through_its_profile(rank: Rank) -> None:
    results = rank("kotipalvelut ikääntyneille ja vammaisille").results
    profile_only = [r for r in results if r.n_awards == 0]
    assert profile_only and "nearest_profiles" in profile_only[0].found_by
    part = next(c for c in profile_only[0].contributions if c.name == "profile")
    assert part.contribution > 0
    assert results.index(profile_only[0]) < 3


def test_given_cpv_and_filters(rank: Rank, pipeline: RankingPipeline) -> None:
    ranking = rank("restauration scolaire", cpv=["55523100"], country="FR")
    assert ranking.ctx.cpv == ["55523100"] and not ranking.ctx.cpv_inferred
    sup = pipeline.history_.supplier_
    assert ranking.results and all(sup[r.supplier_id].country == "FR" for r in ranking.results)
    assert any("55523100" in r.matching_cpv for r in ranking.results)
    fi_only = rank("restauration scolaire", country="FI").results
    assert all(sup[r.supplier_id].country == "FI" for r in fi_only)
    with_awards = rank("kotipalvelut ikääntyneille", with_awards_only=True).results
    assert with_awards and all(r.n_awards > 0 for r in with_awards)


def test_region_feature_rewards_local_suppliers(rank: Rank) -> None:
    without = rank("travaux de voirie", k=30).results
    with_region = rank("travaux de voirie", k=30, region="FR-D59").results
    local = [r for r in with_region
             if any(c.name == "place" and c.contribution > 0 for c in r.contributions)]  # fmt: skip
    assert local, "some road-works suppliers delivered in département 59"
    before = {r.supplier_id: i for i, r in enumerate(without)}
    moved = [r for r in local if r.supplier_id in before]
    assert any(with_region.index(r) < before[r.supplier_id] for r in moved)


def test_a_need_that_matches_nothing_gives_no_crash(pipeline: RankingPipeline) -> None:
    ranking = pipeline.rank(Need(text="xyz"), np.zeros(384, np.float32), 5)
    assert len(ranking.results) <= 5


def test_retrievers_ask_for_the_top_k_only(pipeline: RankingPipeline, rank: Rank) -> None:
    ctx = rank("koulun siivouspalvelut").ctx
    assert len(ctx.contracts[0]) == pipeline.n_neighbours
    assert len(ctx.wording[0]) <= pipeline.n_neighbours
    assert len(ctx.profiles[0]) <= pipeline.n_profiles
    assert len(pipeline.candidates(ctx)) <= pipeline.max_candidates


def test_each_won_contract_is_scored_once_per_request(pipeline: RankingPipeline, rank: Rank,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    # The award features score every candidate's won contracts together; the evidence of the
    # results reads those scores back (on pgvector each scores_for is a round trip).
    vectors = pipeline.index_.procurement_vectors
    asked: list[list[int]] = []
    real = vectors.scores_for

    def counting(query: np.ndarray, ids: np.ndarray) -> np.ndarray:
        asked.append(np.asarray(ids).tolist())
        return real(query, ids)

    monkeypatch.setattr(vectors, "scores_for", counting)
    ranking = rank("koulun siivouspalvelut", k=10)
    assert ranking.results and any(r.evidence_rows for r in ranking.results)
    assert len(asked) == 1, "one call: the award features'; the evidence reads its scores"
    assert {row for r in ranking.results for row in r.evidence_rows} <= set(asked[0])
    ctx = ranking.ctx
    for r in ranking.results:
        want = real(ctx.vector, np.asarray(r.evidence_rows, np.int64)).tolist()
        assert r.evidence_sims == pytest.approx(want, abs=1e-6)
