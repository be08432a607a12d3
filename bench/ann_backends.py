"""Compare in-process HNSW libraries on this machine (see README, "Search backends").

``python bench/ann_backends.py --n 300000 --lib hnswlib`` builds an index over ``--n``
synthetic 384-d unit vectors (the shipped real embeddings in ``data/demo/embeddings`` plus
Gaussian noise, so neighbourhoods look like the real corpus: dense clusters of near-duplicate
titles and a long tail), then answers ``--queries`` needs one at a time (other real vectors plus
fresh noise) and prints one JSON line: build seconds, query p50/p99 in ms, recall@50 against
exact search, and the resident memory the index added. Run one library per process so that the
memory figures do not mix.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests"))  # the embedded PostgreSQL harness the tests use

from pgvector_harness import embedded_pgvector  # noqa: E402

from matcher.index.ann import ExactIndex, HnswParams, PgVectorIndex, recall_at_k  # noqa: E402

#: The URL of the embedded PostgreSQL, for ``--lib pgvector``.
_PG_URL: list[str] = []

Search = Callable[[np.ndarray, int], np.ndarray]
SetEf = Callable[[int], None]


def synthetic_vectors(n: int, noise: float, seed: int = 0) -> np.ndarray:
    """``n`` unit vectors drawn around the shipped real embeddings.

    Args:
        n: how many.
        noise: norm of the Gaussian noise added to each base vector (0.45 keeps a copy at about
            0.9 cosine from its base, as a reworded title is).
        seed: random seed.
    """
    bases = np.concatenate(
        [np.load(f)["vectors"].astype(np.float32)
         for f in sorted((ROOT / "data" / "demo" / "embeddings").glob("*.npz"))]
    )  # fmt: skip
    rng = np.random.default_rng(seed)
    out = bases[rng.integers(0, len(bases), n)]
    out += rng.normal(0, noise / np.sqrt(out.shape[1]), out.shape).astype(np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def _hnswlib_build(vectors: np.ndarray, p: HnswParams) -> object:
    import hnswlib

    index = hnswlib.Index(space="ip", dim=vectors.shape[1])
    index.init_index(max_elements=len(vectors), M=p.m, ef_construction=p.ef_construction)
    index.add_items(vectors, np.arange(len(vectors)), num_threads=-1)
    index.set_ef(p.ef_search)
    return index


def _faiss_build(vectors: np.ndarray, p: HnswParams) -> object:
    import faiss

    index = faiss.IndexHNSWFlat(vectors.shape[1], p.m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = p.ef_construction
    index.add(vectors)
    index.hnsw.efSearch = p.ef_search
    return index


def _usearch_build(vectors: np.ndarray, p: HnswParams) -> object:
    from usearch.index import Index

    index = Index(ndim=vectors.shape[1], metric="ip", dtype="f32", connectivity=p.m,
                  expansion_add=p.ef_construction, expansion_search=p.ef_search)  # fmt: skip
    index.add(np.arange(len(vectors)), vectors, threads=0)
    return index


def _searcher(lib: str, vectors: np.ndarray, p: HnswParams) -> tuple[Search, SetEf]:
    """``(search, set_ef)`` over an index built with ``lib``: ``search(query, k) -> ids``."""
    if lib == "hnswlib":
        h: Any = _hnswlib_build(vectors, p)
        return (lambda q, k: h.knn_query(q, k)[0][0]), h.set_ef
    if lib == "faiss":
        f: Any = _faiss_build(vectors, p)
        return (lambda q, k: f.search(q[None, :], k)[1][0]), \
            lambda ef: setattr(f.hnsw, "efSearch", ef)  # fmt: skip
    if lib == "pgvector":
        pg = PgVectorIndex.build(_PG_URL[0], "bench_vectors", np.arange(len(vectors)), vectors, p)
        return (lambda q, k: pg.search(q, k)[0]), \
            lambda ef: setattr(pg, "params", replace(pg.params, ef_search=ef))  # fmt: skip
    if lib == "usearch":
        u: Any = _usearch_build(vectors, p)
        return (lambda q, k: u.search(q, k).keys), lambda ef: setattr(u, "expansion_search", ef)
    raise SystemExit(f"unknown library {lib}")


def _measure(search: Search, exact: ExactIndex, queries: np.ndarray) -> dict[str, float]:
    times, found = [], []
    for q in queries:
        t = time.perf_counter()
        found.append(np.asarray(search(q, 50)))
        times.append((time.perf_counter() - t) * 1000)
    return {
        "p50_ms": round(float(np.percentile(times, 50)), 2),
        "p99_ms": round(float(np.percentile(times, 99)), 2),
        "recall_at_50": round(recall_at_k(exact, queries, np.stack(found), 50), 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lib", choices=["hnswlib", "faiss", "usearch", "pgvector"], nargs="+",
                    required=True, help="several: built in turn in one process, then queried "
                    "interleaved (one query to each in turn) so that the load of a shared "
                    "machine weighs on all alike; memory is then not reported")
    ap.add_argument("--n", type=int, default=300_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--noise", type=float, default=0.45)
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--ef-construction", type=int, default=100)
    ap.add_argument("--ef-search", type=int, nargs="+", default=[64, 128, 256])
    args = ap.parse_args()
    p = HnswParams(m=args.m, ef_construction=args.ef_construction, ef_search=args.ef_search[0])
    vectors = synthetic_vectors(args.n, args.noise)
    queries = synthetic_vectors(args.queries, args.noise, seed=1)
    with contextlib.ExitStack() as stack:
        if "pgvector" in args.lib:
            _PG_URL.append(stack.enter_context(embedded_pgvector()))
        if len(args.lib) == 1:
            _run(args, p, vectors, queries)
        else:
            _interleaved(args, p, vectors, queries)


def _interleaved(args: argparse.Namespace, p: HnswParams, vectors: np.ndarray,
                 queries: np.ndarray) -> None:  # fmt: skip
    built, rows = {}, {}
    for lib in args.lib:
        t0, c0 = time.perf_counter(), time.process_time()
        built[lib] = _searcher(lib, vectors, p)
        rows[lib] = {"lib": lib, "n": args.n, "build_s": round(time.perf_counter() - t0, 1),
                     "build_cpu_s": round(time.process_time() - c0, 1)}  # fmt: skip
    exact = ExactIndex(vectors)
    for ef in args.ef_search:
        times: dict[str, list[float]] = {lib: [] for lib in args.lib}
        found: dict[str, list[np.ndarray]] = {lib: [] for lib in args.lib}
        for lib in args.lib:
            built[lib][1](ef)
        for q in queries:
            for lib in args.lib:
                t = time.perf_counter()
                found[lib].append(np.asarray(built[lib][0](q, 50)))
                times[lib].append((time.perf_counter() - t) * 1000)
        for lib in args.lib:
            print(json.dumps({**rows[lib], "ef_search": ef,
                              "p50_ms": round(float(np.percentile(times[lib], 50)), 2),
                              "p99_ms": round(float(np.percentile(times[lib], 99)), 2),
                              "recall_at_50": round(recall_at_k(exact, queries,
                                                                np.stack(found[lib]), 50), 4)}),
                  flush=True)  # fmt: skip


def _run(args: argparse.Namespace, p: HnswParams, vectors: np.ndarray,
         queries: np.ndarray) -> None:  # fmt: skip
    proc = psutil.Process()
    rss0 = proc.memory_info().rss
    t0 = time.perf_counter()
    search, set_ef = _searcher(args.lib[0], vectors, p)
    build_s = time.perf_counter() - t0
    rss_mb = (proc.memory_info().rss - rss0) / 2**20
    exact = ExactIndex(vectors)
    head = {"lib": args.lib[0], "n": args.n, "m": p.m, "ef_construction": p.ef_construction,
            "build_s": round(build_s, 1), "index_rss_mb": round(rss_mb)}  # fmt: skip
    for ef in args.ef_search:
        set_ef(ef)
        print(json.dumps({**head, "ef_search": ef, **_measure(search, exact, queries)}), flush=True)


if __name__ == "__main__":
    main()
