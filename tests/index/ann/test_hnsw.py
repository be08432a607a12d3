from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import joblib
import numpy as np
import pytest

from matcher.index.ann import ExactIndex, HnswIndex, HnswParams, ann_recall

Unit = Callable[[int, int, int], np.ndarray]


@pytest.fixture
def index(data: tuple[np.ndarray, np.ndarray]) -> HnswIndex:
    out = HnswIndex(32, HnswParams(m=16, ef_construction=64, ef_search=128))
    out.add(np.arange(3000), data[0])
    return out


def test_recall_against_exact(index: HnswIndex, data: tuple[np.ndarray, np.ndarray]) -> None:
    m, q = data
    assert ann_recall(index, ExactIndex(m), q, 50) >= 0.9
    ids, scores = index.search(q[0], 10)
    assert np.all(np.diff(scores) <= 1e-6)
    assert np.allclose(scores, m[ids] @ q[0], atol=1e-5)  # scores are similarities


def test_add_remove_and_vectors(index: HnswIndex, data: tuple[np.ndarray, np.ndarray]) -> None:
    m, _ = data
    assert np.allclose(index.vectors_for(np.array([7, 3])), m[[7, 3]])
    index.remove(np.array([7, 123_456]))
    assert len(index) == 2999 and 7 not in index.search(m[7], 20)[0]
    with pytest.raises(KeyError):
        index.vectors_for(np.array([7]))
    index.add(np.array([3]), m[7:8])  # replaces id 3
    assert len(index) == 2999 and index.search(m[7], 1)[0].tolist() == [3]
    everything = index.search(m[0], 5000)[0]  # k above the size: what the graph reaches
    assert 2900 <= len(set(everything.tolist())) == len(everything) <= 2999


def test_save_load_and_pickle(index: HnswIndex, data: tuple[np.ndarray, np.ndarray],
                              tmp_path: Path) -> None:  # fmt: skip
    m, q = data
    index.save(tmp_path)
    index.remove(np.array([11]))
    index.save(tmp_path)  # saved again over the first: the removal is kept
    back = HnswIndex.load(tmp_path)
    assert back.params == index.params and len(back) == 2999
    assert back.search(q[0], 5)[0].tolist() == index.search(q[0], 5)[0].tolist()
    assert 11 not in back.search(m[11], 10)[0]
    back.add(np.array([5000, 11]), m[:2])  # grows past its capacity, revives id 11
    assert len(back) == 3001 and back.search(m[1], 1)[0].tolist() in ([11], [1])
    again = pickle.loads(pickle.dumps(index))
    assert again.search(q[1], 5)[0].tolist() == index.search(q[1], 5)[0].tolist()


def test_vectors_come_from_the_matrix_exactly(index: HnswIndex,
                                              data: tuple[np.ndarray, np.ndarray]) -> None:  # fmt: skip
    m, q = data
    ids = np.array([2999, 0, 17, 17])
    assert np.array_equal(index.vectors_for(ids), m[ids])  # bit for bit, what was added
    assert np.array_equal(index.scores_for(q[0], ids), m[ids] @ q[0])
    index.add(np.array([17]), m[:1])
    assert np.array_equal(index.vectors_for(np.array([17])), m[:1])


def test_saved_matrix_is_mapped_and_written_on_copy(index: HnswIndex, data: tuple[np.ndarray, np.ndarray],
                                                    tmp_path: Path) -> None:  # fmt: skip
    m, _ = data
    index.save(tmp_path)
    back = HnswIndex.load(tmp_path)
    assert isinstance(back._vectors, np.memmap) and not back._vectors.flags.writeable
    back.add(np.array([5]), m[6:7])  # a mapped matrix is copied before it is written
    assert np.array_equal(back.vectors_for(np.array([5, 6])), m[[6, 6]])
    assert np.array_equal(np.load(tmp_path / "vectors.npy")[5], m[5])  # the file is untouched


def test_index_pickled_before_the_matrix_reads_the_graph(index: HnswIndex,
                                                         data: tuple[np.ndarray, np.ndarray]) -> None:  # fmt: skip
    m, q = data
    index.remove(np.array([4]))
    old = pickle.dumps(index)
    state = pickle.loads(old).__dict__
    del state["_vectors"], state["_n"]
    legacy = HnswIndex.__new__(HnswIndex)
    legacy.__setstate__(state)
    assert len(legacy) == 2999
    assert np.array_equal(legacy.vectors_for(np.array([3, 5])), m[[3, 5]])
    assert legacy.search(q[0], 5)[0].tolist() == index.search(q[0], 5)[0].tolist()


def test_an_index_loaded_memory_mapped_can_be_changed(tmp_path: Path) -> None:
    m = np.random.default_rng(5).normal(size=(60, 32)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    index = HnswIndex(32, HnswParams(m=16, ef_construction=64, ef_search=128))
    index.add(np.arange(50), m[:50])
    joblib.dump(index, tmp_path / "i.joblib")
    mapped = joblib.load(tmp_path / "i.joblib", mmap_mode="r")  # as an incremental build loads it
    assert not mapped._alive.flags.writeable or not mapped._vectors.flags.writeable
    mapped.add(np.array([3]), m[55:56])  # a changed row: no growth
    mapped.remove(np.array([7]))
    mapped.add(np.arange(50, 60), m[50:])
    assert len(mapped) == 59 and mapped.search(m[55], 1)[0].tolist() in ([3], [55])
    np.testing.assert_array_equal(mapped.vectors_for(np.array([3])), m[55:56])
