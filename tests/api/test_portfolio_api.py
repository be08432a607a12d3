"""The portfolio API and pages on the demo data: JSON, CSV, chart, invitations, ratings, CSRF."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from matcher.settings import Settings
from matcher.store.db import session_scope
from matcher.store.models import Organisation

pytestmark = pytest.mark.slow
PASSWORD = "api-test-password-2"



@pytest.fixture(scope="module")
def vantaa(broker_settings: Settings) -> int:
    with session_scope(broker_settings.database_url) as session:
        org = session.scalar(select(Organisation.id).where(Organisation.name == "Vantaan kaupunki"))
    assert org is not None
    return int(org)


def test_public_json_csv_and_chart(app_client: TestClient, vantaa: int) -> None:
    r = app_client.get(f"/v1/organisations/{vantaa}/portfolio")
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["name"] == "Vantaan kaupunki" and p["categories"] and not p["ratings_visible"]
    top = p["categories"][0]
    assert top["rank"] == 1 and len(top["measures"]) == 7 and top["reasons"]
    assert top["suppliers"], "the ranking finds suppliers for the most strategic category"
    text = app_client.get(f"/v1/organisations/{vantaa}/portfolio?format=csv").text
    assert text == app_client.get(f"/v1/organisations/{vantaa}/portfolio.csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["division"] for r in rows] == [c["key"] for c in p["categories"]]
    png = app_client.get(f"/v1/organisations/{vantaa}/portfolio.png")
    assert png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"
    assert app_client.get("/v1/organisations/FI-YTUNNUS:0000000-0/portfolio").status_code == 404
    assert app_client.get(f"/v1/organisations/{vantaa}/portfolio?format=xls").status_code == 422


def test_invite_rate_and_see_the_aggregate(app_client: TestClient, vantaa: int) -> None:
    url = f"/v1/organisations/{vantaa}/portfolio/invitations"
    assert app_client.post(url, json={"label": "Nuorisovaltuusto"}).status_code == 401
    other = TestClient(app_client.app)
    r = other.post("/v1/auth/login", json={"email": "oulu@demo.invalid", "password": PASSWORD})
    oulu = {"X-CSRF-Token": r.json()["csrf_token"]}
    assert other.post(url, json={"label": "x"}, headers=oulu).status_code == 403
    me = TestClient(app_client.app)
    r = me.post("/v1/auth/login", json={"email": "vantaa@demo.invalid", "password": PASSWORD})
    csrf = {"X-CSRF-Token": r.json()["csrf_token"]}
    assert me.post(url, json={"label": "Nuorisovaltuusto"}).status_code == 403  # no CSRF header
    made = me.post(url, json={"label": "Nuorisovaltuusto"}, headers=csrf)
    assert made.status_code == 201, made.text
    token = made.json()["link"].rsplit("/", 1)[1]
    key = app_client.get(f"/v1/organisations/{vantaa}/portfolio").json()["categories"][0]["key"]
    rate = f"/v1/portfolio/invitations/{token}/ratings"
    assert app_client.post(rate, json={"category": key, "importance": 9}).status_code == 422
    assert app_client.post(rate, json={"category": key, "importance": 4,
                                       "comment": "Tärkeä"}).status_code == 204  # fmt: skip
    mine = me.get(f"/v1/organisations/{vantaa}/portfolio").json()
    cat = next(c for c in mine["categories"] if c["key"] == key)
    assert mine["ratings_visible"] and cat["ratings"]["mean"] == 4.0 and cat["ratings"]["n"] == 1
    held = app_client.get(f"/v1/organisations/{vantaa}/portfolio?invitation={token}").json()
    assert held["ratings_visible"]
    weight = me.put(f"/v1/organisations/{vantaa}/portfolio/settings",
                    json={"stakeholder_weight": 0.5}, headers=csrf)  # fmt: skip
    assert weight.status_code == 200 and weight.json() == {"stakeholder_weight": 0.5}


def test_pages_in_three_languages_and_forms_need_csrf(app_client: TestClient, vantaa: int) -> None:
    for lang, title in (("fi", "Hankintasalkku"), ("sv", "Upphandlingsportfölj"),
                        ("en", "Procurement portfolio")):  # fmt: skip
        r = app_client.get(f"/organisations/{vantaa}/portfolio?lang={lang}")
        assert r.status_code == 200 and title in r.text and "<script" not in r.text
        assert f"/v1/organisations/{vantaa}/portfolio.png" in r.text
    page = TestClient(app_client.app, follow_redirects=False)
    page.get("/login")
    csrf = page.cookies["im_csrf"]
    r = page.post("/login", data={"email": "vantaa@demo.invalid", "password": PASSWORD,
                                  "csrf_token": csrf})  # fmt: skip
    assert r.status_code == 303
    invite = f"/organisations/{vantaa}/portfolio/invite"
    assert page.post(invite, data={"label": "x", "csrf_token": "forged"}).status_code == 403
    shown = page.post(invite, data={"label": "Asukasfoorumi", "csrf_token": csrf})
    assert shown.status_code == 200 and 'id="invite-link"' in shown.text
    link = shown.text.split('id="invite-link">', 1)[1].split("<", 1)[0]
    token = link.rsplit("/", 1)[1]
    held = page.get(f"/portfolio/invite/{token}?lang=fi")
    assert held.status_code == 200 and "Arvioi kategoriat" in held.text and "Tallenna arvio" in held.text
    assert page.get("/portfolio/invite/" + "x" * 43).status_code == 404
