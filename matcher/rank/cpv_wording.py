"""The need's wording as evidence of its CPV code: a character n-gram classifier, and votes of the
contracts nearest by wording.

Both read the text itself rather than its vector. On the validation cut they corrected what the
embedding parts miss (trade words and compounds the small embedding model blurs): added to the
mix they raised the true division's top-5 share from 0.894 to 0.912 (``evaluate.cpv_tune``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from .context import Neighbours
from .cpv_parts import LevelScores, level_marginals, vote_shares

__all__ = ["WordingClassifier", "wording_votes"]


class WordingClassifier:
    """Logistic regression from a text's character n-grams to its CPV prefix, per level.

    Args:
        c: Inverse regularisation strength (n-gram TF-IDF is sparse and wide: weak penalty).
        levels: Prefix lengths with a classifier (2: divisions; groups have too few examples
            each to beat the embedding parts).
    """

    def __init__(self, c: float = 10.0, levels: Sequence[int] = (2,)) -> None:
        self.c = c
        self.levels = levels

    def fit(self, texts: Sequence[str], codes: Sequence[str]) -> WordingClassifier:
        """Learn from ``texts`` labelled with their main CPV code; returns ``self``."""
        # The lexical index's analyser: n-grams within words match inflected and compound forms.
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
            strip_accents="unicode", dtype=np.float32,
        )  # fmt: skip
        x = self.vectorizer_.fit_transform(texts)
        self.models_: dict[int, LogisticRegression] = {}
        for n in self.levels:
            y = np.array([c[:n] for c in codes])
            if len(set(y)) >= 2:
                self.models_[n] = LogisticRegression(C=self.c, max_iter=300).fit(x, y)
        return self

    def scores(self, text: str) -> LevelScores:
        """Prefix length -> {prefix: probability} for ``text``."""
        x = self.vectorizer_.transform([text])
        if not x.nnz:  # no n-gram seen in training: the part stays silent
            return {}
        return {
            n: dict(zip(m.classes_.tolist(), m.predict_proba(x)[0].tolist(), strict=True))
            for n, m in self.models_.items()
        }


def wording_votes(
    wording: Neighbours, row_codes: Sequence[str | None], temperature: float
) -> LevelScores:
    """Votes of the contracts nearest by wording for their main code, each weighing
    ``exp((score - best) / temperature)``, summed per prefix at every level."""
    rows, scores = wording
    if not len(rows):
        return {}
    w = np.exp((scores - scores[0]) / temperature)
    return level_marginals(vote_shares([row_codes[int(r)] for r in rows], w))
