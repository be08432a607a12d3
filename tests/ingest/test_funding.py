"""Business Finland funding: dated signal events per company, year and kind."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from matcher.ingest import ingest_paths
from matcher.ingest.funding import read
from matcher.ingest.records import Rejected, SignalRecord
from matcher.store.db import session_scope
from matcher.store.models import Identifier, Signal


def test_reader_on_the_real_file(shared_data: Path) -> None:
    records = list(read(shared_data / "business-finland" / "BFData.csv"))
    signals = [r for r in records if isinstance(r, SignalRecord)]
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert len(rejected) == 64  # the non-standard ids the source notes
    first = signals[0]
    assert (first.org.value, first.year, first.kind, first.value) == (
        "2996949-9",
        2020,
        "bf_grant",
        9536.0,
    )
    assert {s.kind for s in signals} == {"bf_grant", "bf_loan", "bf_erdf", "bf_research"}


def test_ingest_links_signals_to_companies_and_is_idempotent(
    db_url: str, shared_data: Path, tmp_path: Path
) -> None:
    src = (shared_data / "business-finland" / "BFData.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "bf.csv"
    path.write_text("\n".join(src[:400]) + "\n", encoding="utf-8")
    first = ingest_paths(db_url, [path])[0]
    again = ingest_paths(db_url, [path])[0]
    assert first.new > 0 and again.new == 0 and again.unchanged == first.new
    with session_scope(db_url) as s:
        n = s.scalar(select(func.count()).select_from(Signal))
        org = s.scalar(select(Identifier.organisation_id).where(Identifier.value == "2655941-9"))
        years = sorted(s.scalars(select(Signal.year).where(Signal.organisation_id == org)))
    assert n == first.new and years[:2] == [2015, 2016]  # 0.7 design Oy, two grants
