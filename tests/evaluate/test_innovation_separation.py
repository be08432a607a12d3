"""The supplier index as of a cut against later funding, on the real Finnish sources."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matcher.evaluate.innovation import format_report, separation
from matcher.ingest import ingest_paths
from matcher.innovation.facts import load_facts
from matcher.store.db import migrate, session_scope
from matcher.store.models import Signal

pytestmark = pytest.mark.slow


def test_index_separates_later_funding(tmp_path: Path, shared_data: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fi.db'}"
    migrate(url)
    reports = ingest_paths(url, [
        shared_data / "fi-municipal-invoices" / "valkeakoski_2018-08_purchase_invoices.csv",
        shared_data / "fi-municipal-invoices" / "kemijarvi_2022-q4_purchase_invoices.csv",
        shared_data / "ytj-sample", shared_data / "business-finland" / "BFData.csv",
    ])  # fmt: skip
    assert not [r for r in reports if r.error]
    with session_scope(url) as s:
        report = separation(s, date(2019, 1, 1))
    assert report.population > 500
    rdi, any_bf, innovative_wins = report.results
    assert rdi.available and rdi.auc is not None and rdi.auc_low is not None
    # Scores from before 2019 must rank later R&D&I recipients above the rest, clearly.
    assert rdi.auc_low > 0.6
    assert rdi.top_decile_rate is not None and rdi.base_rate is not None
    assert rdi.top_decile_rate > 2 * rdi.base_rate
    # No innovative-flagged awards exist in these sources: said, not faked.
    assert not innovative_wins.available and "positives" in innovative_wins.note
    assert "AUC" in format_report(report)


def test_nothing_after_the_cut_is_read(tmp_path: Path, shared_data: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fi.db'}"
    migrate(url)
    ingest_paths(url, [shared_data / "ytj-sample", shared_data / "business-finland" / "BFData.csv"])
    cut = date(2017, 1, 1)
    with session_scope(url) as s:
        later = s.scalar(select(func.count()).select_from(Signal).where(Signal.year >= cut.year))
        facts = load_facts(s, None, as_of=cut)
        report = separation(s, cut)
    assert later and later > 1000  # there is a future to leak
    assert all(e.year < cut.year for f in facts.values() for e in f.funding)
    assert all(f.registration_date is None or f.registration_date < cut for f in facts.values())
    assert report.population <= 31  # the register sample is the only non-funding source
