"""Reader for the HILMA 2014 notice listing: title, buyer, notice type, publication date.

The listing names what 883 Finnish buyers announced in 2014 (3,160 notices) without CPV codes,
values or winners; what a buyer announced is still part of its procurement portfolio. A city or
municipality named as ``<genitive> kaupunki|kunta`` (optionally with a unit: "Vantaan kaupunki /
Tietohallinto") also gets its business id from the shipped municipality list, so its notices meet
its purchase invoices and awards in one organisation; municipal companies and joint authorities
("Vantaan Energia Oy", "... kuntayhtymä") keep their own names.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import normalize as nz
from ._files import csv_header, csv_rows
from .limits import convert
from .records import OrgRef, ProcurementRecord, Rejected

__all__ = ["FORMAT", "SOURCE", "municipality_bid", "read", "sniff"]

FORMAT = "hilma2014-listing"
SOURCE = "hilma2014-listing"
_COLUMNS = {"title", "buyer", "notice_type", "published"}
_BIDS = Path(__file__).resolve().parent.parent / "vocab" / "data" / "fi_municipality_bids.csv"
_BODY = re.compile(r"^(\S+)\s+(kaupunki|kunta)(?:\s*[/,]\s*|\s+|$)(.*)$", re.IGNORECASE)
#: A unit named after these is a separate legal person with its own business id.
_OWN_ENTITY = ("oy", "oyj", "ky", "kuntayhtymä", "liikelaitos", "säätiö", "seurakunta")
#: A unit naming another body, or "on behalf of", makes a joint or delegated notice.
_JOINT = ("ja", "kaupunki", "kunta", "kunnat", "lukuun", "sekä")
#: Genitives with consonant gradation, which the suffix rules below cannot form.
_IRREGULAR = {"helsinki": "helsingin", "turku": "turun", "lahti": "lahden", "hanko": "hangon",
              "kauniainen": "kauniaisten", "kangasniemi": "kangasniemen"}  # fmt: skip


def sniff(path: Path) -> bool:
    """True for the listing CSV (title, buyer, notice_type, published[, deadline])."""
    return csv_header(path) >= _COLUMNS and "notice_id" not in csv_header(path)


def _genitives(name: str) -> set[str]:
    low = name.casefold()
    forms = {low + "n", low + "en"}
    if low.endswith("i"):
        forms.add(low[:-1] + "en")  # Kemijärvi -> Kemijärven, Valkeakoski -> Valkeakosken
    if low.endswith("nen"):
        forms.add(low[:-3] + "sten")  # Kauniainen -> Kauniaisten
    if low in _IRREGULAR:
        forms.add(_IRREGULAR[low])
    return forms


@lru_cache(maxsize=1)
def _genitive_bids() -> dict[str, str]:
    seen: dict[str, set[str]] = {}
    with _BIDS.open(encoding="utf-8") as fh:
        rows = [(r["name"].strip(), r["bid"].strip()) for r in csv.DictReader(fh)]
    owners: dict[str, int] = {}
    for _, bid in rows:
        owners[bid] = owners.get(bid, 0) + 1
    for name, bid in rows:
        # An id the list gives two municipalities is wrong for one of them: it names neither
        # (one wrong id gave Helsinki's notices to Heinävesi's business id).
        if owners[bid] == 1:
            for g in _genitives(name):
                seen.setdefault(g, set()).add(bid)
    # A form two municipalities could own names neither.
    return {g: next(iter(b)) for g, b in seen.items() if len(b) == 1}


def municipality_bid(buyer: str) -> str | None:
    """The business id of a city or municipality named ``<genitive> kaupunki|kunta[ unit]``."""
    m = _BODY.match(buyer.strip())
    if not m:
        return None
    unit = m.group(3).casefold()
    if any(re.search(rf"(?<!\w){w}(?!\w)", unit) for w in _OWN_ENTITY + _JOINT):
        return None
    return nz.ytunnus(_genitive_bids().get(m.group(1).casefold()))


def _buyer(name: str) -> OrgRef:
    bid = municipality_bid(name)
    extra = (("FI-YTUNNUS", bid),) if bid else ()
    return OrgRef("NAME-FI", nz.name_key(name), name, None, "FI", extra)


def read(path: Path) -> Iterator[ProcurementRecord | Rejected]:
    """One procurement (a notice without CPV, value or winner) per listing row."""
    for n, row in csv_rows(path, _COLUMNS, FORMAT):
        if isinstance(row, Rejected):
            yield row
            continue
        yield convert(f"line {n}", row, _record)


def _record(row: dict[str, Any]) -> ProcurementRecord:
    title = nz.clean_text(row.get("title"))
    buyer = nz.clean_text(row.get("buyer"))
    if not title or not buyer:
        raise ValueError("missing title or buyer")
    published = (row.get("published") or "").strip()
    # The listing has no notice id: buyer, title and publication time identify a row.
    key = hashlib.sha1(f"{buyer}|{title}|{published}".encode()).hexdigest()[:20]
    return ProcurementRecord(
        source=SOURCE, source_id=key, title=title, buyer=_buyer(buyer),
        date=nz.parse_date(published), procedure=nz.clean_text(row.get("notice_type")) or None,
        currency="EUR", raw=dict(row),
    )  # fmt: skip
