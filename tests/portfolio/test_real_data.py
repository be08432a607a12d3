"""The portfolio of real buyers: Kemijärvi and Valkeakoski (invoices), HILMA 2014 buyers (the
listing) and DECP buyers, over the demo index, each with every part the issue asks for."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matcher.embed import Embedder
from matcher.ingest import ingest_paths
from matcher.portfolio import build_portfolio, portfolio_png
from matcher.service import Matcher
from matcher.settings import Settings
from matcher.store.db import session_scope
from matcher.store.models import Organisation, Procurement

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_store(broker_settings: Settings, shared_data: Path) -> Settings:
    inv = shared_data / "fi-municipal-invoices"
    reports = ingest_paths(broker_settings.database_url, [
        inv / "kemijarvi_2022-q4_purchase_invoices.csv",
        inv / "valkeakoski_2018-08_purchase_invoices.csv",
        shared_data / "hilma-2014" / "listing_2014.csv"])  # fmt: skip
    assert [r.error for r in reports] == [None, None, None]
    return broker_settings


def _buyers(url: str) -> dict[str, str]:
    with session_scope(url) as session:
        decp = session.scalars(select(Procurement.buyer_id).where(Procurement.source == "decp")
                               .group_by(Procurement.buyer_id).order_by(func.count().desc())
                               .limit(2)).all()  # fmt: skip
        listing = session.scalars(select(Organisation.id).where(Organisation.name.in_(
            ["Tampereen Logistiikka Liikelaitos", "Espoon kaupunki"]))).all()  # fmt: skip
    return {"Kemijärvi": "FI-YTUNNUS:0191717-9", "Valkeakoski": "FI-YTUNNUS:0157568-2",
            **{f"hilma {i}": str(i) for i in listing}, **{f"decp {i}": str(i) for i in decp}}  # fmt: skip


def test_every_buyer_has_the_whole_portfolio(real_store: Settings, embedder: Embedder) -> None:
    matcher = Matcher(real_store, embedder=embedder)
    buyers = _buyers(real_store.database_url)
    assert len(buyers) == 6
    with session_scope(real_store.database_url) as session:
        for who, key in buyers.items():
            p = build_portfolio(session, key, matcher)
            cats = [c for c in p.categories if c.key != "??"]
            assert len(cats) >= 3, who
            top = cats[:5]
            if not who.startswith("hilma"):  # the listing has no values
                assert p.total_spend > 0 and top[0].spend > 0, who
                assert top[0].concentration.hhi is not None, who
            assert all(c.potential.dimensions and c.potential.level for c in top), who
            assert all(len(c.measures) == 7 and all(m.why and m.evidence for m in c.measures)
                       for c in top), who  # fmt: skip
            assert all(c.reasons for c in top), who
            assert any(c.suppliers for c in top), who
            buf = io.BytesIO()
            portfolio_png(p, buf)
            assert buf.getvalue()[:4] == b"\x89PNG", who
    # Placed by the CPV vote of their nearest contracts: most listing notices get a division.
    with session_scope(real_store.database_url) as session:
        t = build_portfolio(session, buyers["hilma " + next(
            k.split()[1] for k in buyers if k.startswith("hilma"))], matcher)  # fmt: skip
        assert any("placed in the division" in n for n in t.notes)


def test_kemijarvi_spend_and_coverage(real_store: Settings) -> None:
    with session_scope(real_store.database_url) as session:
        p = build_portfolio(session, "FI-YTUNNUS:0191717-9", None)
    c = p.coverage
    # Every euro of the town's 1,366 invoice rows is either mapped, no purchase, or unmapped.
    assert c.mapped + c.not_purchases + c.unmapped == pytest.approx(c.invoice_total)
    assert c.unmapped / c.invoice_total < 0.10
    assert c.unmapped_accounts[0][0] == "1501 Keskusvarasto / Lapponia"
    energy = next(x for x in p.categories if x.key == "09")
    assert energy.spend == pytest.approx(p.total_spend * energy.spend_share, rel=1e-3)
