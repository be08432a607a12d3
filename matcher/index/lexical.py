"""Lexical search: TF-IDF over character n-grams within words, with a top-k inverted index.

Character n-grams match inflected and compound forms (Finnish "siivouspalvelut" and
"siivous"), and French accents with or without mojibake, where word tokens would not.

The index is term-major: one postings list of ``(document, weight)`` per n-gram. A query
reads the lists of its n-grams and keeps the top k. Where those lists are long (a big corpus,
common n-grams such as "ion" or " ja "), it reads only each list's ``impact_cap`` heaviest
postings (impact-ordered early termination: a document absent from that head gets at most the
cut-off weight from this n-gram), takes the ``rescore`` best documents so found, and scores
those exactly. README, "Search backends": overlap with the exact top k and the time saved.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

from .ann.base import top_k
from .postings import append_columns, heads

__all__ = ["LexicalIndex"]

_EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float32))
#: Documents transformed at a time when the vocabulary was learned from a sample.
_CHUNK = 50_000


def _tfidf_one(vectorizer: TfidfVectorizer, text: str) -> sparse.csr_matrix:
    """``vectorizer.transform([text])`` for one text, the same numbers in the same order.

    scikit-learn's transform validates its input and parameters on every call: 1.5 ms per
    query on the demo, against 0.06 ms for the n-grams themselves, twice per request (contracts
    and supplier names). This counts the n-grams, applies sublinear tf and idf, and normalises
    with scikit-learn's own row routine, as its transform does for these settings
    (tested equal, bit for bit); other settings go through the transform.
    """
    if not (vectorizer.sublinear_tf and vectorizer.use_idf and vectorizer.norm == "l2"):
        return sparse.csr_matrix(vectorizer.transform([text]))
    vocabulary = vectorizer.vocabulary_
    counts: dict[int, int] = {}
    for gram in vectorizer.build_analyzer()(text):
        j = vocabulary.get(gram)
        if j is not None:
            counts[j] = counts.get(j, 0) + 1
    indices = np.fromiter(counts, np.int32, len(counts))
    order = np.argsort(indices)
    indices = indices[order]
    data = np.fromiter(counts.values(), np.intc, len(counts))[order].astype(vectorizer.dtype)
    np.log(data, data)
    data += 1.0
    data *= vectorizer.idf_[indices]
    q = sparse.csr_matrix((data, indices, np.array([0, len(indices)], np.int32)),
                          shape=(1, len(vocabulary)))  # fmt: skip
    inplace_csr_row_normalize_l2(q)
    return q


class LexicalIndex:
    """TF-IDF cosine search over documents.

    Args:
        max_features: most n-grams kept (the most frequent).
        scan_budget: a query whose postings lists hold more entries than this reads only
            their heads (``impact_cap`` entries each); below it, every posting (exact).
        impact_cap: postings kept at the head of each list, heaviest first.
        rescore: documents scored exactly after reading the heads.
        max_fit_docs: above this many documents the vocabulary and idf are learned from a
            seeded sample of this size and the documents transformed in chunks: counting every
            n-gram of a whole large corpus at once holds a Python list entry per (document,
            n-gram) pair, several GB at a few hundred thousand documents.
    """

    def __init__(self, max_features: int = 200_000, scan_budget: int = 1_000_000,
                 impact_cap: int = 2_000, rescore: int = 1_000,
                 max_fit_docs: int = 300_000) -> None:  # fmt: skip
        self.max_features = max_features
        self.scan_budget = scan_budget
        self.impact_cap = impact_cap
        self.rescore = rescore
        self.max_fit_docs = max_fit_docs

    def fit(self, texts: Sequence[str], previous: LexicalIndex | None = None,
            reused: np.ndarray | None = None) -> LexicalIndex:  # fmt: skip
        """Learn the vocabulary and index ``texts``; returns ``self``.

        Args:
            texts: The documents, one row each.
            previous: Warm start (an incremental build): the previous build's index. Its
                vocabulary and idf are kept, its rows are taken for unchanged documents, and
                only the others are transformed, so the cost follows the change, not the corpus.
                The idf then ages until the next full fit (``added_docs_`` counts the documents
                indexed since; the build refits past ``Settings.lexical_refit_share``).
            reused: With ``previous``: for each text, its row in ``previous`` if unchanged, else -1.
        """
        self.stats_ = {"queries": 0, "heads": 0, "postings_read": 0, "postings_total": 0}
        self.n_docs_ = len(texts)
        if previous is not None and reused is not None and previous.by_term_ is not None:
            return self._extend(texts, previous, reused)
        # On a large corpus n-grams seen once are noise; on a small one they are all there is.
        min_df = 2 if len(texts) > 1000 else 1
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), min_df=min_df, sublinear_tf=True,
            max_features=self.max_features, lowercase=True, strip_accents="unicode",
            dtype=np.float32,
        )  # fmt: skip
        self.fitted_docs_, self.added_docs_ = len(texts), 0
        try:
            matrix = self._fit_transform(list(texts) or [""])
        except ValueError:  # no n-gram at all (no text, or only blanks): nothing ever matches
            self.by_term_: sparse.csr_matrix | None = None
            return self
        self._postings(sparse.csr_matrix(matrix))
        return self

    def _fit_transform(self, texts: list[str]) -> sparse.csr_matrix:
        """The vectorizer fitted (on a seeded sample past ``max_fit_docs``), every text's row."""
        if len(texts) <= self.max_fit_docs:
            return sparse.csr_matrix(self.vectorizer_.fit_transform(texts))
        sample = np.sort(np.random.default_rng(0).choice(len(texts), self.max_fit_docs, False))
        self.vectorizer_.fit([texts[i] for i in sample.tolist()])
        return sparse.vstack([self.vectorizer_.transform(texts[i: i + _CHUNK])
                              for i in range(0, len(texts), _CHUNK)], format="csr")  # fmt: skip

    def _extend(self, texts: Sequence[str], previous: LexicalIndex,
                reused: np.ndarray) -> LexicalIndex:  # fmt: skip
        """Fit by the previous index's vocabulary: its rows where ``reused``, new rows elsewhere."""
        self.vectorizer_ = previous.vectorizer_
        reused = np.asarray(reused, dtype=np.int64)
        new = np.flatnonzero(reused < 0)
        kept = np.flatnonzero(reused >= 0)
        fresh = (self.vectorizer_.transform([texts[i] for i in new.tolist()]) if len(new)  # none: 0 rows
                 else sparse.csr_matrix((0, previous.by_doc_.shape[1]), dtype=np.float32))  # fmt: skip
        # getattr: an index pickled before warm starts counts as freshly fitted.
        self.fitted_docs_ = getattr(previous, "fitted_docs_", previous.n_docs_)
        self.added_docs_ = getattr(previous, "added_docs_", 0) + len(new)
        m = previous.n_docs_
        if (previous.by_term_ is not None and len(kept) == m == previous.by_term_.shape[1] and np.array_equal(reused[:m], np.arange(m))
                and previous.impact_cap == self.impact_cap):  # fmt: skip
            self._append(previous, sparse.csr_matrix(fresh, dtype=np.float32))
            return self
        stacked = sparse.vstack([previous.by_doc_[reused[kept]], fresh], format="csr")
        order = np.empty(len(texts), np.int64)  # text i's row in ``stacked``
        order[kept] = np.arange(len(kept))
        order[new] = len(kept) + np.arange(len(new))
        self._postings(sparse.csr_matrix(stacked[order], dtype=np.float32))
        return self

    def _append(self, previous: LexicalIndex, fresh: sparse.csr_matrix) -> None:
        """The previous index with ``fresh`` rows appended, every previous row kept in place (new
        ingests append): each postings list gets the new documents' postings at its end and each
        head the new postings that outweigh it, with no transpose of the whole corpus (at 350k
        contracts that transpose was most of a warm start's 14 s)."""
        self.by_doc_: sparse.csr_matrix = sparse.vstack([previous.by_doc_, fresh], format="csr")
        new_t = sparse.csr_matrix(fresh.T)
        self.by_term_ = append_columns(previous.by_term_, new_t)
        self.lengths_ = np.diff(self.by_term_.indptr)
        # A head holds its list's ``impact_cap`` heaviest postings: the new head is the heaviest
        # of the old head and the new postings.
        self.heads_: sparse.csr_matrix = heads(append_columns(previous.heads_, new_t), self.impact_cap)

    def _postings(self, by_doc: sparse.csr_matrix) -> None:
        # Term-major: the postings lists. Document-major: the exact score of given documents
        # (a candidate's own contracts, and the rescoring after reading the heads).
        self.by_term_ = sparse.csr_matrix(by_doc.T)
        self.by_doc_ = by_doc
        self.lengths_ = np.diff(self.by_term_.indptr)
        self.heads_ = heads(self.by_term_, self.impact_cap)

    def __setstate__(self, state: dict[str, object]) -> None:
        # An index pickled before the heads existed: make them, with the default parameters.
        self.__dict__.update(state)
        for name, default in (("scan_budget", 1_000_000), ("impact_cap", 2_000),
                              ("rescore", 1_000)):  # fmt: skip
            self.__dict__.setdefault(name, default)
        self.__dict__.setdefault("stats_", dict.fromkeys(
            ("queries", "heads", "postings_read", "postings_total"), 0))
        if self.by_term_ is not None and "heads_" not in state:
            self.lengths_ = np.diff(self.by_term_.indptr)
            self.heads_ = heads(self.by_term_, self.impact_cap)

    def query(self, text: str) -> sparse.csr_matrix | None:
        """The TF-IDF vector of ``text`` (``None`` if it shares no n-gram with the corpus), to
        pass to :meth:`search_query` and :meth:`scores_for` without transforming it twice."""
        if self.by_term_ is None:
            return None
        q = _tfidf_one(self.vectorizer_, text)
        return q if q.nnz else None

    def search_query(
        self, q: sparse.csr_matrix | None, k: int, exhaustive: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and scores of the ``k`` documents most similar to the query vector ``q``.

        Args:
            q: from :meth:`query`.
            k: how many.
            exhaustive: read every posting whatever the budget (exact; the reference the
                early-terminated answer is measured against).
        """
        if q is None or self.by_term_ is None or k <= 0:
            return _EMPTY
        total = int(self.lengths_[q.indices].sum())
        self.stats_["queries"] += 1
        self.stats_["postings_total"] += total
        if exhaustive or total <= self.scan_budget:
            self.stats_["postings_read"] += total
            return top_k(self._accumulate(self.by_term_, q), k)
        self.stats_["heads"] += 1
        self.stats_["postings_read"] += int(np.diff(self.heads_.indptr)[q.indices].sum())
        partial = self._accumulate(self.heads_, q)
        found, _ = top_k(partial, max(self.rescore, k))
        found = found[partial[found] > 0]
        rows, scores = top_k(self.scores_for(q, found), k)
        return found[rows], scores

    def _accumulate(self, postings: sparse.csr_matrix, q: sparse.csr_matrix) -> np.ndarray:
        """Score of every document over the query's n-grams in ``postings``."""
        rows = postings[q.indices]
        return np.asarray(rows.T @ q.data, dtype=np.float32).ravel()[: self.n_docs_]

    def scores_for(self, q: sparse.csr_matrix | None, rows: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query vector ``q`` to the given documents only."""
        if q is None or self.by_term_ is None or not len(rows):
            return np.zeros(len(rows), np.float32)
        return np.asarray(self.by_doc_[rows] @ q.T.toarray(), dtype=np.float32).ravel()

    def search(self, text: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and scores of the ``k`` most similar documents."""
        return self.search_query(self.query(text), k)
