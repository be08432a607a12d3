"""Lexical search: TF-IDF over character n-grams within words.

Character n-grams match inflected and compound forms (Finnish "siivouspalvelut" and
"siivous"), and French accents with or without mojibake, where word tokens would not.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .vectors import top_k


class LexicalIndex:
    """TF-IDF cosine search over documents."""

    def __init__(self, max_features: int = 200_000) -> None:
        self.max_features = max_features

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
        try:
            matrix = self.vectorizer_.fit_transform(list(texts) or [""])
        except ValueError:  # no n-gram at all (no text, or only blanks): nothing ever matches
            self.by_term_: sparse.csr_matrix | None = None
            return self
        # Stored term-major: a query touches a few hundred n-grams, so scoring gathers those
        # rows and sums them, instead of a sparse-by-sparse product over every document. The
        # document-major copy answers the scores of a few given documents (a candidate's own).
        self.by_term_ = sparse.csr_matrix(matrix.T)
        self.by_doc_ = sparse.csr_matrix(matrix)
        return self

    def query(self, text: str) -> sparse.csr_matrix | None:
        """The TF-IDF vector of ``text`` (``None`` if it shares no n-gram with the corpus), to
        pass to :meth:`search_query` and :meth:`scores_for` without transforming it twice."""
        if self.by_term_ is None:
            return None
        q = self.vectorizer_.transform([text])
        return q if q.nnz else None

    def search_query(self, q: sparse.csr_matrix | None, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and scores of the ``k`` documents most similar to the query vector ``q``."""
        if q is None or self.by_term_ is None:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        rows = self.by_term_[q.indices]
        scores = np.asarray(rows.T @ q.data, dtype=np.float32).ravel()[: self.n_docs_]
        return top_k(scores, k)

    def scores_for(self, q: sparse.csr_matrix | None, rows: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query vector ``q`` to the given documents only."""
        if q is None or self.by_term_ is None or not len(rows):
            return np.zeros(len(rows), np.float32)
        return np.asarray(self.by_doc_[rows] @ q.T.toarray(), dtype=np.float32).ravel()

    def scores(self, text: str) -> np.ndarray:
        """Cosine similarity of ``text`` to every document."""
        if self.by_term_ is None:
            return np.zeros(self.n_docs_, np.float32)
        q = self.vectorizer_.transform([text])
        if not q.nnz:
            return np.zeros(self.n_docs_, np.float32)
        rows = self.by_term_[q.indices]
        return np.asarray(rows.T @ q.data, dtype=np.float32).ravel()[: self.n_docs_]

    def search(self, text: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and scores of the ``k`` most similar documents."""
        return top_k(self.scores(text), k)
