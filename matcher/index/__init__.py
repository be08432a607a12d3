"""Index: exact vector search, lexical search, and building both from the store."""

from .build import MatchIndex, build_index, load_index, save_index
from .corpus import Corpus, ProcurementDoc, SupplierDoc, load_corpus
from .lexical import LexicalIndex
from .vectors import ExactIndex, VectorIndex, top_k

__all__ = [
    "Corpus", "ExactIndex", "LexicalIndex", "MatchIndex", "ProcurementDoc", "SupplierDoc",
    "VectorIndex", "build_index", "load_corpus", "load_index", "save_index", "top_k",
]  # fmt: skip
