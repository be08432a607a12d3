"""``bench/scale.py`` end to end at a small size: synthetic corpus, real ingest, build, server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"procurements", "suppliers", "backend", "build_s", "incremental_s", "index_bytes",
        "rss_mb", "load_s", "match_ms", "recall_at_50", "ingest_s", "build_peak_rss_mb"}  # fmt: skip


@pytest.mark.slow
def test_scale_bench_prints_sane_figures(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "scale.py"), "--procurements", "2000", "--needs",
         "10", "--added", "0", "--json", "--work", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=True,
    )  # fmt: skip
    figures = json.loads(out.stdout)
    assert figures.keys() >= KEYS
    # Every synthetic contract lands (the DECP reader keys a contract by buyer and id: none
    # collide), and its winners are about a fifth of them, as the generator intends.
    assert figures["procurements"] == 2000
    assert 200 <= figures["suppliers"] <= 600
    assert figures["backend"] == "exact" and figures["recall_at_50"] is None
    assert figures["incremental_s"] is None and figures["incremental_reason"]
    assert figures["errors"] == 0 and figures["needs"] == 10
    p = figures["match_ms"]
    assert 0 < p["p50"] <= p["p95"] <= p["p99"]
    assert figures["load_s"] > 0 and figures["build_s"] > 0 and figures["ingest_s"] > 0
    assert figures["rss_mb"] > 50 and figures["build_peak_rss_mb"] > 50
    # The index holds the 2,000 vectors at least (384 float32 each).
    assert figures["index_bytes"] > 2000 * 384 * 4
    # The build embedded no contract: the cache holds only the two shards the bench seeded
    # (passages, and titles as queries); a text the build had to embed would add a shard.
    assert len(list((tmp_path / "embeddings").glob("*.npz"))) == 2
