"""Readers for INSEE Sirene extracts (French company register): size category and establishment.

``categorieEntreprise`` (PME = SME, ETI = mid-size, GE = large) becomes the supplier's size
class; the winning establishment's NAF code and place become its industry code and region.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import normalize as nz
from ._files import csv_header, csv_rows
from .limits import convert
from .records import OrgRef, Rejected, SupplierProfileRecord

CATEGORIES_FORMAT = "sirene-categories"
ESTABLISHMENTS_FORMAT = "sirene-establishments"
_CATEGORY_COLUMNS = {"siren", "categorieEntreprise"}
_ESTABLISHMENT_COLUMNS = {
    "siren",
    "siret",
    "codePostalEtablissement",
    "activitePrincipaleEtablissement",
}


def sniff_categories(path: Path) -> bool:
    """True for a Sirene legal-unit extract with ``categorieEntreprise``."""
    return csv_header(path) >= _CATEGORY_COLUMNS


def sniff_establishments(path: Path) -> bool:
    """True for a Sirene establishment extract with NAF code and postcode."""
    return csv_header(path) >= _ESTABLISHMENT_COLUMNS


def _org(raw: str) -> OrgRef | None:
    siren = nz.siren_from_siret(raw)
    return OrgRef("FR-SIREN", siren, None, raw, "FR") if siren else None


def read_categories(path: Path) -> Iterator[SupplierProfileRecord | Rejected]:
    """One record per company: its size class."""
    for line_no, row in csv_rows(path, _CATEGORY_COLUMNS, CATEGORIES_FORMAT):
        yield row if isinstance(row, Rejected) else convert(f"line {line_no}", row, _category)


def _category(row: dict[str, Any]) -> SupplierProfileRecord:
    org = _org((row.get("siren") or "").strip())
    category = (row.get("categorieEntreprise") or "").strip()
    if org is None or category not in ("PME", "ETI", "GE"):
        raise ValueError("invalid SIREN or unknown categorieEntreprise")
    return SupplierProfileRecord(source=CATEGORIES_FORMAT, org=org, size_class=category, raw=row)


def read_establishments(path: Path) -> Iterator[SupplierProfileRecord | Rejected]:
    """One record per establishment: NAF activity code and département as region."""
    for line_no, row in csv_rows(path, _ESTABLISHMENT_COLUMNS, ESTABLISHMENTS_FORMAT):
        yield row if isinstance(row, Rejected) else convert(f"line {line_no}", row, _establishment)


def _establishment(row: dict[str, Any]) -> SupplierProfileRecord:
    org = _org((row.get("siren") or "").strip())
    naf = (row.get("activitePrincipaleEtablissement") or "").strip()
    postcode = (row.get("codePostalEtablissement") or "").strip()
    if org is None:
        raise ValueError("invalid SIREN")
    return SupplierProfileRecord(
        source=ESTABLISHMENTS_FORMAT, org=org,
        industry_codes=[f"NAF:{naf}"] if naf else [],
        region=f"FR-D{postcode[:2]}" if postcode[:2].isdigit() else None, raw=row,
    )  # fmt: skip
