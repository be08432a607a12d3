"""Novelty of suppliers against their market, on the demo index."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.index import MatchIndex, load_index, save_index
from matcher.index.columns import ProcurementRows
from matcher.innovation.novelty import _centres, _unit, novelty_scores

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


def test_centres_are_the_mean_of_each_suppliers_vectors_to_the_bit() -> None:
    rng = np.random.default_rng(3)
    mat = rng.standard_normal((400, 16)).astype(np.float16).astype(np.float32)
    mat[7] = -0.0  # a zero vector, with its sign
    prof = rng.standard_normal((30, 16)).astype(np.float32)
    rows_of = [rng.choice(400, int(k), replace=False).tolist() for k in rng.integers(0, 21, 120)]
    rows_of[0], rows_of[1] = [7], []
    prof_of = np.where(rng.random(120) < 0.3, rng.integers(0, 30, 120), -1)
    prof_of[1] = 4  # a profile and no contract
    keep = [i for i, rows in enumerate(rows_of) if rows or prof_of[i] >= 0]
    rows_of, prof_of = [rows_of[i] for i in keep], prof_of[keep]
    got = _centres(mat, prof, rows_of, prof_of)
    for i, rows in enumerate(rows_of):
        vecs = [mat[r] for r in rows] + ([prof[prof_of[i]]] if prof_of[i] >= 0 else [])
        want = _unit(np.mean(vecs, axis=0))
        assert got[i].tobytes() == want.tobytes(), i
