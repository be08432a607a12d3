"""Lexical search: TF-IDF over character n-grams within words, with a top-k inverted index.

Character n-grams match inflected and compound forms (Finnish "siivouspalvelut" and
"siivous"), and French accents with or without mojibake, where word tokens would not.

The index is term-major (one postings list of ``(document, weight)`` per n-gram) and answers
the top k by MaxScore: the query's n-grams are taken in order of the most they can add to any
document's score (query weight times the largest weight in the postings list), and once what
the remaining n-grams could still add is below the k-th best score so far, their postings are
not read: the documents they alone reach cannot enter the top k. The documents that still might
are scored exactly. The result is the same top k as scoring every document (ties aside); the
common n-grams ("ion", " ja ") have the longest lists and add the least, so they are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .ann.base import top_k

__all__ = ["LexicalIndex"]

_EMPTY = (np.zeros(0, np.int64), np.zeros(0, np.float32))


class LexicalIndex:
    """TF-IDF cosine search over documents.

    Args:
        max_features: most n-grams kept (the most frequent).
        chunk: query n-grams read in MaxScore's first step; each later step reads twice as
            many as the one before (each check of the bound costs a pass over the scores).
    """

    def __init__(self, max_features: int = 200_000, chunk: int = 8) -> None:
        self.max_features = max_features
        self.chunk = chunk

    def fit(self, texts: Sequence[str]) -> LexicalIndex:
        """Learn the vocabulary and index ``texts``; returns ``self``."""
        # On a large corpus n-grams seen once are noise; on a small one they are all there is.
        min_df = 2 if len(texts) > 1000 else 1
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), min_df=min_df, sublinear_tf=True,
            max_features=self.max_features, lowercase=True, strip_accents="unicode",
            dtype=np.float32,
        )  # fmt: skip
        self.n_docs_ = len(texts)
        self.stats_ = {"queries": 0, "full": 0, "postings_read": 0, "postings_total": 0}
        try:
            matrix = self.vectorizer_.fit_transform(list(texts) or [""])
        except ValueError:  # no n-gram at all (no text, or only blanks): nothing ever matches
            self.by_term_: sparse.csr_matrix | None = None
            return self
        # Term-major: the postings lists. Document-major: the exact score of given documents
        # (a candidate's own contracts, and MaxScore's last step).
        self.by_term_ = sparse.csr_matrix(matrix.T)
        self.by_doc_ = sparse.csr_matrix(matrix)
        self.max_weight_ = np.asarray(self.by_term_.max(axis=1).todense(), np.float32).ravel()
        self.lengths_ = np.diff(self.by_term_.indptr)
        return self

    def query(self, text: str) -> sparse.csr_matrix | None:
        """The TF-IDF vector of ``text`` (``None`` if it shares no n-gram with the corpus), to
        pass to :meth:`search_query` and :meth:`scores_for` without transforming it twice."""
        if self.by_term_ is None:
            return None
        q = self.vectorizer_.transform([text])
        return q if q.nnz else None

    def search_query(
        self, q: sparse.csr_matrix | None, k: int, exhaustive: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and scores of the ``k`` documents most similar to the query vector ``q``.

        Args:
            q: from :meth:`query`.
            k: how many.
            exhaustive: read every postings list of the query instead of pruning (the
                reference the pruned answer is tested against).
        """
        if q is None or self.by_term_ is None or k <= 0:
            return _EMPTY
        terms, weights = q.indices, q.data.astype(np.float32)
        if exhaustive:
            return top_k(self._accumulate(terms, weights), k)
        order = np.argsort(-(weights * self.max_weight_[terms]), kind="stable")
        terms, weights = terms[order], weights[order]
        bound = self._tail_bounds(terms, weights)
        partial = np.zeros(self.n_docs_, np.float32)
        done, size = 0, self.chunk
        while done < len(terms):
            step = slice(done, min(done + size, len(terms)))
            size *= 2
            partial += self._accumulate(terms[step], weights[step])
            done = step.stop
            self.stats_["postings_read"] += int(self.lengths_[terms[step]].sum())
            seen = np.flatnonzero(partial)
            if len(seen) < k:
                continue
            # Scores only grow as terms are added: the k-th best partial score is a floor
            # under the k-th best final score.
            floor = float(np.partition(partial[seen], len(seen) - k)[len(seen) - k])
            if bound[done] <= floor:
                return self._finish(q, partial, seen, floor - bound[done], k, done, terms)
        return self._finish(q, partial, np.flatnonzero(partial), -1.0, k, done, terms)

    def _tail_bounds(self, terms: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """``bound[i]``: the most the terms from ``i`` on can add to one document's score.

        The smaller of the sum of each term's best contribution and, by Cauchy-Schwarz over
        unit document vectors, the norm of the query's remaining part.
        """
        best = weights * self.max_weight_[terms]
        sums = np.append(np.cumsum(best[::-1])[::-1], 0.0)
        norms = np.append(np.sqrt(np.cumsum((weights**2)[::-1])[::-1]), 0.0)
        return np.minimum(sums, norms)

    def _accumulate(self, terms: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Scores every document gets from ``terms`` alone (reading their postings)."""
        assert self.by_term_ is not None
        rows = self.by_term_[terms]
        return np.asarray(rows.T @ weights, dtype=np.float32).ravel()[: self.n_docs_]

    def _finish(self, q: sparse.csr_matrix, partial: np.ndarray, seen: np.ndarray, cut: float,
                k: int, done: int, terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Score exactly the documents whose partial score can still reach the top k."""
        self.stats_["queries"] += 1
        self.stats_["postings_total"] += int(self.lengths_[terms].sum())
        if done == len(terms):
            self.stats_["full"] += 1
            return top_k(partial, k)
        alive = seen[partial[seen] > cut]
        exact = self.scores_for(q, alive)
        rows, scores = top_k(exact, k)
        return alive[rows], scores

    def scores_for(self, q: sparse.csr_matrix | None, rows: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query vector ``q`` to the given documents only."""
        if q is None or self.by_term_ is None or not len(rows):
            return np.zeros(len(rows), np.float32)
        return np.asarray(self.by_doc_[rows] @ q.T.toarray(), dtype=np.float32).ravel()

    def search(self, text: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and scores of the ``k`` most similar documents."""
        return self.search_query(self.query(text), k)
