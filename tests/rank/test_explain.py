"""A score's parts: what a missing value's part says, and printed parts that add up to the
printed score."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from matcher.rank.explain import Explainer, printed_parts
from matcher.rank.features import FEATURES
from matcher.vocab.messages import Msg


def _missing_profile(contribution: float, weights: dict[str, float] | None) -> Any:
    """The one part of a row whose ``profile`` is missing (NaN); the builder and context are
    not read for a missing value."""
    row = np.full(len(FEATURES), np.nan, dtype=np.float32)
    (part,) = Explainer().parts(None, None, 1, ["profile"], row,  # type: ignore[arg-type]
                                np.array([contribution]), weights)  # fmt: skip
    return part


def test_a_missing_value_in_a_trained_model_says_it_carries_its_part() -> None:
    part = _missing_profile(0.337, None)
    assert part.value is None and part.contribution == 0.337
    assert isinstance(part.sentence, Msg) and part.sentence.code == "feature.missing_learned"
    assert "scores the missing value itself: +0.337" in part.sentence
    assert part.sentence.params["contribution"] == 0.337
    assert "does not apply" not in part.sentence


def test_a_missing_value_in_the_linear_scorer_says_it_counts_zero() -> None:
    part = _missing_profile(0.0, {"profile": 1.1})
    assert part.sentence.code == "feature.missing_zero" and part.sentence.endswith("counts as 0")
    assert part.weight == 1.1


def test_rounding_each_part_alone_would_not_add_up() -> None:
    parts = [-2.5744, 0.9894, 0.8224, 0.5354, 0.3174, 0.0454]
    total = sum(parts)  # 0.1356: printed 0.136
    assert round(sum(round(p, 3) for p in parts), 3) != round(total, 3)  # the problem
    printed = printed_parts(total, parts)
    assert round(sum(printed), 3) == round(total, 3)
    assert all(abs(p - q) < 0.001 + 1e-12 for p, q in zip(printed, parts, strict=True))


@given(st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=25))
def test_printed_parts_add_up_and_stay_within_a_last_digit(parts: list[float]) -> None:
    total = math.fsum(parts)
    printed = printed_parts(total, parts)
    assert round(sum(printed), 3) == round(total, 3)
    assert all(abs(p - q) <= 0.001 + 1e-9 for p, q in zip(printed, parts, strict=True))
