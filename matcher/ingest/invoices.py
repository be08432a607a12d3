"""Readers for Finnish municipal purchase invoices (ostolaskut).

Two layouts: a town's raw ledger export (Valkeakoski: ``Tili``, ``KP:n nimi``, ``Toimittaja
Y-tun/sotu``...) and the osta-normalised columns (Kemijärvi: ``org_bid``, ``suppl_id``,
``account_name``...). Invoices are purchases, not tenders: buyer, buying unit (cost centre),
purchase account, supplier, amount, date. A supplier identified by a personal identity code is a
person; that row is skipped and nothing of it is stored.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from ..exceptions import UnreadableFileError
from . import normalize as nz
from ._files import base_name, csv_header, csv_rows
from .limits import convert
from .records import OrgRef, PurchaseRecord, Rejected

RAW_FORMAT = "invoices-fi-raw"
OSTA_FORMAT = "invoices-fi-osta"
SOURCE = "fi-invoices"
_RAW = {"Tili", "Tilin nimi", "KP:n nimi", "Tositepvm", "Tot eurot", "Toimittajan nimi"}
_OSTA = {
    "org_bid",
    "suppl_name",
    "suppl_id",
    "price_ex_vat",
    "date",
    "account_number",
    "account_name",
}
_MUNICIPALITIES = (
    Path(__file__).resolve().parent.parent / "vocab" / "data" / "fi_municipality_bids.csv"
)
_PERSON = {"redacted": "supplier identified by a personal identity code; nothing stored"}


def sniff_raw(path: Path) -> bool:
    """True for a raw town ledger export."""
    return csv_header(path) >= _RAW


def sniff_osta(path: Path) -> bool:
    """True for osta-normalised invoice rows."""
    return csv_header(path) >= _OSTA


@lru_cache(maxsize=1)
def _municipality_ids() -> dict[str, str]:
    with _MUNICIPALITIES.open(encoding="utf-8") as fh:
        return {nz.name_key(r["name"]): r["bid"] for r in csv.DictReader(fh)}


def _buyer_from_filename(path: Path) -> OrgRef:
    """The raw export names no buyer: its file name starts with the municipality's name."""
    stem = re.split(r"[_\-\d]", base_name(path), maxsplit=1)[0]
    bid = _municipality_ids().get(nz.name_key(stem))
    if not bid:
        raise UnreadableFileError(
            path, f"cannot tell the buying municipality from the file name {stem!r}"
        )
    return OrgRef("FI-YTUNNUS", bid, stem.title(), bid, "FI")


def _supplier(name: str, raw_id: str) -> OrgRef | None:
    """The supplier by Y-tunnus, EU VAT number or name; ``None`` for a person."""
    raw_id = raw_id.strip()
    if nz.is_personal_id(raw_id):
        return None
    yt = nz.ytunnus(raw_id)
    if yt:
        return OrgRef("FI-YTUNNUS", yt, name or None, raw_id, "FI")
    vat = re.sub(r"\s", "", raw_id).upper()
    if re.fullmatch(r"(?!FI)[A-Z]{2}[0-9A-Z]{6,13}", vat):
        return OrgRef("EU-VAT", vat, name or None, raw_id, vat[:2])
    if not name:
        raise ValueError("supplier has neither a valid id nor a name")
    # Ids that fail validation ("2004394-8 E", "27738179") are kept raw, never repaired.
    return OrgRef("NAME-FI", nz.name_key(name), name, raw_id or None, None)


def _osta_date(raw: str) -> date | None:
    """``DMMYYYY`` or ``DDMMYYYY`` (``1102022`` is 1 October 2022)."""
    digits = raw.strip()
    if not digits.isdigit() or len(digits) not in (7, 8):
        return nz.parse_date(raw)
    try:
        return date(int(digits[-4:]), int(digits[-6:-4]), int(digits[:-6]))
    except ValueError:
        return None


def read_raw(path: Path) -> Iterator[PurchaseRecord | Rejected]:
    """Rows of a raw town ledger export."""
    buyer = _buyer_from_filename(path)
    for n, row in csv_rows(path, _RAW, RAW_FORMAT):
        if isinstance(row, Rejected):
            yield row
            continue
        yield convert(f"line {n}", row, partial(_raw_row, buyer=buyer, n=n))


def _clean(row: dict[str, Any]) -> dict[str, str]:
    """The row's named fields stripped (a ragged row's extra values, under ``None``, dropped)."""
    return {k.strip(): (v or "").strip() if isinstance(v, str) else "" for k, v in row.items()
            if k is not None}  # fmt: skip


def _raw_row(row: dict[str, Any], buyer: OrgRef, n: int) -> PurchaseRecord | Rejected:
    row = _clean(row)
    supplier = _supplier(row.get("Toimittajan nimi", ""), row.get("Toimittaja Y-tun/sotu", ""))
    if supplier is None:
        return Rejected(f"line {n}", "natural person: not stored", _PERSON)
    return PurchaseRecord(
        source=SOURCE, source_id=f"{buyer.value}:{row.get('Docid') or row.get('Tositenumero')}:{n}",
        buyer=buyer, supplier=supplier, amount=nz.parse_amount(row.get("Tot eurot")),
        date=nz.parse_date(row.get("Tositepvm")),
        buying_unit=" ".join(x for x in (row.get("Kp"), row.get("KP:n nimi")) if x) or None,
        account_code=row.get("Tili") or None, account_name=row.get("Tilin nimi") or None,
        raw=row,
    )  # fmt: skip


def read_osta(path: Path) -> Iterator[PurchaseRecord | Rejected]:
    """Rows in the osta-normalised layout (the buyer is named on every row)."""
    for n, row in csv_rows(path, _OSTA, OSTA_FORMAT):
        if isinstance(row, Rejected):
            yield row
            continue
        yield convert(f"line {n}", row, partial(_osta_row, n=n))


def _osta_row(row: dict[str, Any], n: int) -> PurchaseRecord | Rejected:
    row = _clean(row)
    bid = nz.ytunnus(row.get("org_bid"))
    if not bid:
        raise ValueError(f"invalid buyer id {row.get('org_bid')!r}"[:300])
    supplier = _supplier(row.get("suppl_name", ""), row.get("suppl_id", ""))
    if supplier is None:
        return Rejected(f"line {n}", "natural person: not stored", _PERSON)
    return PurchaseRecord(
        source=SOURCE, source_id=f"{bid}:{row.get('voucher')}:{row.get('')}",
        buyer=OrgRef("FI-YTUNNUS", bid, row.get("org_name") or None, row.get("org_bid"), "FI"),
        supplier=supplier, amount=nz.parse_amount(row.get("price_ex_vat")),
        date=_osta_date(row.get("date", "")),
        buying_unit=row.get("org_name") or None,
        account_code=row.get("account_number") or None,
        account_name=row.get("account_name") or None, raw=row,
    )  # fmt: skip
