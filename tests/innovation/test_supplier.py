"""Each supplier component pinned on small real cases (Business Finland, YTJ, eForms)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from matcher.ingest import ingest_paths
from matcher.innovation.facts import FlaggedAward, FundingEvent, SupplierFacts, load_facts
from matcher.innovation.supplier import (
    KNOWN_CONFIDENCE,
    SUPPLIER_COMPONENTS,
    funding_component,
    newcomer_component,
    supplier_potential,
    youth_growth_component,
)
from matcher.store.db import session_scope
from matcher.store.models import Identifier

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
TODAY = date(2026, 11, 30)


def _org(session, ytunnus: str) -> int:  # type: ignore[no-untyped-def]
    return (
        session.query(Identifier)
        .filter_by(scheme="FI-YTUNNUS", value=ytunnus)
        .one()
        .organisation_id
    )


@pytest.fixture
def fi_store(db_url: str) -> str:
    """The demo's real Finnish register profiles, funding rows and HILMA 2014 awards."""
    reports = ingest_paths(
        db_url, [DEMO / "profiles", DEMO / "business-finland", DEMO / "hilma-2014"]
    )
    assert not [r for r in reports if r.error]
    return db_url


def test_weights_sum_to_one() -> None:
    assert sum(c.weight for c in SUPPLIER_COMPONENTS.values()) == pytest.approx(1.0)


def test_funded_company_scores_above_unfunded_one(fi_store: str) -> None:
    with session_scope(fi_store) as s:
        funded = _org(s, "2775076-8")  # 1 Enormous Elephant Oy: BF loans 2017 and 2018
        unfunded = _org(s, "1600764-5")  # Tullin Pultti Oy: HILMA 2014 winner, no funding
        facts = load_facts(s, {funded, unfunded})
    assert facts[funded].funding and not facts[unfunded].funding
    got, conf, evidence = funding_component(facts[funded], TODAY.year)
    none, conf0, _ = funding_component(facts[unfunded], TODAY.year)
    assert got > none == 0.0 and conf == conf0 == 1.0
    assert any("bf_loan" in e for e in evidence)
    high = supplier_potential(facts[funded], None, TODAY)
    low = supplier_potential(facts[unfunded], None, TODAY)
    assert high.components[0].contribution > low.components[0].contribution
    assert high.score == pytest.approx(sum(c.contribution for c in high.components), abs=0.11)


def test_covid_year_and_age_weigh_less() -> None:
    def value(year: int, kind: str = "bf_grant") -> float:
        f = SupplierFacts(1, "FI", finnish=True, funding=[FundingEvent(kind, year, 100_000)])
        return funding_component(f, 2024)[0]

    assert value(2020) < value(2021) * 0.5  # same money, one year apart: 2020 grants weigh 0.3
    assert value(2020, "bf_loan") > value(2020)  # loans in 2020 were not the COVID grants
    assert value(2015) < value(2023)
    foreign = funding_component(SupplierFacts(2, "FR"), 2024)
    assert foreign[0] == 0.0 and foreign[1] == pytest.approx(0.1)


def test_youth_newcomer_and_themes_from_real_register_rows(fi_store: str) -> None:
    with session_scope(fi_store) as s:
        young = _org(s, "2996949-9")  # registered 2019-06-10, home help services
        facts = load_facts(s, {young})[young]
    assert facts.registration_date == date(2019, 6, 10)
    value, conf, evidence = youth_growth_component(facts, TODAY)
    assert 0.0 < value < 1.0 and conf >= 0.5 and "2019-06-10" in evidence[0]
    assert newcomer_component(facts)[0] == 1.0  # a profile and no public contract
    assert youth_growth_component(facts, date(2020, 1, 1))[0] == pytest.approx(1.0)


