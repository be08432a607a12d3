"""Novelty of suppliers against their market, on the demo index."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.index import MatchIndex, load_index, save_index
from matcher.index.columns import ProcurementRows
from matcher.innovation.novelty import novelty_scores

pytestmark = pytest.mark.slow


def test_novelty_is_a_percentile_within_markets(demo_index: MatchIndex) -> None:
    scores = novelty_scores(demo_index)
    assert len(scores) > 0.9 * len(demo_index.corpus.suppliers)
    values = np.array([v for v, _c, _e in scores.values()])
    assert values.min() == 0.0 and values.max() == pytest.approx(1.0)
    assert 0.35 < float(np.median(values)) < 0.65  # percentiles spread evenly
    # Every profile-only Finnish firm is placed, with the evidence naming its market.
    for pos in demo_index.profile_rows:
        value, confidence, evidence = scores[int(pos)]
        assert 0 <= value <= 1 and confidence == pytest.approx(1 / 3)
        assert "CPV division" in evidence[0]


def test_novelty_of_loaded_columns_equals_documents(demo_index: MatchIndex, tmp_path: Path) -> None:
    # The fit reads whole columns: of documents (a build in memory) or of the saved corpus.
    save_index(demo_index, tmp_path)
    loaded = load_index(tmp_path)
    assert isinstance(loaded.corpus.procurements, ProcurementRows)
    want, got = novelty_scores(demo_index), novelty_scores(loaded)
    assert list(got) == list(want)
    assert [(v, c, [m.__reduce__() for m in e]) for v, c, e in got.values()] == [
        (v, c, [m.__reduce__() for m in e]) for v, c, e in want.values()]  # fmt: skip
