"""Municipal purchase accounts -> CPV divisions, from the reviewed table shipped in ``vocab``.

Towns number their accounts differently, so a row matches the start of the account's name; the
longest matching stem wins ("lasten kotihoidon tuki" before a shorter one). The table says for
each account whether it is a division, mixed (no single division: unmapped) or no purchase at all.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["AccountMapping", "NOT_PURCHASE", "map_account", "mapping_rows"]

_TABLE = Path(__file__).resolve().parent.parent / "vocab" / "data" / "fi_account_cpv.csv"
#: The table's mark for accounts that are not purchases of goods or services.
NOT_PURCHASE = "-"


@dataclass(frozen=True)
class AccountMapping:
    """One reviewed row: the name stem, its CPV division ('' mixed, '-' no purchase), why."""

    stem: str
    division: str
    chart_account: str
    note: str


@lru_cache(maxsize=1)
def mapping_rows() -> tuple[AccountMapping, ...]:
    """The table, longest stems first (the order a name is matched in)."""
    with _TABLE.open(encoding="utf-8") as fh:
        rows = [AccountMapping(r["stem"].strip().casefold(), r["cpv_division"].strip(),
                               r["chart_account"].strip(), r["note"].strip())
                for r in csv.DictReader(fh)]  # fmt: skip
    return tuple(sorted(rows, key=lambda r: -len(r.stem)))


def map_account(name: str | None) -> AccountMapping | None:
    """The reviewed row for an account name, or None when the table has no row for it."""
    if not name:
        return None
    low = " ".join(name.casefold().split())
    return next((r for r in mapping_rows() if low.startswith(r.stem)), None)
