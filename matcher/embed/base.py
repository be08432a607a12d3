"""The embedding interface: passages (documents) and queries, L2-normalised float32 vectors."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np


class Embedder(ABC):
    """A text embedding model.

    Subclasses return L2-normalised ``float32`` rows so a dot product is a cosine similarity.
    """

    #: Stable name of the model; part of every cache key.
    name: str
    #: Vector dimension.
    dim: int

    @abstractmethod
    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed documents; returns an array of shape ``(len(texts), dim)``."""

    @abstractmethod
    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed search queries; returns an array of shape ``(len(texts), dim)``."""

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one query; returns a vector of shape ``(dim,)``."""
        return self.embed_queries([text])[0]


def normalise(matrix: np.ndarray) -> np.ndarray:
    """Scale rows to unit length (zero rows stay zero)."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)
