"""A real uvicorn server over a copy of the demo store, demo accounts, and headless Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_harness import CHROMIUM_ARGS, serve_in_background

from matcher.cli.users import demo_accounts
from matcher.settings import Settings

CHROMIUM = os.environ.get("INNOMATCH_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "e2e-password-4711"


@pytest.fixture(scope="module")
def server(broker_settings: Settings) -> Iterator[str]:
    """The app served by uvicorn in its own process, as users reach it; yields its base URL."""
    demo_accounts(broker_settings.database_url, PASSWORD)
    with serve_in_background({
        "DATABASE_URL": broker_settings.database_url, "INDEX_DIR": str(broker_settings.index_dir),
        "EMBEDDING_CACHE_DIR": str(broker_settings.embedding_cache_dir), "LOG_LEVEL": "WARNING",
    }) as base:  # fmt: skip
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (its own browser download is not used)."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (scripts/test.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
