from __future__ import annotations

import numpy as np

from matcher.index import ExactIndex, LexicalIndex, top_k


def test_top_k_orders_best_first_and_handles_small_inputs() -> None:
    scores = np.array([0.1, 0.9, 0.5, 0.7], np.float32)
    rows, vals = top_k(scores, 2)
    assert rows.tolist() == [1, 3] and np.allclose(vals, [0.9, 0.7])
    assert top_k(scores, 10)[0].tolist() == [1, 3, 2, 0]
    assert len(top_k(np.zeros(0, np.float32), 5)[0]) == 0


def test_exact_index_matches_brute_force() -> None:
    rng = np.random.default_rng(0)
    m = rng.normal(size=(500, 16)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    q = m[42] + 0.01
    rows, _ = ExactIndex(m).search(q, 5)
    assert rows[0] == 42
    assert rows.tolist() == np.argsort(-(m @ q))[:5].tolist()


def test_lexical_index_matches_inflected_forms() -> None:
    docs = ["Siivouspalvelut kouluille", "Tieurakka ja päällystys", "Nettoyage des écoles",
            "Päällystysurakka 2014", "Koulujen siivous"]  # fmt: skip
    index = LexicalIndex().fit(docs)
    rows, _ = index.search("päällystystyöt", 2)
    assert set(rows.tolist()) == {1, 3}
    assert index.search("ecoles nettoyage", 1)[0].tolist() == [2]  # accents stripped
