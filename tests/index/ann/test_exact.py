from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from matcher.index.ann import ExactIndex

Unit = Callable[[int, int, int], np.ndarray]


def test_search_returns_ids_not_rows(unit_vectors: Unit) -> None:
    m = unit_vectors(50, 8, 0)
    index = ExactIndex(m, ids=np.arange(50) + 1000)
    ids, scores = index.search(m[3], 3)
    assert ids[0] == 1003 and scores[0] == pytest.approx(1.0, abs=1e-6)
    assert ids.tolist() == (np.argsort(-(m @ m[3]))[:3] + 1000).tolist()


def test_add_replaces_and_remove_drops(unit_vectors: Unit) -> None:
    m = unit_vectors(20, 8, 1)
    index = ExactIndex(m[:10])
    index.add(np.array([10, 11]), m[10:12])
    assert len(index) == 12 and np.allclose(index.vectors_for(np.array([11, 0])), m[[11, 0]])
    index.add(np.array([0]), m[15:16])  # id 0 now holds another vector
    assert len(index) == 12 and np.allclose(index.vectors_for(np.array([0])), m[15:16])
    index.remove(np.array([5, 99]))
    assert len(index) == 11 and 5 not in index.search(m[5], 11)[0]
    with pytest.raises(KeyError):
        index.vectors_for(np.array([5]))
    assert np.allclose(index.scores_for(m[3], np.array([3, 11])), m[[3, 11]] @ m[3], atol=1e-6)


def test_save_and_load_memory_maps(tmp_path: Path, unit_vectors: Unit) -> None:
    m = unit_vectors(30, 8, 2)
    ExactIndex(m, ids=np.arange(30) * 2).save(tmp_path)
    back = ExactIndex.load(tmp_path)
    assert isinstance(back.matrix, np.memmap)
    assert back.search(m[4], 2)[0][0] == 8
    back.add(np.array([1]), m[:1])  # a memory map is copied before it grows
    assert len(back) == 31 and back.search(m[0], 2)[0].tolist() in ([0, 1], [1, 0])


def test_empty_index_answers_nothing() -> None:
    index = ExactIndex(np.zeros((0, 4), np.float32))
    assert len(index.search(np.ones(4, np.float32), 5)[0]) == 0
    assert len(index.scores_for(np.ones(4, np.float32), np.zeros(0, np.int64))) == 0


def test_an_index_pickled_before_ids_still_searches(unit_vectors: Unit) -> None:
    m = unit_vectors(10, 4, 3)
    old = ExactIndex.__new__(ExactIndex)
    old.__setstate__({"matrix": m})
    assert old.search(m[6], 1)[0].tolist() == [6] and len(old) == 10
