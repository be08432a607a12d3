"""Write reader output into the store, one transaction per file.

A file either lands whole or not at all (a crash or Ctrl-C rolls it back); a record that cannot
be understood is quarantined in ``rejected_records`` and the file goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from ..exceptions import UnreadableFileError
from ..store.db import session_scope
from ..store.models import IngestRun
from .formats import detect, get_reader
from .writer import FileIngest, FileReport

__all__ = ["FileReport", "ingest_file", "ingest_paths"]

log = logging.getLogger(__name__)


def ingest_file(
    url: str, path: Path, fmt: str | None = None, progress: Callable[[int], None] | None = None
) -> FileReport:
    """Ingest one file into the store at ``url`` in a single transaction.

    Args:
        url: Database URL.
        path: The file to read.
        fmt: Force a format by name instead of detecting it.
        progress: Called with the number of records read so far, every 500 records.

    Raises:
        UnreadableFileError: if the file cannot be read at all; nothing of it is stored.
    """
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
                for rec in reader.read(path):
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
                url, path, fmt, progress_factory(path) if progress_factory else None
            )
        except UnreadableFileError as exc:
            report = FileReport(str(path), fmt or "?", error=exc.reason)
        reports.append(report)
        if on_file:
            on_file(report)
    return reports
