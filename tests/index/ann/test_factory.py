from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from matcher.index.ann import ExactIndex, HnswIndex, PgVectorIndex, choose_backend
from matcher.index.ann.factory import load_vector_index, make_vector_index
from matcher.settings import Settings

Unit = Callable[[int, int, int], np.ndarray]


def _settings(tmp_path: Path, **kw: object) -> Settings:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    return Settings(database_url=url, index_dir=tmp_path, **kw)  # type: ignore[arg-type]


def test_auto_is_exact_when_small_and_hnsw_when_large(tmp_path: Path) -> None:
    s = _settings(tmp_path, vector_exact_max=100)
    assert choose_backend(s, 100) == "exact" and choose_backend(s, 101) == "hnsw"
    assert choose_backend(_settings(tmp_path, vector_backend="hnsw"), 5) == "hnsw"
    # A PostgreSQL that does not answer (or lacks pgvector) keeps the vectors in process.
    pg = _settings(tmp_path, vector_database_url="postgresql+psycopg://x@127.0.0.1:1/none")
    assert choose_backend(pg, 5) == "exact"


@pytest.mark.parametrize(("backend", "cls"), [("exact", ExactIndex), ("hnsw", HnswIndex)])
def test_make_save_load_round_trip(
    tmp_path: Path, backend: str, cls: type, unit_vectors: Unit
) -> None:
    s = _settings(tmp_path, vector_backend=backend)
    m = unit_vectors(200, 16, 0)
    index = make_vector_index(s, "procurements", m)
    assert isinstance(index, cls) and len(index) == 200
    index.save(tmp_path / "v")
    back = load_vector_index(tmp_path / "v", s)
    assert isinstance(back, cls) and back.search(m[9], 1)[0].tolist() == [9]


def test_pgvector_chosen_by_auto_and_reloaded(
    tmp_path: Path, pgvector_url: str, unit_vectors: Unit
) -> None:
    s = _settings(tmp_path, vector_database_url=pgvector_url)
    m = unit_vectors(300, 16, 0)
    index = make_vector_index(s, "factory_test", m)
    assert isinstance(index, PgVectorIndex) and len(index) == 300
    rebuilt = make_vector_index(s, "factory_test", m[:100])  # a rebuild replaces the table
    assert len(rebuilt) == 100 and len(index) == 100
    rebuilt.save(tmp_path / "v")
    back = load_vector_index(tmp_path / "v", s)
    assert isinstance(back, PgVectorIndex) and back.search(m[42], 1)[0].tolist() == [42]
    back.drop()
