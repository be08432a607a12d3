"""Need dimensions on real past procurements from the demo corpus, and the suggested route."""

from __future__ import annotations

from collections import Counter

import pytest

from matcher.index import MatchIndex
from matcher.index.corpus import ProcurementDoc
from matcher.innovation.need import NEED_DIMENSIONS, need_potential

pytestmark = pytest.mark.slow


def _dims(text: str, similar: list[ProcurementDoc], best: float = 0.9) -> dict[str, float]:
    need = need_potential(text, similar, best, [])
    return {d.name: d.value for d in need.dimensions}


def test_weights_sum_to_one() -> None:
    assert sum(d.weight for d in NEED_DIMENSIONS.values()) == pytest.approx(1.0)


def test_concentrated_market_scores_as_concentrated(demo_index: MatchIndex) -> None:
    procs = demo_index.corpus.procurements
    wins = Counter(w for p in procs if len(p.winners) == 1 for w in p.winners)
    top, n = wins.most_common(1)[0]
    assert n >= 10
    # Ten real contracts of one repeat winner against ten real contracts of ten different ones.
    one_firm = [p for p in procs if p.winners == [top]][:10]
    seen: set[int] = set()
    many = []
    for p in procs:
        if len(p.winners) == 1 and p.winners[0] not in seen and p.winners[0] != top:
            seen.add(p.winners[0])
            many.append(p)
        if len(many) == 10:
            break
    concentrated, fragmented = _dims("x", one_firm), _dims("x", many)
    assert concentrated["concentration"] == pytest.approx(1.0)
    assert fragmented["concentration"] == pytest.approx(0.1)
    assert concentrated["incumbency"] == 1.0 and fragmented["incumbency"] == 0.0


def test_no_similar_procurement_is_novel_and_leaves_market_out() -> None:
    need = need_potential("Vetyautojen tankkausaseman pilotointi ja kehittäminen", [], 0.0, [])
    dims = {d.name: d for d in need.dimensions}
    assert dims["novelty"].value == 1.0
    assert dims["concentration"].confidence == 0 and dims["competition"].confidence == 0
    assert need.route == "pre-commercial procurement"
    assert need.route_reasons


def test_ordinary_need_gets_ordinary_route(demo_index: MatchIndex) -> None:
    similar = [p for p in demo_index.corpus.procurements if p.winners][:30]
    need = need_potential("Koulun siivouspalvelut", similar, 0.95, [])
    assert need.level == "low" and need.route == "ordinary tender"
