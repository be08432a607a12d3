"""A store holding the real invoice and listing rows of ``tests/fixtures/portfolio``."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.ingest import ingest_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "portfolio"


@pytest.fixture
def rows_store(db_url: str) -> str:
    """The fixture rows ingested into an empty store (SQLite, and PostgreSQL where set)."""
    reports = ingest_paths(db_url, sorted(FIXTURES.glob("*.csv")))
    assert [r.error for r in reports] == [None, None, None]
    return db_url
