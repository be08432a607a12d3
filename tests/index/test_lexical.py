from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.index.lexical import LexicalIndex, _tfidf_one
from matcher.index.postings import heads

_SYLLABLES = ["sii", "vous", "pal", "ve", "lu", "kou", "tie", "ur", "ak", "ka", "pääl", "lys",
              "net", "toy", "age", "éco", "les", "tra", "vaux", "voi", "rie", "säh", "kö",
              "ra", "ken", "nus", "han", "kin", "ta", "lo", "gi", "ciel", "ent", "re", "tien"]


def _corpus(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    # A vocabulary of 400 made-up words; documents glue some together and inflect them, as
    # Finnish compounds and endings do.
    vocab = ["".join(rng.choice(_SYLLABLES, size=rng.integers(2, 4))) for _ in range(400)]
    ends = ["", "t", "n", "ssa", "lle", "s"]
    return [" ".join("".join(rng.choice(vocab, size=rng.integers(1, 3))) + rng.choice(ends)
                     for _ in range(rng.integers(2, 12))) for _ in range(n)]  # fmt: skip


def test_below_the_budget_every_posting_is_read() -> None:
    docs = _corpus(800, 0)
    index = LexicalIndex().fit(docs)
    for need in _corpus(20, 1):
        q = index.query(need)
        rows, scores = index.search_query(q, 10)
        full_rows, full_scores = index.search_query(q, 10, exhaustive=True)
        assert rows.tolist() == full_rows.tolist() and np.allclose(scores, full_scores)
    assert index.stats_["heads"] == 0


@pytest.mark.parametrize("k", [1, 10, 60])
def test_reading_the_heads_finds_the_exact_top_k_mostly(k: int) -> None:
    docs = _corpus(3000, 0)
    # A tiny budget sends every query through the heads of the lists (cut to 200 postings).
    index = LexicalIndex(scan_budget=0, impact_cap=200, rescore=300).fit(docs)
    overlaps = []
    for need in _corpus(40, 1):
        q = index.query(need)
        rows, scores = index.search_query(q, k)
        full_rows, _ = index.search_query(q, k, exhaustive=True)
        assert np.allclose(scores, index.scores_for(q, rows), atol=1e-6)  # exact scores
        assert np.all(np.diff(scores) <= 1e-6)
        overlaps.append(len(set(rows.tolist()) & set(full_rows.tolist())) / len(full_rows))
    assert index.stats_["heads"] == 40 and np.mean(overlaps) >= 0.9
    assert index.stats_["postings_read"] < index.stats_["postings_total"]


def test_no_shared_ngram_and_empty_corpus() -> None:
    index = LexicalIndex().fit(["tie urakka", "koulu"])
    assert index.query("xyzzy") is None and len(index.search("xyzzy", 5)[0]) == 0
    empty = LexicalIndex().fit([])
    assert len(empty.search("koulu", 3)[0]) == 0
    assert len(empty.scores_for(empty.query("koulu"), np.array([0]))) == 1


def test_compound_query_finds_its_parts() -> None:
    docs = ["Siivouspalvelut kouluille", "Tieurakka", "Koulujen siivous", "Sähköurakka",
            "Katuvalaistus ja sähkötyöt"]  # fmt: skip
    index = LexicalIndex().fit(docs)
    assert set(index.search("koulusiivous", 2)[0].tolist()) == {0, 2}
    assert index.search("sähkö", 2)[0].tolist()[0] in (3, 4)


def test_an_index_pickled_before_the_heads_still_searches() -> None:
    index = LexicalIndex().fit(_corpus(200, 0))
    q = index.query("siivous")
    expected = index.search_query(q, 5)[0].tolist()
    old = {k: v for k, v in index.__dict__.items()
           if k not in ("heads_", "lengths_", "scan_budget", "impact_cap", "rescore", "stats_")}
    back = LexicalIndex.__new__(LexicalIndex)
    back.__setstate__(old)
    assert back.search_query(q, 5)[0].tolist() == expected


_FITTED = LexicalIndex().fit(
    ["Koulun siivouspalvelut", "Nettoyage des locaux scolaires", "Städning av skolor",
     "Ikkunoiden pesu ja siivous", "Travaux de voirie et réseaux", "Lumityöt ja hiekoitus"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
       | st.sampled_from(["siivous", "nettoyage école", "Städning", "ÄÖÅ é ç", " ja "]))  # fmt: skip
def test_one_query_equals_scikit_learns_transform_bit_for_bit(text: str) -> None:
    # The request path's own TF-IDF of one text must be the vectorizer's, down to the last
    # bit and in the same order, or rankings and their ties would drift.
    ours = _tfidf_one(_FITTED.vectorizer_, text)
    theirs = _FITTED.vectorizer_.transform([text])
    assert ours.shape == theirs.shape
    assert ours.data.dtype == theirs.data.dtype
    assert np.array_equal(ours.indices, theirs.indices)
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.data, theirs.data)


def test_other_vectorizer_settings_go_through_scikit_learn() -> None:
    index = LexicalIndex().fit(["alpha beta", "beta gamma"])
    index.vectorizer_.sublinear_tf = False  # not what fit makes: the general transform answers
    q = _tfidf_one(index.vectorizer_, "beta beta alpha")
    assert np.array_equal(q.toarray(), index.vectorizer_.transform(["beta beta alpha"]).toarray())


def test_a_warm_start_keeps_the_vocabulary_and_rows_and_adds_the_new_documents() -> None:
    docs = _corpus(300, seed=4)
    first = LexicalIndex().fit(docs[:250])
    # The next corpus: contract 10 removed, 20 and 30 swapped, 50 new ones (40 unseen texts,
    # 10 copies of kept ones), in a new order.
    kept = [i for i in range(250) if i != 10]
    kept[19], kept[29] = kept[29], kept[19]
    texts = [docs[i] for i in kept] + docs[250:]
    reused = np.array(kept + [-1] * 50, dtype=np.int64)
    warm = LexicalIndex().fit(texts, first, reused)
    assert warm.vectorizer_ is first.vectorizer_ and warm.n_docs_ == len(texts) == 299
    assert (warm.fitted_docs_, warm.added_docs_) == (250, 50)
    # Reused rows are the previous rows; new rows are the kept vocabulary's transform.
    assert (warm.by_doc_[: len(kept)] != first.by_doc_[kept]).nnz == 0
    assert (warm.by_doc_[len(kept):] != first.vectorizer_.transform(docs[250:])).nnz == 0
    assert (warm.by_term_ != warm.by_doc_.T).nnz == 0
    # Searches see the new documents and the moved ones at their new rows.
    for row in (19, 29, 260, 298):
        rows, scores = warm.search(texts[row], 5)
        assert scores[0] == pytest.approx(1.0, abs=1e-5) and row in rows[scores >= scores[0] - 1e-5]
    # Warm starts add up: a second one counts the documents since the last full fit.
    again = LexicalIndex().fit(texts, warm, np.arange(len(texts)))
    assert (again.fitted_docs_, again.added_docs_) == (250, 50)
    assert (again.by_doc_ != warm.by_doc_).nnz == 0


@pytest.mark.parametrize("cap", [5, 40, 2_000])
def test_appended_documents_extend_every_list_as_a_transpose_would(cap: int) -> None:
    docs = _corpus(1300, seed=6)
    first = LexicalIndex(impact_cap=cap).fit(docs[:1200])
    warm = LexicalIndex(impact_cap=cap).fit(docs, first, np.r_[np.arange(1200), [-1] * 100])
    assert (warm.by_doc_[:1200] != first.by_doc_).nnz == 0
    assert (warm.by_doc_[1200:] != first.vectorizer_.transform(docs[1200:])).nnz == 0
    # Without transposing the corpus: the lists a transpose gives, in the same order.
    by_term = warm.by_doc_.T.tocsr()
    for name in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(warm.by_term_, name), getattr(by_term, name))
    np.testing.assert_array_equal(warm.lengths_, np.diff(by_term.indptr))
    # Each head holds its list's ``cap`` heaviest weights (which of equal weights may differ).
    fresh = heads(by_term, cap)
    np.testing.assert_array_equal(np.diff(warm.heads_.indptr), np.diff(fresh.indptr))
    for t in range(0, by_term.shape[0], 7):
        got, want = warm.heads_[t], fresh[t]
        np.testing.assert_array_equal(np.sort(got.data), np.sort(want.data))
        assert np.all(np.diff(got.indices) > 0)  # still sorted by document
    # Reading the heads (every query, budget 0) answers as the transposed index's heads do.
    ref = LexicalIndex(impact_cap=cap)
    ref.__dict__.update({**warm.__dict__, "stats_": dict(warm.stats_)})
    ref._postings(warm.by_doc_)
    warm.scan_budget = ref.scan_budget = 0
    for need in docs[1190:1215]:
        q = warm.query(need)
        np.testing.assert_allclose(warm.search_query(q, 5)[1], ref.search_query(q, 5)[1], atol=1e-6)


