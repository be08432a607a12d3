"""Measure CPV inference on the built index's internal split (``innomatch demo`` first).

Chooses the settings on a validation cut inside the training period, fits on the training side,
reads the held-out queries once, and prints the tables (every query, and a seeded 400) and JSON.
Usage: ``python scripts/cpv_eval.py [OUT.json]``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from matcher.embed import CachedEmbedder, EmbeddingCache, load_embedder
from matcher.evaluate.cpv import format_cpv_table
from matcher.evaluate.cpv_tune import evaluate_cpv_inference
from matcher.evaluate.split import internal_split
from matcher.index import load_index
from matcher.settings import Settings


def main() -> None:
    settings = Settings()
    model = load_embedder(settings.model_name, settings.embed_batch_size)
    cache = EmbeddingCache(model.name, settings.embedding_cache_dir, settings.embedding_seed_dirs)
    embedder = CachedEmbedder(model, cache, settings.embed_batch_size)
    split = internal_split(load_index(settings.index_dir))
    start = time.perf_counter()
    result = evaluate_cpv_inference(split.train, split.queries, embedder)
    result["total_s"] = round(time.perf_counter() - start, 1)
    print(json.dumps(result["validation"], indent=1))
    for key in ("test", "test_sample_400"):
        for reading in ("levels", "codes"):
            print(format_cpv_table(result[key], reading))
    print({k: result[k] for k in ("fit_s", "report_ms_per_query", "total_s")})
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
