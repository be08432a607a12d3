"""Who may call what: every route of the app's route table x five identities, with the status
each must get. A route added without a rule here fails ``test_every_route_has_a_rule``."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.main import create_app
from matcher import broker
from matcher.broker.accounts import create_user
from matcher.cli.users import demo_accounts
from matcher.embed import Embedder
from matcher.index import MatchIndex
from matcher.service import Matcher
from matcher.settings import Settings
from matcher.store.broker_models import User
from matcher.store.db import session_scope

WHO = ("anonymous", "buyer_a", "buyer_b", "broker_region", "broker_other")
EMAILS = {"buyer_a": "vantaa@demo.invalid", "buyer_b": "oulu@demo.invalid",
          "broker_region": "broker@demo.invalid", "broker_other": "broker-aland@x.invalid",
          "company_a": "company-a@x.invalid", "company_b": "company-b@x.invalid"}  # fmt: skip
#: Valid Y-tunnus numbers of companies A and B.
COMPANY_IDS = {"company_a": "2900011-9", "company_b": "2900012-7"}
NEED = {"title": "Koulujen siivouspalvelut", "region": "FI1B1",
        "description": "Peruskoulujen tilojen päivittäinen siivous"}  # fmt: skip
#: Buyer B's need, close to buyer A's: the two make a cluster (in which each sees only its own).
NEED_B = {"title": "Koulujen siivous", "region": "FI1D9",
          "description": "Koulujen ja päiväkotien tilojen päivittäinen siivous"}  # fmt: skip

#: (method, path) -> statuses for (anonymous, buyer A, buyer B, broker of A's region, broker of
#: another region). Buyer A owns the need (in FI1B1; broker_region covers FI1); a cluster is
#: seen by everyone with a member in it (buyer B's need is in A's cluster).
RULES: dict[tuple[str, str], tuple[int, int, int, int, int]] = {
    # Public analyses: open to everyone.
    ("GET", "/v1/health"): (200, 200, 200, 200, 200),
    ("GET", "/v1/methods"): (200, 200, 200, 200, 200),
    ("GET", "/v1/stats/innovation"): (200, 200, 200, 200, 200),
    ("GET", "/v1/stats/innovation.png"): (200, 200, 200, 200, 200),
    ("GET", "/v1/suppliers/{key}"): (200, 200, 200, 200, 200),
    ("GET", "/v1/procurements/{procurement_id}"): (200, 200, 200, 200, 200),
    ("POST", "/v1/match"): (200, 200, 200, 200, 200),
    ("POST", "/v1/cpv/suggest"): (200, 200, 200, 200, 200),
    # Sign-in (a wrong password here) and account routes.
    ("POST", "/v1/auth/login"): (401, 401, 401, 401, 401),
    ("POST", "/v1/auth/logout"): (401, 204, 204, 204, 204),
    ("POST", "/v1/auth/api-key"): (401, 200, 200, 200, 200),
    ("GET", "/v1/me"): (401, 200, 200, 200, 200),
    # Needs: a buyer sees its own, a broker its region's.
    ("GET", "/v1/needs"): (401, 200, 200, 200, 200),
    ("POST", "/v1/needs"): (401, 201, 201, 201, 403),
    ("GET", "/v1/needs/{need_id}"): (401, 200, 403, 200, 403),
    ("PATCH", "/v1/needs/{need_id}"): (401, 200, 403, 200, 403),
    ("GET", "/v1/needs/{need_id}/shortlist"): (401, 200, 403, 200, 403),
    ("GET", "/v1/needs/{need_id}/shortlist.csv"): (401, 200, 403, 200, 403),
    ("PUT", "/v1/needs/{need_id}/shortlist/{supplier_id}"): (401, 200, 403, 200, 403),
    ("DELETE", "/v1/needs/{need_id}/shortlist/{supplier_id}"): (401, 204, 403, 204, 403),
    ("GET", "/v1/needs/{need_id}/market"): (401, 200, 403, 200, 403),
    ("GET", "/v1/clusters"): (401, 200, 200, 200, 200),
    ("GET", "/v1/clusters/{cluster_id}"): (401, 200, 200, 200, 403),
    ("GET", "/v1/clusters/{cluster_id}/shortlist"): (401, 200, 200, 200, 403),
    ("GET", "/v1/clusters/{cluster_id}/market"): (401, 200, 200, 200, 403),
    # Pages: signed out, a page that needs an account redirects to the sign-in form (303).
    ("GET", "/"): (200, 200, 200, 200, 200),
    ("GET", "/login"): (200, 200, 200, 200, 200),
    ("POST", "/login"): (403, 403, 403, 403, 403),  # no CSRF token in these requests
    ("POST", "/logout"): (403, 403, 403, 403, 403),
    ("GET", "/board"): (303, 200, 200, 200, 200),
    ("GET", "/needs/new"): (303, 200, 200, 200, 200),
    ("POST", "/needs/new"): (303, 403, 403, 403, 403),
    ("GET", "/needs/{need_id}"): (303, 200, 403, 200, 403),
    ("GET", "/needs/{need_id}/edit"): (303, 200, 403, 200, 403),
    ("POST", "/needs/{need_id}/edit"): (303, 403, 403, 403, 403),
    ("POST", "/needs/{need_id}/close"): (303, 403, 403, 403, 403),
    ("POST", "/needs/{need_id}/mark"): (303, 403, 403, 403, 403),
    ("GET", "/clusters/{cluster_id}"): (303, 200, 200, 200, 403),
    # Portfolio of buyer A's organisation: reading is public (public data); its own users (buyer A
    # only, not brokers) invite stakeholders and set the weight; an invitation token rates.
    ("GET", "/v1/organisations/{key}/portfolio"): (200, 200, 200, 200, 200),
    ("GET", "/v1/organisations/{key}/portfolio.csv"): (200, 200, 200, 200, 200),
    ("GET", "/v1/organisations/{key}/portfolio.png"): (200, 200, 200, 200, 200),
    ("POST", "/v1/organisations/{key}/portfolio/invitations"): (401, 201, 403, 403, 403),
    ("PUT", "/v1/organisations/{key}/portfolio/settings"): (401, 200, 403, 403, 403),
    ("POST", "/v1/portfolio/invitations/{token}/ratings"): (204, 204, 204, 204, 204),
    ("GET", "/organisations/{key}/portfolio"): (200, 200, 200, 200, 200),
    ("POST", "/organisations/{key}/portfolio/invite"): (303, 403, 403, 403, 403),
    ("POST", "/organisations/{key}/portfolio/weight"): (303, 403, 403, 403, 403),
    ("GET", "/portfolio/invite/{token}"): (200, 200, 200, 200, 200),
    ("POST", "/portfolio/invite/{token}/rate"): (403, 403, 403, 403, 403),  # no CSRF token
    # The open needs board (buyer A's need published) and its feeds: open to everyone; a
    # company's feed by its secret token.
    ("GET", "/v1/public/needs"): (200, 200, 200, 200, 200),
    ("GET", "/v1/public/needs/{need_id}"): (200, 200, 200, 200, 200),
    ("GET", "/needs.atom"): (200, 200, 200, 200, 200),
    ("GET", "/feeds/{feed_token}.atom"): (200, 200, 200, 200, 200),
    ("GET", "/public/needs"): (200, 200, 200, 200, 200),
    ("GET", "/public/needs/{need_id}"): (200, 200, 200, 200, 200),
    ("GET", "/companies/register"): (200, 200, 200, 200, 200),
    ("POST", "/companies/register"): (403, 403, 403, 403, 403),  # no CSRF token
    # Publishing, proposals and events: the need's owner and its broker; proposing and
    # registering are for companies only (see COMPANY_RULES).
    ("PUT", "/v1/needs/{need_id}/publication"): (401, 200, 403, 200, 403),
    ("GET", "/v1/needs/{need_id}/proposals"): (401, 200, 403, 200, 403),
    ("POST", "/v1/public/needs/{need_id}/proposals"): (401, 403, 403, 403, 403),
    ("GET", "/v1/proposals/{proposal_id}"): (401, 200, 403, 200, 403),
    ("PUT", "/v1/proposals/{proposal_id}/answer"): (401, 200, 403, 200, 403),
    ("POST", "/v1/events"): (401, 201, 403, 201, 403),
    ("GET", "/v1/events/{event_id}"): (401, 200, 200, 200, 200),
    ("POST", "/v1/events/{event_id}/registrations"): (401, 403, 403, 403, 403),
    ("POST", "/v1/companies"): (422, 422, 422, 422, 422),  # an invalid Y-tunnus, refused
    ("GET", "/v1/companies"): (401, 403, 403, 200, 200),
    ("POST", "/v1/companies/{organisation_id}/confirm"): (401, 403, 403, 200, 200),
    ("GET", "/v1/company/profile"): (401, 403, 403, 403, 403),
    ("PUT", "/v1/company/profile"): (401, 403, 403, 403, 403),
    ("GET", "/v1/company/proposals"): (401, 403, 403, 403, 403),
    ("GET", "/v1/company/alerts"): (401, 403, 403, 403, 403),
    ("PUT", "/v1/company/alerts"): (401, 403, 403, 403, 403),
    ("POST", "/v1/company/alerts/feed"): (401, 403, 403, 403, 403),
    # One refresh at a time: the second broker finds the first one's running (409).
    ("POST", "/v1/index/refresh"): (401, 403, 403, 202, 409),
    ("GET", "/v1/index/refresh"): (401, 200, 200, 200, 200),
    ("GET", "/company"): (303, 403, 403, 403, 403),
    ("GET", "/proposals/{proposal_id}"): (303, 200, 403, 200, 403),
    ("POST", "/public/needs/{need_id}/propose"): (303, 403, 403, 403, 403),
    ("POST", "/events/{event_id}/register"): (303, 403, 403, 403, 403),
    ("POST", "/company/profile"): (303, 403, 403, 403, 403),
    ("POST", "/company/alerts"): (303, 403, 403, 403, 403),
    ("POST", "/company/feed"): (303, 403, 403, 403, 403),
    ("POST", "/needs/{need_id}/publish"): (303, 403, 403, 403, 403),
    ("POST", "/needs/{need_id}/events"): (303, 403, 403, 403, 403),
    ("POST", "/proposals/{proposal_id}/answer"): (303, 403, 403, 403, 403),
    ("POST", "/companies/{organisation_id}/confirm"): (303, 403, 403, 403, 403),
    ("POST", "/index/refresh"): (303, 403, 403, 403, 403),
}
#: Companies A (made the proposal) and B, on the routes that concern them: a company reads public
#: needs and its own profile, alerts and proposals; nothing of the buyers' and brokers' side.
COMPANY_RULES: dict[tuple[str, str], tuple[int, int]] = {
    ("GET", "/v1/company/profile"): (200, 200),
    ("GET", "/v1/company/proposals"): (200, 200),
    ("GET", "/v1/proposals/{proposal_id}"): (200, 403),
    ("GET", "/proposals/{proposal_id}"): (200, 403),
    ("PUT", "/v1/proposals/{proposal_id}/answer"): (403, 403),
    ("POST", "/v1/public/needs/{need_id}/proposals"): (201, 201),
    ("GET", "/v1/public/needs/{need_id}"): (200, 200),
    ("GET", "/v1/events/{event_id}"): (200, 200),
    ("POST", "/v1/events/{event_id}/registrations"): (201, 201),
    ("GET", "/v1/needs"): (200, 200),
    ("GET", "/v1/needs/{need_id}"): (403, 403),
    ("PATCH", "/v1/needs/{need_id}"): (403, 403),
    ("PUT", "/v1/needs/{need_id}/publication"): (403, 403),
    ("GET", "/v1/needs/{need_id}/shortlist"): (403, 403),
    ("GET", "/v1/needs/{need_id}/proposals"): (403, 403),
    ("POST", "/v1/needs"): (403, 403),
    ("POST", "/v1/events"): (403, 403),
    ("GET", "/v1/clusters/{cluster_id}"): (403, 403),
    ("GET", "/v1/companies"): (403, 403),
    ("POST", "/v1/companies/{organisation_id}/confirm"): (403, 403),
    ("POST", "/v1/index/refresh"): (403, 403),
    ("POST", "/v1/organisations/{key}/portfolio/invitations"): (403, 403),
    ("GET", "/needs/{need_id}"): (403, 403),
    ("GET", "/company"): (200, 200),
    ("GET", "/board"): (303, 303),  # to the company's own page
}
#: Routes served outside the route table's rules: FastAPI's own documentation.
_FRAMEWORK = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def _routes(app: Any) -> set[tuple[str, str]]:
    """(method, path) of every route in the app's route table, included routers walked."""
    return {(m, path) for path, route in _walk(app.routes, "") if path not in _FRAMEWORK
            for m in (route.methods or set()) - {"HEAD"}}  # fmt: skip


