"""Reader for a generic supplier-profile CSV.

Columns: ``id, name, description, industry_codes, region, website`` (``industry_codes``
separated by ``;`` or ``|``), optionally ``id_scheme``, ``country`` and ``registration_date``. Ids are recognised as
Y-tunnus or SIREN/SIRET when they validate; otherwise they are kept as the profile's own id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import normalize as nz
from ._files import csv_header, csv_rows
from .limits import convert
from .records import OrgRef, Rejected, SupplierProfileRecord

FORMAT = "profiles"
REQUIRED = {"id", "name", "description"}


def sniff(path: Path) -> bool:
    """True for a CSV whose header has at least ``id``, ``name`` and ``description``."""
    return csv_header(path) >= REQUIRED


def _org(raw_id: str, name: str, scheme: str | None, country: str | None) -> OrgRef:
    if scheme:
        return OrgRef(scheme, raw_id, name, raw_id, country)
    yt = nz.ytunnus(raw_id)
    if yt:
        return OrgRef("FI-YTUNNUS", yt, name, raw_id, "FI")
    siren = nz.siren_from_siret(raw_id)
    if siren:
        return OrgRef("FR-SIREN", siren, name, raw_id, "FR")
    return OrgRef("PROFILE", raw_id, name, raw_id, country)


def read(path: Path) -> Iterator[SupplierProfileRecord | Rejected]:
    """Yield one profile per row; rows without id or name are rejected."""
    for line_no, row in csv_rows(path, REQUIRED, FORMAT):
        yield row if isinstance(row, Rejected) else convert(f"line {line_no}", row, _profile)


def _profile(row: dict[str, Any]) -> SupplierProfileRecord:
    raw_id = (row.get("id") or "").strip()
    name = nz.clean_text(row.get("name"))
    if not raw_id or not name:
        raise ValueError("missing id or name")
    codes = [c.strip() for c in re.split(r"[;|]", row.get("industry_codes") or "") if c.strip()]
    scheme = (row.get("id_scheme") or "").strip() or None
    country = (row.get("country") or "").strip().upper() or None
    return SupplierProfileRecord(
        source=FORMAT,
        org=_org(raw_id, name, scheme, country),
        description=nz.clean_text(row.get("description")) or None,
        industry_codes=codes,
        region=(row.get("region") or "").strip() or None,
        website=(row.get("website") or "").strip() or None,
        registration_date=nz.parse_date(row.get("registration_date")),
        raw=row,
    )
