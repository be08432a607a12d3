"""The API clients over the demo index, shared by the API test modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from matcher.cli.users import demo_accounts
from matcher.embed import Embedder
from matcher.index import MatchIndex
from matcher.service import Matcher
from matcher.settings import Settings


@pytest.fixture(scope="session")
def client(
    demo_settings: Settings, demo_index: MatchIndex, embedder: Embedder
) -> Iterator[TestClient]:
    """A client of the app serving the demo index (lifespan run, so the index is warm)."""
    app = create_app(demo_settings, Matcher(demo_settings, embedder=embedder))
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def app_client(request: pytest.FixtureRequest, broker_settings: Settings,
               embedder: Embedder) -> Iterator[TestClient]:  # fmt: skip
    """A client of the app over the module's own copy of the demo store, with the demo accounts
    signed up under the module's ``PASSWORD``."""
    demo_accounts(broker_settings.database_url, request.module.PASSWORD)
    app = create_app(broker_settings, Matcher(broker_settings, embedder=embedder))
    with TestClient(app) as c:
        yield c
