"""Test and benchmark harness, not part of the app: the app under uvicorn in a child process, as
users reach it, and the flags of the headless Chromium that drives it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

_ROOT = Path(__file__).resolve().parent.parent
#: Flags for Debian's headless Chromium on a machine whose only network is localhost: without the
#: background-networking ones it keeps trying to reach the outside and is refused.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


def free_port() -> int:
    """A TCP port free on localhost now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_in_background(env: dict[str, str], wait_for_index: bool = True,
                        timeout_s: float = 180.0) -> Iterator[str]:  # fmt: skip
    """Start ``uvicorn api.main:app`` with ``env`` added to this environment; yield its base URL
    once ``/v1/health`` answers (with the index loaded, unless ``wait_for_index`` is False).

    Raises:
        RuntimeError: if the server does not come up in time.
    """
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port",
         str(port), "--log-level", "warning"], cwd=_ROOT, env={**os.environ, **env},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                health = httpx.get(f"{base}/v1/health", timeout=2).json()
                if health["index_built"] or not wait_for_index:
                    break
            except (httpx.HTTPError, ValueError):
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"the server on port {port} did not come up")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
