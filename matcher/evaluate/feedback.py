"""How the ranking does on the brokers' own marks: shortlist entries as feedback labels.

A need's suppliers marked ``relevant`` or ``contacted`` are its positives, ``not_relevant`` its
negatives. The labels were given on the ranking people saw, so they favour what was ranked high
(selection bias): read the figures as agreement with the brokers, not as recall of the market.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..schemas import MatchRequest
from ..service import Matcher
from ..store.broker_models import Need
from ..store.db import session_scope

POSITIVE = {"relevant", "contacted"}


def evaluate_feedback(matcher: Matcher, k: int = 10, depth: int = 100) -> dict[str, Any]:
    """HR@k and MRR@k of the current ranking against the marks, per need and overall.

    Args:
        matcher: The service, over the store whose marks are read.
        k: Cut-off for the metrics.
        depth: How deep the ranking is searched for the rank of each marked supplier.
    """
    rows: list[dict[str, Any]] = []
    with session_scope(matcher.settings.database_url) as session:
        needs = [n for n in session.scalars(select(Need).order_by(Need.id)) if n.shortlist]
        for n in needs:
            pos = {e.supplier_id for e in n.shortlist if e.mark in POSITIVE}
            neg = {e.supplier_id for e in n.shortlist if e.mark == "not_relevant"}
            if not pos and not neg:
                continue
            text = f"{n.title}. {n.description}".strip()[:5000]
            ranked = [r.supplier_id for r in matcher.match(MatchRequest(
                text=text, cpv=list(n.cpv or []), buyer_id=n.buyer_id, k=depth)).results]  # fmt: skip
            rank = {sid: i + 1 for i, sid in enumerate(ranked)}
            first = min((rank[s] for s in pos if s in rank), default=None)
            rows.append({
                "need_id": n.id, "positives": len(pos), "negatives": len(neg),
                "hit": bool(first and first <= k), "rr": 1.0 / first if first and first <= k else 0.0,
                "negatives_in_top_k": sum(1 for s in neg if rank.get(s, depth + 1) <= k),
                "positive_ranks": sorted(rank.get(s, 0) for s in pos),
            })  # fmt: skip
    with_pos = [r for r in rows if r["positives"]]
    n_neg = sum(r["negatives"] for r in rows)
    return {
        "k": k, "needs": len(rows), "needs_with_positives": len(with_pos),
        "positive_labels": sum(r["positives"] for r in rows), "negative_labels": n_neg,
        "hr_at_k": sum(r["hit"] for r in with_pos) / len(with_pos) if with_pos else None,
        "mrr_at_k": sum(r["rr"] for r in with_pos) / len(with_pos) if with_pos else None,
        "negatives_in_top_k_share": (sum(r["negatives_in_top_k"] for r in rows) / n_neg
                                     if n_neg else None),
        "per_need": rows,
        "note": "labels were given on the ranking shown: they favour what ranked high",
    }  # fmt: skip


def format_feedback(report: dict[str, Any]) -> str:
    """The report as text."""
    k = report["k"]

    def f(x: float | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    return "\n".join([
        f"feedback labels: {report['positive_labels']} positive, {report['negative_labels']} "
        f"negative, on {report['needs']} needs ({report['needs_with_positives']} with positives)",
        f"HR@{k} {f(report['hr_at_k'])}  MRR@{k} {f(report['mrr_at_k'])}  negatives in top {k}: "
        f"{f(report['negatives_in_top_k_share'])}", f"note: {report['note']}",
    ])  # fmt: skip
