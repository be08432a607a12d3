"""A store of real Finnish records, built once: invoices, HILMA 2014 (notices, awards and the
listing), the YTJ sample and Business Finland funding; each test gets its own copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from matcher.ingest import ingest_paths
from matcher.store.db import get_engine, migrate


@pytest.fixture(scope="session")
def finnish_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SQLite file of the Finnish store, resolved by nobody yet."""
    path = tmp_path_factory.mktemp("fi-store") / "fi.db"
    url = f"sqlite:///{path}"
    migrate(url)
    ingest_paths(url, [
        shared_data / "fi-municipal-invoices" / "valkeakoski_2018-08_purchase_invoices.csv",
        shared_data / "fi-municipal-invoices" / "kemijarvi_2022-q4_purchase_invoices.csv",
        shared_data / "hilma-2014" / "notices_2014_full.json",
        shared_data / "hilma-2014" / "awards_2014.csv",
        # The listing gives cities their business id from the shipped municipality list: while
        # that list gave Helsinki Heinävesi's id, Helsinki was two organisations and its units
        # merged into neither.
        shared_data / "hilma-2014" / "listing_2014.csv", shared_data / "ytj-sample" / "ytj_cache.json",
        shared_data / "business-finland" / "BFData.csv",
    ])  # fmt: skip
    get_engine(url).dispose()
    return path


@pytest.fixture
def fi_url(finnish_store: Path, tmp_path: Path) -> str:
    """A fresh copy of the Finnish store for one test."""
    copy = tmp_path / "fi.db"
    shutil.copy(finnish_store, copy)
    return f"sqlite:///{copy}"
