"""The award-history features read with numpy segments equal the same counts read one contract at
a time from the supplier history."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest

from matcher.index import MatchIndex
from matcher.rank import Need, RankingPipeline
from matcher.rank.features import COLUMN

pytestmark = pytest.mark.slow


def _a_need(index: MatchIndex) -> tuple[Need, np.ndarray]:
    """A late contract with CPV, buyer and region as a need, with its own vector."""
    procs = index.corpus.procurements
    row = next(r for r in range(len(procs) - 1, -1, -1)
               if procs[r].cpv and procs[r].buyer_id and procs[r].region and procs[r].date)  # fmt: skip
    p = procs[row]
    # Dated after every contract of the index, as an evaluation query is after its training side.
    latest = max(q.date for q in procs if q.date)
    need = Need(text=p.title, cpv=p.cpv[:1], buyer_id=p.buyer_id, region=p.region,
                date=latest + timedelta(days=30))  # fmt: skip
    return need, index.procurement_vectors.vectors_for(np.array([row]))[0]


def test_local_features_equal_the_counts_one_contract_at_a_time(
    pipeline: RankingPipeline, demo_index: MatchIndex
) -> None:
    need, vector = _a_need(demo_index)
    ctx = pipeline.context(need, vector)
    cands = pipeline.candidates(ctx)
    X = pipeline.builder_.transform(ctx, cands)
    h, procs, code = pipeline.history_, demo_index.corpus.procurements, need.cpv[0]
    buyer_div = sum(len(p.winners) for p in procs
                    if p.buyer_id == need.buyer_id and p.cpv and p.cpv[0][:2] == code[:2])  # fmt: skip
    checked = 0
    for i, s in enumerate(cands):
        won = [procs[r] for r in h.won_.get(s, [])]
        if not won:
            assert np.isnan(X[i, COLUMN["region_div"]]) and np.isnan(X[i, COLUMN["recent_awards"]])
            continue
        main = [p.cpv[0] if p.cpv else "" for p in won]
        expect = {
            "region_div": math.log1p(h.by_region_div_.get((need.region, code[:2]), {}).get(s, 0)),
            "cpv_group": math.log1p(sum(m[:3] == code[:3] for m in main)),
            "cpv_class": math.log1p(sum(m[:4] == code[:4] for m in main)),
            "recent_awards": math.log1p(sum(0.5 ** ((need.date - p.date).days / 365.25)
                                            for p in won if p.date)),  # fmt: skip
            "recent_div": math.log1p(sum(0.5 ** ((need.date - p.date).days / 365.25)
                                         for p, m in zip(won, main, strict=True)
                                         if p.date and m[:2] == code[:2])),  # fmt: skip
            "buyer_div_share": sum(p.buyer_id == need.buyer_id and m[:2] == code[:2]
                                   for p, m in zip(won, main, strict=True)) / buyer_div,  # fmt: skip
        }
        for name, value in expect.items():
            assert X[i, COLUMN[name]] == pytest.approx(value, rel=1e-4, abs=1e-6), (s, name)
        checked += 1
    assert checked >= 10
    assert np.nanmax(X[:, COLUMN["cpv_group"]]) > 0 and np.nanmax(X[:, COLUMN["buyer_div_share"]]) > 0


def test_a_need_without_date_or_cpv_still_gets_recency(
    pipeline: RankingPipeline, demo_index: MatchIndex
) -> None:
    need, vector = _a_need(demo_index)
    ctx = pipeline.context(Need(text=need.text, cpv=need.cpv), vector)
    X = pipeline.builder_.transform(ctx, pipeline.candidates(ctx))
    recent = X[:, COLUMN["recent_awards"]]
    # "Now" is the index's latest award: no award is weighted above 1, none is in the future.
    n_awards = np.array([pipeline.history_.n_awards(s) for s in pipeline.candidates(ctx)])
    known = ~np.isnan(recent)
    assert known.any() and np.all(recent[known] <= np.log1p(n_awards[known]) + 1e-5)
    assert np.isnan(X[:, COLUMN["buyer_div_share"]]).all()  # no buyer given
