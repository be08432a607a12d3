"""Candidates by rare shared words, at scale, with the run-together name as a word."""

from __future__ import annotations

from matcher.resolve.candidates import TokenWeights, nearest
from matcher.resolve.names import parse


def _names(raw: list[str]) -> list:
    return [parse(n)[0] for n in raw]


def test_nearest_by_rare_shared_words() -> None:
    register = _names(["Attendo Oy", "Attendo Terveyspalvelut Oy", "Rakennus Virtanen Oy",
                       "A.S.F.B.", *[f"Rakennus {i} Oy" for i in range(50)]])  # fmt: skip
    queries = _names(["ATTENDO OY", "ASFB", "Rakennus Korhonen Oy"])
    weights = TokenWeights.from_names([*register, *queries])
    assert weights.idf("rakennus") < weights.idf("attendo") < weights.max_idf
    qi, ri, cos = nearest(queries, register, weights, k=2, max_df=10)
    found = {(int(q), register[int(r)].raw) for q, r in zip(qi, ri, strict=True)}
    assert (0, "Attendo Oy") in found and (0, "Attendo Terveyspalvelut Oy") in found
    assert (1, "A.S.F.B.") in found  # "asfb" is "a s f b" run together
    # "rakennus" is in more than max_df names: left out of the product, and "korhonen" is in
    # none, so the third name has no candidate.
    assert 2 not in set(qi.tolist())
    best = cos[(qi == 0)].max()
    assert abs(best - 1.0) < 1e-9
