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


def test_backoff_prefers_a_supplier_many_units_use_over_one_units_repeat_invoices() -> None:
    from datetime import date

    day = date(2022, 10, 3)
    rows = [P._Row(1, "school", "4340", 7, day) for _ in range(5)]  # one unit, five invoices
    rows += [P._Row(1, u, "4340", 8, day) for u in ("library", "pool", "office")]  # three units
    counts = P._Counts(rows)
    assert counts.get("account", (1, "4340")) == {7: 5, 8: 3}
    assert counts.breadth("account", (1, "4340")) == {7: 1, 8: 3}
    # A new unit buying on the account: the town-wide supplier comes first.
    assert P._innomatch(counts, P._Row(1, "kitchen", "4340", 0, day), 2) == [8, 7]
    # The school's own history still wins for the school.
    assert P._innomatch(counts, P._Row(1, "school", "4340", 0, day), 2) == [7, 8]
