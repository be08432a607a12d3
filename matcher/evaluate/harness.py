"""Run methods through one split and report the metrics (table, JSON, plot)."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import select

from ..embed import CachedEmbedder
from ..index.corpus import need_text
from ..index.subsets import index_before
from ..store.db import session_scope
from ..store.models import Organisation
from ..vocab import cpv_vocabulary
from . import metrics as m
from .cpv import format_cpv_table
from .methods import Method
from .split import Split

log = logging.getLogger(__name__)
K_CURVE = (1, 2, 3, 5, 10, 20)


def sme_map(database_url: str) -> dict[int, bool]:
    """Organisation id -> is an SME, where the company register says (size class known)."""
    with session_scope(database_url) as s:
        rows = s.execute(select(Organisation.id, Organisation.size_class)
                         .where(Organisation.size_class.is_not(None)))  # fmt: skip
        return {oid: size == "PME" for oid, size in rows}


def query_vectors(split: Split, embedder: CachedEmbedder) -> np.ndarray:
    """Embed every query as a buyer's need (text plus CPV labels), through the cache."""
    vocab = cpv_vocabulary()
    return embedder.embed_queries([need_text(q.text, q.cpv, vocab) for q in split.queries])


def _metrics(ranked: list[list[int]], truth: list[set[int]], catalogue: int, head: set[int],
             is_sme: dict[int, bool]) -> dict[str, float | None]:  # fmt: skip
    out: dict[str, float | None] = {
        "HR@1": m.hit_rate(ranked, truth, 1), "HR@5": m.hit_rate(ranked, truth, 5),
        "HR@10": m.hit_rate(ranked, truth, 10), "MRR@10": m.mrr(ranked, truth, 10),
        "nDCG@10": m.ndcg(ranked, truth, 10), "CC@10": m.catalogue_coverage(ranked, catalogue, 10),
        "PC": m.prediction_coverage(ranked), "LTP@10": m.long_tail_share(ranked, head, 10),
        "SME@10": m.sme_share([s for r in ranked for s in r[:10]], is_sme),
    }  # fmt: skip
    return {k: (round(v, 4) if v is not None else None) for k, v in out.items()}


def _seen(split: Split) -> list[int]:
    """Queries whose winner won something the query may know of (the ceiling's numerator)."""
    if split.history is None:
        known = {s for p in split.train.corpus.procurements for s in p.winners}
        return [i for i, q in enumerate(split.queries) if q.truth & known]
    first: dict[int, date] = {}
    for p in split.history.corpus.procurements:
        if p.date:
            for s in p.winners:
                first[s] = min(first.get(s, date.max), p.date)
    return [i for i, q in enumerate(split.queries)
            if any(first.get(s, date.max) < q.day for s in q.truth)]  # fmt: skip


def rank_all(split: Split, methods: Sequence[Method], vectors: np.ndarray, k: int,
              progress: Callable[[str], None] | None) -> list[list[list[int]]]:  # fmt: skip
    """Every method's ranking of every query; in rolling mode the history grows by date."""
    queries = split.queries
    out: list[list[list[int]]] = [[[] for _ in queries] for _ in methods]
    for method in methods:
        if progress:
            progress(f"fitting {method.name}")
        method.fit(split.train)
    if split.history is None:
        for j, method in enumerate(methods):
            out[j] = [method.recommend(q, v, k) for q, v in zip(queries, vectors, strict=True)]
        return out
    by_date: dict[date, list[int]] = defaultdict(list)
    for i, q in enumerate(queries):
        by_date[q.day].append(i)
    for n, day in enumerate(sorted(by_date), 1):
        if progress:
            progress(f"day {n}/{len(by_date)}: {day} ({len(by_date[day])} queries)")
        history = index_before(split.history, day)
        for j, method in enumerate(methods):
            method.update(history)
            for i in by_date[day]:
                out[j][i] = method.recommend(queries[i], vectors[i], k)
    return out


def evaluate(
    split: Split,
    methods: Sequence[Method],
    vectors: np.ndarray,
    is_sme: dict[int, bool] | None = None,
    k: int = 20,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Fit each method on the training side, rank every query, and compute the metrics."""
    is_sme = is_sme or {}
    queries = split.queries
    truth = [q.truth for q in queries]
    # The catalogue a method could recommend from: in rolling mode it grows up to the last query.
    known = split.train.corpus.procurements
    if split.history is not None and queries:
        last = max(q.day for q in queries)
        known = [p for p in split.history.corpus.procurements if p.date and p.date < last]
    counts = Counter(s for p in known for s in p.winners)
    catalogue = len(counts)
    head = m.long_tail(counts)
    seen = _seen(split)
    out: dict[str, Any] = {
        "split": {
            "mode": split.mode,
            "cut": split.cut.isoformat(),
            "train_awards": split.train_awards,
            "train_contracts": len(split.train.corpus.procurements),
            "catalogue": catalogue,
            "queries": len(queries),
            "ceiling": round(len(seen) / len(queries), 4) if queries else 0.0,
            "sme_among_winners": m.sme_share([s for t in truth for s in t], is_sme),
        },  # fmt: skip
        "methods": [],
    }
    for method, ranked in zip(
        methods, rank_all(split, methods, vectors, k, progress), strict=True
    ):
        result = {
            "name": method.name,
            "metrics": _metrics(ranked, truth, catalogue, head, is_sme),
            "seen_winner": {
                "HR@10": round(
                    m.hit_rate([ranked[i] for i in seen], [truth[i] for i in seen], 10), 4
                ),
                "MRR@10": round(m.mrr([ranked[i] for i in seen], [truth[i] for i in seen], 10), 4),
            },
            "hr_curve": {str(n): round(m.hit_rate(ranked, truth, n), 4) for n in K_CURVE},
        }
        log.info("%s: %s", method.name, result["metrics"])
        out["methods"].append(result)
    return out


def _table(result: dict[str, Any]) -> list[str]:
    sp = result["split"]
    sme = sp["sme_among_winners"]
    lines = [
        f"{sp['mode']} split at {sp['cut']}: {sp['train_awards']} training awards, "
        f"{sp['queries']} queries, ceiling {sp['ceiling']:.3f}, "
        f"SME share among winners {sme if sme is None else round(sme, 3)}",
    ]
    cols = ["HR@1", "HR@5", "HR@10", "MRR@10", "nDCG@10", "CC@10", "PC", "LTP@10", "SME@10"]
    lines.append(f"{'method':<18}" + "".join(f"{c:>9}" for c in cols) + f"{'seenHR@10':>11}")
    for meth in result["methods"]:
        vals = [meth["metrics"][c] for c in cols]
        cells = "".join(f"{'-':>9}" if v is None else f"{v:>9.3f}" for v in vals)
        lines.append(f"{meth['name']:<18}{cells}{meth['seen_winner']['HR@10']:>11.3f}")
    return lines


def format_table(result: dict[str, Any]) -> str:
    """The result as plain-text tables for the terminal (every protocol, the curve)."""
    lines = _table(result)
    for other in result.get("protocols", {}).values():
        lines += ["", *_table(other)]
    if cpv := result.get("cpv_inference"):
        lines += ["", format_cpv_table(cpv)]
    if curve := result.get("innovation_curve"):
        cols = list(curve[0])
        lines += ["", "innovation-weight curve (innomatch):", "".join(f"{c:>24}" for c in cols)]
        lines += ["".join(f"{'-' if row[c] is None else row[c]:>24}" for c in cols) for row in curve]
    return "\n".join(lines)
