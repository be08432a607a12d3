"""The learned ranker: estimator contract, time-respecting training, named features."""

from __future__ import annotations

import pytest

from matcher.embed import CachedEmbedder, Embedder, EmbeddingCache
from matcher.index import MatchIndex
from matcher.index.corpus import need_text
from matcher.rank.features import FEATURES, FeatureBuilder, NeedQuery
from matcher.rank.learned import LearnedRanker, rolling_windows
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