def _walk(routes: list[Any], prefix: str) -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):  # FastAPI's included router
            yield from _walk(route.original_router.routes, prefix + route.include_context.prefix)


@pytest.fixture(scope="module")
def matrix_app(
    broker_settings: Settings, demo_index: MatchIndex, embedder: Embedder,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    """The app, limits off, with a need of buyer A and the ids the paths take."""
    demo_accounts(broker_settings.database_url, "matrix-password-4711")
    # Its own copy of the index: the refresh route rebuilds it.
    index_dir = tmp_path_factory.mktemp("matrix-index") / "index"
    shutil.copytree(broker_settings.index_dir, index_dir, symlinks=True)
    settings = broker_settings.model_copy(update={
        "match_per_minute_anonymous": 0, "match_per_minute_api_key": 0,
        "login_failures_per_account": 0, "login_failures_per_address": 0,
        "proposals_per_hour_account": 0, "proposals_per_hour_address": 0,
        "signups_per_hour_address": 0, "index_dir": index_dir,
    })  # fmt: skip
    with session_scope(settings.database_url) as s:
        if s.scalars(select(User).where(User.email == EMAILS["broker_other"])).first() is None:
            create_user(s, EMAILS["broker_other"], "matrix-password-4711", "broker", None, "FI2")
    with TestClient(create_app(settings, Matcher(settings, embedder=embedder))) as c:
        owner = {"authorization": f"Bearer {_key(settings, 'buyer_a')}"}
        need = c.post("/v1/needs", json=NEED, headers=owner).json()
        other = {"authorization": f"Bearer {_key(settings, 'buyer_b')}"}
        assert c.post("/v1/needs", json=NEED_B, headers=other).status_code == 201
        cluster = c.get(f"/v1/needs/{need['id']}", headers=owner).json().get("cluster_id")
        assert cluster, "the two needs should form a cluster"
        shortlist = c.get(f"/v1/needs/{need['id']}/shortlist", headers=owner).json()
        supplier = shortlist["results"][0]["supplier_id"] if shortlist.get("results") else 1
        org = _buyer_id(settings)
        made = c.post(f"/v1/organisations/{org}/portfolio/invitations", headers=owner,
                      json={"label": "Nuorisovaltuusto"})  # fmt: skip
        assert made.status_code == 201, made.text
        ids = {"need_id": need["id"], "cluster_id": cluster or 1, "supplier_id": supplier,
               "procurement_id": 1, "key": "1", "org_key": str(org),
               "token": made.json()["link"].rsplit("/", 1)[1], "settings": settings,
               **_companies_side(c, settings, need["id"], owner)}  # fmt: skip
        yield c, ids


def _companies_side(c: TestClient, settings: Settings, need_id: int,
                    owner: dict[str, str]) -> dict[str, Any]:  # fmt: skip
    """Buyer A's need on the open board, companies A and B, A's proposal and feed, an event."""
    assert c.put(f"/v1/needs/{need_id}/publication", json={"public": True},
                 headers=owner).status_code == 200  # fmt: skip
    orgs = {}
    for who, business_id in COMPANY_IDS.items():
        made = c.post("/v1/companies", json={"name": f"Yritys {who}", "business_id": business_id,
                                             "email": EMAILS[who], "password": "matrix-password-4711"})  # fmt: skip
        assert made.status_code == 201, made.text
        orgs[who] = made.json()["organisation_id"]
    company = {"authorization": f"Bearer {_key(settings, 'company_a')}"}
    proposal = c.post(f"/v1/public/needs/{need_id}/proposals", headers=company,
                      json={"text": "Siivousrobotit", "contact": "myynti@x.invalid"})  # fmt: skip
    assert proposal.status_code == 201, proposal.text
    feed = c.post("/v1/company/alerts/feed", headers=company).json()["feed_url"]
    event = c.post("/v1/events", headers=owner, json={
        "need_id": need_id, "title": "Markkinavuoropuhelu", "starts_at": "2027-02-01T10:00:00"})  # fmt: skip
    assert event.status_code == 201, event.text
    return {"proposal_id": proposal.json()["id"], "event_id": event.json()["id"],
            "organisation_id": orgs["company_a"],
            "feed_token": feed.removeprefix("/feeds/").removesuffix(".atom")}


def _key(settings: Settings, who: str) -> str:
    with session_scope(settings.database_url) as s:
        user = s.scalars(select(User).where(User.email == EMAILS[who])).one()
        return broker.issue_api_key(s, user)


def _body(method: str, path: str, ids: dict[str, Any]) -> dict[str, Any]:
    if path == "/v1/match":
        return {"json": {"text": "koulukuljetukset oppilaille"}}
    if path == "/v1/cpv/suggest":
        return {"json": {"text": "koulukuljetukset"}}
    if path == "/v1/auth/login":
        return {"json": {"email": "vantaa@demo.invalid", "password": "wrong"}}
    if path == "/v1/needs" and method == "POST":
        return {"json": {**NEED, "buyer_id": ids.get("buyer_id")}}
    if path.endswith("/portfolio/invitations"):
        return {"json": {"label": "Kaupunginvaltuusto"}}
    if path.endswith("/portfolio/settings"):
        return {"json": {"stakeholder_weight": 0.25}}
    if path.endswith("/ratings"):
        return {"json": {"category": "45", "importance": 4, "comment": "Tärkeä"}}
    if path.endswith("/publication"):
        return {"json": {"public": True}}
    if path == "/v1/companies":
        return {"json": {"name": "Väärä Oy", "business_id": "1234567-8", "email": "v@x.invalid",
                         "password": "matrix-password-4711"}}  # fmt: skip
    if path.endswith("/proposals") and method == "POST":
        return {"json": {"text": "Ratkaisumme", "contact": "myynti@x.invalid"}}
    if path.endswith("/answer") and method == "PUT":
        return {"json": {"status": "invited"}}
    if path == "/v1/events":
        return {"json": {"need_id": ids["need_id"], "title": "Tilaisuus",
                         "starts_at": "2027-03-01T10:00:00"}}  # fmt: skip
    if path == "/v1/company/profile" and method == "PUT":
        return {"json": {"offering": {"fi": "Siivouspalvelut kouluille"}}}
    if path == "/v1/company/alerts" and method == "PUT":
        return {"json": {"words": ["siivous"]}}
    if method == "PATCH":
        return {"json": {"description": "Oppilaiden koulukuljetukset, päivitetty"}}
    if method == "PUT":
        return {"json": {"mark": "relevant"}}
    if method == "POST" and not path.startswith("/v1"):  # the pages' forms, without a CSRF token
        return {"data": {"email": "x@x.invalid", "password": "x", "supplier_id": ids["supplier_id"],
                         "mark": "relevant", "title": "Koulukuljetukset", "label": "Valtuusto",
                         "weight": 0.5, "category": "45", "importance": 4, "status": "invited",
                         "starts_at": "2027-03-01T10:00"}}  # fmt: skip
    return {}


def test_every_route_has_a_rule(matrix_app: tuple[TestClient, dict[str, Any]]) -> None:
    routes = _routes(matrix_app[0].app)
    assert len(routes) >= 35, "the route table was not read"
    assert routes - RULES.keys() == set(), "routes without an access rule"
    assert RULES.keys() - routes == set(), "rules of routes that are gone"


@pytest.mark.parametrize("route", sorted(RULES), ids=lambda r: f"{r[0]} {r[1]}")
def test_access(route: tuple[str, str], matrix_app: tuple[TestClient, dict[str, Any]]) -> None:
    client, ids = matrix_app
    method, template = route
    # An organisation's portfolio is buyer A's; {key} of a supplier stays the supplier's.
    values = {k: v for k, v in ids.items() if k != "settings"}
    if "/organisations/" in template:
        values["key"] = ids["org_key"]
    path = template.format(**values)
    got = []
    for who in WHO:
        if method == "DELETE":  # something to drop: the owner keeps the supplier again
            owner = {"authorization": f"Bearer {_key(ids['settings'], 'buyer_a')}"}
            client.put(path, json={"mark": "relevant"}, headers=owner)
        headers = {} if who == "anonymous" else {
            "authorization": f"Bearer {_key(ids['settings'], who)}"}  # fmt: skip
        if route == ("POST", "/v1/needs") and who.startswith("broker"):
            ids["buyer_id"] = _buyer_id(ids["settings"])
        r = client.request(method, path, headers=headers, follow_redirects=False,
                           **_body(method, template, ids))  # fmt: skip
        got.append(r.status_code)
        ids.pop("buyer_id", None)
    if route == ("POST", "/v1/index/refresh"):
        _wait_for_refresh(client, ids)
    assert tuple(got) == RULES[route], dict(zip(WHO, got, strict=True))


def _wait_for_refresh(client: TestClient, ids: dict[str, Any], timeout_s: float = 900) -> None:
    """Wait until the refresh a broker started has finished, so it does not outlive its test."""
    headers = {"authorization": f"Bearer {_key(ids['settings'], 'broker_region')}"}
    deadline = time.monotonic() + timeout_s
    while client.get("/v1/index/refresh", headers=headers).json()["running"]:
        assert time.monotonic() < deadline, "the index refresh did not finish"
        time.sleep(1)


@pytest.mark.parametrize("route", sorted(COMPANY_RULES), ids=lambda r: f"{r[0]} {r[1]}")
def test_company_access(route: tuple[str, str],
                        matrix_app: tuple[TestClient, dict[str, Any]]) -> None:  # fmt: skip
    client, ids = matrix_app
    method, template = route
    values = {k: v for k, v in ids.items() if k != "settings"}
    if "/organisations/" in template:
        values["key"] = ids["org_key"]
    path = template.format(**values)
    got = []
    for who in ("company_a", "company_b"):
        headers = {"authorization": f"Bearer {_key(ids['settings'], who)}"}
        r = client.request(method, path, headers=headers, follow_redirects=False,
                           **_body(method, template, ids))  # fmt: skip
        got.append(r.status_code)
    assert tuple(got) == COMPANY_RULES[route], dict(zip(("company_a", "company_b"), got, strict=True))


def _buyer_id(settings: Settings) -> int:
    with session_scope(settings.database_url) as s:
        user = s.scalars(select(User).where(User.email == EMAILS["buyer_a"])).one()
        assert user.organisation_id is not None
        return int(user.organisation_id)
