"""Parts of a built index for evaluation: its contracts before a date, or its vectors
re-indexed by another backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np

from ..exceptions import InvalidInputError
from ..settings import Settings
from .build import MatchIndex, matrix_of
from .corpus import Corpus
from .lexical import LexicalIndex
from .vectors import ExactIndex, make_vector_index

__all__ = ["index_before", "with_vector_backend"]


def index_before(index: MatchIndex, before: date, include_undated: bool = False) -> MatchIndex:
    """The index restricted to contracts dated strictly before ``before``.

    Undated contracts are left out unless ``include_undated``: nothing shows they came before
    the queries, so including them may leak the future (reported apart, never by default).
    """
    rows = [
        i
        for i, p in enumerate(index.corpus.procurements)
        if (p.date and p.date < before) or (include_undated and p.date is None)
    ]
    procs = [index.corpus.procurements[i] for i in rows]
    vectors = index.procurement_vectors.vectors_for(np.array(rows, dtype=np.int64))
    return replace(
        index,
        # Purchase history is left out too: it is not dated per pair, so it could leak the future.
        corpus=Corpus(procs, index.corpus.suppliers),
        procurement_vectors=ExactIndex(vectors),
        lexical=LexicalIndex().fit([p.text for p in procs]),
    )


def with_vector_backend(index: MatchIndex, settings: Settings) -> MatchIndex:
    """``index`` with its contract vectors indexed by ``settings.vector_backend`` (``exact`` or
    ``hnsw``, in process): the evaluation's training side is cut from the built index with exact
    search, and this measures the ANN backend's ranking against it on the same split."""
    if settings.vector_backend not in ("exact", "hnsw"):
        raise InvalidInputError("the evaluation compares the in-process backends: exact or hnsw")
    vectors = matrix_of(index.procurement_vectors)
    return replace(index, procurement_vectors=make_vector_index(settings, "procurements", vectors))