def test_a_warm_start_with_nothing_new_is_the_previous_index() -> None:
    docs = _corpus(120, seed=5)
    first = LexicalIndex().fit(docs)
    same = LexicalIndex().fit(docs, first, np.arange(len(docs)))
    assert (same.by_doc_ != first.by_doc_).nnz == 0 and (same.heads_ != first.heads_).nnz == 0
    assert same.added_docs_ == 0


def test_past_max_fit_docs_the_vocabulary_comes_from_a_sample_and_rows_from_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import matcher.index.lexical as lexical

    docs = _corpus(1500, 3)
    monkeypatch.setattr(lexical, "_CHUNK", 400)  # four chunks
    index = LexicalIndex(max_fit_docs=500).fit(docs)
    again = LexicalIndex(max_fit_docs=500).fit(docs)
    whole = LexicalIndex().fit(docs)
    assert index.by_doc_.shape[0] == len(docs)
    # Seeded: the same sample, the same index; a sample sees fewer n-grams than the corpus.
    assert index.vectorizer_.vocabulary_ == again.vectorizer_.vocabulary_
    assert len(index.vectorizer_.vocabulary_) < len(whole.vectorizer_.vocabulary_)
    # Every document is a row of the sample's vectorizer, chunk boundaries or not.
    assert (index.by_doc_ != index.vectorizer_.transform(docs)).nnz == 0
    rows, _ = index.search(docs[1234], 1)
    assert rows.tolist() == [1234]
