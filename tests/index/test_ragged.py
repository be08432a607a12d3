"""Grouping in first-seen order (what a loop building dicts and Counters would give), and the
flat list columns."""

from __future__ import annotations

import gc
from collections import Counter, defaultdict

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from matcher.index.ragged import (
    Ragged,
    factorize,
    group_counts,
    group_lists,
    group_unique,
    pair_sums,
    paused_gc,
)

KEYS = np.array([5, 3, 5, 9, 3, 5], np.int64)
VALUES = np.array([1, 2, 2, 7, 2, 1], np.int64)


def test_factorize_numbers_keys_as_first_seen() -> None:
    codes, uniques = factorize(KEYS)
    assert codes.tolist() == [0, 1, 0, 2, 1, 0] and uniques.tolist() == [5, 3, 9]


def _loop_factorize(keys: list[int]) -> tuple[list[int], list[int]]:
    seen: dict[int, int] = {}
    return [seen.setdefault(k, len(seen)) for k in keys], list(seen)


@given(st.lists(st.integers(-5, 40), max_size=60), st.sampled_from([np.int64, np.int32, np.int16]))
def test_factorize_of_a_narrow_range_is_a_loops_numbering(keys: list[int], dtype: type) -> None:
    arr = np.array(keys, dtype=dtype)
    codes, uniques = factorize(arr)
    assert (codes.tolist(), uniques.tolist()) == _loop_factorize(keys)
    assert uniques.dtype == arr.dtype and codes.dtype == np.int64


@given(st.lists(st.sampled_from([-(2**62), -7, 0, 3, 2**40, 2**62]), max_size=40))
def test_factorize_of_a_wide_range_sorts_and_agrees(keys: list[int]) -> None:
    codes, uniques = factorize(np.array(keys, dtype=np.int64))
    assert (codes.tolist(), uniques.tolist()) == _loop_factorize(keys)


def test_factorize_of_unsigned_and_text_keys() -> None:
    codes, uniques = factorize(np.array([7, 2, 7, 0], np.uint64))
    assert codes.tolist() == [0, 1, 0, 2] and uniques.tolist() == [7, 2, 0] and uniques.dtype == np.uint64
    big = np.array([2**64 - 1, 2**64 - 3, 2**64 - 1], np.uint64)  # past int64, in a narrow range
    codes, uniques = factorize(big)
    assert codes.tolist() == [0, 1, 0] and uniques.tolist() == [2**64 - 1, 2**64 - 3]
    edges = np.array([32767, -32768, 32767], np.int16)  # the offset overflows int16
    assert factorize(edges)[1].tolist() == [32767, -32768]
    codes, uniques = factorize(np.array(["b", "a", "b"]))
    assert codes.tolist() == [0, 1, 0] and uniques.tolist() == ["b", "a"]


def test_groups_as_a_loop() -> None:
    lists: dict[int, list[int]] = defaultdict(list)
    counts: dict[int, Counter[int]] = defaultdict(Counter)
    for k, v in zip(KEYS.tolist(), VALUES.tolist(), strict=True):
        lists[k].append(v)
        counts[k][v] += 1
    assert group_lists(KEYS, VALUES) == list(lists.items())
    assert group_unique(KEYS, VALUES) == [(5, [1, 2]), (3, [2]), (9, [7])]
    got = group_counts(KEYS, VALUES)
    assert [(k, list(c.items())) for k, c in got] == [(k, list(c.items())) for k, c in counts.items()]
    assert all(type(k) is int and all(type(v) is int for v in c) for k, c in got)


def test_pair_sums_keep_zero_weights_and_row_order() -> None:
    a, b = np.array([3, 4, 3, 3]), np.array([45, 45, 77, 45])
    assert list(pair_sums(a, b, np.array([2, 0, 1, 5])).items()) == [
        ((3, 45), 7), ((4, 45), 0), ((3, 77), 1)]  # fmt: skip


def test_empty_inputs() -> None:
    none = np.zeros(0, np.int64)
    assert group_lists(none, none) == group_unique(none, none) == group_counts(none, none) == []
    assert pair_sums(none, none, none) == {}
    empty = Ragged(none, np.zeros(1, np.int64))
    assert len(empty) == 0 and empty.first().tolist() == [] and empty.owners().tolist() == []


def test_ragged_rows() -> None:
    r = Ragged(np.array([10, 11, 12, 13], np.int64), np.array([0, 2, 2, 4], np.int64))
    assert len(r) == 3 and r.row(0).tolist() == [10, 11] and r.row(1).tolist() == []
    assert r.lengths().tolist() == [2, 0, 2] and r.owners().tolist() == [0, 0, 2, 2]
    assert r.first().tolist() == [10, -1, 12]
    at, values = r.expand(np.array([2, 0, 2, 1]))
    assert at.tolist() == [0, 0, 1, 1, 2, 2] and values.tolist() == [12, 13, 10, 11, 12, 13]


def test_paused_gc_restores_the_collector_after_overlapping_blocks() -> None:
    assert gc.isenabled()
    first, second = paused_gc(), paused_gc()
    first.__enter__()
    second.__enter__()  # another thread's fit begins inside the first
    assert not gc.isenabled()
    first.__exit__(None, None, None)  # the first ends: the second still runs
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
