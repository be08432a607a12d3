"""National-scale bench: a synthetic corpus of real distributions through the real ingest, build
and server (see ``bench/synth.py`` for how the corpus is drawn, the README's "Scale" section for
figures).

``python bench/scale.py --procurements 100000 --json`` writes the corpus as DECP JSON, runs
``innomatch ingest`` and ``innomatch build`` as the user would (each in its own process, timed,
its peak RSS read from the kernel), serves the index with uvicorn, replays 200 varied real needs
one at a time, and prints one JSON object. ``--database-url`` runs it on PostgreSQL (the
database must exist and be empty).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import joblib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from replay import real_needs, serve_and_replay  # noqa: E402
from scale_parts import incremental, recall_at_50, seed_cache  # noqa: E402
from synth import RealData, load_real, write_decp  # noqa: E402

from matcher.embed import load_embedder  # noqa: E402
from matcher.index.ann.factory import choose_backend  # noqa: E402
from matcher.settings import Settings  # noqa: E402


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run ``python -m matcher.cli ARGS``: (seconds, peak RSS in MiB, stdout).

    The peak comes from GNU time, the command's parent: the kernel's figure for a child of this
    process would count the pages it shared with this (large) process when it forked.

    Raises:
        RuntimeError: if the command fails.
    """
    with tempfile.TemporaryDirectory() as tmp:
        peak = Path(tmp) / "peak"
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(peak), sys.executable, "-m",
                               "matcher.cli", *args], cwd=ROOT, env={**os.environ, **env},
                              capture_output=True, text=True, check=False)  # fmt: skip
        took = time.perf_counter() - start
        if proc.returncode:
            raise RuntimeError(f"innomatch {' '.join(args)} failed: {proc.stderr[-2000:]}")
        kib = peak.read_text().split()[-1]
    return took, int(kib) / 1024, proc.stdout


def _real(settings: Settings, model: str, cache_dir: Path) -> RealData:
    """The real templates, cached between runs (reading them takes about 15 s)."""
    demo = settings.demo_data_dir
    stamp = max(p.stat().st_mtime_ns for p in demo.rglob("*") if p.is_file())
    path = cache_dir / f"real-{model}-{stamp}.joblib"
    if path.is_file():
        real: RealData = joblib.load(path)
        return real
    real = load_real(demo, model, settings.embedding_seed_dirs, settings.embed_max_words)
    cache_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(real, path)
    return real


def _env(work: Path, url: str) -> dict[str, str]:
    return {"DATABASE_URL": url, "INDEX_DIR": str(work / "index"),
            "EMBEDDING_CACHE_DIR": str(work / "embeddings"), "LOG_LEVEL": "WARNING"}  # fmt: skip


def run(n: int, work: Path, url: str | None, needs: int, added: int) -> dict[str, Any]:
    """Every step at ``n`` procurements in ``work``; the figures as one dict."""
    settings = Settings()
    url = url or f"sqlite:///{work / 'store.db'}"
    env = _env(work, url)
    model = load_embedder(settings.model_name, settings.embed_batch_size)
    real = _real(settings, model.name, ROOT / "var" / "bench")
    t0 = time.perf_counter()
    write_decp(real, work / "data", n, 0, seed=1)
    gen_s = time.perf_counter() - t0
    ingest_s, ingest_rss, _ = _run(["ingest", str(work / "data")], env)
    seed_s = seed_cache(real, url, model.name, work / "embeddings", 0)
    build_s, build_rss, out = _run(["build"], env)
    manifest = json.loads(out[out.index("{"):])
    index_bytes = sum(p.stat().st_size for p in (work / "index").rglob("*") if p.is_file())
    served = serve_and_replay(env, real_needs(_titles(real), needs))
    # The backend the build chose (``auto`` resolves by corpus size and store).
    backend = choose_backend(Settings(database_url=url), int(manifest["procurements"]))
    inc_s, inc_reason = incremental(real, n, added, work, url, model.name, env, _run)
    recall, recall_reason = recall_at_50(backend, work / "index", model, _titles(real), needs)
    return {
        "procurements": manifest["procurements"], "suppliers": manifest["suppliers"],
        "backend": backend, "store": url.split(":", 1)[0].split("+")[0],
        "generate_s": round(gen_s, 1), "ingest_s": round(ingest_s, 1),
        "ingest_records_per_s": round(n / ingest_s), "ingest_peak_rss_mb": round(ingest_rss),
        "seed_cache_s": round(seed_s, 1), "build_s": round(build_s, 1),
        "build_peak_rss_mb": round(build_rss), "incremental_s": inc_s,
        "incremental_reason": inc_reason, "index_bytes": index_bytes, **served,
        "recall_at_50": recall, "recall_reason": recall_reason,
    }  # fmt: skip


def _titles(real: RealData) -> list[tuple[str, str | None]]:
    return [(r.title, r.cpv_main) for r in real.records if r.source == "decp"]


def main() -> None:
    """Parse the arguments, run, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--procurements", type=int, default=100_000)
    ap.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    ap.add_argument("--needs", type=int, default=200, help="real needs replayed")
    ap.add_argument("--added", type=int, default=10_000, help="procurements added, then rebuilt")
    ap.add_argument("--work", type=Path, help="folder for store, index, data (default: temp)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="innomatch-scale-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        figures = run(args.procurements, work, args.database_url, args.needs, args.added)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:>22}  {value}")


if __name__ == "__main__":
    main()
