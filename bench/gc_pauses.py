"""Garbage-collector pauses in a serving process: real needs matched one at a time in process.

``python bench/gc_pauses.py`` loads the live build of ``INDEX_DIR`` (the demo's by default) the
way a server worker does, matches real needs (``replay.real_needs``: Finnish notice titles and
the build's own contract titles), and prints the match latency percentiles beside every
collection the collector ran during them: count, total and longest pause per generation.
``--no-settle`` skips the service's heap settling after a load (``matcher.serving.settle_heap``:
the loaded build frozen, full collections made rare), to measure what it changes on the same
build.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from replay import real_needs  # noqa: E402

import matcher.service as service  # noqa: E402
from matcher.schemas import MatchRequest  # noqa: E402
from matcher.settings import Settings  # noqa: E402
from matcher.vocab import cpv_vocabulary  # noqa: E402


class _Pauses:
    """Every collection's pause, by generation (a ``gc.callbacks`` entry)."""

    def __init__(self) -> None:
        self.by_generation: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.by_generation[info["generation"]].append(time.perf_counter() - self._started)

    def summary(self) -> dict[str, dict[str, float]]:
        return {
            f"gen{g}": {"collections": len(v), "total_ms": round(1000 * sum(v), 1),
                        "max_ms": round(1000 * max(v, default=0.0), 1)}
            for g, v in self.by_generation.items()
        }  # fmt: skip


def _titles(matcher: service.Matcher, n: int = 20_000) -> list[tuple[str, str | None]]:
    """Titles (with their first listed CPV code) of the served build's own first contracts."""
    vocab = cpv_vocabulary()  # a request takes only codes of the CPV 2008 list
    docs = itertools.islice(matcher.index().corpus.procurements, n)
    return [(p.title, next((c for c in p.cpv if c in vocab), None)) for p in docs if p.title]


def run(needs: int, settle: bool) -> dict[str, Any]:
    """Load, match ``needs`` real needs, and report latencies and pauses."""
    if not settle:
        service.settle_heap = lambda replaced: None  # type: ignore[assignment]
    matcher = service.Matcher(Settings())
    began = time.perf_counter()
    matcher.pipeline()
    load_s = time.perf_counter() - began
    asked = real_needs(_titles(matcher), needs)
    pauses = _Pauses()
    gc.callbacks.append(pauses)
    took: list[float] = []
    try:
        for need in asked:
            start = time.perf_counter()
            matcher.match(MatchRequest(**need))
            took.append(1000 * (time.perf_counter() - start))
    finally:
        gc.callbacks.remove(pauses)
    start = time.perf_counter()
    gc.collect()
    return {
        "settle": settle, "needs": len(took), "load_s": round(load_s, 2),
        "match_ms": {f"p{q}": round(float(np.percentile(took, q)), 1) for q in (50, 95, 99)},
        "pauses": pauses.summary(), "threshold": gc.get_threshold(),
        "full_collection_after_ms": round(1000 * (time.perf_counter() - start), 1),
        "tracked_objects": len(gc.get_objects()), "frozen_objects": gc.get_freeze_count(),
    }  # fmt: skip


def main() -> None:
    """Parse the arguments, run, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--needs", type=int, default=400, help="real needs matched")
    ap.add_argument("--no-settle", action="store_true", help="leave the collector as Python sets it")
    args = ap.parse_args()
    print(json.dumps(run(args.needs, not args.no_settle)))


if __name__ == "__main__":
    main()
