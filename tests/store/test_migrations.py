"""Alembic migrations create exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from matcher.store.db import get_engine, is_migrated, migrate
from matcher.store.models import Base


def test_migrated_schema_matches_models(db_url: str) -> None:
    engine = get_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    tables = set(inspect(engine).get_table_names())
    assert {"organisations", "identifiers", "procurements", "awards", "ingest_runs",
            "rejected_records", "alembic_version"} <= tables  # fmt: skip


def test_migrate_is_idempotent(db_url: str) -> None:
    migrate(db_url)
    assert is_migrated(db_url)
