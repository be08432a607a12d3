"""The buyer's (region's) past codes as a prior: smoothing, silence, and the fitted data only."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cpv_helpers import tiny_index

from matcher.index import ProcurementDoc
from matcher.rank.cpv_prior import HistoryPrior


def _procs(buyers: list[int | None]) -> list[ProcurementDoc]:
    """The tiny index's four contracts (road works x3, cleaning) with these buyers."""
    procs = tiny_index().corpus.procurements
    return [replace(p, buyer_id=b, region=f"R{b}" if b else None)
            for p, b in zip(procs, buyers, strict=True)]  # fmt: skip


def test_follows_the_estimator_contract() -> None:
    prior = HistoryPrior("buyer_id", smoothing=2.0)
    assert (prior.field, prior.smoothing) == ("buyer_id", 2.0)
    assert not [k for k in vars(prior) if k.endswith("_")]
    assert prior.fit(_procs([1, 1, 2, 2])) is prior


def test_smoothed_toward_the_global_distribution() -> None:
    # Buyer 1 bought road works twice; overall three road works (45) and one cleaning (90).
    prior = HistoryPrior("buyer_id", smoothing=2.0).fit(_procs([1, 1, 2, 2]))
    scores = prior.scores(1)
    assert scores[2] == pytest.approx({"45": (2 + 2 * 0.75) / 4, "90": (0 + 2 * 0.25) / 4})
    assert scores[3] == pytest.approx({"452": 0.875, "909": 0.125})
    assert sum(prior.scores(2)[2].values()) == pytest.approx(1.0)
    assert prior.scores(2)[2]["90"] > prior.scores(1)[2]["90"]  # buyer 2 bought the cleaning


def test_silent_without_a_key_or_a_history() -> None:
    prior = HistoryPrior("buyer_id").fit(_procs([1, 1, None, None]))
    assert prior.scores(None) == {} and prior.scores(99) == {}
    assert HistoryPrior("buyer_id").fit(_procs([None] * 4)).scores(1) == {}


def test_region_keys_work_the_same() -> None:
    prior = HistoryPrior("region", smoothing=0.0).fit(_procs([1, 1, 1, 2]))
    assert prior.scores("R2")[2] == pytest.approx({"45": 0.0, "90": 1.0})
