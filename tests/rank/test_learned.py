"""The learned ranker: estimator contract, time-respecting training, named features."""

from __future__ import annotations

import pytest

from matcher.embed import CachedEmbedder, Embedder, EmbeddingCache
from matcher.evaluate.split import default_cut, train_index
from matcher.index import MatchIndex
from matcher.index.corpus import need_text
from matcher.rank.features import FEATURES, FeatureBuilder, NeedQuery
from matcher.rank.learned import LearnedRanker, inner_queries
from matcher.vocab import cpv_vocabulary

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def training(demo_index: MatchIndex, embedder: Embedder, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    cached = CachedEmbedder(embedder, EmbeddingCache(embedder.name, tmp_path_factory.mktemp("q")))
    vocab = cpv_vocabulary()
    cut = default_cut(demo_index, 0.1)

    def embed(texts, cpvs):  # type: ignore[no-untyped-def]
        return cached.embed_queries(
            [need_text(t, c, vocab) for t, c in zip(texts, cpvs, strict=True)]
        )

    queries = inner_queries(demo_index, cut, embed)[:300]
    return train_index(demo_index, cut), queries


def test_feature_rows_are_named_and_candidates_come_from_the_past(training) -> None:  # type: ignore[no-untyped-def]
    index, queries = training
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
    index, queries = training
    ranker = LearnedRanker(
        features=["emb_votes", "lex_votes", "cpv_exact", "same_region"], max_iter=50
    )
    assert not hasattr(ranker, "model_")
    assert ranker.fit(index, queries) is ranker
    assert ranker.feature_names_ == ["emb_votes", "lex_votes", "cpv_exact", "same_region"]
    assert ranker.n_training_needs_ > 0
    ranked = ranker.use(index).rank(queries[0][0], 5)
    assert 0 < len(ranked) <= 5
    probs = [p for _, p, _ in ranked]
    assert probs == sorted(probs, reverse=True) and all(0 <= p <= 1 for p in probs)


def test_no_positive_need_is_a_clear_error(training) -> None:  # type: ignore[no-untyped-def]
    index, queries = training
    fake = [(NeedQuery(text=q.text, vector=q.vector, cpv=q.cpv), {-1}) for q, _ in queries[:5]]
    with pytest.raises(ValueError, match="no training need"):
        LearnedRanker(max_iter=5).fit(index, fake)
