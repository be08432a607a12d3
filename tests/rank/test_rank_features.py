"""FeatureBuilder's per-row arrays come from whole columns; they equal the loop over rows they
replaced (values, dtypes, order of the totals), for documents and for loaded columns."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from matcher.index import MatchIndex, ProcurementDoc
from matcher.rank.features import FeatureBuilder
from matcher.rank.history import SupplierHistory
from matcher.vocab.cpv import shared_level


def _loop(procs: Sequence[ProcurementDoc]) -> dict[str, Any]:
    """The arrays as the fit built them before, one row object at a time."""
    regions = {r: i for i, r in enumerate(sorted({p.region for p in procs if p.region}))}
    div = np.array([int(p.cpv[0][:2]) if p.cpv else -1 for p in procs], np.int32)
    total: Counter[tuple[int, int]] = Counter()
    for p, d in zip(procs, div.tolist(), strict=True):
        if p.buyer_id and d >= 0:
            total[(p.buyer_id, d)] += len(p.winners)
    return {
        "regions_": regions,
        "row_region_": np.array([regions.get(p.region or "", -1) for p in procs], np.int32),
        "row_div_": div,
        "row_group_": np.array([int(p.cpv[0][:3]) if p.cpv else -1 for p in procs], np.int32),
        "row_class_": np.array([int(p.cpv[0][:4]) if p.cpv else -1 for p in procs], np.int32),
        "row_buyer_": np.array([p.buyer_id or -1 for p in procs], np.int64),
        "buyer_div_total_": total,
        "row_day_": np.array([p.date.toordinal() if p.date else -1 for p in procs], np.int64),
        "row_logv_": np.array([math.log10(p.value) if p.value and p.value > 0 else np.nan
                               for p in procs], np.float64),  # fmt: skip
    }


def _assert_as_loop(b: FeatureBuilder, procs: Sequence[ProcurementDoc]) -> None:
    for name, want in _loop(procs).items():
        got = getattr(b, name)
        if isinstance(want, np.ndarray):
            assert got.dtype == want.dtype and got.shape == want.shape, name
            assert got.tobytes() == want.tobytes(), name  # bit for bit, NaN included
        else:
            assert list(got.items()) == list(want.items()), name
            assert [(type(k), type(v)) for k, v in got.items()] == [
                (type(k), type(v)) for k, v in want.items()], name  # fmt: skip
    keys = list(b.buyer_div_total_)
    assert all(type(x) is int for k in keys for x in k)  # Python ints, as the loop made them


def test_edge_cases_as_the_loop(edge_indexes: tuple[MatchIndex, MatchIndex]) -> None:
    docs, loaded = edge_indexes
    procs = docs.corpus.procurements
    for index in (docs, loaded):
        _assert_as_loop(FeatureBuilder().fit(index), procs)
    b = FeatureBuilder().fit(loaded, SupplierHistory().fit(loaded))
    # Row 2 (buyer 5) has no winner but its key is there with 0; buyer 0 (row 1) is no buyer;
    # keys in the order of the rows (not grouped by buyer).
    assert list(b.buyer_div_total_.items()) == [((3, 45), 2), ((5, 45), 0), ((4, 45), 4),
                                                ((3, 77), 1)]  # fmt: skip
    assert b.row_buyer_.tolist()[:4] == [3, -1, 5, -1] and b.row_day_[1] == -1
    assert np.isnan(b.row_logv_[[1, 3, 4]]).all() and b.row_logv_[5] == math.log10(2.5e6)
    assert b.regions_ == {"FI1B1": 0, "FR101": 1} and b.row_region_.tolist()[:2] == [0, -1]


def test_votes_read_the_winners_column(edge_indexes: tuple[MatchIndex, MatchIndex]) -> None:
    docs, loaded = edge_indexes
    neighbours = (np.array([1, 6, 2], np.int64), np.array([0.5, 1.0, 0.9], np.float32))
    votes = [FeatureBuilder().fit(i)._votes(neighbours, neighbours[1]) for i in (docs, loaded)]
    # Row 1's winner 12 twice votes twice; row 2 has none.
    assert votes[0] == votes[1] == pytest.approx({12: 1 - 0.65**2, 13: 0.7, 11: 0.7})


def test_documents_are_encoded_once_per_history(edge_indexes: tuple[MatchIndex, MatchIndex]) -> None:
    docs, _ = edge_indexes
    h = SupplierHistory().fit(docs)
    procs = docs.corpus.procurements
    assert h.columns_for(procs) is h.columns_ and "region" in h.columns_.arrays
    assert h.columns_for(list(procs)) is not h.columns_  # another sequence: its own columns
    b = FeatureBuilder().fit(docs, h)
    assert b.winners_.values is h.winners_.values


def _levels_by_loop(h: SupplierHistory, codes: list[str], ids: list[int]) -> list[int]:
    return [max((shared_level(q, c) for q in codes for c in h.cpv_.get(s, ())), default=0)
            for s in ids]  # fmt: skip


@pytest.mark.parametrize("codes", [["45233140"], ["45233200", "77310000"], ["45"], ["4523"],
                                   ["45000000"], ["99999999"], []])  # fmt: skip
def test_cpv_levels_of_many_candidates_as_a_loop_over_their_codes(
        edge_indexes: tuple[MatchIndex, MatchIndex], codes: list[str]) -> None:  # fmt: skip
    for index in edge_indexes:
        b = FeatureBuilder().fit(index)
        ids = [11, 12, 13, 14, 15, 999, 12]  # a repeat, a non-supplier, an unknown id
        ctx = SimpleNamespace(cpv=codes)
        got = b.cpv_levels(ctx, ids).tolist()  # type: ignore[arg-type]
        assert got == _levels_by_loop(b.history_, codes, ids)
    assert b.cpv_levels(ctx, []).tolist() == []  # type: ignore[arg-type]


@pytest.mark.slow
def test_cpv_levels_on_the_demo_as_a_loop(demo_index: MatchIndex) -> None:
    b = FeatureBuilder().fit(demo_index)
    h = b.history_
    ids = sorted(h.won_)[:3000]
    samples = sorted({c for s in ids[:300] for c in h.cpv_[s]})[::7][:40]
    assert samples and any(_levels_by_loop(h, [q], ids) for q in samples)
    for q in samples:
        for codes in ([q], [q[:5] + "000", q]):
            want = _levels_by_loop(h, codes, ids)
            assert b.cpv_levels(SimpleNamespace(cpv=codes), ids).tolist() == want, codes  # type: ignore[arg-type]
