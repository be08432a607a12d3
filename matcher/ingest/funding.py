"""Reader for Business Finland funding awarded per company and year (Tietopankki export).

Each non-zero amount becomes a dated innovation-signal event (grant, loan, ERDF, research
funding), not a single number per company, so recency and kind can be weighed later. 2020 holds
many COVID-era business-development grants, a weaker signal: the year is kept for that.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from . import normalize as nz
from ._files import csv_header, csv_rows
from .limits import convert
from .records import OrgRef, Rejected, SignalRecord

FORMAT = "business-finland"
SOURCE = "business-finland"
_COLUMNS = {"Organisaatio", "Y-tunnus", "Myöntämisvuosi", "Avustus €", "Laina €"}
#: Column -> signal kind.
_KINDS = {"Avustus €": "bf_grant", "Laina €": "bf_loan", "EAKR-rahoitus €": "bf_erdf",
          "Tutkimusrahoitus €": "bf_research"}  # fmt: skip


def sniff(path: Path) -> bool:
    """True for the Business Finland funding CSV."""
    return csv_header(path) >= _COLUMNS


def read(path: Path) -> Iterator[SignalRecord | Rejected]:
    """One signal per company, year and kind of funding with a positive amount."""
    for n, row in csv_rows(path, _COLUMNS, FORMAT):
        if isinstance(row, Rejected):
            yield row
            continue
        result = convert(f"line {n}", row, partial(_signals, n=n))
        yield from [result] if isinstance(result, Rejected) else result


def _signals(row: dict[str, Any], n: int) -> list[SignalRecord]:
    yt = nz.ytunnus(row.get("Y-tunnus"))
    year = (row.get("Myöntämisvuosi") or "").strip()
    if not yt or not year.isdigit() or len(year) != 4:
        raise ValueError("invalid Y-tunnus or year")
    org = OrgRef("FI-YTUNNUS", yt, nz.clean_text(row.get("Organisaatio")) or None,
                 row.get("Y-tunnus"), "FI")  # fmt: skip
    out = []
    for column, kind in _KINDS.items():
        amount = nz.parse_amount(row.get(column))
        if amount:
            out.append(SignalRecord(source=SOURCE, source_id=f"{yt}:{year}:{kind}", org=org,
                                    kind=kind, year=int(year), value=amount,
                                    raw={"row": n, "column": column, "value": row.get(column)}))  # fmt: skip
    return out
