"""The API client over the demo index, shared by the API test modules."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
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
