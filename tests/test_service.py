"""``POST /v1/match``'s library function on the demo data, with the shipped trained scorer and
without it: the order served is the order explained."""

from __future__ import annotations

import dataclasses
import gc
import weakref

import pytest

from matcher.embed import Embedder
from matcher.index import MatchIndex
from matcher.rank import FEATURES
from matcher.schemas import MatchRequest, MatchResponse
from matcher.service import Matcher
from matcher.settings import Settings

pytestmark = pytest.mark.slow
NEEDS = ["kotihoidon palvelut ikääntyneille", "koulun siivouspalvelut", "travaux de voirie",
         "skolmåltider och catering", "Sähköbussien latauspisteet"]  # fmt: skip


@pytest.fixture(scope="module")
def matchers(demo_settings: Settings, demo_index: MatchIndex,
             embedder: Embedder) -> dict[str, Matcher]:  # fmt: skip
    off = demo_settings.model_copy(update={"use_learned_ranker": False})
    return {"learned": Matcher(demo_settings, embedder=embedder),
            "linear": Matcher(off, embedder=embedder)}  # fmt: skip


def _check_explained(response: MatchResponse) -> None:
    scores = [r.score for r in response.results]
    assert scores == sorted(scores, reverse=True), "results are sorted by their score"
    for r in response.results:
        total = r.base_score + sum(s.contribution for s in r.signals)
        assert total == pytest.approx(r.score, abs=1e-3), "the parts add up to the score"
        assert all(s.explanation and s.name in {*FEATURES, "innovation"} for s in r.signals)


@pytest.mark.parametrize("scorer", ["learned", "linear"])
@pytest.mark.parametrize("weight", [0.0, 0.3])
def test_every_result_is_explained_by_the_scorer_that_ordered_it(
    matchers: dict[str, Matcher], scorer: str, weight: float
) -> None:
    for text in NEEDS:
        response = matchers[scorer].match(MatchRequest(text=text, innovation_weight=weight))
        assert response.ranker == scorer and response.results
        _check_explained(response)
        if scorer == "linear":
            assert all(r.base_score == 0 for r in response.results)


@pytest.mark.parametrize("scorer", ["learned", "linear"])
def test_a_finnish_need_finds_a_profile_only_finnish_firm(matchers: dict[str, Matcher],
                                                           scorer: str) -> None:  # fmt: skip
    response = matchers[scorer].match(MatchRequest(text="kotihoidon palvelut ikääntyneille", k=10))
    profile_only = [r for r in response.results if r.n_awards == 0 and r.country == "FI"]
    assert profile_only, [r.name for r in response.results]
    assert profile_only[0].profile and "nearest_profiles" in profile_only[0].found_by


def test_query_threads_follow_the_matches_in_flight() -> None:
    auto = Matcher(Settings())
    auto._in_flight = 1  # this request alone: OpenMP's default, every core
    assert auto._query_threads() == 0
    auto._in_flight = 3  # others are ranking beside it: one thread, no spinning second one
    assert auto._query_threads() == 1
    fixed = Matcher(Settings(embed_query_threads=2))
    fixed._in_flight = 3
    assert fixed._query_threads() == 2


def test_a_match_reads_one_build_from_start_to_end(
    demo_settings: Settings, demo_index: MatchIndex, embedder: Embedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    matcher = Matcher(demo_settings, embedder=embedder)
    matcher.pipeline()
    first = matcher._loaded
    assert first is not None
    # A newer build, published while this request ranks, holding no innovation potentials.
    newer = dataclasses.replace(first, potentials={}, _outs={})
    rank = first.pipeline.rank

    def rank_then_switch(*args: object, **kwargs: object) -> object:
        ranked = rank(*args, **kwargs)  # type: ignore[arg-type]
        matcher._loaded = newer  # the background reload finishes mid-request
        return ranked

    monkeypatch.setattr(first.pipeline, "rank", rank_then_switch)
    response = matcher.match(MatchRequest(text="koulun siivouspalvelut", k=10))
    served = [r.innovation for r in response.results]
    assert served == [first.potential_out(r.supplier_id) for r in response.results]
    assert any(p is not None for p in served), "the first build's potentials, not the newer's"
    assert matcher.pipeline() is newer.pipeline  # the next request is on the newer build


def test_a_load_freezes_the_build_it_serves_and_frees_the_one_it_replaces(
    demo_settings: Settings, demo_index: MatchIndex, embedder: Embedder
) -> None:
    matcher = Matcher(demo_settings, embedder=embedder)
    old = matcher.pipeline()
    # Frozen: the collector's scans no longer walk the served build (gc.get_objects lists the
    # objects they walk), and full collections are rare.
    assert not any(o is old for o in gc.get_objects())
    assert gc.get_freeze_count() > 0 and gc.get_threshold()[2] >= 1000
    # A build caught in a reference cycle is not freed by reference counting alone: the next
    # load must hand it back to the collector before freezing again.
    loop: list[object] = [old]
    loop.append(loop)
    old.test_cycle_ = loop  # type: ignore[attr-defined]
    gone = weakref.ref(old)
    del old, loop
    matcher.reload()
    assert gone() is None
    assert not any(o is matcher.pipeline() for o in gc.get_objects())
