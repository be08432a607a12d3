"""SupplierHistory reads whole columns; what it learns equals the loop over rows it replaced,
order included (``Counter.most_common`` breaks ties by insertion order), for a corpus held as
documents and for the same corpus saved and loaded as columns."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from matcher.index import MatchIndex, ProcurementDoc, load_index, save_index
from matcher.index.columns import ProcurementRows
from matcher.rank.history import SupplierHistory
from matcher.vocab import cpv_vocabulary

_DICTS = ["won_", "cpv_", "regions_", "buyers_", "exact_", "parent_", "by_buyer_", "by_region_div_"]


def _loop(procs: Sequence[ProcurementDoc]) -> dict[str, Any]:
    """The award grouping as it was written before: one pass over the rows and their winners."""
    vocab = cpv_vocabulary()
    d: dict[str, Any] = {"won_": defaultdict(list), "cpv_": defaultdict(set),
                         "regions_": defaultdict(set), "buyers_": defaultdict(set),
                         **{k: defaultdict(Counter) for k in _DICTS[4:]}}  # fmt: skip
    for row, p in enumerate(procs):
        for s in p.winners:
            d["won_"][s].append(row)
            d["cpv_"][s].update(p.cpv)
            if p.region:
                d["regions_"][s].add(p.region)
                if p.cpv:
                    d["by_region_div_"][(p.region, p.cpv[0][:2])][s] += 1
            if p.buyer_id:
                d["buyers_"][s].add(p.buyer_id)
                d["by_buyer_"][p.buyer_id][s] += 1
            for code in p.cpv[:1]:
                d["exact_"][code][s] += 1
                if parent := vocab.parent(code):
                    d["parent_"][parent][s] += 1
    d["buyer_total_"] = {b: sum(c.values()) for b, c in d["by_buyer_"].items()}
    return d


def _ordered(value: Any) -> Any:
    """Dicts and Counters as item lists (their order counts), sets as sets, each value with its
    type (``1 == np.int64(1)``, but the loop held Python ints)."""
    if isinstance(value, dict):
        return type(value), [(_ordered(k), _ordered(v)) for k, v in value.items()]
    if isinstance(value, list | tuple):
        return type(value), [_ordered(v) for v in value]
    if isinstance(value, set):
        return set, frozenset(_ordered(v) for v in value)
    return type(value), value


def _assert_as_loop(h: SupplierHistory, procs: Sequence[ProcurementDoc]) -> None:
    want = _loop(procs)
    for name in [*_DICTS, "buyer_total_"]:
        assert _ordered(getattr(h, name)) == _ordered(want[name]), name
    assert h.winners_.values.tolist() == [s for p in procs for s in p.winners]


def test_edge_cases_as_the_loop(edge_indexes: tuple[MatchIndex, MatchIndex]) -> None:
    docs, loaded = edge_indexes
    for index in (docs, loaded):
        h = SupplierHistory().fit(index)
        _assert_as_loop(h, docs.corpus.procurements)
    h = SupplierHistory().fit(loaded)
    # Hand-checked: supplier 12 won row 1 twice, row 2 has no winner, 14 is no supplier.
    assert h.won_[12] == [0, 1, 1, 7] and h.cpv_[13] == {"45233200"} and 14 in h.won_
    assert list(h.exact_["45233140"].items()) == [(11, 1), (12, 2)]
    assert h.by_buyer_[4].most_common(2) == [(11, 2), (13, 1)]
    assert h.regions_[12] == {"FI1B1"} and 0 not in h.by_buyer_
    assert dict(h.by_region_div_) == {("FI1B1", "45"): Counter({11: 2, 12: 2}),
                                      ("FR101", "45"): Counter({13: 1, 11: 1})}  # fmt: skip


def test_empty_corpus(edge_indexes: tuple[MatchIndex, MatchIndex]) -> None:
    docs, _ = edge_indexes
    index = replace(docs, corpus=replace(docs.corpus, procurements=[]))
    h = SupplierHistory().fit(index)
    assert not h.won_ and not h.exact_ and not h.by_region_div_ and h.n_awards(11) == 0


@pytest.mark.slow
def test_demo_as_the_loop(demo_index: MatchIndex, tmp_path: Path) -> None:
    save_index(demo_index, tmp_path)
    loaded = load_index(tmp_path)
    assert isinstance(loaded.corpus.procurements, ProcurementRows)
    for index in (demo_index, loaded):
        _assert_as_loop(SupplierHistory().fit(index), demo_index.corpus.procurements)


@pytest.mark.slow
def test_the_names_index_is_the_builds_and_scores_as_one_fitted_now(demo_index: MatchIndex,
                                                                   tmp_path: Path) -> None:  # fmt: skip
    save_index(demo_index, tmp_path)
    loaded = load_index(tmp_path, mmap=True)
    served = SupplierHistory().fit(loaded)
    assert loaded.names is not None and served.names_ is loaded.names  # mapped, not fitted again
    # An older build saved none: fitted at load, the same scores.
    old = SupplierHistory().fit(replace(loaded, names=None))
    assert old.names_ is not None and old.names_ is not loaded.names
    rows = np.arange(len(loaded.corpus.suppliers), dtype=np.int64)
    for text in ("siivous", "Nettoyage Services", "rakennus oy"):
        got = served.names_.scores_for(served.names_.query(text), rows)
        want = old.names_.scores_for(old.names_.query(text), rows)
        assert np.array_equal(got, want) and got.max() > 0, text
