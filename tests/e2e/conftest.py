"""A real uvicorn server over a copy of the demo store, demo accounts, and headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from matcher.settings import Settings
from matcher.users_cli import demo_accounts

CHROMIUM = os.environ.get("INNOMATCH_CHROMIUM", "/usr/bin/chromium")
#: Flags for a headless Chromium on a machine with no network beyond localhost.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
PASSWORD = "e2e-password-4711"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(broker_settings: Settings) -> Iterator[str]:
    """The app served by uvicorn in its own process, as users reach it; yields its base URL."""
    demo_accounts(broker_settings.database_url, PASSWORD)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": broker_settings.database_url,
           "INDEX_DIR": str(broker_settings.index_dir),
           "EMBEDDING_CACHE_DIR": str(broker_settings.embedding_cache_dir), "LOG_LEVEL": "WARNING"}  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, cwd=Path(__file__).resolve().parents[2])  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if httpx.get(f"{base}/v1/health", timeout=2).json()["index_built"]:
                    break
            except (httpx.HTTPError, ValueError):
                time.sleep(0.5)
        else:
            raise RuntimeError("the server did not come up")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


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
