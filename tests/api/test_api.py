"""The HTTP API on the demo data: success paths and every kind of bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from matcher.embed import Embedder
from matcher.index import MatchIndex
from matcher.service import Matcher
from matcher.settings import Settings

pytestmark = pytest.mark.slow


def test_health(client: TestClient, demo_index: MatchIndex) -> None:
    body = client.get("/v1/health").json()
    assert body["status"] == "ok" and body["index_built"]
    assert body["procurements"] == len(demo_index.corpus.procurements)


def test_match_returns_ranked_suppliers_with_evidence(client: TestClient) -> None:
    r = client.post("/v1/match", json={"text": "koulun siivouspalvelut", "k": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["cpv_inferred"] and len(body["results"]) == 5
    first = body["results"][0]
    assert first["rank"] == 1 and first["evidence"] and first["identifiers"]
    scores = [m["score"] for m in body["results"]]
    assert scores == sorted(scores, reverse=True)  # the order served is the scorer's order
    for m in body["results"]:
        total = m["base_score"] + sum(s["contribution"] for s in m["signals"])
        assert total == pytest.approx(m["score"], abs=1e-3)
        assert all(s["explanation"] for s in m["signals"])
    assert {s["name"] for s in first["signals"]} >= {"similar_contracts", "cpv", "lexical"}


def test_match_with_cpv_region_and_filters(client: TestClient) -> None:
    r = client.post("/v1/match", json={
        "text": "travaux de voirie", "cpv": ["45233141-9"], "region": "FR-D59", "value": 200000,
        "k": 3, "filters": {"country": "FR", "with_awards_only": True}})  # fmt: skip
    assert r.status_code == 200
    body = r.json()
    assert body["query_cpv"] == ["45233141"] and not body["cpv_inferred"]
    assert all(m["country"] == "FR" and m["n_awards"] > 0 for m in body["results"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"text": ""}, "text"), ({"text": "   \n "}, "text"), ({}, "text"),
     ({"text": "siivous", "k": 0}, "k"), ({"text": "siivous", "k": 1000}, "k"),
     ({"text": "siivous", "cpv": ["99999999"]}, "cpv"), ({"text": "siivous", "cpv": ["abc"]}, "cpv"),
     ({"text": "siivous", "value": -5}, "value"), ({"text": "siivous", "colour": "red"}, "colour"),
     ({"text": "siivous", "filters": {"country": "france"}}, "country")],
)  # fmt: skip
def test_invalid_match_input_is_a_422_that_names_the_field(
    client: TestClient, payload: dict, field: str
) -> None:
    r = client.post("/v1/match", json=payload)
    assert r.status_code == 422
    assert field in r.text


def test_malformed_json_is_a_422(client: TestClient) -> None:
    r = client.post("/v1/match", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_supplier_by_id_and_by_identifier(client: TestClient) -> None:
    match = client.post("/v1/match", json={"text": "nettoyage des locaux", "k": 1}).json()
    sid = match["results"][0]["supplier_id"]
    by_id = client.get(f"/v1/suppliers/{sid}").json()
    assert by_id["awards"] and by_id["n_awards"] >= len(by_id["awards"])
    ident = by_id["identifiers"][0]
    assert client.get(f"/v1/suppliers/{ident}").json()["id"] == sid


def test_procurement(client: TestClient) -> None:
    match = client.post("/v1/match", json={"text": "nettoyage des locaux", "k": 1}).json()
    pid = match["results"][0]["evidence"][0]["procurement_id"]
    body = client.get(f"/v1/procurements/{pid}").json()
    assert body["id"] == pid and body["awards"] and body["cpv_labels"]


@pytest.mark.parametrize(
    ("url", "status"),
    [("/v1/suppliers/999999999", 404), ("/v1/suppliers/FR-SIREN:000000000", 404),
     ("/v1/suppliers/nonsense", 404), ("/v1/procurements/999999999", 404),
     ("/v1/procurements/abc", 422), ("/v1/procurements/0", 422)],
)  # fmt: skip
def test_unknown_ids(client: TestClient, url: str, status: int) -> None:
    r = client.get(url)
    assert r.status_code == status and r.json()["detail"]


def test_openapi_docs(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/v1/match",
        "/v1/health",
        "/v1/suppliers/{key}",
        "/v1/procurements/{procurement_id}",
    } <= set(paths)


def test_match_before_build_is_a_409(tmp_path, embedder: Embedder) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", index_dir=tmp_path / "none")
    with TestClient(create_app(settings, Matcher(settings, embedder=embedder))) as c:
        r = c.post("/v1/match", json={"text": "koulun siivous"})
        assert r.status_code == 409 and "innomatch build" in r.json()["detail"]
        assert c.get("/v1/health").json()["status"] == "degraded"
