"""Hostile requests: no 500 for any input, body and rate limits, security headers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.main import create_app
from api.security import CSP
from matcher.broker.accounts import issue_api_key
from matcher.cli.users import demo_accounts
from matcher.embed import Embedder
from matcher.index import MatchIndex
from matcher.service import Matcher
from matcher.settings import Settings
from matcher.store.broker_models import User
from matcher.store.db import session_scope

PASSWORD = "security-test-4711"
BROKER = "broker@demo.invalid"


@pytest.fixture(scope="module")
def limited(
    broker_settings: Settings, demo_index: MatchIndex, embedder: Embedder
) -> Iterator[TestClient]:
    """An app with low limits: 3 failed sign-ins per account, 6 per address, 3 matches a minute."""
    demo_accounts(broker_settings.database_url, PASSWORD)
    settings = broker_settings.model_copy(update={
        "login_failures_per_account": 3, "login_failures_per_address": 6,
        "match_per_minute_anonymous": 3, "match_per_minute_api_key": 2, "api_max_body_bytes": 20_000,
    })  # fmt: skip
    with TestClient(create_app(settings, Matcher(settings, embedder=embedder))) as c:
        yield c


@pytest.mark.parametrize(
    "body",
    ['{"text": "siivouspalvelut koululle", "innovation_weight": NaN}',
     '{"text": "siivouspalvelut koululle", "value": Infinity}',
     '{"text": "siivous \\ud800 palvelut"}',
     '{"text": "siivouspalvelut", "buyer_id": 99999999999999999999}'],
)  # fmt: skip
def test_bad_match_requests_answer_422(client: TestClient, body: str) -> None:
    r = client.post("/v1/match", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"]


@pytest.mark.parametrize(
    "path", ["/v1/procurements/99999999999999999999", "/v1/procurements/9223372036854775808"]
)
def test_path_integers_are_bounded(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 422


def test_page_ids_are_bounded(limited: TestClient, broker_settings: Settings) -> None:
    with session_scope(broker_settings.database_url) as s:
        key = issue_api_key(s, s.scalars(select(User).where(User.email == BROKER)).one())
    for path in ("/needs/99999999999999999999", "/clusters/9223372036854775808"):
        r = limited.get(path, headers={"authorization": f"Bearer {key}"}, follow_redirects=False)
        assert r.status_code == 422, path


def test_security_headers_on_pages_and_api(client: TestClient) -> None:
    for path in ("/", "/login", "/v1/health", "/static/style.css", "/no-such-page"):
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "same-origin"
    assert "script-src" not in CSP and "default-src 'none'" in CSP


def test_body_size_limit(limited: TestClient) -> None:
    r = limited.post("/v1/match", json={"text": "x" * 30_000})
    assert r.status_code == 413


def test_sign_in_attempts_are_limited_per_account(limited: TestClient) -> None:
    for _ in range(3):
        r = limited.post("/v1/auth/login", json={"email": BROKER, "password": "wrong"})
        assert r.status_code == 401
    r = limited.post("/v1/auth/login", json={"email": BROKER, "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    page = limited.post("/login", data={"email": BROKER, "password": PASSWORD})
    assert page.status_code in (403, 429)  # no CSRF token here: refused either way, never in


def test_sign_in_attempts_are_limited_per_address(limited: TestClient) -> None:
    for n in range(3):
        r = limited.post("/v1/auth/login", json={"email": f"nobody{n}@x.invalid", "password": "x"})
        assert r.status_code == 401
    r = limited.post("/v1/auth/login", json={"email": "other@x.invalid", "password": "x"})
    assert r.status_code == 429 and "retry-after" in r.headers


def test_anonymous_matches_are_rate_limited(limited: TestClient) -> None:
    codes = [limited.post("/v1/match", json={"text": "siivouspalvelut koululle"}).status_code
             for _ in range(4)]  # fmt: skip
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    with_key = limited.post("/v1/match", json={"text": "siivouspalvelut koululle"},
                            headers={"authorization": "Bearer im_not-a-key"})  # fmt: skip
    assert with_key.status_code == 200  # another client: its own count
