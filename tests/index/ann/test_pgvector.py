from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from matcher.index.ann import ExactIndex, HnswParams, ann_recall
from matcher.index.ann.pgvector import PgVectorIndex, is_postgres_url, psycopg_dsn

Unit = Callable[[int, int, int], np.ndarray]


@pytest.fixture
def pg_index(pgvector_url: str, request: pytest.FixtureRequest) -> PgVectorIndex:
    index = PgVectorIndex(pgvector_url, f"t_{request.node.name[:40].lower()}", 32,
                          HnswParams(m=16, ef_construction=64, ef_search=100))  # fmt: skip
    index.drop()
    index = PgVectorIndex(index.url, index.name, 32, index.params)
    request.addfinalizer(index.drop)
    return index


def test_urls() -> None:
    assert is_postgres_url("postgresql+psycopg://u@h/db") and not is_postgres_url("sqlite:///x")
    assert psycopg_dsn("postgresql+psycopg://u@h:5/db") == "postgresql://u@h:5/db"


def test_search_add_remove_and_vectors_round_trip(
    pg_index: PgVectorIndex, unit_vectors: Unit
) -> None:
    m = unit_vectors(300, 32, 0)
    ids = np.arange(300, dtype=np.int64) * 3  # ids need not be dense
    pg_index.add(ids, m)
    assert len(pg_index) == 300
    got, scores = pg_index.search(m[7], 5)
    assert got[0] == 21 and scores[0] == pytest.approx(1.0, abs=1e-5)
    assert np.all(np.diff(scores) <= 1e-6)  # best first
    assert np.allclose(pg_index.vectors_for(np.array([21, 0])), m[[7, 0]], atol=1e-6)
    assert np.allclose(pg_index.scores_for(m[7], np.array([21, 3])), m[[7, 1]] @ m[7], atol=1e-5)
    pg_index.remove(np.array([21, 99_999]))
    assert len(pg_index) == 299 and 21 not in pg_index.search(m[7], 10)[0]
    pg_index.add(np.array([3]), m[7:8])  # replaces id 3's vector
    assert pg_index.search(m[7], 1)[0].tolist() == [3]
    with pytest.raises(KeyError):
        pg_index.vectors_for(np.array([21]))


def test_recall_against_exact_and_reload(
    pg_index: PgVectorIndex, tmp_path: Path, unit_vectors: Unit
) -> None:
    m, q = unit_vectors(2000, 32, 1), unit_vectors(30, 32, 2)
    pg_index.add(np.arange(2000), m)
    assert ann_recall(pg_index, ExactIndex(m), q, 20) >= 0.9
    pg_index.save(tmp_path)
    again = PgVectorIndex.load(tmp_path, pg_index.url)
    assert again.params == pg_index.params and len(again) == 2000
    assert again.search(q[0], 3)[0].tolist() == pg_index.search(q[0], 3)[0].tolist()


def test_build_with_no_vectors(pgvector_url: str) -> None:
    # A corpus without supplier profiles builds an empty profile table, searched as empty.
    index = PgVectorIndex.build(pgvector_url, "t_empty_build", np.zeros(0, np.int64),
                                np.zeros((0, 32), np.float32))  # fmt: skip
    try:
        assert index.dim == 32 and len(index) == 0
        assert index.search(np.ones(32, np.float32), 5)[0].tolist() == []
        index.add(np.zeros(0, np.int64), np.zeros((0, 32), np.float32))
    finally:
        index.drop()
