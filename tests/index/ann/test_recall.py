from __future__ import annotations

import numpy as np

from matcher.index.ann import ExactIndex, ann_recall, recall_at_k


def test_recall_counts_the_share_of_the_exact_top_k() -> None:
    m = np.eye(6, dtype=np.float32)
    q = np.array([[1, 0.9, 0.8, 0, 0, 0]], np.float32)  # exact top 3: ids 0, 1, 2
    exact = ExactIndex(m)
    assert recall_at_k(exact, q, np.array([[2, 1, 0]]), 3) == 1.0
    assert recall_at_k(exact, q, np.array([[0, 5, -1]]), 3) == 1 / 3
    assert ann_recall(exact, exact, q, 3) == 1.0
