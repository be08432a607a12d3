"""Printing a score's parts: rounded so that the printed parts add up to the printed score."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from matcher.rank.explain import printed_parts


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
