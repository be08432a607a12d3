"""Vector search backends behind one interface (:class:`VectorIndex`): exact, in-process HNSW
(faiss over float16 vectors, or hnswlib) and PostgreSQL + pgvector, picked by ``Settings.vector_backend``."""

from .base import HnswParams, VectorIndex, top_k
from .exact import ExactIndex
from .factory import choose_backend, load_vector_index, make_vector_index
from .hnsw import HnswIndex
from .hnsw_fp16 import Fp16HnswIndex
from .pgvector import PgVectorIndex
from .recall import ann_recall, recall_at_k

__all__ = [
    "ExactIndex", "Fp16HnswIndex", "HnswIndex", "HnswParams", "PgVectorIndex", "VectorIndex", "ann_recall",
    "choose_backend", "load_vector_index", "make_vector_index", "recall_at_k", "top_k",
]  # fmt: skip
