"""Incremental build against a full one: add procurements to a large index, time both, compare.

``python bench/incremental.py --workdir var/incr-bench --copies 8 --add 10000`` writes the shared
DECP records (``../shared/data/decp-fr``) repeated ``--copies`` times under new contract ids,
ingests and builds them (once: a workdir that has a store and an index is reused), then ingests
``--add`` more, builds incrementally, builds the same store in full into another folder, and
prints one JSON line: the stage times of both (wall and CPU), whether the two indexes are the
same (documents, vectors, lexical matrix, calibration), and how far their lexical top 10 of
sampled titles agree (a small addition warm-starts the lexical index with the vocabulary and idf
of its last full fit, so its matrix differs from a fresh fit). The texts repeat the real ones,
so the embedding cache (seeded with the demo's vectors) holds them: the times are the build's
own, beyond embedding. The innovation table and the CPV inferrer are not part of it (full refits).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from matcher.index import MatchIndex, build_index, load_index  # noqa: E402
from matcher.ingest import ingest_paths  # noqa: E402
from matcher.settings import Settings  # noqa: E402
from matcher.store.db import migrate  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "decp-fr"


def _write(path: Path, first_copy: int, copies: int, limit: int | None = None) -> None:
    records = [r for f in sorted(SHARED.glob("*.json"))
               for r in json.loads(f.read_text(encoding="utf-8"))["marches"]]  # fmt: skip
    rows = [{**r, "id": f"{r.get('id')}-x{c}"} for c in range(first_copy, first_copy + copies)
            for r in records]  # fmt: skip
    path.write_text(json.dumps({"marches": rows[:limit]}, ensure_ascii=False), encoding="utf-8")


def _same(a: MatchIndex, b: MatchIndex) -> dict[str, bool]:
    n, m = len(a.procurement_vectors), len(b.procurement_vectors)
    return {
        "corpus": a.corpus == b.corpus,
        "vectors": n == m and np.array_equal(a.procurement_vectors.vectors_for(np.arange(n)),
                                              b.procurement_vectors.vectors_for(np.arange(m))),
        "lexical": (a.lexical.by_doc_ != b.lexical.by_doc_).nnz == 0,
        "calibration": (a.sim_floor, a.sim_ceiling) == (b.sim_floor, b.sim_ceiling),
    }  # fmt: skip


def _lexical_overlap(a: MatchIndex, b: MatchIndex, needs: int = 200, k: int = 10) -> float:
    """Mean share of the top ``k`` contracts by wording that ``a`` and ``b`` agree on, for
    ``needs`` sampled titles: what a warm-started lexical index (vocabulary and idf of its last
    full fit) gives up against a fresh fit. Contracts are compared by text, since the corpus
    repeats each text under several ids, and copies tie."""
    procs = a.corpus.procurements
    rows = np.random.default_rng(0).choice(len(procs), size=min(needs, len(procs)), replace=False)

    def top(index: MatchIndex, title: str) -> set[str]:
        return {procs[int(r)].text for r in index.lexical.search(title, k)[0]}

    shares = [len(top(a, procs[int(r)].title) & top(b, procs[int(r)].title))
              / max(1, len(top(b, procs[int(r)].title))) for r in rows]  # fmt: skip
    return round(float(np.mean(shares)), 4)


def main() -> None:
    """Build, add, build incrementally and in full, print one JSON line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=ROOT / "var" / "incr-bench")
    ap.add_argument("--copies", type=int, default=8)
    ap.add_argument("--add", type=int, default=10_000)
    args = ap.parse_args()
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    s = Settings(database_url=f"sqlite:///{work / 'store.db'}", index_dir=work / "index",
                 embedding_cache_dir=work / "emb")  # fmt: skip
    migrate(s.database_url)
    if not (work / "index" / "current").exists():
        _write(work / "base.json", 0, args.copies)
        ingest_paths(s.database_url, [work / "base.json"])
        build_index(s, full=True)
    batch = work / f"add-{int(time.time())}.json"
    # New contract ids in every run: copies numbered from the time, never repeated.
    _write(batch, int(time.time()), (args.add // 11_000) + 1, args.add)
    start = time.perf_counter()
    ingest_paths(s.database_url, [batch])
    ingest_s = time.perf_counter() - start
    incremental = build_index(s)
    full = build_index(s.model_copy(update={"index_dir": work / "full"}), full=True)
    again = load_index(s.index_dir)  # as saved and loaded back
    print(json.dumps({"procurements": len(full.corpus.procurements), "added": args.add,
                      "ingest_added_s": round(ingest_s, 1),
                      "reused": incremental.reused, "incremental": incremental.timings,
                      "full": full.timings, "same": _same(again, full),
                      "lexical_warm_started": bool(getattr(again.lexical, "added_docs_", 0)),
                      "lexical_top10_overlap": _lexical_overlap(again, full)}))  # fmt: skip


if __name__ == "__main__":
    main()
