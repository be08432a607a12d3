"""The registry of readers and format detection.

Every reader module exposes ``sniff(path) -> bool`` and ``read(path) -> Iterator[Record]``;
a module may add ``combine(old_raw, record)`` to merge a record with what is already stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..exceptions import UnreadableFileError
from . import (
    decp,
    eforms,
    funding,
    hilma2014,
    hilma2014_listing,
    invoices,
    ocds,
    profiles,
    sirene,
    ytj,
)
from .records import Record


@dataclass(frozen=True)
class Reader:
    """One input format: how to recognise it, read it, and merge repeated records."""

    name: str
    sniff: Callable[[Path], bool]
    read: Callable[[Path], Iterator[Record]]
    combine: Callable[[dict[str, Any], Any], Any] | None = None
    #: Records of a partial reader only fill fields that are still empty.
    partial: bool = False


READERS: dict[str, Reader] = {
    r.name: r
    for r in (
        Reader(decp.FORMAT, decp.sniff, decp.read),
        Reader(hilma2014.NOTICES_FORMAT, hilma2014.sniff_notices, hilma2014.read_notices),
        Reader(
            hilma2014.AWARDS_FORMAT, hilma2014.sniff_awards, hilma2014.read_awards, partial=True
        ),
        Reader(hilma2014_listing.FORMAT, hilma2014_listing.sniff, hilma2014_listing.read),
        Reader(profiles.FORMAT, profiles.sniff, profiles.read),
        Reader(eforms.FORMAT, eforms.sniff, eforms.read),
        Reader(funding.FORMAT, funding.sniff, funding.read),
        Reader(ytj.FORMAT, ytj.sniff, ytj.read),
        Reader(invoices.RAW_FORMAT, invoices.sniff_raw, invoices.read_raw),
        Reader(invoices.OSTA_FORMAT, invoices.sniff_osta, invoices.read_osta),
        Reader(sirene.CATEGORIES_FORMAT, sirene.sniff_categories, sirene.read_categories),
        Reader(
            sirene.ESTABLISHMENTS_FORMAT, sirene.sniff_establishments, sirene.read_establishments
        ),
        # OCDS last: its sniff (any JSON with "ocid") is the loosest.
        Reader(ocds.FORMAT, ocds.sniff, ocds.read, combine=ocds.combine),
    )
}
_SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv", ".xml", ".json.gz", ".jsonl.gz", ".csv.gz",
             ".xml.gz")  # fmt: skip


def detect(path: Path) -> Reader:
    """Return the reader for ``path``.

    Raises:
        UnreadableFileError: if the file is missing, empty or of no known format.
    """
    if not path.is_file():
        raise UnreadableFileError(path, "no such file")
    if path.stat().st_size == 0:
        raise UnreadableFileError(path, "file is empty")
    for reader in READERS.values():
        if reader.sniff(path):
            return reader
    raise UnreadableFileError(
        path, f"format not recognised (known: {', '.join(READERS)}); use --format to force one"
    )


def get_reader(name: str) -> Reader:
    """Return the reader called ``name``.

    Raises:
        UnreadableFileError: if no reader has that name.
    """
    try:
        return READERS[name]
    except KeyError:
        raise UnreadableFileError(name, f"unknown format; known: {', '.join(READERS)}") from None


def expand(paths: list[Path]) -> list[Path]:
    """Files named, plus the data files below folders named, in a stable order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file()
                    and f.name.endswith(_SUFFIXES)
                    and not f.name.endswith(".stats.json")
                )
            )
        else:
            out.append(p)
    return out
