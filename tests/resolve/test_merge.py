"""Merging real records into one company, logged with its fields, and undone."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from matcher.exceptions import ConflictError
from matcher.ingest import ingest_paths
from matcher.lookup import get_supplier
from matcher.resolve import link, resolve, undo
from matcher.store.db import session_scope
from matcher.store.models import MergeLog


def test_hilma_winner_joins_its_registered_company(
    db_url: str, shared_data: Path, tmp_path: Path
) -> None:
    bf = (shared_data / "business-finland" / "BFData.csv").read_text(encoding="utf-8").splitlines()
    funding = tmp_path / "bf.csv"
    funding.write_text("\n".join([bf[0], *[r for r in bf if r.startswith(("Destia Oy,", "VTT Memsfab Oy,"))]]) + "\n",
                       encoding="utf-8")  # fmt: skip
    ingest_paths(db_url, [shared_data / "hilma-2014" / "awards_2014.csv", funding])
    with session_scope(db_url) as s:
        links = {ln.query_name: ln for ln in link(s)}
    assert links["Destia Oy Etelä-Suomi"].entity_name == "Destia Oy"
    # A subsidiary's name is not the parent's: "VTT" is not "VTT Memsfab Oy".
    assert "VTT" not in links or links["VTT"].probability < 0.5
    threshold = links["Destia Oy Etelä-Suomi"].probability
    with session_scope(db_url) as s:
        merges = resolve(s, threshold=threshold)
    assert [m["merged_name"] for m in merges] == ["Destia Oy Etelä-Suomi"]
    with session_scope(db_url) as s:
        destia = get_supplier(s, "FI-YTUNNUS:2163026-3")
        assert destia.n_awards == 1 and destia.signals  # the HILMA award and the BF funding
        assert get_supplier(s, "NAME-FI:destia oy etela suomi").id == destia.id
        assert destia.merged_from and destia.other_names == ["Destia Oy Etelä-Suomi"]
        log = s.scalars(select(MergeLog).where(MergeLog.kept_id == destia.id)).one()
        log_id = log.id
        # The log says which compared fields made the merge, with their weights.
        assert log.method == "linkage" and log.fields and log.confidence == threshold
        assert all({"value", "weight"} == set(v) for v in log.fields.values())
    with session_scope(db_url) as s:
        undo(s, log_id)
    with session_scope(db_url) as s:
        assert get_supplier(s, "FI-YTUNNUS:2163026-3").n_awards == 0
        unit = get_supplier(s, "NAME-FI:destia oy etela suomi")
        assert unit.id != destia.id and unit.n_awards == 1
        with pytest.raises(ConflictError):
            undo(s, log_id)
