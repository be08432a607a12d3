"""The hidden-identifier measurement on the shared data, and how its threshold is chosen."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.resolve.measure import choose_threshold, evaluate
from matcher.resolve.model import MODEL_PATH, load_models
from matcher.resolve.sources import measured


def test_threshold_is_the_lowest_confidence_that_keeps_the_precision() -> None:
    proba = np.array([0.99, 0.99, 0.95, 0.95, 0.9, 0.5])
    label = np.array([1, 1, 1, 0, 1, 0])
    assert choose_threshold(proba, label, 0.99) == 0.99
    assert choose_threshold(proba, label, 0.75) == 0.9  # 4 of 5 right at >= 0.9
    assert choose_threshold(proba, np.zeros(6), 0.5) == 1.0  # never reached: merge nothing


@pytest.fixture(scope="module")
def result(shared_data: Path) -> dict:
    return evaluate(shared_data, target=0.99)


def test_hidden_identifier_records_of_both_countries(shared_data: Path) -> None:
    sets = {m.country: m for m in measured(shared_data)}
    fi, fr = sets["FI"], sets["FR"]
    assert len(fi.register) > 30_000 and len(fr.register) > 3_000  # BF + YTJ; AIFE winners
    registered = {e.key for e in fi.register}
    # Every query keeps its identifier aside; some are in the register, most are not.
    assert all(fi.truth[q.key] for q in fi.queries)
    linkable = sum(bool(fi.truth[q.key] & registered) for q in fi.queries)
    assert 0.2 < linkable / len(fi.queries) < 0.6
    assert not any(k.startswith(("FI-YTUNNUS", "FR-SIREN")) for q in fr.queries for k in [q.key])


def test_measurement_reports_on_the_half_nothing_was_fitted_on(result: dict) -> None:
    test = result["test"]
    assert set(result["countries"]) == {"FI", "FR"}
    assert test["queries"] == sum(c["queries"] for c in result["countries"].values())
    assert 0 < result["threshold"] <= 1
    assert test["merges"] == sum(c["merges"] for c in result["countries"].values())
    # Measured on this data (README): the merges made are right 97% of the time or more.
    assert test["precision"] >= 0.97 and test["recall"] > 0.3
    assert sum(b["links"] for b in test["reliability"]) >= test["merges"]


def test_confidence_is_calibrated(result: dict) -> None:
    bands = [b for b in result["test"]["reliability"] if b["links"] >= 30]
    assert len(bands) >= 3
    # Each band with enough links is right about as often as its confidence says.
    assert all(abs(b["precision"] - b["mean_confidence"]) < 0.1 for b in bands)


def test_the_shipped_model_was_fitted_for_these_fields() -> None:
    models, state = load_models(MODEL_PATH)
    assert set(models) == {"FI", "FR"} and state["token_n"] > 40_000
    assert 0 < state["threshold"] <= 1
