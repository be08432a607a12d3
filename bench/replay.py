"""Serve a built index through uvicorn and replay real needs one at a time (for ``scale.py``)."""

from __future__ import annotations

import contextlib
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from server_harness import free_port  # noqa: E402

__all__ = ["real_needs", "serve_and_replay"]

#: The bench measures the service, not the rate limits.
NO_LIMITS = {"MATCH_PER_MINUTE_ANONYMOUS": "0", "MATCH_PER_MINUTE_API_KEY": "0"}


def real_needs(titles: list[tuple[str, str | None]], n: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n`` varied real needs: half Finnish (HILMA titles of ``bench/queries.txt``), half French
    (DECP titles, every other one with its CPV code), in a seeded shuffle; ``k`` varies."""
    rnd = random.Random(seed)
    finnish = [q for q in (ROOT / "bench" / "queries.txt").read_text("utf-8").splitlines() if q]
    french = rnd.sample(titles, min(len(titles), n - n // 2))
    needs: list[dict[str, Any]] = [{"text": q} for q in rnd.sample(finnish, min(n // 2, len(finnish)))]
    for i, (title, cpv) in enumerate(french):
        needs.append({"text": title, **({"cpv": [cpv]} if cpv and i % 2 else {})})
    rnd.shuffle(needs)
    for need in needs:
        need["k"] = rnd.choice([5, 10, 20])
    return needs


def _rss_mb(proc: psutil.Process) -> tuple[float, float]:
    """Resident MiB of ``proc`` and its children: all of it, and the file-backed part (pages of
    memory-mapped index files, which the page cache holds once for every worker)."""
    total = shared = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            info = p.memory_info()
            total, shared = total + info.rss, shared + info.shared
    return total / 2**20, shared / 2**20


def _first_answer(http: httpx.Client, need: dict[str, Any], proc: subprocess.Popen[bytes],
                  timeout_s: float) -> None:  # fmt: skip
    deadline = time.monotonic() + timeout_s
    while True:
        with contextlib.suppress(httpx.HTTPError):
            if http.post("/v1/match", json=need).status_code == 200:
                return
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the server did not answer /v1/match")
        time.sleep(0.1)


def serve_and_replay(env: dict[str, str], needs: list[dict[str, Any]],
                     timeout_s: float = 600.0) -> dict[str, Any]:  # fmt: skip
    """Start ``uvicorn api.main:app`` (one worker), time it to its first answer, replay ``needs``.

    Returns:
        ``load_s``, ``match_ms`` (p50, p95, p99 of the replay), ``rss_mb`` after it (with
        ``rss_file_mb``, its file-backed part), ``errors``.
    """
    port = free_port()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port",
         str(port), "--log-level", "warning"], cwd=ROOT, env={**os.environ, **env, **NO_LIMITS},
    )  # fmt: skip
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
            _first_answer(http, needs[0], proc, timeout_s)
            load_s = time.perf_counter() - start
            took, errors = [], 0
            for need in needs:
                t0 = time.perf_counter()
                r = http.post("/v1/match", json=need)
                took.append((time.perf_counter() - t0) * 1000)
                errors += r.status_code != 200
        rss, rss_file = _rss_mb(psutil.Process(proc.pid))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    lat = np.array(took)
    return {"load_s": round(load_s, 2), "rss_mb": round(rss), "rss_file_mb": round(rss_file),
            "match_ms": {f"p{q}": round(float(np.percentile(lat, q)), 1) for q in (50, 95, 99)},
            "errors": errors, "needs": len(needs)}  # fmt: skip
