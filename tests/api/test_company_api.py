"""The companies' routes and pages: the open board without an account, sign-up with a checked
Y-tunnus, a company's profile, alerts and feed, proposals with their access, rate limits, CSRF."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from company_helpers import ytunnus
from fastapi.testclient import TestClient

from api.main import create_app
from matcher.broker.demo import demo_board
from matcher.cli.users import demo_accounts
from matcher.embed import Embedder
from matcher.service import Matcher
from matcher.settings import Settings
from matcher.vocab import cpv_vocabulary

pytestmark = pytest.mark.slow
PASSWORD = "company-api-password-1"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def client(broker_settings: Settings, embedder: Embedder) -> Iterator[TestClient]:
    """The app over the module's store with the demo board; three proposals an hour per account."""
    demo_accounts(broker_settings.database_url, PASSWORD)
    settings = broker_settings.model_copy(update={"proposals_per_hour_account": 3})
    matcher = Matcher(settings, embedder=embedder)
    demo_board(settings.database_url, matcher)
    with TestClient(create_app(settings, matcher)) as c:
        yield c


def _signed_in(client: TestClient, email: str) -> tuple[TestClient, dict[str, str]]:
    c = TestClient(client.app)
    r = c.post("/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return c, {"X-CSRF-Token": r.json()["csrf_token"]}


def _company(client: TestClient, seven: str, name: str) -> tuple[TestClient, dict[str, str]]:
    email = f"{seven}@firm.invalid"
    made = client.post("/v1/companies", json={"name": name, "business_id": ytunnus(seven),
                                              "email": email, "password": PASSWORD})  # fmt: skip
    assert made.status_code in (201, 409), made.text
    return _signed_in(client, email)


def _energy_need(client: TestClient) -> int:
    found = client.get("/v1/public/needs", params={"q": "energiankulutuksen"}).json()
    assert len(found) == 1
    return int(found[0]["id"])


def test_the_board_is_open_to_everyone(client: TestClient) -> None:
    needs = client.get("/v1/public/needs").json()
    assert len(needs) == 4 and all(n["title"] for n in needs)
    assert [n["region"] for n in client.get("/v1/public/needs", params={"region": "FI1D9"}).json()] == ["FI1D9"] * 2
    one = client.get(f"/v1/public/needs/{needs[0]['id']}")
    assert one.status_code == 200 and one.json()["title"] == needs[0]["title"]
    assert client.get("/v1/public/needs/999999").status_code == 404
    feed = client.get("/needs.atom")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    assert len(root.findall(f"{ATOM}entry")) == 4
    page = client.get("/public/needs", params={"q": "katuvalaistuksen", "lang": "sv"})
    assert page.status_code == 200 and "Tavlan över öppna behov" in page.text
    assert "Katuvalaistuksen älykäs ohjaus" in page.text and "Koulukuljetusten" not in page.text
    # CPV codes read in the page's language (the vocabulary's own labels).
    code = next(c for n in needs for c in n["cpv"])
    for lang in ("fi", "sv"):
        label = cpv_vocabulary().label(code, lang)
        board = client.get("/public/needs", params={"lang": lang}).text
        assert label and html.escape(label) in board


def test_sign_up_refuses_an_invalid_ytunnus_with_the_reason(client: TestClient) -> None:
    bad = client.post("/v1/companies", json={"name": "Väärä Oy", "business_id": "1234567-8",
                                             "email": "vaara@firm.invalid", "password": PASSWORD})  # fmt: skip
    assert bad.status_code == 422
    assert "check digit of 1234567 is 1, not 8" in bad.json()["detail"][0]["msg"]
    # The page: the form comes back with the reason (and its CSRF token is checked).
    form = client.get("/companies/register")
    csrf = client.cookies.get("im_csrf")
    assert form.status_code == 200 and csrf
    page = client.post("/companies/register", params={"lang": "en"}, data={
        "csrf_token": csrf, "name": "Väärä Oy", "id_scheme": "FI-YTUNNUS",
        "business_id": "1234567-8", "email": "vaara@firm.invalid", "password": PASSWORD})  # fmt: skip
    assert page.status_code == 422 and "check digit of 1234567 is 1, not 8" in page.text
    fi = client.post("/companies/register", params={"lang": "fi"}, data={
        "csrf_token": csrf, "name": "Väärä Oy", "id_scheme": "FI-YTUNNUS",
        "business_id": "1234567-8", "email": "vaara@firm.invalid", "password": PASSWORD})  # fmt: skip
    assert fi.status_code == 422 and "numeroiden 1234567 tarkistusmerkki on 1, ei 8" in fi.text
    assert client.post("/companies/register", data={"name": "x"}).status_code == 403


def test_a_company_keeps_its_profile_and_alert(client: TestClient) -> None:
    c, h = _company(client, "2930001", "Profiilit Oy")
    body = {"offering": {"fi": "Katuvalojen etäohjaus ja LED-valaistus"}, "regions": ["FI1D9"]}
    assert c.put("/v1/company/profile", json=body).status_code == 403  # no CSRF header
    saved = c.put("/v1/company/profile", json=body, headers=h)
    assert saved.status_code == 200, saved.text
    out = saved.json()
    assert out["status"] == "self_declared" and out["cpv_suggested"] and out["indexed_at"] is None
    assert c.put("/v1/company/profile", json={"regions": ["nonsense"]}, headers=h).status_code == 422
    assert c.put("/v1/company/alerts", json={"words": ["LED"]}, headers=h).json()["words"] == ["led"]
    url = c.post("/v1/company/alerts/feed", headers=h).json()["feed_url"]
    feed = client.get(url)  # no account: the token is the secret
    assert feed.status_code == 200 and feed.headers["cache-control"] == "private, no-store"
    titles = [e.findtext(f"{ATOM}title") for e in ET.fromstring(feed.content).findall(f"{ATOM}entry")]
    assert titles == ["Katuvalaistuksen älykäs ohjaus"]
    assert client.get("/feeds/not-a-token.atom").status_code == 404
    page = c.get("/company", params={"lang": "sv"})
    assert page.status_code == 200 and "Företagsprofil" in page.text and "LED-valaistus" in page.text


def test_proposals_reach_the_owner_and_no_other_company(client: TestClient) -> None:
    a, ah = _company(client, "2930002", "Ehdottaja Oy")
    b, bh = _company(client, "2930003", "Utelias Oy")
    nid = _energy_need(client)
    made = a.post(f"/v1/public/needs/{nid}/proposals", headers=ah, json={
        "kind": "solution", "text": "Kulutuksen seuranta", "contact": "myynti@firm.invalid"})  # fmt: skip
    assert made.status_code == 201, made.text
    pid = made.json()["id"]
    assert a.get(f"/v1/proposals/{pid}").status_code == 200
    assert b.get(f"/v1/proposals/{pid}").status_code == 403
    assert b.get(f"/proposals/{pid}").status_code == 403
    assert b.get("/v1/company/proposals").json() == []
    vantaa, vh = _signed_in(client, "vantaa@demo.invalid")
    assert pid in [p["id"] for p in vantaa.get(f"/v1/needs/{nid}/proposals").json()]
    org = a.get("/v1/me").json()["organisation_id"]
    assert org in vantaa.get(f"/v1/needs/{nid}/shortlist", params={"k": 5}).json()["proposed_by"]
    page = vantaa.get(f"/needs/{nid}")
    assert page.status_code == 200 and f'data-proposal-id="{pid}"' in page.text


def test_proposals_are_rate_limited_per_account(client: TestClient) -> None:
    c, h = _company(client, "2930005", "Kiireinen Oy")
    nid = _energy_need(client)
    body = {"kind": "interest", "contact": "myynti@firm.invalid"}
    codes = [c.post(f"/v1/public/needs/{nid}/proposals", headers=h, json=body).status_code
             for _ in range(4)]  # fmt: skip
    assert codes == [201, 201, 201, 429]
    last = c.post(f"/v1/public/needs/{nid}/proposals", headers=h, json=body)
    assert int(last.headers["retry-after"]) > 0
