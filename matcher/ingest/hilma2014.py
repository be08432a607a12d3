"""Readers for the 2014 HILMA (Finnish) notices: parsed notices (JSON) and award rows (CSV).

Both describe the same procurements, keyed by notice id, so either file can come first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..exceptions import UnreadableFileError
from . import normalize as nz
from ._files import csv_header, csv_rows, head, load_json
from .limits import convert
from .records import AwardRecord, OrgRef, ProcurementRecord, Rejected

SOURCE = "hilma2014"
NOTICES_FORMAT = "hilma2014-notices"
AWARDS_FORMAT = "hilma2014-awards"
_AWARD_COLUMNS = {"notice_id", "winner_name", "cpv_main", "buyer", "title"}


def sniff_notices(path: Path) -> bool:
    """True for a JSON list of parsed HILMA notices."""
    start = head(path, 1024).lstrip()
    return start.startswith(b"[") and b'"notice_id"' in start and b'"cpv_main"' in start


def sniff_awards(path: Path) -> bool:
    """True for the HILMA award-row CSV."""
    return csv_header(path) >= _AWARD_COLUMNS


def _buyer(name: str, business_id: str | None = None) -> OrgRef | None:
    yt = nz.ytunnus(business_id)
    if yt:
        return OrgRef("FI-YTUNNUS", yt, name or None, business_id, "FI")
    return OrgRef("NAME-FI", nz.name_key(name), name, None, "FI") if name else None


def read_notices(path: Path) -> Iterator[ProcurementRecord | Rejected]:
    """Yield one procurement per parsed notice."""
    items = load_json(path, NOTICES_FORMAT)
    if not isinstance(items, list):
        raise UnreadableFileError(path, "expected a JSON list of notices")
    for i, item in enumerate(items):
        yield convert(f"[{i}]", item, _notice)


def _notice(item: dict[str, Any]) -> ProcurementRecord:
    notice_id = str(item.get("notice_id") or "").strip()
    title = nz.clean_text(item.get("title"))
    if not notice_id or not title:
        raise ValueError("missing notice_id or title")
    cpvs = [c for c in (nz.cpv_code(x) for x in item.get("cpv_all") or []) if c]
    main = nz.cpv_code(item.get("cpv_main")) or (cpvs[0] if cpvs else None)
    return ProcurementRecord(
        source=SOURCE,
        source_id=notice_id,
        title=title,
        buyer=_buyer(nz.clean_text(item.get("buyer")), item.get("buyer_business_id")),
        description=nz.clean_text(item.get("description")) or None,
        cpv_main=main,
        cpv_additional=[c for c in cpvs if c != main],
        date=nz.parse_date(item.get("published")),
        procedure=item.get("notice_type"),
        currency="EUR",
        raw=item,
    )


def read_awards(path: Path) -> Iterator[ProcurementRecord | Rejected]:
    """Yield one procurement per notice with all its award rows as awards."""
    grouped: dict[str, ProcurementRecord] = {}
    for line_no, row in csv_rows(path, _AWARD_COLUMNS, AWARDS_FORMAT):
        if isinstance(row, Rejected):
            yield row
            continue
        result = convert(f"line {line_no}", row, lambda r: _award_row(r, grouped))
        if isinstance(result, Rejected):
            yield result
    yield from grouped.values()


def _award_row(row: dict[str, Any], grouped: dict[str, ProcurementRecord]) -> None:
    """Add one award row to its notice's procurement in ``grouped``."""
    if None in row:
        raise ValueError("row has more fields than the header")
    notice_id = row["notice_id"].strip()
    winner = nz.clean_text(row.get("winner_name"))
    if not notice_id or not winner:
        raise ValueError("missing notice_id or winner_name")
    award = AwardRecord(
        supplier=_supplier(winner, row.get("winner_business_id")),
        lot=nz.clean_text(row.get("lot")),
        value=nz.parse_amount(row.get("value_eur")),
        currency="EUR",
        date=nz.parse_date(row.get("award_date")),
        n_tenders=int(row["n_offers"]) if (row.get("n_offers") or "").isdigit() else None,
    )
    rec = grouped.get(notice_id)
    if rec is None:
        rec = grouped[notice_id] = ProcurementRecord(
            source=SOURCE,
            source_id=notice_id,
            title=nz.clean_text(row["title"]),
            buyer=_buyer(nz.clean_text(row["buyer"])),
            cpv_main=nz.cpv_code(row["cpv_main"]),
            currency="EUR",
            raw={"award_rows": []},
        )
    rec.raw["award_rows"].append(row)
    rec.awards.append(award)


def _supplier(name: str, business_id: str | None) -> OrgRef:
    yt = nz.ytunnus(business_id)
    if yt:
        return OrgRef("FI-YTUNNUS", yt, name, business_id, "FI")
    return OrgRef("NAME-FI", nz.name_key(name), name, business_id or None, "FI")
