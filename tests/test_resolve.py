"""Entity resolution on real names: one company from several sources, logged and undoable."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from matcher.exceptions import ConflictError
from matcher.ingest import ingest_paths
from matcher.lookup import get_supplier
from matcher.resolve import comparable, propose, resolve, undo
from matcher.store.db import session_scope
from matcher.store.models import MergeLog


@pytest.mark.parametrize(
    ("name", "expected"),
    [("DESTIA OY ETELÄ-SUOMI", "destia etela suomi"), ("Oy Vestek Ab", "vestek"),
     ("Soci\u00c3\u00a9t\u00c3\u00a9 G\u00c3\u00a9n\u00c3\u00a9rale SAS", "societe generale"), ("Martela / HM Profiili Oy", "martela hm profiili")],
)  # fmt: skip
def test_comparable_names(name: str, expected: str) -> None:
    assert comparable(name) == expected


def test_hilma_winner_joins_its_registered_company(
    db_url: str, shared_data: Path, tmp_path: Path
) -> None:
    bf = (shared_data / "business-finland" / "BFData.csv").read_text(encoding="utf-8").splitlines()
    funding = tmp_path / "bf.csv"
    funding.write_text("\n".join([bf[0], *[r for r in bf if r.startswith(("Destia Oy,", "VTT Memsfab Oy,"))]]) + "\n",
                       encoding="utf-8")  # fmt: skip
    ingest_paths(db_url, [shared_data / "hilma-2014" / "awards_2014.csv", funding])
    with session_scope(db_url) as s:
        names = {(p.merged_name, p.kept_name) for p in propose(s)}
    assert ("Destia Oy Etelä-Suomi", "Destia Oy") in names
    assert not any(m == "VTT" for m, _ in names)  # a subsidiary's name is not the parent's
    with session_scope(db_url) as s:
        merges = resolve(s)
    assert merges and all("merge_id" in m for m in merges)
    with session_scope(db_url) as s:
        destia = get_supplier(s, "FI-YTUNNUS:2163026-3")
        assert destia.n_awards == 1 and destia.signals  # the HILMA award and the BF funding
        assert get_supplier(s, "NAME-FI:destia oy etela suomi").id == destia.id
        assert destia.merged_from and destia.other_names == ["Destia Oy Etelä-Suomi"]
        log_id = s.scalars(select(MergeLog.id).where(MergeLog.kept_id == destia.id)).one()
    with session_scope(db_url) as s:
        undo(s, log_id)
    with session_scope(db_url) as s:
        assert get_supplier(s, "FI-YTUNNUS:2163026-3").n_awards == 0
        unit = get_supplier(s, "NAME-FI:destia oy etela suomi")
        assert unit.id != destia.id and unit.n_awards == 1
        with pytest.raises(ConflictError):
            undo(s, log_id)
