"""The broker API: sign-in, needs, clusters, shortlists, and that no one reaches what is not theirs."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.slow
PASSWORD = "api-test-password-1"



def _signed_in(client: TestClient, email: str) -> tuple[TestClient, dict[str, str]]:
    c = TestClient(client.app)
    r = c.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c, {"X-CSRF-Token": r.json()["csrf_token"]}


def test_sign_in_is_needed_and_checked(app_client: TestClient) -> None:
    assert app_client.get("/v1/needs").status_code == 401
    assert app_client.post("/v1/needs", json={"title": "x y z"}).status_code == 401
    bad = app_client.post(
        "/v1/auth/login", json={"email": "broker@demo.invalid", "password": "nope"}
    )
    assert bad.status_code == 401 and "password" in bad.json()["detail"]
    assert (
        app_client.get("/v1/needs", headers={"Authorization": "Bearer im_forged"}).status_code
        == 401
    )
    # Public analyses stay open.
    assert app_client.post("/v1/cpv/suggest", json={"text": "koulun siivous"}).status_code == 200


def test_need_lifecycle_and_access(app_client: TestClient) -> None:
    vantaa, vh = _signed_in(app_client, "vantaa@demo.invalid")
    oulu, oh = _signed_in(app_client, "oulu@demo.invalid")
    broker, bh = _signed_in(app_client, "broker@demo.invalid")
    assert vantaa.get("/v1/me").json()["organisation_name"] == "Vantaan kaupunki"

    # A cookie-signed change without the CSRF header is refused; with it, it is made.
    body = {"title": "Koulukuljetukset", "description": "Oppilaiden koulukuljetukset",
            "region": "FI1B1", "budget_min": 10000, "budget_max": 50000}  # fmt: skip
    assert vantaa.post("/v1/needs", json=body).status_code == 403
    created = vantaa.post("/v1/needs", json=body, headers=vh)
    assert created.status_code == 201
    need = created.json()
    assert need["buyer_name"] == "Vantaan kaupunki" and need["cpv_suggested"]
    nid = need["id"]

    # Invalid input names the field; nothing is stored.
    bad = vantaa.post("/v1/needs", json={**body, "budget_min": 9, "budget_max": 1}, headers=vh)
    assert bad.status_code == 422 and "budget_min" in bad.text
    assert len(vantaa.get("/v1/needs").json()) == 1

    # Another buyer can neither read nor change it; the broker of the region can.
    assert oulu.get(f"/v1/needs/{nid}").status_code == 403
    assert oulu.patch(f"/v1/needs/{nid}", json={"title": "mine"}, headers=oh).status_code == 403
    assert oulu.get(f"/v1/needs/{nid}/shortlist.csv").status_code == 403
    assert oulu.put(f"/v1/needs/{nid}/shortlist/1", json={"mark": "relevant"},
                    headers=oh).status_code == 403  # fmt: skip
    assert nid not in [n["id"] for n in oulu.get("/v1/needs").json()]
    assert broker.get(f"/v1/needs/{nid}").status_code == 200

    # Shortlist through the API, by API key (no cookie, so no CSRF token needed).
    key = broker.post("/v1/auth/api-key", headers=bh).json()["api_key"]
    bearer = TestClient(app_client.app, headers={"Authorization": f"Bearer {key}"})
    ranking = bearer.get(f"/v1/needs/{nid}/shortlist", params={"k": 3}).json()["ranking"]
    sid = ranking[0]["supplier_id"]
    put = bearer.put(
        f"/v1/needs/{nid}/shortlist/{sid}", json={"mark": "relevant", "note": "ok", "rank": 1}
    )
    assert put.status_code == 200 and put.json()["mark"] == "relevant"
    assert bearer.put(f"/v1/needs/{nid}/shortlist/{sid}", json={"mark": "maybe"}).status_code == 422
    csv_text = vantaa.get(f"/v1/needs/{nid}/shortlist.csv").text
    assert csv_text.splitlines()[0].startswith("need_id,need_title,supplier_id")
    assert f",{sid}," in csv_text.splitlines()[1]
    market = bearer.get(f"/v1/needs/{nid}/market").json()
    assert market["n_similar"] >= 0 and isinstance(market["by_year"], list)

    # Close: the buyer can; the need then shows as closed.
    closed = vantaa.patch(f"/v1/needs/{nid}", json={"status": "closed"}, headers=vh)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert vantaa.get("/v1/needs", params={"status": "open"}).json() == []
    assert bearer.delete(f"/v1/needs/{nid}/shortlist/{sid}").status_code == 204
    assert bearer.delete(f"/v1/needs/{nid}/shortlist/{sid}").status_code == 404


def test_clusters_through_the_api(app_client: TestClient) -> None:
    vantaa, vh = _signed_in(app_client, "vantaa@demo.invalid")
    oulu, oh = _signed_in(app_client, "oulu@demo.invalid")
    broker, _ = _signed_in(app_client, "broker@demo.invalid")
    a = vantaa.post("/v1/needs", headers=vh, json={
        "title": "Koulujen siivouspalvelut", "region": "FI1B1",
        "description": "Peruskoulujen tilojen päivittäinen siivous"}).json()  # fmt: skip
    b = oulu.post("/v1/needs", headers=oh, json={
        "title": "Koulujen siivous", "region": "FI1D9",
        "description": "Koulujen ja päiväkotien tilojen päivittäinen siivous"}).json()  # fmt: skip
    a = vantaa.get(f"/v1/needs/{a['id']}").json()
    assert a["cluster_id"] is not None
    cluster = broker.get(f"/v1/clusters/{a['cluster_id']}").json()
    assert {m["id"] for m in cluster["members"]} == {a["id"], b["id"]} and cluster["reasons"]
    mine = vantaa.get(f"/v1/clusters/{a['cluster_id']}").json()
    assert [m["id"] for m in mine["members"]] == [a["id"]] and mine["n_hidden"] == 1
    assert broker.get(f"/v1/clusters/{a['cluster_id']}/shortlist").json()["ranking"]
    assert broker.get(f"/v1/clusters/{a['cluster_id']}/market").json()["n_similar"] > 0
    assert broker.get("/v1/clusters/999999").status_code == 404


@pytest.mark.parametrize(
    ("next_url", "target"),
    [("/needs/new", "/needs/new"), ("//evil.example/x", "/board"), ("/\\evil.example", "/board"),
     ("https://evil.example", "/board")],
)  # fmt: skip
def test_sign_in_form_only_redirects_on_this_site(
    app_client: TestClient, next_url: str, target: str
) -> None:
    c = TestClient(app_client.app, follow_redirects=False)
    csrf = c.get("/login").cookies.get("im_csrf") or c.cookies.get("im_csrf")
    r = c.post("/login", data={"email": "broker@demo.invalid", "password": PASSWORD,
                               "csrf_token": csrf, "next": next_url})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == target
    forged = TestClient(app_client.app, follow_redirects=False)
    forged.get("/login")
    r = forged.post("/login", data={"email": "broker@demo.invalid", "password": PASSWORD,
                                    "csrf_token": "forged", "next": "/board"})  # fmt: skip
    assert r.status_code == 403


@pytest.mark.parametrize("path", ["/board", "/needs/new", "/needs/1", "/clusters/1"])
def test_pages_send_strangers_to_sign_in(app_client: TestClient, path: str) -> None:
    r = TestClient(app_client.app, follow_redirects=False).get(path)
    assert r.status_code == 303 and r.headers["location"] == f"/login?next={path}"
