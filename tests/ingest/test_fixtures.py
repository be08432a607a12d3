"""Every reader on its small real excerpt (``tests/fixtures``): runs on a fresh clone, where the
large shared data is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.ingest import Rejected, detect, ingest_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

#: file -> (reader detected, records read). Every excerpt is clean: nothing is rejected.
EXCERPTS = {
    "readers/decp_e-marchespublics_excerpt.json": ("decp", 20),
    "readers/hilma2014_notices_excerpt.json": ("hilma2014-notices", 15),
    "readers/hilma2014_awards_excerpt.csv": ("hilma2014-awards", 11),
    "readers/profiles_fi_companies_excerpt.csv": ("profiles", 15),
    "readers/business-finland_excerpt.csv": ("business-finland", 30),
    "readers/sirene_categories_excerpt.csv": ("sirene-categories", 20),
    "readers/sirene_establishments_excerpt.csv": ("sirene-establishments", 20),
    "readers/kemijarvi_2022-q4_purchase_invoices_excerpt.csv": ("invoices-fi-osta", 25),
    "readers/valkeakoski_2018-08_purchase_invoices_excerpt.csv": ("invoices-fi-raw", 25),
    "readers/ocds_moldova_release.json": ("ocds", 1),
    "readers/ocds_mexico_cdmx_release.json": ("ocds", 1),
    "ted/can_24_minimal.xml": ("eforms", 1),
    "ytj/responses.json": ("ytj", 2),
}


@pytest.mark.parametrize("name", sorted(EXCERPTS))
def test_reader_on_its_real_excerpt(name: str, db_url: str) -> None:
    path = FIXTURES / name
    fmt, n = EXCERPTS[name]
    reader = detect(path)
    assert reader.name == fmt
    records = list(reader.read(path))
    assert len(records) == n and not [r for r in records if isinstance(r, Rejected)]
    report = ingest_file(db_url, path)
    assert report.error is None and report.rejected == 0 and report.read == n
    assert report.new + report.updated == n
    assert report.new > 0
