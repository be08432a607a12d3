"""List columns as flat arrays, and grouping in first-seen order, for fits that read whole columns.

A fit that looped over every procurement built its dicts and counters in the order it met their
keys, and :meth:`collections.Counter.most_common` breaks ties by that order. The helpers here
group with NumPy and keep it: keys in the order of their first occurrence, and within a key its
values in the order they occur, so the learned state equals the loop's, order included.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Ragged", "factorize", "paused_gc", "first_index", "group_counts", "group_lists", "group_unique",
           "pair_codes", "pair_sums"]  # fmt: skip


@dataclass(frozen=True)
class Ragged:
    """A list column: row ``i`` holds ``values[offsets[i]:offsets[i + 1]]``."""

    #: The rows' values, one after the other.
    values: np.ndarray
    #: ``n + 1`` offsets into ``values`` (int64).
    offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def row(self, i: int) -> np.ndarray:
        """Row ``i``'s values."""
        return self.values[int(self.offsets[i]) : int(self.offsets[i + 1])]  # type: ignore[no-any-return]

    def lengths(self) -> np.ndarray:
        """How many values each row holds."""
        return np.diff(self.offsets)

    def owners(self) -> np.ndarray:
        """The row of each value (as long as ``values``)."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.lengths())

    def first(self, missing: int = -1) -> np.ndarray:
        """Each row's first value, ``missing`` where the row is empty."""
        out = np.full(len(self), missing, dtype=self.values.dtype)
        has = self.lengths() > 0
        out[has] = self.values[self.offsets[:-1][has]]
        return out

    def expand(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each of ``rows`` in turn, each of that row's values: (position in ``rows``, value)."""
        lens = self.lengths()[rows]
        which = np.repeat(np.arange(len(rows), dtype=np.int64), lens)
        start = np.repeat(self.offsets[:-1][rows] - (np.cumsum(lens) - lens), lens)
        return which, self.values[start + np.arange(len(which), dtype=np.int64)]


#: Integer keys spanning at most this many values per key (or ``_DIRECT_MIN`` in all) are
#: numbered through a table indexed by value instead of a sort.
_DIRECT_SPAN = 4
_DIRECT_MIN = 1 << 16


def factorize(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes ``0..k-1`` numbering ``keys`` in the order each first occurs, and the distinct keys
    in that order: ``uniques[codes] == keys``."""
    if keys.dtype.kind in "iu" and len(keys):
        low, high = int(keys.min()), int(keys.max())
        if high - low < max(_DIRECT_SPAN * len(keys), _DIRECT_MIN):
            return _factorize_direct(keys, low, high)
    uniques, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    return rank[inverse.reshape(-1)], uniques[order]


def _factorize_direct(keys: np.ndarray, low: int, high: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`factorize` of integer keys in ``low..high`` through a table by value: linear in
    the keys, where a sort of a million keys took about 0.1 s and a fit makes dozens."""
    # Unsigned keys are offset in their own type (they may not fit int64), signed ones in int64
    # (the offset may not fit theirs).
    at = (keys - keys.dtype.type(low)).astype(np.int64) if keys.dtype.kind == "u" \
        else keys.astype(np.int64) - low  # fmt: skip
    first = np.full(high - low + 1, len(keys), np.int64)
    first[at[::-1]] = np.arange(len(keys) - 1, -1, -1)  # the last write is the first index
    seen = np.flatnonzero(first < len(keys))
    order = seen[np.argsort(first[seen], kind="stable")]  # values in first-seen order
    rank = np.empty(len(first), np.int64)
    rank[order] = np.arange(len(order))
    return rank[at], keys[first[order]]


def first_index(codes: np.ndarray) -> np.ndarray:
    """Where each code of :func:`factorize` first occurs (increasing, one per code)."""
    first = np.zeros(int(codes.max()) + 1 if len(codes) else 0, np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write is the first index
    return first


def pair_codes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One int64 code per ``(a[i], b[i])`` pair (equal pairs, equal codes)."""
    ca, _ = factorize(a)
    cb, ub = factorize(b)
    return ca * max(len(ub), 1) + cb


def group_lists(keys: np.ndarray, values: np.ndarray) -> list[tuple[Any, list[Any]]]:
    """``(key, its values in order)`` per distinct key, keys in first-seen order (Python
    scalars, as a loop appending to a dict of lists would have them)."""
    codes, uniques = factorize(keys)
    order = np.argsort(codes, kind="stable")
    ends = np.cumsum(np.bincount(codes, minlength=len(uniques))).tolist()
    flat = values[order].tolist()  # one conversion, then list slices: far cheaper per group
    starts = [0, *ends[:-1]] if ends else []
    return [(k, flat[a:b]) for k, a, b in zip(uniques.tolist(), starts, ends, strict=True)]


def group_unique(keys: np.ndarray, values: np.ndarray) -> list[tuple[Any, list[Any]]]:
    """As :func:`group_lists`, each value kept once (at its first occurrence under its key)."""
    first = first_index(factorize(pair_codes(keys, values))[0])
    return group_lists(keys[first], values[first])


def group_counts(keys: np.ndarray, values: np.ndarray) -> list[tuple[Any, dict[Any, int]]]:
    """``(key, {value: occurrences})`` per distinct key, keys and each key's values in
    first-seen order (a loop's ``counts[key][value] += 1``)."""
    codes, _ = factorize(pair_codes(keys, values))
    first = first_index(codes)
    n = len(first)
    counts = np.bincount(codes, minlength=n)
    grouped = group_lists(keys[first], np.arange(n, dtype=np.int64))
    vals, cnts = values[first].tolist(), counts.tolist()
    return [(k, {vals[j]: cnts[j] for j in pairs}) for k, pairs in grouped]


def pair_sums(a: np.ndarray, b: np.ndarray, weights: np.ndarray) -> dict[tuple[Any, Any], int]:
    """``{(a[i], b[i]): sum of weights}`` with the pairs in first-seen order (a loop's
    ``totals[(a, b)] += w``, which adds a pair even where its weights are all 0)."""
    codes, _ = factorize(pair_codes(a, b))
    first = first_index(codes)
    sums = np.zeros(len(first), np.int64)
    np.add.at(sums, codes, weights)
    return dict(zip(zip(a[first].tolist(), b[first].tolist(), strict=True), sums.tolist(), strict=True))


_gc_lock = threading.Lock()
_paused = 0  # blocks inside paused_gc now
_was_enabled = True  # the collector's state when the first of them began


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused for a block that builds many small containers.

    A fit makes one list, set or Counter per supplier, buyer and code (about 100k at 100k
    contracts); each 700 of them start a collection that scans the loaded index's objects too,
    which cost half of ``SupplierHistory``'s award grouping (measured). None of them form
    cycles, so nothing is left for the collector. Blocks may overlap across threads (a server
    loads a new build in the background): the collector runs again when the last one ends, if
    it ran before the first began.
    """
    global _paused, _was_enabled
    with _gc_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _gc_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
