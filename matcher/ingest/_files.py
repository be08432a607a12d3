"""Opening source files: plain or gzip-compressed, with a clear error for anything else."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import IO

from ..exceptions import UnreadableFileError


def open_binary(path: Path) -> IO[bytes]:
    """Open ``path`` for binary reading, transparently decompressing ``.gz`` files."""
    try:
        if path.suffix == ".gz":
            return gzip.open(path, "rb")  # type: ignore[return-value]  # GzipFile is a binary IO
        return path.open("rb")
    except OSError as exc:
        raise UnreadableFileError(path, f"cannot open: {exc.strerror or exc}") from exc


def head(path: Path, size: int = 4096) -> bytes:
    """Return the first ``size`` bytes of the (decompressed) file, for format sniffing."""
    with open_binary(path) as fh:
        try:
            return fh.read(size)
        except (OSError, EOFError) as exc:
            raise UnreadableFileError(path, f"cannot read: {exc}") from exc


def base_name(path: Path) -> str:
    """File name without ``.gz``, so ``x.json.gz`` and ``x.json`` sniff alike."""
    name = path.name
    return name[:-3] if name.endswith(".gz") else name


def csv_header(path: Path) -> set[str]:
    """The column names of a ``.csv`` file (empty for any other file), for format sniffing."""
    if not base_name(path).endswith(".csv"):
        return set()
    first = head(path, 4096).decode("utf-8-sig", "replace").splitlines()[:1]
    return {c.strip() for c in next(csv.reader(first))} if first else set()


def read_text(path: Path) -> str:
    """The whole (decompressed) file as UTF-8 text, a byte-order mark dropped.

    Raises:
        UnreadableFileError: if the file is not UTF-8.
    """
    with open_binary(path) as fh:
        try:
            return fh.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(path, f"not UTF-8: {exc}") from exc


def csv_rows(path: Path, required: set[str]) -> csv.DictReader[str]:
    """A dict reader over a CSV file that has at least the ``required`` columns.

    Raises:
        UnreadableFileError: if the file is not UTF-8 or lacks a required column.
    """
    reader = csv.DictReader(io.StringIO(read_text(path)))
    if not reader.fieldnames or not set(reader.fieldnames) >= required:
        raise UnreadableFileError(path, f"missing columns: needs {sorted(required)}")
    return reader
