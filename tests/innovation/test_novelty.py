"""Novelty of suppliers against their market, on the demo index."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.index import MatchIndex
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
