"""Opening source files: plain or gzip-compressed, with a clear error for anything else, within\nthe ingest size limits."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..exceptions import UnreadableFileError
from . import limits
from .records import Rejected

#: One CSV row, as ``csv.DictReader`` gives it (``None`` keys and values on ragged rows).
Row = dict[Any, Any]


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


def read_text(path: Path, reader: str = "default") -> str:
    """The whole (decompressed) file as UTF-8 text, a byte-order mark dropped.

    Raises:
        LimitExceededError: if the decompressed file is larger than the reader's size limit.
        UnreadableFileError: if the file is not UTF-8.
    """
    cap = limits.current().file_bytes(reader)
    with open_binary(path) as fh:
        try:
            # Read one byte past the cap: a gzip bomb stops there, not at the end of the bomb.
            data = fh.read(cap + 1)
        except (OSError, EOFError) as exc:
            raise UnreadableFileError(path, f"cannot read: {exc}") from exc
    limits.check_file_size(path, reader, len(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(path, f"not UTF-8: {exc}") from exc


def load_json(path: Path, reader: str) -> Any:
    """The file parsed as one JSON document, within the reader's size limit; containers nested
    deeper than the depth limit come as ``TOO_DEEP`` (their records are then quarantined).

    Raises:
        LimitExceededError: if the decompressed file is larger than the reader's size limit.
        UnreadableFileError: if it is not JSON.
    """
    from ._stream import load

    with open_binary(path) as fh:
        return load(
            path,
            _Capped(fh, path, reader),  # type: ignore[arg-type]
            reopen=lambda: _Capped(open_binary(path), path, reader),
        )


class _Capped:
    """A binary stream that refuses to read past the reader's size limit (gzip bombs stop)."""

    def __init__(self, inner: IO[bytes], path: Path, reader: str) -> None:
        self.inner, self.path, self.reader, self.n = inner, path, reader, 0
        self.cap = limits.current().file_bytes(reader)

    def close(self) -> None:
        self.inner.close()

    def read(self, size: int = -1) -> bytes:
        try:
            data = self.inner.read(size if size >= 0 else self.cap + 1)
        except (OSError, EOFError) as exc:
            raise UnreadableFileError(self.path, f"cannot read: {exc}") from exc
        self.n += len(data)
        if self.n > self.cap:
            limits.check_file_size(self.path, self.reader, self.n)
        return data


def csv_rows(path: Path, required: set[str], reader: str) -> Iterator[tuple[int, Row | Rejected]]:
    """``(line, row)`` of a CSV file that has at least the ``required`` columns, streamed.

    A row the csv module cannot split (a field over its size limit, a NUL byte) comes as a
    ``Rejected``; the rows after it are read on.

    Raises:
        UnreadableFileError: if the file is not UTF-8 or lacks a required column.
        LimitExceededError: if the decompressed file passes the reader's size limit.
    """
    cap = limits.current().file_bytes(reader)
    with open_binary(path) as raw:
        counted = _Counted(raw)
        text = io.TextIOWrapper(io.BufferedReader(counted), encoding="utf-8-sig", newline="")
        try:
            rows = csv.DictReader(text)
            if not rows.fieldnames or not set(rows.fieldnames) >= required:
                raise UnreadableFileError(path, f"missing columns: needs {sorted(required)}")
            line = 1
            while True:
                line += 1
                try:
                    row = next(rows)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield line, Rejected(f"line {line}", f"unreadable CSV row: {exc}", None)
                    continue
                if counted.n > cap:
                    limits.check_file_size(path, reader, counted.n)
                yield line, row
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(path, f"not UTF-8: {exc}") from exc


class _Counted(io.RawIOBase):
    """A binary stream that counts the bytes read through it (for the size limit of a ``.gz``)."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner, self.n = inner, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        self.n += len(data)
        buffer[: len(data)] = data
        return len(data)
