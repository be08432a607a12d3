"""Write reader output into the store, one transaction per file.

A file either lands whole or not at all (a crash or Ctrl-C rolls it back); a record that cannot
be understood is quarantined in ``rejected_records`` and the file goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

from ..exceptions import UnreadableFileError
from ..settings import get_settings
from ..store.db import session_scope
from ..store.models import IngestRun
from .formats import Reader, detect, get_reader
from .limits import IngestLimits, use_limits
from .reading import read_ahead, screened_records
from .records import Record
from .writer import FileIngest, FileReport

__all__ = ["FileReport", "ingest_file", "ingest_paths"]

log = logging.getLogger(__name__)


def ingest_file(
    url: str,
    path: Path,
    fmt: str | None = None,
    progress: Callable[[int], None] | None = None,
    limits: IngestLimits | None = None,
) -> FileReport:
    """Ingest one file into the store at ``url`` in a single transaction.

    Args:
        url: Database URL.
        path: The file to read.
        fmt: Force a format by name instead of detecting it.
        progress: Called with the number of records read so far, every 500 records.
        limits: Ingest limits (default: those of the settings).

    Raises:
        UnreadableFileError: if the file cannot be read at all, or passes a limit
            (``LimitExceededError``); nothing of it is stored.
    """
    with use_limits(limits or IngestLimits.from_settings(get_settings())):
        return _ingest_file(url, path, fmt, progress)


def _ingest_file(
    url: str, path: Path, fmt: str | None, progress: Callable[[int], None] | None
) -> FileReport:
    reader = get_reader(fmt) if fmt else detect(path)
    with session_scope(url) as s:
        run = IngestRun(path=str(path), format=reader.name, status="running")
        s.add(run)
        s.flush()
        run_id = run.id
    try:
        with session_scope(url) as session:
            job = FileIngest(session, reader, path, run_id)
            # No autoflush: lookups would otherwise flush pending rows one small batch at a time.
            with session.no_autoflush:
                for rec in _reading(reader, path):
                    job.add(rec)
                    if progress and job.report.read % 500 == 0:
                        progress(job.report.read)
                job.flush()
        report, status, error = job.report, "done", None
    except BaseException as exc:
        report = FileReport(str(path), reader.name, error=str(exc) or type(exc).__name__)
        status, error = "failed", report.error
        _finish(url, run_id, report, status, error)
        raise
    _finish(url, run_id, report, status, error)
    return report


def _reading(reader: Reader, path: Path) -> Iterator[Record]:
    """The file's screened records: read ahead in a child process when the file is large enough
    to repay starting one (``INGEST_READ_AHEAD_MIB``; 0 reads in this process)."""
    mib = get_settings().ingest_read_ahead_mib
    size = path.stat().st_size if path.is_file() else 0
    if mib and size >= mib * 2**20:
        return read_ahead(reader, path)
    return screened_records(reader, path)


def _finish(url: str, run_id: int, report: FileReport, status: str, error: str | None) -> None:
    with session_scope(url) as s:
        run = s.get_one(IngestRun, run_id)
        run.status, run.error, run.finished_at = status, error, datetime.now()
        run.n_read, run.n_new, run.n_updated = report.read, report.new, report.updated
        run.n_unchanged, run.n_rejected = report.unchanged, report.rejected


def ingest_paths(
    url: str,
    paths: Iterable[Path],
    fmt: str | None = None,
    on_file: Callable[[FileReport], None] | None = None,
    progress_factory: Callable[[Path], Callable[[int], None] | None] | None = None,
    limits: IngestLimits | None = None,
) -> list[FileReport]:
    """Ingest every file (folders expanded); an unreadable file is reported and skipped.

    Returns:
        One report per file, in order; failed files carry ``error``.
    """
    from .formats import expand

    reports = []
    for path in expand(list(paths)):
        try:
            report = ingest_file(
                url, path, fmt, progress_factory(path) if progress_factory else None, limits
            )
        except UnreadableFileError as exc:
            report = FileReport(str(path), fmt or "?", error=exc.reason)
        reports.append(report)
        if on_file:
            on_file(report)
    return reports
