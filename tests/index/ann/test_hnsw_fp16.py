from __future__ import annotations

import pickle
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import joblib
import numpy as np
import pytest

from matcher.index.ann import ExactIndex, Fp16HnswIndex, HnswParams, ann_recall

Unit = Callable[[int, int, int], np.ndarray]
#: float16 keeps about 3 decimal digits: a unit vector's entries and inner products stay
#: within this of the float32 ones.
_HALF = 2e-3


@pytest.fixture
def index(data: tuple[np.ndarray, np.ndarray]) -> Fp16HnswIndex:
    out = Fp16HnswIndex(32, HnswParams(m=16, ef_construction=64, ef_search=128))
    out.add(np.arange(3000), data[0])
    return out


def test_recall_scores_and_one_half_precision_copy(
    index: Fp16HnswIndex, data: tuple[np.ndarray, np.ndarray]
) -> None:
    m, q = data
    assert ann_recall(index, ExactIndex(m), q, 50) >= 0.9
    ids, scores = index.search(q[0], 10)
    assert np.all(np.diff(scores) <= 1e-6)
    np.testing.assert_allclose(scores, m[ids] @ q[0], atol=_HALF)  # similarities
    np.testing.assert_allclose(index.vectors_for(np.array([7, 3])), m[[7, 3]], atol=_HALF)
    # The vectors read back are the graph's own storage: 2 bytes a number, no second matrix.
    assert index._codes().nbytes == 3000 * 32 * 2 and not index._codes().flags.owndata
    np.testing.assert_array_equal(index.scores_for(q[0], ids), index.vectors_for(ids) @ q[0])


def test_remove_and_replace_leave_dead_slots_that_searches_skip(
    index: Fp16HnswIndex, data: tuple[np.ndarray, np.ndarray]
) -> None:
    m, _ = data
    index.remove(np.array([7, 123_456]))
    assert len(index) == 2999 and 7 not in index.search(m[7], 20)[0]
    with pytest.raises(KeyError):
        index.vectors_for(np.array([7]))
    index.add(np.array([3]), m[7:8])  # replaces id 3: its old vector's slot dies
    assert len(index) == 2999 and index.search(m[7], 1)[0].tolist() == [3]
    assert index.search(m[3], 1)[0].tolist() != [3]
    assert index.dead_share() == pytest.approx(2 / 3001)
    everything = index.search(m[0], 5000)[0]  # k above the size: live ids only, each once
    assert 2900 <= len(set(everything.tolist())) == len(everything) <= 2999
    assert 7 not in everything


def test_the_dead_share_after_an_update_is_known_before_it(
    index: Fp16HnswIndex, data: tuple[np.ndarray, np.ndarray]
) -> None:
    m, _ = data
    index.remove(np.array([7]))
    # Ids 5 and 3 (live) replaced, 7 (dead) added again, ids from 2990 on removed: 2 + 10 more
    # dead slots, 3,003 slots in all.
    predicted = index.dead_share_after(np.array([5, 3, 7]), 2990)
    index.add(np.array([5, 3, 7]), m[:3])
    index.remove(np.arange(2990, 3000))
    assert predicted == pytest.approx(index.dead_share()) == pytest.approx(13 / 3003)


def test_the_last_vector_given_for_an_id_wins(unit_vectors: Unit) -> None:
    m = unit_vectors(5, 8, 4)
    index = Fp16HnswIndex(8)
    index.add(np.array([0, 1, 0]), m[:3])
    assert len(index) == 2 and index.dead_share() == 0
    np.testing.assert_allclose(index.vectors_for(np.array([0])), m[2:3], atol=_HALF)


def test_save_load_pickle_and_memory_mapped_load(
    index: Fp16HnswIndex, data: tuple[np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    m, q = data
    index.remove(np.array([11]))
    index.save(tmp_path)
    back = Fp16HnswIndex.load(tmp_path)
    assert back.params == index.params and len(back) == 2999
    assert back.search(q[0], 5)[0].tolist() == index.search(q[0], 5)[0].tolist()
    assert 11 not in back.search(m[11], 10)[0]
    back.add(np.array([5000, 11]), m[:2])  # past the largest id so far; revives id 11
    assert len(back) == 3001 and back.search(m[1], 1)[0].tolist() in ([11], [1])
    copy = pickle.loads(pickle.dumps(index))
    assert copy.search(q[1], 5)[0].tolist() == index.search(q[1], 5)[0].tolist()
    # Inside a joblib pickle loaded memory-mapped (a server, an incremental build's previous
    # build) the slot maps are read-only: changing the index copies them, the file stays.
    joblib.dump(index, tmp_path / "index.joblib")
    mapped = joblib.load(tmp_path / "index.joblib", mmap_mode="r")
    # Read in place: the graph's vectors are the file's mapped bytes, not a copy.
    buffer = mapped._mapped
    assert isinstance(buffer, np.memmap) and not buffer.flags.writeable
    start = buffer.__array_interface__["data"][0]
    codes_at = mapped._codes().__array_interface__["data"][0]
    assert start <= codes_at < start + buffer.size
    for v in q[:5]:
        assert mapped.search(v, 10)[0].tolist() == index.search(v, 10)[0].tolist()
    rows = np.arange(12, 60)  # 11 was removed above
    assert np.array_equal(mapped.vectors_for(rows), index.vectors_for(rows))
    again = pickle.loads(pickle.dumps(mapped))  # a mapped graph pickles as its own bytes
    assert again._mapped is None and again.search(q[2], 5)[0].tolist() == index.search(q[2], 5)[0].tolist()
    mapped.remove(np.array([12]))
    mapped.add(np.array([13]), m[14:15])
    assert 12 not in mapped.search(m[12], 10)[0] and mapped.search(m[14], 2)[0].tolist() in ([13, 14], [14, 13])
    assert mapped._mapped is None  # changed: it owns a copy now
    assert 12 in joblib.load(tmp_path / "index.joblib").search(m[12], 1)[0]


def test_threads_search_an_index_with_dead_slots_alike(
    index: Fp16HnswIndex, data: tuple[np.ndarray, np.ndarray]
) -> None:
    m, q = data
    index.remove(np.arange(0, 3000, 3))  # a third dead: every search goes through the filter
    alone = [index.search(v, 10)[0].tolist() for v in q]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda v: index.search(v, 10)[0].tolist(), list(q) * 5))
    assert together == alone * 5
    assert all(i % 3 for ids in alone for i in ids)


def test_an_empty_index_searches_saves_and_pickles(tmp_path: Path) -> None:
    empty = Fp16HnswIndex(8)
    assert len(empty) == 0 and empty.search(np.ones(8, np.float32), 5)[0].tolist() == []
    assert empty.vectors_for(np.array([], np.int64)).shape == (0, 8)
    empty.save(tmp_path)
    for back in (Fp16HnswIndex.load(tmp_path), pickle.loads(pickle.dumps(empty))):
        assert len(back) == 0 and back.search(np.ones(8, np.float32), 5)[0].tolist() == []
        back.add(np.array([2]), np.eye(8, dtype=np.float32)[:1])
        assert back.search(np.eye(8, dtype=np.float32)[0], 1)[0].tolist() == [2]
