"""Temporal splits never leak, both modes run, and the harness reports every metric."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from matcher.embed import CachedEmbedder, Embedder, EmbeddingCache
from matcher.evaluate.harness import evaluate, format_table, query_vectors
from matcher.evaluate.methods import CpvMatch, EmbeddingNN, Innomatch, Method, TopWinners
from matcher.evaluate.plots import plot
from matcher.evaluate.split import default_cut, external_split, internal_split, rolling_split
from matcher.index import MatchIndex
from matcher.settings import Settings

pytestmark = pytest.mark.slow


def _check_no_leakage(split) -> None:  # type: ignore[no-untyped-def]
    train_dates = [p.date for p in split.train.corpus.procurements]
    assert all(d is not None for d in train_dates), "undated contracts are not training data"
    assert max(d for d in train_dates if d) < split.cut
    assert min(q.date for q in split.queries) >= split.cut
    train_ids = {p.id for p in split.train.corpus.procurements}
    assert not any(q.key == f"procurement:{i}" for q in split.queries for i in train_ids)


def test_internal_split_is_temporal_and_leaves_20_percent(demo_index: MatchIndex) -> None:
    split = internal_split(demo_index)
    _check_no_leakage(split)
    dated_awards = sum(len(p.winners) for p in demo_index.corpus.procurements if p.date)
    test_awards = sum(len(q.truth) for q in split.queries)
    assert 0.15 < test_awards / dated_awards < 0.25
    assert split.cut == default_cut(demo_index)


def test_each_query_sees_only_earlier_data_at_any_cut(demo_index: MatchIndex) -> None:
    for cut in ("2018-10-01", "2019-01-01"):
        from datetime import date

        _check_no_leakage(internal_split(demo_index, date.fromisoformat(cut)))


def test_harness_reports_all_metrics(
    demo_index: MatchIndex, embedder: Embedder, tmp_path: Path
) -> None:
    split = internal_split(demo_index)
    split.queries = split.queries[:150]
    cached = CachedEmbedder(embedder, EmbeddingCache(embedder.name, tmp_path))
    vectors = query_vectors(split, cached)
    assert vectors.shape == (150, embedder.dim)
    result = evaluate(split, [TopWinners(), CpvMatch(0.1), EmbeddingNN(), Innomatch()], vectors,
                      {s.id: True for s in demo_index.corpus.suppliers[::2]})  # fmt: skip
    names = [m["name"] for m in result["methods"]]
    assert names == ["top_winners", "cpv_exact_parent", "embedding_nn", "innomatch"]
    for meth in result["methods"]:
        assert set(meth["metrics"]) == {"HR@1", "HR@5", "HR@10", "MRR@10", "nDCG@10", "CC@10", "PC",
                                        "LTP@10", "SME@10"}  # fmt: skip
        assert meth["metrics"]["HR@10"] <= result["split"]["ceiling"] + 1e-9
        assert meth["hr_curve"]["1"] <= meth["hr_curve"]["10"] <= meth["hr_curve"]["20"]
    by = {m["name"]: m["metrics"] for m in result["methods"]}
    assert by["innomatch"]["HR@10"] > by["top_winners"]["HR@10"]
    assert by["top_winners"]["CC@10"] < 0.01  # the same ten suppliers every time
    json.dumps(result)  # the --json output is plain JSON
    assert "innomatch" in format_table(result)
    png = plot(result, tmp_path / "hr.png")
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_external_mode_never_writes_queries(demo_settings: Settings, demo_index: MatchIndex,
                                            shared_data: Path) -> None:  # fmt: skip
    test_file = shared_data / "decp-fr" / "e-marchespublics.json"
    from sqlalchemy import func, select

    from matcher.store.db import session_scope
    from matcher.store.models import Procurement

    with session_scope(demo_settings.database_url) as s:
        before = s.scalar(select(func.count()).select_from(Procurement))
    split = external_split(demo_index, [test_file], demo_settings.database_url)
    with session_scope(demo_settings.database_url) as s:
        assert s.scalar(select(func.count()).select_from(Procurement)) == before
    assert split.mode == "external" and split.queries
    _check_no_leakage(split)
    known = {s.id for s in demo_index.corpus.suppliers}
    assert any(t in known for q in split.queries for t in q.truth)  # matched by SIREN
    assert all(t in known or t < 0 for q in split.queries for t in q.truth)


def test_query_vectors_are_unit_length(
    demo_index: MatchIndex, embedder: Embedder, tmp_path: Path
) -> None:
    split = internal_split(demo_index)
    split.queries = split.queries[:5]
    v = query_vectors(split, CachedEmbedder(embedder, EmbeddingCache(embedder.name, tmp_path)))
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)


class _Spy(Method):
    """Records, for every query, the newest contract date in the history it was given."""

    name = "spy"

    def __init__(self) -> None:
        self.seen: list[tuple[date, date]] = []

    def update(self, history: MatchIndex) -> Method:
        self.train_ = history  # keep ``seen``: fit would not reset it either
        return self

    def recommend(self, query, vector, k):  # type: ignore[no-untyped-def]
        latest = max(p.date for p in self.train_.corpus.procurements if p.date)
        self.seen.append((query.date, latest))
        return []


def test_rolling_mode_lets_each_query_see_only_the_days_before_it(demo_index: MatchIndex) -> None:
    split = rolling_split(demo_index)
    days = sorted({q.date for q in split.queries})
    # Queries of the first, a middle and the last day keep the test quick.
    keep = {days[0], days[len(days) // 2], days[-1]}
    split.queries = [q for q in split.queries if q.date in keep]
    spy = _Spy()
    result = evaluate(split, [spy, TopWinners()], np.zeros((len(split.queries), 4), np.float32))
    assert len(spy.seen) == len(split.queries)
    assert all(latest < qdate for qdate, latest in spy.seen)  # never its own date or later
    # Later queries see awards dated after the cut: the history grows.
    assert max(latest for _, latest in spy.seen) >= split.cut
    # The same queries under a fixed cut: a winner can only be "seen" more often when the
    # history grows.
    fixed = internal_split(demo_index)
    fixed.queries = [q for q in fixed.queries if q.date in keep]
    ceiling = evaluate(fixed, [TopWinners()], np.zeros((len(fixed.queries), 4), np.float32))
    assert result["split"]["mode"] == "rolling"
    assert result["split"]["ceiling"] >= ceiling["split"]["ceiling"] > 0


def test_rolling_mode_refuses_test_files_and_undated(demo_settings: Settings,
                                                     demo_index: MatchIndex) -> None:  # fmt: skip
    from matcher.evaluate.run import make_split
    from matcher.exceptions import InvalidInputError

    with pytest.raises(InvalidInputError, match="rolling"):
        make_split(demo_settings, demo_index, None, [Path("x.json")], False, rolling=True)
    with pytest.raises(InvalidInputError, match="rolling"):
        make_split(demo_settings, demo_index, None, [], True, rolling=True)
