"""Innovation potential through the API: in matches, on suppliers, methods and statistics."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.slow

NEED = "Kotipalvelut ikääntyneille ja vammaisille, digitaalinen etähoiva"


def test_match_carries_both_potentials(client: TestClient) -> None:
    body = client.post("/v1/match", json={"text": NEED, "k": 10}).json()
    need = body["need_innovation"]
    assert need["level"] in {"low", "medium", "high"} and need["route"] and need["route_reasons"]
    names = [d["name"] for d in need["dimensions"]]
    assert names == ["concentration", "competition", "incumbency", "untapped_supply", "novelty",
                     "themes", "flagged_share"]  # fmt: skip
    themes = next(d for d in need["dimensions"] if d["name"] == "themes")
    assert themes["value"] > 0 and "digitaalinen" in themes["evidence"][0]
    for m in body["results"]:
        inn = m["innovation"]
        assert 0 <= inn["score"] <= 100 and 0 <= inn["confidence"] <= 1
        assert sum(c["contribution"] for c in inn["components"]) == pytest.approx(
            inn["score"], abs=0.2
        )
        assert all(c["evidence"] for c in inn["components"])
        assert m["score"] == m["fit_score"]  # weight 0: pure fit
    # The Finnish home-help firm in the register sample is found, with its real funding.
    firm = next(m for m in body["results"] if "Aalto" in (m["name"] or ""))
    funding = next(c for c in firm["innovation"]["components"] if c["name"] == "funding")
    assert funding["value"] > 0 and funding["confidence"] == 1.0


def test_innovation_weight_reorders_by_potential(client: TestClient) -> None:
    plain = client.post("/v1/match", json={"text": NEED, "k": 10}).json()["results"]
    weighted = client.post(
        "/v1/match", json={"text": NEED, "k": 10, "innovation_weight": 0.6}
    ).json()["results"]

    def mean_potential(rs: list[dict]) -> float:
        return sum(r["innovation"]["score"] for r in rs) / len(rs)

    assert mean_potential(weighted) > mean_potential(plain)
    for r in weighted:
        part = next(s for s in r["signals"] if s["name"] == "innovation")
        assert part["value"] == pytest.approx(r["innovation"]["score"], abs=0.1)
        # Blended in the scorer's own scale: the parts still add up to the score.
        assert 0.4 * r["fit_score"] + part["contribution"] == pytest.approx(r["score"], abs=1e-3)
        total = r["base_score"] + sum(s["contribution"] for s in r["signals"])
        assert total == pytest.approx(r["score"], abs=1e-3)
    scores = [r["score"] for r in weighted]
    assert scores == sorted(scores, reverse=True)
    assert client.post("/v1/match", json={"text": NEED, "innovation_weight": 2}).status_code == 422


def test_supplier_shows_its_potential(client: TestClient) -> None:
    body = client.get("/v1/suppliers/FI-YTUNNUS:2775076-8").json()
    inn = body["innovation"]
    funding = next(c for c in inn["components"] if c["name"] == "funding")
    assert funding["value"] > 0 and any("bf_loan" in e for e in funding["evidence"])
    novelty = next(c for c in inn["components"] if c["name"] == "novelty")
    assert novelty["confidence"] > 0  # taken from the built index


def test_methods_document_every_component(client: TestClient) -> None:
    body = client.get("/v1/methods").json()
    assert {c["name"] for c in body["supplier_components"]} == {
        "funding", "innovative_contracts", "novelty", "newcomer", "youth_growth", "themes"}  # fmt: skip
    for group in ("supplier_components", "need_dimensions"):
        assert sum(c["weight"] for c in body[group]) == pytest.approx(1.0)
        assert all(c["definition"] and c["scale"] for c in body[group])
    assert "pre-commercial procurement" in body["routes"]


def test_innovation_statistics_and_chart(client: TestClient) -> None:
    body = client.get("/v1/stats/innovation", params={"by": "cpv"}).json()
    assert body["target"] == 0.1 and body["overall"]["n"] > 10000
    rd = next(r for r in body["rows"] if r["key"] == "73")
    assert rd["share"] == 1.0 and rd["n_flagged_route"] == rd["n"]  # R&D services: route flag
    assert body["estimate"]["available"] and not body["estimate"]["reliable"]
    assert "UNRELIABLE" in body["estimate"]["reason"]
    years = client.get("/v1/stats/innovation", params={"by": "year"}).json()["rows"]
    assert [r["key"] for r in years] == sorted(r["key"] for r in years)
    png = client.get("/v1/stats/innovation.png", params={"by": "year"})
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content[:4] == b"\x89PNG"
    assert client.get("/v1/stats/innovation", params={"by": "colour"}).status_code == 422
