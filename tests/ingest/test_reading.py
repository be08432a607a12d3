"""Reading ahead in a child process: the same records in the same order, errors as in process."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from matcher.exceptions import LimitExceededError, UnreadableFileError
from matcher.ingest import ingest_file
from matcher.ingest import reading as reading_module
from matcher.ingest.formats import detect
from matcher.ingest.limits import IngestLimits, use_limits
from matcher.ingest.reading import read_ahead, screened_records
from matcher.settings import Settings
from matcher.store.db import migrate, session_scope
from matcher.store.models import Award, Procurement, RejectedRecord

DECP = Path(__file__).resolve().parents[2] / "data" / "demo" / "decp"
#: Contracts in the large file (over 1 MiB), and how many of them are unreadable.
N = 5000
BAD = sum(1 for i in range(N) if i % 7 == 3)


def _contracts(n: int) -> list[dict[str, Any]]:
    """``n`` DECP contracts, every seventh one unreadable (a list where an object belongs)."""
    out: list[Any] = []
    for i in range(n):
        out.append(["not", "a", "contract"] if i % 7 == 3 else {
            "id": f"C{i}", "objet": f"Entretien des espaces verts, lot {i}",
            "acheteur": {"id": "21690266800013"}, "codeCPV": "77310000-6",
            "dateNotification": "2019-06-01", "montant": 1000 + i,
            "titulaires": [{"id": f"{42399908500057 + i % 50}", "typeIdentifiant": "SIRET",
                            "denominationSociale": f"Firme {i % 50}"}],
        })  # fmt: skip
    return out


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": _contracts(N)}), encoding="utf-8")
    return path


def _stored(url: str) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[str]]:
    with session_scope(url) as s:
        procs = [(p.source_id, p.title, p.value, p.content_hash) for p in
                 s.scalars(select(Procurement).order_by(Procurement.id))]  # fmt: skip
        awards = [(a.procurement_id, a.supplier_id, a.value) for a in
                  s.scalars(select(Award).order_by(Award.id))]  # fmt: skip
        rejected = [r.position for r in s.scalars(select(RejectedRecord).order_by(RejectedRecord.id))]
    return procs, awards, rejected


def test_read_ahead_gives_the_same_records_in_the_same_order(big_file: Path) -> None:
    reader = detect(big_file)
    assert list(read_ahead(reader, big_file)) == list(screened_records(reader, big_file))
    real = DECP / "e-marchespublics.json.gz"
    reader = detect(real)
    assert list(read_ahead(reader, real)) == list(screened_records(reader, real))


def test_a_large_file_is_stored_the_same_read_ahead_or_not(
    db_url: str, big_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert big_file.stat().st_size > 2**20  # over INGEST_READ_AHEAD_MIB's default
    calls: list[Path] = []
    real_read_ahead = read_ahead

    def spy(reader: Any, path: Path) -> Iterator[Any]:
        calls.append(path)
        return real_read_ahead(reader, path)

    monkeypatch.setattr("matcher.ingest.runner.read_ahead", spy)
    ahead = ingest_file(db_url, big_file)
    assert calls == [big_file] and ahead.read == N and ahead.rejected == BAD
    stored = _stored(db_url)
    # The same file again, read in process, into a fresh store: the same rows.
    monkeypatch.setattr("matcher.ingest.runner.get_settings", lambda: Settings(ingest_read_ahead_mib=0))
    other = big_file.parent / "other.db"
    url = f"sqlite:///{other}"
    migrate(url)
    here = ingest_file(url, big_file)
    assert len(calls) == 1 and (here.new, here.rejected) == (ahead.new, ahead.rejected)
    if db_url.startswith("sqlite"):  # ids from one sequence on both: comparable
        assert _stored(url) == stored


def test_a_limit_passed_in_the_child_fails_the_file_and_stores_nothing(
    db_url: str, big_file: Path
) -> None:
    with pytest.raises(LimitExceededError, match="INGEST_MAX_RECORDS"):
        ingest_file(db_url, big_file, limits=IngestLimits(max_records=1000))
    assert _stored(db_url) == ([], [], [])


def test_a_reader_that_crashes_or_dies_is_an_unreadable_file(
    big_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = detect(big_file)

    class Broken:
        name = reader.name

        def read(self, path: Path) -> Iterator[Any]:
            yield from list(reader.read(path))[:10]
            raise KeyError("boom")

    with use_limits(IngestLimits()), pytest.raises(UnreadableFileError, match="KeyError"):
        list(read_ahead(Broken(), big_file))  # type: ignore[arg-type]

    class Dying(Broken):
        def read(self, path: Path) -> Iterator[Any]:
            yield from list(reader.read(path))[:10]
            os.kill(os.getpid(), signal.SIGKILL)  # the child, killed mid-file

    monkeypatch.setattr(reading_module, "_BATCH", 5)
    with use_limits(IngestLimits()), pytest.raises(UnreadableFileError, match="died"):
        list(read_ahead(Dying(), big_file))  # type: ignore[arg-type]
