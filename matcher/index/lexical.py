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
        # rows and sums them, instead of a sparse-by-sparse product over every document.
        self.by_term_ = sparse.csr_matrix(matrix.T)
        return self

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
