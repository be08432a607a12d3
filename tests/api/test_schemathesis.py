"""Schemathesis over every route of ``/openapi.json``, signed out and signed in: no 5xx, and
every documented response matches its schema."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import select

from api.main import create_app
from matcher import broker
from matcher.cli.users import demo_accounts
from matcher.embed import Embedder
from matcher.index import MatchIndex
from matcher.service import Matcher
from matcher.settings import Settings
from matcher.store.broker_models import User
from matcher.store.db import session_scope

ACCOUNTS = {"buyer": "vantaa@demo.invalid", "broker": "broker@demo.invalid"}


@pytest.fixture(scope="module")
def fuzz_settings(broker_settings: Settings) -> Settings:
    """The demo store with the rate limits off (429 is what a limit answers, not a finding)."""
    demo_accounts(broker_settings.database_url, "fuzz-password-4711")
    return broker_settings.model_copy(update={
        "match_per_minute_anonymous": 0, "match_per_minute_api_key": 0,
        "login_failures_per_account": 0, "login_failures_per_address": 0,
    })  # fmt: skip


@pytest.fixture(scope="module")
def fuzz_app(
    fuzz_settings: Settings, demo_index: MatchIndex, embedder: Embedder
) -> Iterator[FastAPI]:
    """The app over the demo index, its lifespan run (index and model warm)."""
    from fastapi.testclient import TestClient

    app = create_app(fuzz_settings, Matcher(fuzz_settings, embedder=embedder))
    with TestClient(app):
        yield app


@pytest.fixture(scope="module")
def api_schema(fuzz_app: FastAPI) -> schemathesis.BaseSchema:
    """The app's own OpenAPI document."""
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


@pytest.fixture(scope="module")
def fresh_key(fuzz_settings: Settings) -> Callable[[str], str]:
    """A new API key of a demo account (a case may rotate the key with POST /v1/auth/api-key)."""

    def issue(who: str) -> str:
        with session_scope(fuzz_settings.database_url) as s:
            user = s.scalars(select(User).where(User.email == ACCOUNTS[who])).one()
            return broker.issue_api_key(s, user)

    return issue


#: Few examples per operation: the suite stays within a few minutes on 2 cores.
FEW = settings(max_examples=5, deadline=None, derandomize=True, database=None,
               suppress_health_check=list(HealthCheck))  # fmt: skip


def _operations(api_schema: schemathesis.BaseSchema) -> list[schemathesis.APIOperation]:
    ops = [result.ok() for result in api_schema.get_all_operations()]
    assert len(ops) >= 20, "the schema lost its routes"
    return ops


@pytest.mark.parametrize("who", ["anonymous", "buyer", "broker"])
def test_no_server_error_and_responses_match_schema(
    who: str, api_schema: schemathesis.BaseSchema, fresh_key: Callable[[str], str]
) -> None:
    """Every operation, a few generated requests each; all failures are reported together."""
    failures: list[str] = []
    for op in _operations(api_schema):

        @FEW
        @given(case=op.as_strategy())
        def check(case: schemathesis.Case) -> None:
            headers = {} if who == "anonymous" else {"authorization": f"Bearer {fresh_key(who)}"}
            case.call_and_validate(headers=headers,
                                   checks=[not_a_server_error, response_schema_conformance])  # fmt: skip

        try:
            check()
        except Exception as exc:  # noqa: BLE001  # collected: one report for all operations
            failures.append(f"{op.label}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)


#: Keys a random draw rarely makes: past the id column, digits that are not ASCII.
EDGE_KEYS = ["99999999999999999999", "2147483648", "\u00b2", "\u0663", "FI-YTUNNUS:"]


@pytest.mark.parametrize("who", ["anonymous", "buyer"])
def test_portfolio_operations_on_a_real_key_and_odd_keys(
    who: str, api_schema: schemathesis.BaseSchema, fresh_key: Callable[[str], str],
    fuzz_settings: Settings,
) -> None:  # fmt: skip
    """Random keys find no organisation: the portfolio's 200s are checked on the demo buyer's
    own key (its ratings shown when signed in), and odd keys must answer 404, not a 500."""
    with session_scope(fuzz_settings.database_url) as s:
        org = s.scalars(select(User.organisation_id).where(User.email == ACCOUNTS["buyer"])).one()
    headers = {} if who == "anonymous" else {"authorization": f"Bearer {fresh_key('buyer')}"}
    checks = [not_a_server_error, response_schema_conformance]
    for path in ("", ".csv", ".png"):
        op = api_schema[f"/v1/organisations/{{key}}/portfolio{path}"]["GET"]
        for query in [None, {"format": "csv"}] if path == "" else [None]:
            response = op.Case(path_parameters={"key": str(org)}, query=query).call_and_validate(
                headers=headers, checks=checks)  # fmt: skip
            assert response.status_code == 200, response.text[:300]
        for key in EDGE_KEYS:
            response = op.Case(path_parameters={"key": key}).call_and_validate(
                headers=headers, checks=checks)  # fmt: skip
            assert response.status_code == 404, (key, response.status_code)