def test_awards_on_flagged_notices_count(db_url: str, shared_data: Path) -> None:
    ingest_paths(db_url, [shared_data / "eforms-examples" / "eforms-sdk" / "can_24_maximal.xml"])
    with session_scope(db_url) as s:
        facts = load_facts(s)
    winners = [f for f in facts.values() if f.n_awards]
    assert winners and all(f.flagged_awards for f in winners)
    pot = supplier_potential(winners[0], None, TODAY)
    contracts = next(c for c in pot.components if c.name == "innovative_contracts")
    assert contracts.value == 1.0 and "BT-776" in contracts.evidence[0]


def test_a_few_ids_read_in_sql_give_the_facts_of_the_whole_read(fi_store: str) -> None:
    # A build reads every organisation and filters in Python; a supplier page asks SQL for a
    # few: both must give the same facts, dated cut included.
    for as_of in (None, date(2018, 1, 1)):
        with session_scope(fi_store) as s:
            whole = load_facts(s, None, as_of)
            ids = {i for i, f in whole.items() if f.n_awards or f.funding}
            few = load_facts(s, ids, as_of)
        assert ids and few == {i: whole[i] for i in ids}


def _codes(texts: list[str]) -> list[str]:
    return [getattr(t, "code", "text") for t in texts]


def test_little_evidence_reads_as_unknown_with_what_is_missing() -> None:
    # The demo's typical French winner: many DECP awards (where buyers cannot declare innovation),
    # no register facts, outside the Finnish funding data; its texts place it in its market.
    foreign = SupplierFacts(id=1, country="FR", texts=["Mission de contrôle technique"] * 17,
                            n_awards=17, activity_years=[2018])  # fmt: skip
    p = supplier_potential(foreign, (0.0, 1.0, ["placed by 17 text(s)"]), TODAY)
    assert p.score == 0.0 and p.confidence == pytest.approx(0.42)
    assert not p.known
    assert _codes(p.missing) == ["missing.funding", "missing.declarable_none", "missing.register"]
    # One text and one award more or less change what is missing, not the rule.
    one = SupplierFacts(id=2, country="FR", texts=["x"], n_awards=1, n_declarable=1)
    q = supplier_potential(one, (0.5, 1 / 3, ["placed by 1 text(s)"]), TODAY)
    assert not q.known and _codes(q.missing) == [
        "missing.funding", "missing.declarable_one", "missing.texts_one", "missing.register"]


def test_a_finnish_firm_without_funding_is_known() -> None:
    # The funding data covers every Finnish firm: "no funding" is evidence, and with the other
    # parts it lifts the confidence over the threshold even without any award.
    fi = SupplierFacts(id=3, country="FI", finnish=True, texts=["ohjelmistokehitys"],
                       has_capability=True, registration_date=date(2024, 1, 1))  # fmt: skip
    p = supplier_potential(fi, (0.4, 1 / 3, ["placed by 1 text(s)"]), TODAY)
    assert p.confidence >= KNOWN_CONFIDENCE and p.known
    assert _codes(p.missing) == ["missing.declarable_none", "missing.texts_one"]


def test_a_direct_signal_is_known_on_little_evidence() -> None:
    # A route-flagged innovative contract is evidence whatever else is missing: the score is at
    # least what it shows, so it is not hidden as unknown.
    flagged = FlaggedAward(procurement_id=1, title="Innovaatiokumppanuus", flag_kind="route",
                           reason="innovation partnership procedure")  # fmt: skip
    f = SupplierFacts(id=5, country="FR", texts=["x"], n_awards=1, flagged_awards=[flagged])
    p = supplier_potential(f, (0.0, 1 / 3, ["placed by 1 text(s)"]), TODAY)
    assert p.confidence < KNOWN_CONFIDENCE and p.known and p.score > 0
    assert "missing.funding" in _codes(p.missing)


def test_known_is_exactly_the_threshold() -> None:
    p = supplier_potential(SupplierFacts(id=4), None, TODAY)
    for conf, known in ((KNOWN_CONFIDENCE, True), (KNOWN_CONFIDENCE - 0.01, False)):
        p.confidence = conf
        assert p.known is known
