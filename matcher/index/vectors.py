"""Vector search behind an interface: callers ask for the top k, or for the scores or vectors of
given ids, never for a score of every row, so an ANN backend can replace exact search.

The backends live in :mod:`matcher.index.ann`; this module keeps the names older callers
import.
"""

from __future__ import annotations

from .ann import ExactIndex, HnswIndex, PgVectorIndex, VectorIndex, top_k
from .ann.factory import load_vector_index, make_vector_index, update_vector_index

__all__ = [
    "ExactIndex", "HnswIndex", "PgVectorIndex", "VectorIndex", "load_vector_index",
    "make_vector_index", "top_k", "update_vector_index",
]  # fmt: skip
