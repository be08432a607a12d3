"""Regions: NUTS 2021 labels, and Finnish municipality -> region (maakunta) -> NUTS 3 code."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from .normalize import name_key

_DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def nuts_labels() -> dict[str, str]:
    """NUTS 2021 code -> name (e.g. ``FI1B1`` -> ``Helsinki-Uusimaa``)."""
    with (_DATA / "nuts2021.csv").open(encoding="utf-8") as fh:
        return {r["NUTS_ID"]: r["NAME_LATN"] for r in csv.DictReader(fh, delimiter=";")}


@lru_cache(maxsize=1)
def _fi_municipality_nuts3() -> dict[str, str]:
    nuts3 = {name_key(name): code for code, name in nuts_labels().items()
             if code.startswith("FI") and len(code) == 5}  # fmt: skip
    out = {}
    with (_DATA / "fi_municipalities.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            code = nuts3.get(name_key(r["province"]))
            if code:
                out[name_key(r["name"])] = code
    return out


def fi_municipality_region(municipality: str | None) -> str | None:
    """The NUTS 3 code of a Finnish municipality (``"Turku"`` -> ``"FI1C1"``), or ``None``."""
    return _fi_municipality_nuts3().get(name_key(municipality)) if municipality else None
