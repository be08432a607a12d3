"""Lexical top-k query time at scale (see README, "Search backends").

``python bench/lexical_scale.py --docs 300000`` resamples the demo store's contract texts with
word-level perturbation (drop, swap and borrow words) up to ``--docs`` documents, fits
:class:`matcher.index.lexical.LexicalIndex`, answers the needs of ``bench/queries.txt`` one at
a time, and prints one JSON line per ``--scan-budget``: fit seconds, query p50/p99 in ms for the top ``--k`` with
early termination (the default) and with every posting read (``exhaustive``, the algorithm
before), the overlap of the two top-k lists, and the share of queries and postings the early
termination applied to. Needs a built demo store (``innomatch demo --no-serve``) at ``--db``.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matcher.index.lexical import LexicalIndex  # noqa: E402


def synthetic_texts(db: Path, n: int, seed: int = 0) -> list[str]:
    """``n`` texts resampled from the store's contract titles and descriptions."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    real = [" ".join(f"{t} {d or ''}".split()[:96])
            for t, d in con.execute("SELECT title, description FROM procurements")]  # fmt: skip
    con.close()
    rng = np.random.default_rng(seed)
    words = [w for t in real for w in t.split()]
    out = []
    for i in rng.integers(0, len(real), n):
        ws = [w for w in real[i].split() if rng.random() > 0.15] or real[i].split()
        if len(ws) > 2 and rng.random() < 0.5:
            j = int(rng.integers(0, len(ws) - 1))
            ws[j], ws[j + 1] = ws[j + 1], ws[j]
        ws.append(words[int(rng.integers(0, len(words)))])
        out.append(" ".join(ws))
    return out


def _time(fn: object, queries: list[object]) -> tuple[list[float], list[np.ndarray]]:
    times, rows = [], []
    for q in queries:
        t = time.perf_counter()
        rows.append(fn(q))  # type: ignore[operator]
        times.append((time.perf_counter() - t) * 1000)
    return times, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=300_000)
    ap.add_argument("--k", type=int, default=100)
    ap.add_argument("--scan-budget", type=int, nargs="+", default=[1_000_000],
                    help="postings budgets to measure in turn (one fit)")
    ap.add_argument("--db", type=Path, default=ROOT / "var" / "innomatch.db")
    args = ap.parse_args()
    texts = synthetic_texts(args.db, args.docs)
    needs = [q for q in (ROOT / "bench" / "queries.txt").read_text("utf-8").splitlines() if q]
    t0 = time.perf_counter()
    index = LexicalIndex().fit(texts)
    fit_s = time.perf_counter() - t0
    qs = [index.query(n) for n in needs]
    full_t, full = _time(lambda q: index.search_query(q, args.k, exhaustive=True)[0], qs)
    pct = lambda xs, p: round(float(np.percentile(xs, p)), 2)  # noqa: E731
    for budget in args.scan_budget:
        index.scan_budget = budget
        index.stats_ = dict.fromkeys(index.stats_, 0)
        pruned_t, pruned = _time(lambda q: index.search_query(q, args.k)[0], qs)
        read = index.stats_["postings_read"] / max(index.stats_["postings_total"], 1)
        overlap = [len(np.intersect1d(a, b)) / max(len(b), 1)
                   for a, b in zip(pruned, full, strict=True)]  # fmt: skip
        print(json.dumps({
            "docs": args.docs, "k": args.k, "queries": len(qs), "fit_s": round(fit_s, 1),
            "scan_budget": budget, "pruned_p50_ms": pct(pruned_t, 50),
            "pruned_p99_ms": pct(pruned_t, 99), "full_p50_ms": pct(full_t, 50),
            "full_p99_ms": pct(full_t, 99), "overlap_at_k": round(float(np.mean(overlap)), 4),
            "overlap_min": round(float(np.min(overlap)), 2), "postings_read_share": round(read, 3),
            "head_share": round(index.stats_["heads"] / max(index.stats_["queries"], 1), 3),
        }), flush=True)  # fmt: skip

if __name__ == "__main__":
    main()
