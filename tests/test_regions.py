"""Regions from the shipped vocabularies."""

from __future__ import annotations

from matcher.vocab.regions import fi_municipality_region, nuts_labels


def test_nuts_labels() -> None:
    labels = nuts_labels()
    assert labels["FI1B1"] == "Helsinki-Uusimaa" and labels["FRD22"]


def test_finnish_municipality_to_nuts3() -> None:
    assert fi_municipality_region("Turku") == "FI1C1"  # Varsinais-Suomi
    assert fi_municipality_region("Valkeakoski") == "FI197"  # Pirkanmaa
    assert fi_municipality_region("KEMIJÄRVI") == "FI1D7"  # Lappi, any case
    assert fi_municipality_region("Atlantis") is None
