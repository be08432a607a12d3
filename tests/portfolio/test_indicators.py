"""A category's spend, HHI and top-3 share, computed by hand from real invoice rows."""

from __future__ import annotations

import pytest

from matcher.portfolio import build_portfolio
from matcher.portfolio.categories import Item
from matcher.portfolio.indicators import SupplierInfo, hhi, is_sme, market
from matcher.store.db import session_scope

KEMIJARVI, VALKEAKOSKI = "FI-YTUNNUS:0191717-9", "FI-YTUNNUS:0157568-2"


def test_hhi_of_known_shares() -> None:
    assert hhi({1: 50.0, 2: 30.0, 3: 20.0}) == (pytest.approx(0.38), pytest.approx(1.0))
    assert hhi({1: 10.0}) == (1.0, 1.0)
    assert hhi({}) == (None, None)


def test_kemijarvi_transport_and_clothing_by_hand(rows_store: str) -> None:
    # Account 4420 Matkustus- ja kuljetuspalvelut (-> CPV 60), the fixture's six rows:
    # HIOY OY 5786 + 6292, KULJETUSLIIKE TAIKOR OY 7280 + 7170, KESKO OY / PT 88.9, OY AGA AB 114.02.
    transport = {"hioy": 5786 + 6292, "taikor": 7280 + 7170, "kesko": 88.9, "aga": 114.02}
    total = sum(transport.values())
    shares = sorted((v / total for v in transport.values()), reverse=True)
    # Account 4540 Vaatteisto ja sen huoltotarvikkeet (-> CPV 18): STANDA 650.5 + 2200,
    # WÜRTH 495 + 1244.45 + 53.02, ABENA 442.56.
    clothing = {"standa": 650.5 + 2200, "wurth": 495 + 1244.45 + 53.02, "abena": 442.56}
    c_total = sum(clothing.values())
    with session_scope(rows_store) as session:
        p = build_portfolio(session, KEMIJARVI, None)
    cats = {c.key: c for c in p.categories}
    t = cats["60"]
    assert t.spend == pytest.approx(26730.92) == pytest.approx(total)
    assert (t.n_invoices, t.n_suppliers) == (6, 4)
    assert t.concentration.basis == "spend"
    assert t.concentration.hhi == pytest.approx(sum(s * s for s in shares), abs=1e-4)
    assert t.concentration.top3_share == pytest.approx(sum(shares[:3]), abs=1e-4)
    assert t.concentration.top_suppliers[0][0] == "KULJETUSLIIKE TAIKOR OY"
    cl = cats["18"]
    assert cl.spend == pytest.approx(c_total) == pytest.approx(5085.53)
    assert cl.concentration.hhi == pytest.approx(sum((v / c_total) ** 2 for v in clothing.values()),
                                                 abs=1e-4)  # fmt: skip
    # 4375 Viranomaistarkastukset -> 71: INSPECTA 602, the joint health authority 450 + 150 + 212.
    assert cats["71"].spend == pytest.approx(602 + 450 + 150 + 212)
    # 4840 machine rents are reviewed as mixed (unmapped); 2563 pension contributions are no purchase.
    assert p.coverage.unmapped == pytest.approx(748 + 477 + 31.8 + 71.92 + 225 + 69.6)
    assert p.coverage.not_purchases == pytest.approx(19909.53 + 19997.72)
    assert p.coverage.mapped == pytest.approx(total + c_total + 1414)
    assert p.total_spend == pytest.approx(p.coverage.mapped)


def test_valkeakoski_postal_services_by_hand(rows_store: str) -> None:
    # 4361 Posti- ja kuriiripalvelut (-> 64): POSTI OY in eight rows, one unnamed private person 36.
    posti = 53.68 + 210.32 + 37.83 + 34.01 + 194.24 + 16.59 + 1.64 + 16.59 + 1.65
    with session_scope(rows_store) as session:
        p = build_portfolio(session, VALKEAKOSKI, None)
    cats = {c.key: c for c in p.categories}
    assert cats["64"].spend == pytest.approx(posti + 36)
    share = posti / (posti + 36)
    assert cats["64"].concentration.hhi == pytest.approx(share**2 + (1 - share) ** 2, abs=1e-4)
    assert cats["66"].spend == pytest.approx(1120.6 + 59.21 + 34.08)  # 4370 Vakuutukset
    assert p.coverage.not_purchases == pytest.approx(160.23 + 213.16 + 160.23 + 213.16 + 580.71
                                                     + 459.53)  # 4901 Välilliset verot  # fmt: skip
    # The town's two 2014 listing notices are its own (same business id), without a CPV code here.
    assert p.sources == {"invoice": 13, "notice": 2}


def test_sme_local_competition_and_incumbency() -> None:
    info = {1: SupplierInfo("A", "PME", "FI1D7"), 2: SupplierInfo("B", "GE", "FI1B1"),
            3: SupplierInfo("C", None, None)}  # fmt: skip
    items = [Item("award", "45", 2020, 100.0, 1, n_tenders=1, procurement_id=1),
             Item("award", "45", 2021, 50.0, 1, n_tenders=3, procurement_id=2),
             Item("award", "45", 2021, 50.0, 2, n_tenders=2, procurement_id=3),
             Item("award", "45", 2021, 10.0, 3, procurement_id=4)]  # fmt: skip
    m = market(items, info, "FI1D7")
    assert (m["sme_share"], m["n_sme_known"]) == (0.5, 2)
    assert (m["local_share"], m["n_local_known"]) == (0.5, 2)
    assert (m["mean_tenders"], m["single_bid_share"], m["n_tenders_known"]) == (2.0, 0.3333, 3)
    assert m["incumbency"] == 0.5  # two of four awards went to the firm that won twice
    assert is_sme("pme") and is_sme("GE") is False and is_sme(None) is None
