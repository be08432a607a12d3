"""Measure CPV inference on the built index's internal split (``innomatch demo`` first).

Chooses the settings on a validation cut inside the training period, fits on the training side,
reads the held-out queries once, and prints the tables (every query, and a seeded 400) and JSON.
Usage: ``python scripts/cpv_eval.py [OUT.json [GRID.json]]``; GRID.json narrows the knobs searched
(``evaluate.cpv_tune.DEFAULT_GRID``'s names, lists for tuples), e.g. to a choice already made on
the validation cut with the full grid, which the search then finds again in minutes.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from matcher.embed import CachedEmbedder, EmbeddingCache, load_embedder
from matcher.evaluate.cpv import format_cpv_table
from matcher.evaluate.cpv_tune import evaluate_cpv_inference
from matcher.evaluate.split import internal_split
from matcher.index import load_index
from matcher.settings import Settings


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _grid() -> dict[str, Any] | None:
    if len(sys.argv) < 3:
        return None
    return {k: _tuples(v) for k, v in json.loads(Path(sys.argv[2]).read_text()).items()}


def main() -> None:
    settings = Settings()
    model = load_embedder(settings.model_name, settings.embed_batch_size)
    cache = EmbeddingCache(model.name, settings.embedding_cache_dir, settings.embedding_seed_dirs)
    embedder = CachedEmbedder(model, cache, settings.embed_batch_size)
    split = internal_split(load_index(settings.index_dir))
    start = time.perf_counter()
    result = evaluate_cpv_inference(split.train, split.queries, embedder, grid=_grid())
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
