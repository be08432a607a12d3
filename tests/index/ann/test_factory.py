from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from matcher.index.ann import ExactIndex, Fp16HnswIndex, HnswIndex, PgVectorIndex, choose_backend
from matcher.index.ann.factory import load_vector_index, make_vector_index, update_vector_index
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


_LIBRARIES = [("faiss", Fp16HnswIndex), ("hnswlib", HnswIndex)]


@pytest.mark.parametrize(("backend", "library", "cls"), [
    ("exact", "faiss", ExactIndex), ("hnsw", "faiss", Fp16HnswIndex), ("hnsw", "hnswlib", HnswIndex)])
def test_make_save_load_round_trip(
    tmp_path: Path, backend: str, library: str, cls: type, unit_vectors: Unit
) -> None:
    s = _settings(tmp_path, vector_backend=backend, hnsw_library=library)
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


@pytest.mark.parametrize(("library", "cls"), _LIBRARIES)
def test_update_takes_the_previous_graph_when_rows_kept_their_ids(
    tmp_path: Path, library: str, cls: type, unit_vectors: Unit
) -> None:
    s = _settings(tmp_path, vector_backend="hnsw", hnsw_library=library)
    m = unit_vectors(300, 16, 1)
    previous = make_vector_index(s, "procurements", m[:250])
    # Rows 0..249 kept (row 7's text changed), 50 new rows appended.
    reused = np.r_[np.arange(250), np.full(50, -1)].astype(np.int64)
    reused[7] = -1
    new = m.copy()
    new[7] = m[299]
    updated, kept = update_vector_index(s, "procurements", new, previous, reused)
    assert kept and updated is previous and isinstance(updated, cls) and len(updated) == 300
    # hnswlib keeps float32 bit for bit, faiss float16.
    atol = 2e-3 if library == "faiss" else 0
    np.testing.assert_allclose(updated.vectors_for(np.arange(300)), new, atol=atol, rtol=0)
    for row in (3, 7, 260, 299):
        rows = updated.search(new[row], 2)[0].tolist()
        assert row in rows  # rows 7 and 299 hold the same vector now
    # Fewer rows than before: the ones past the end are removed. A faiss graph would keep a
    # third of its slots dead (over MAX_DEAD_SHARE): it is built afresh instead.
    shrunk, kept = update_vector_index(s, "procurements", new[:200], updated,
                                       np.arange(200, dtype=np.int64))  # fmt: skip
    assert kept == (library == "hnswlib") and len(shrunk) == 200 and isinstance(shrunk, cls)
    assert shrunk.search(new[250], 5)[0].max() < 200


def test_update_builds_afresh_when_rows_moved_or_the_backend_changed(
    tmp_path: Path, unit_vectors: Unit
) -> None:
    s = _settings(tmp_path, vector_backend="hnsw")
    m = unit_vectors(100, 16, 2)
    previous = make_vector_index(s, "procurements", m)
    moved = np.r_[np.arange(1, 100), 0].astype(np.int64)
    fresh, kept = update_vector_index(s, "procurements", m[moved], previous, moved)
    assert not kept and fresh is not previous and fresh.search(m[0], 1)[0].tolist() == [99]
    exact, kept = update_vector_index(_settings(tmp_path, vector_backend="exact"), "procurements",
                                      m, previous, np.arange(100, dtype=np.int64))  # fmt: skip
    assert not kept and isinstance(exact, ExactIndex)


@pytest.mark.parametrize(("library", "cls"), _LIBRARIES)
def test_update_keeps_the_graph_when_only_ef_search_changed(
    tmp_path: Path, library: str, cls: type, unit_vectors: Unit
) -> None:
    m = unit_vectors(120, 16, 3)
    hnsw = {"vector_backend": "hnsw", "hnsw_library": library}
    previous = make_vector_index(_settings(tmp_path, **hnsw), "procurements", m)
    s = _settings(tmp_path, **hnsw, hnsw_ef_search=50)
    updated, kept = update_vector_index(s, "procurements", m, previous, np.arange(120, dtype=np.int64))
    assert kept and isinstance(updated, cls) and updated.params.ef_search == 50
    # The other library's graph is not taken.
    switched = {**hnsw, "hnsw_library": "hnswlib" if library == "faiss" else "faiss"}
    _, kept = update_vector_index(_settings(tmp_path, **switched), "procurements", m, updated,
                                  np.arange(120, dtype=np.int64))  # fmt: skip
    assert not kept
    other = _settings(tmp_path, **hnsw, hnsw_m=8)
    _, kept = update_vector_index(other, "procurements", m, updated, np.arange(120, dtype=np.int64))
    assert not kept  # another graph parameter: a new graph
