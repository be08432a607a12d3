"""A file's records, screened against the limits: read here, or ahead in a child process.

Reading (streaming JSON, converting, screening) and writing (deduplicating, bulk inserts) each
take about half of an ingest. With ``read_ahead`` a forked child reads and screens the file and
hands the records over in batches while this process writes the ones before: on two cores the
two halves overlap. The records arrive in the file's order, and an error of the reader reaches
the writer as it would in process, so a file still lands whole or not at all.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import queue
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..exceptions import InnomatchError, LimitExceededError, UnreadableFileError
from .formats import Reader
from .limits import IngestLimits, check_file_size, current, screen, use_limits
from .records import Record

__all__ = ["read_ahead", "screened_records"]

log = logging.getLogger(__name__)

#: Records per hand-over: big enough that pickling and the queue cost little per record.
_BATCH = 500
#: Batches read ahead at most (bounds the child's lead, and so the memory it holds).
_AHEAD = 8


def screened_records(reader: Reader, path: Path) -> Iterator[Record]:
    """The reader's records, each screened against the limits, at most ``max_records`` of them.

    Raises:
        LimitExceededError: past ``max_records``.
        UnreadableFileError: if the reader fails on the file itself (a last guard: readers
            quarantine bad elements themselves).
    """
    check_file_size(path, reader.name, path.stat().st_size if path.is_file() else 0)
    cap = current().max_records
    try:
        for n, rec in enumerate(reader.read(path), start=1):
            if n > cap:
                raise LimitExceededError(
                    path, f"more than {cap} records (INGEST_MAX_RECORDS); split the file"
                )
            yield screen(rec)
    except (InnomatchError, MemoryError):
        raise
    except RecursionError:
        raise LimitExceededError(path, "nested too deeply to read") from None
    except Exception as exc:  # noqa: BLE001  # a reader bug must not end the batch with a traceback
        log.exception("reader %s failed on %s", reader.name, path)
        raise UnreadableFileError(path, f"cannot read ({type(exc).__name__}: {exc})") from exc


def _produce(reader: Reader, path: Path, limits: IngestLimits, out: Any) -> None:
    """The child: screened records in batches on ``out``, then ``("done",)`` or the error."""
    try:
        with use_limits(limits):
            batch: list[Record] = []
            for rec in screened_records(reader, path):
                batch.append(rec)
                if len(batch) >= _BATCH:
                    out.put(("records", batch))
                    batch = []
            out.put(("records", batch))
        out.put(("done",))
    except KeyboardInterrupt:  # Ctrl-C reaches the child too: the writer stops as it would
        out.put(("interrupted",))
    except UnreadableFileError as exc:  # its own arguments: the exception itself may not unpickle
        out.put(("unreadable", isinstance(exc, LimitExceededError), exc.reason))
    except BaseException as exc:  # noqa: BLE001  # MemoryError, InnomatchError: the file fails
        out.put(("unreadable", False, f"cannot read ({type(exc).__name__}: {exc})"))


def read_ahead(reader: Reader, path: Path) -> Iterator[Record]:
    """:func:`screened_records`, read by a forked child process while the caller writes.

    Raises:
        UnreadableFileError: as :func:`screened_records` (``LimitExceededError`` past a limit),
            or if the child dies without an answer.
    """
    ctx = mp.get_context("fork")  # the child inherits the reader and limits: nothing to import
    out = ctx.Queue(maxsize=_AHEAD)
    child = ctx.Process(target=_produce, args=(reader, path, current(), out), daemon=True)
    child.start()
    try:
        while True:
            try:
                message = out.get(timeout=1.0)
            except queue.Empty:
                if not child.is_alive() and out.empty():
                    raise UnreadableFileError(path, f"the reader died (exit code {child.exitcode})") from None
                continue
            if message[0] == "records":
                yield from message[1]
            elif message[0] == "done":
                return
            elif message[0] == "interrupted":
                raise KeyboardInterrupt
            else:
                error = LimitExceededError if message[1] else UnreadableFileError
                raise error(path, message[2])
    finally:
        if child.is_alive():
            child.terminate()  # the caller stopped early (an error, Ctrl-C): the rest is unread
        child.join()
