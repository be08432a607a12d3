"""Fixtures of the companies' side: the demo board over a module's copy of the demo store, with
its own copy of the index (a refresh rewrites it), and company accounts."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from company_helpers import COMPANY_PASSWORD
from sqlalchemy.orm import Session

from matcher.broker.demo import demo_board
from matcher.cli.users import demo_accounts
from matcher.embed import Embedder
from matcher.service import Matcher
from matcher.settings import Settings
from matcher.store.db import session_scope


@pytest.fixture(scope="module")
def board_settings(broker_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The module's store copy with the demo accounts and board, over its own copy of the index."""
    index_dir = tmp_path_factory.mktemp("index") / "index"
    shutil.copytree(Path(broker_settings.index_dir), index_dir, symlinks=True)
    settings = broker_settings.model_copy(update={"index_dir": index_dir})
    demo_accounts(settings.database_url, COMPANY_PASSWORD)
    return settings


@pytest.fixture(scope="module")
def matcher(board_settings: Settings, embedder: Embedder) -> Matcher:
    """The service over the module's index."""
    m = Matcher(board_settings, embedder=embedder)
    assert demo_board(board_settings.database_url, m) == 4
    return m


@pytest.fixture
def session(board_settings: Settings, matcher: Matcher) -> Iterator[Session]:
    """A session of the module's store (committed at the end of the test)."""
    with session_scope(board_settings.database_url) as s:
        yield s
