"""The comparison fields a merge rests on: what the candidate sells and how large it is."""

from __future__ import annotations

from matcher.resolve.candidates import TokenWeights
from matcher.resolve.entities import Entity, cpv_divisions
from matcher.resolve.features import FEATURES, pair_features


def _row(q: Entity, r: Entity) -> dict[str, float]:
    weights = TokenWeights.from_names([*q.parsed, *r.parsed])
    row = pair_features(q.parsed[0], r.parsed[0], q, r, weights, 1.0, 1.0, 0)
    return dict(zip(FEATURES, row, strict=True))


def test_cpv_divisions() -> None:
    assert cpv_divisions(["45233140", None, "4", "7131"]) == {"45", "71"}


def test_namesakes_selling_in_other_markets() -> None:
    # Road works against plumbing: the same written name, other markets.
    q = Entity("q", ["GIRAUD SARL"], "FR", cpv={"45"})
    other = _row(q, Entity("r", ["GIRAUD SAS"], "FR", cpv={"39", "50"}, size="PME"))
    same = _row(q, Entity("r", ["GIRAUD SAS"], "FR", cpv={"45", "50"}, size="PME"))
    assert other["other_cpv"] == other["same_words_other_cpv"] == 1.0
    assert other["same_cpv"] == 0.0 and same["same_cpv"] == 0.5 and same["other_cpv"] == 0.0


def test_size_of_the_candidate() -> None:
    q = Entity("q", ["ENGIE"], "FR")
    group = _row(q, Entity("r", ["ENGIE"], "FR", size="GE"))
    unknown = _row(q, Entity("r", ["ENGIE"], "FR"))
    finnish = _row(Entity("q", ["Posti Oy"], "FI"), Entity("r", ["POSTI OY"], "FI"))
    assert group["large_company"] == group["same_words_large"] == 1.0 and group["no_size"] == 0.0
    assert unknown["no_size"] == unknown["same_words_no_size"] == 1.0
    # Finnish registers give no size: its absence says nothing there.
    assert finnish["no_size"] == finnish["large_company"] == 0.0
