"""``innomatch match`` prints a potential on little evidence as unknown, with what it lacks."""

from __future__ import annotations

from datetime import date

from matcher.cli.app import _potential
from matcher.innovation.facts import SupplierFacts
from matcher.innovation.schemas import SupplierInnovationOut
from matcher.innovation.supplier import supplier_potential
from matcher.schemas import SupplierMatch


def _match(facts: SupplierFacts) -> SupplierMatch:
    p = supplier_potential(facts, (0.0, 1.0, ["placed by 17 text(s)"]), date(2026, 11, 30))
    return SupplierMatch(rank=1, supplier_id=1, name="x", country=None, identifiers=[], score=0.0,
                         signals=[], matching_cpv=[], evidence=[], n_awards=facts.n_awards,
                         fit_score=0.0, innovation=SupplierInnovationOut.of(p))  # fmt: skip


def test_unknown_potential_names_what_is_missing() -> None:
    foreign = _match(SupplierFacts(id=1, texts=["a", "b", "c"], n_awards=17))
    assert _potential(foreign) == (
        "  innovation unknown: no funding data (not a Finnish firm), no award from a source where "
        "buyers declare innovation, no register facts and too little dated activity "
        "(tentative 0/100)")  # fmt: skip


def test_known_potential_is_a_score() -> None:
    finnish = _match(SupplierFacts(id=2, finnish=True, texts=["a"], has_capability=True,
                                   registration_date=date(2025, 1, 1)))  # fmt: skip
    assert finnish.innovation is not None and finnish.innovation.known
    assert _potential(finnish) == f"  innovation {finnish.innovation.score:.0f}/100"
