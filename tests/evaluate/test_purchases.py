"""Purchase-history evaluation on the real invoices."""

from __future__ import annotations

from pathlib import Path

from matcher.evaluate import purchases as P
from matcher.ingest import ingest_paths


def test_per_buyer_split_and_methods(db_url: str, shared_data: Path) -> None:
    folder = shared_data / "fi-municipal-invoices"
    ingest_paths(db_url, [folder / "valkeakoski_2018-08_purchase_invoices.csv",
                          folder / "kemijarvi_2022-q4_purchase_invoices.csv"])  # fmt: skip
    rows = P._load(db_url)
    train, test, cuts = P._split(rows, 0.2)
    assert len(cuts) == 2
    assert all(r.date < cuts[r.buyer] for r in train) and all(r.date >= cuts[r.buyer] for r in test)
    report = P.evaluate_purchases(db_url)
    by = {m["name"]: m["metrics"] for m in report["methods"]}
    # Category popularity is the reference (about 0.5 HR@10 on these invoices).
    assert 0.4 < by["category_popularity"]["HR@10"] < 0.6
    assert by["innomatch"]["HR@10"] > by["category_popularity"]["HR@10"]
    assert by["innomatch"]["MRR@10"] > by["category_popularity"]["MRR@10"]
    assert "innomatch" in P.format_purchases(report)
