from __future__ import annotations

import numpy as np
import pytest

from matcher.index.lexical import LexicalIndex

_WORDS = ["siivous", "palvelut", "koulu", "tie", "urakka", "päällystys", "nettoyage", "écoles",
          "travaux", "voirie", "maintenance", "logiciel", "ohjelmisto", "hankinta", "sähkö",
          "kunnossapito", "entretien", "bâtiments", "rakennus", "électricité", "valaistus"]


def _corpus(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    # Compounds and inflections: words glued together and given endings, as in Finnish.
    ends = ["", "t", "n", "ssa", "lle", "s"]
    return [" ".join("".join(rng.choice(_WORDS, size=rng.integers(1, 3))) + rng.choice(ends)
                     for _ in range(rng.integers(2, 12))) for _ in range(n)]  # fmt: skip


@pytest.mark.parametrize("k", [1, 10, 60])
def test_pruned_top_k_equals_a_full_scan(k: int) -> None:
    docs = _corpus(1500, 0)
    index = LexicalIndex(chunk=2).fit(docs)
    for need in _corpus(40, 1):
        q = index.query(need)
        rows, scores = index.search_query(q, k)
        full_rows, full_scores = index.search_query(q, k, exhaustive=True)
        assert np.allclose(scores, full_scores, atol=1e-6)
        # Same documents unless tied at the cut.
        assert set(rows[scores > full_scores[-1] + 1e-6]) <= set(full_rows)
        assert np.allclose(scores, index.scores_for(q, rows), atol=1e-6)
    assert index.stats_["postings_read"] < index.stats_["postings_total"]  # it did prune


def test_no_shared_ngram_and_empty_corpus() -> None:
    index = LexicalIndex().fit(["tie urakka", "koulu"])
    assert index.query("xyzzy") is None and len(index.search("xyzzy", 5)[0]) == 0
    empty = LexicalIndex().fit([])
    assert len(empty.search("koulu", 3)[0]) == 0
    assert len(empty.scores_for(empty.query("koulu"), np.array([0]))) == 1


def test_compound_query_finds_its_parts() -> None:
    docs = ["Siivouspalvelut kouluille", "Tieurakka", "Koulujen siivous", "Sähköurakka",
            "Katuvalaistus ja sähkötyöt"]  # fmt: skip
    index = LexicalIndex().fit(docs)
    assert set(index.search("koulusiivous", 2)[0].tolist()) == {0, 2}
    assert index.search("sähkö", 2)[0].tolist()[0] in (3, 4)
