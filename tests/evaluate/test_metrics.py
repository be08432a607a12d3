"""Metric functions against cases computed by hand."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from matcher.evaluate import metrics as m

RANKED = [[1, 2, 3], [4, 5, 6], [7, 8, 9], []]
TRUTH = [{2}, {9}, {7, 99}, {1}]


def test_hit_rate() -> None:
    assert m.hit_rate(RANKED, TRUTH, 1) == pytest.approx(1 / 4)  # only query 3 at rank 1
    assert m.hit_rate(RANKED, TRUTH, 2) == pytest.approx(2 / 4)
    assert m.hit_rate(RANKED, TRUTH, 10) == pytest.approx(2 / 4)


def test_mrr() -> None:
    # query 1: rank 2 -> 1/2; query 3: rank 1 -> 1; others 0
    assert m.mrr(RANKED, TRUTH) == pytest.approx((0.5 + 1.0) / 4)
    assert m.mrr(RANKED, TRUTH, k=1) == pytest.approx(1.0 / 4)


def test_ndcg() -> None:
    q1 = (1 / math.log2(3)) / 1.0  # hit at rank 2, one relevant
    q3 = 1.0 / (1.0 + 1 / math.log2(3))  # hit at rank 1, two relevant: ideal has two hits
    assert m.ndcg(RANKED, TRUTH) == pytest.approx((q1 + q3) / 4)


def test_coverage_and_long_tail() -> None:
    assert m.catalogue_coverage(RANKED, 18) == pytest.approx(9 / 18)
    assert m.catalogue_coverage(RANKED, 18, k=1) == pytest.approx(3 / 18)
    assert m.prediction_coverage(RANKED) == pytest.approx(3 / 4)
    counts = Counter({1: 50, 2: 30, 3: 10, 4: 5, 5: 5})
    head = m.long_tail(counts, head_share=0.2)
    assert head == {1}  # supplier 1 alone holds 50% >= 20%
    assert m.long_tail_share([[1, 2], [3, 1]], head) == pytest.approx(2 / 4)


def test_sme_share() -> None:
    assert m.sme_share([1, 2, 3, 4], {1: True, 2: False, 3: True}) == pytest.approx(2 / 3)
    assert m.sme_share([5], {1: True}) is None
