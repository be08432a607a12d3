"""Load test: concurrent clients against a real uvicorn on loopback (see bench/README.md).

``python bench/load.py --workers 1 --clients 50 --seconds 30`` starts ``uvicorn api.main:app``
over the demo store and index (``innomatch demo --no-serve`` builds them), drives ``--clients``
concurrent clients posting varied needs from ``queries.txt`` to ``/v1/match`` for
``--seconds``, and prints throughput, p50/p99 latency, error rate, 5xx and connection errors,
and the server's peak memory (all its processes). The bench turns the server's rate limits off
through the environment: it measures capacity, not the limits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from server_harness import free_port  # noqa: E402

QUERIES = [
    q for q in (ROOT / "bench" / "queries.txt").read_text(encoding="utf-8").splitlines() if q
]
_NO_LIMITS = {
    "MATCH_PER_MINUTE_ANONYMOUS": "0",
    "MATCH_PER_MINUTE_API_KEY": "0",
    "LOG_LEVEL": "WARNING",
}


def _rss_mb(proc: psutil.Process, kind: str = "rss") -> float:
    """Resident memory of the server and all its worker processes, in MiB. ``pss`` counts a
    page shared by n processes (the memory-mapped index) as 1/n in each: the sum is what the
    machine holds, where ``rss`` counts shared pages once per process."""
    procs = [proc, *proc.children(recursive=True)]
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):  # a worker may exit between the two calls
            info = p.memory_full_info() if kind == "pss" else p.memory_info()
            total += getattr(info, kind)
    return total / 2**20


async def _client(base: str, until: float, seed: int, out: dict[str, list[float] | int]) -> None:
    rnd = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        while time.monotonic() < until:
            body = {"text": rnd.choice(QUERIES), "k": rnd.choice([5, 10, 20]),
                    "innovation_weight": rnd.choice([0.0, 0.0, 0.3])}  # fmt: skip
            start = time.perf_counter()
            try:
                r = await http.post("/v1/match", json=body)
            except httpx.HTTPError:
                out["conn_errors"] += 1  # type: ignore[operator]
                continue
            took = (time.perf_counter() - start) * 1000
            out["latency_ms"].append(took)  # type: ignore[union-attr]
            if r.status_code >= 500:
                out["5xx"] += 1  # type: ignore[operator]
            elif r.status_code != 200:
                out["other"] += 1  # type: ignore[operator]


async def _drive(
    base: str, clients: int, seconds: float, server: psutil.Process
) -> dict[str, object]:
    out: dict[str, list[float] | int] = {"latency_ms": [], "5xx": 0, "other": 0, "conn_errors": 0}
    until = time.monotonic() + seconds
    peak = peak_pss = 0.0

    async def sample() -> None:
        nonlocal peak, peak_pss
        while time.monotonic() < until:
            peak = max(peak, _rss_mb(server))
            peak_pss = max(peak_pss, _rss_mb(server, "pss"))
            await asyncio.sleep(0.5)

    start = time.monotonic()
    await asyncio.gather(sample(), *(_client(base, until, i, out) for i in range(clients)))
    took = time.monotonic() - start
    lat = np.array(out["latency_ms"], dtype=float)
    n = len(lat) + int(out["conn_errors"])  # type: ignore[arg-type]
    errors = int(out["5xx"]) + int(out["other"]) + int(out["conn_errors"])  # type: ignore[arg-type]
    return {"clients": clients, "seconds": round(took, 1), "requests": n,
            "throughput_rps": round(len(lat) / took, 1),
            "p50_ms": round(float(np.percentile(lat, 50)), 1) if len(lat) else None,
            "p99_ms": round(float(np.percentile(lat, 99)), 1) if len(lat) else None,
            "error_rate": round(errors / n, 4) if n else None, "5xx": out["5xx"],
            "connection_errors": out["conn_errors"], "server_peak_rss_mib": round(peak),
            "server_peak_pss_mib": round(peak_pss)}  # fmt: skip


def main() -> None:
    """Start the server, warm it, drive the load, print one JSON line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(args.workers), "--log-level", "warning", "--backlog", "1024"],
        cwd=ROOT, env={**os.environ, **_NO_LIMITS},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, args.workers)
        result = asyncio.run(_drive(base, args.clients, args.seconds, psutil.Process(proc.pid)))
        print(json.dumps({"workers": args.workers, "cpus": os.cpu_count(), **result}))
        if result["5xx"] or result["connection_errors"]:
            sys.exit(1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _wait_ready(base: str, workers: int, timeout_s: float = 240.0) -> None:
    """Until every worker answers a match (index and model loaded), or fail."""
    deadline = time.monotonic() + timeout_s
    ready = 0
    while ready < 3 * workers:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not come up")
        try:
            r = httpx.post(
                f"{base}/v1/match", json={"text": QUERIES[ready % len(QUERIES)]}, timeout=60
            )
            ready += r.status_code == 200
        except httpx.HTTPError:
            time.sleep(0.5)


if __name__ == "__main__":
    main()
