"""Ingest into a real database: counts, idempotence, quarantine, whole-file transactions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from matcher.exceptions import UnreadableFileError
from matcher.ingest import ingest_file, ingest_paths
from matcher.ingest import writer as writer_module
from matcher.ingest.formats import READERS, Reader
from matcher.store.db import session_scope
from matcher.store.models import Award, Identifier, IngestRun, Procurement, RejectedRecord


def _count(url: str, model: type) -> int:
    with session_scope(url) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_ingest_counts_and_reingest_changes_nothing(db_url: str, shared_data: Path) -> None:
    path = shared_data / "decp-fr" / "e-marchespublics.json"
    first = ingest_file(db_url, path)
    assert first.read == 331 and first.new > 300 and first.rejected == 0
    assert first.new + first.updated + first.unchanged + first.rejected == first.read
    n_proc, n_award, n_ident = (_count(db_url, m) for m in (Procurement, Award, Identifier))
    again = ingest_file(db_url, path)
    assert (again.new, again.updated, again.rejected) == (0, 0, 0)
    assert again.unchanged == first.read
    assert (n_proc, n_award, n_ident) == tuple(
        _count(db_url, m) for m in (Procurement, Award, Identifier)
    )


def test_same_contract_in_two_files_is_stored_once(db_url: str, shared_data: Path) -> None:
    files = [
        shared_data / "decp-fr" / f for f in ("data.gouv.fr_aife.json", "marches-publics.info.json")
    ]
    reports = ingest_paths(db_url, files)
    stored = _count(db_url, Procurement)
    assert stored < sum(r.read - r.rejected for r in reports)  # duplicates merged
    again = ingest_paths(db_url, list(reversed(files)))
    assert all(r.new == 0 and r.updated == 0 for r in again)
    assert _count(db_url, Procurement) == stored


def test_rejected_records_are_quarantined_with_reason_and_payload(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "decp.json"
    path.write_text(json.dumps({"marches": [
        {"id": "1", "objet": "Fourniture de repas scolaires", "acheteur": {"id": "21690266800013"},
         "codeCPV": "55524000-9", "dateNotification": "2018-05-01",
         "titulaires": [{"id": "42399908500057", "typeIdentifiant": "SIRET", "denominationSociale": "X"}]},
        {"id": "2", "acheteur": {"id": "21690266800013"}, "montant": 10},
    ]}), encoding="utf-8")  # fmt: skip
    report = ingest_file(db_url, path)
    assert (report.new, report.rejected) == (1, 1)
    again = ingest_file(db_url, path)  # re-ingest: reported again, quarantined once
    assert (again.new, again.unchanged, again.rejected) == (0, 1, 1)
    with session_scope(db_url) as s:
        rej = s.scalars(select(RejectedRecord)).one()
        assert rej.position == "marches[1]" and "objet" in rej.reason
        assert rej.raw["montant"] == 10 and rej.source_file == str(path)
        runs = s.scalars(select(IngestRun).order_by(IngestRun.id)).all()
        assert [(r.status, r.n_new, r.n_rejected) for r in runs] == [("done", 1, 1), ("done", 0, 1)]
        sirens = set(s.scalars(select(Identifier.value).where(Identifier.scheme == "FR-SIREN")))
        assert sirens == {"423999085", "216902668"}  # the winner and the buyer, SIRET -> SIREN


def test_crash_mid_file_leaves_database_as_before(
    db_url: str, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = shared_data / "decp-fr" / "e-marchespublics.json"
    ingest_file(db_url, good)
    before = (_count(db_url, Procurement), _count(db_url, Award), _count(db_url, Identifier))
    real = READERS["decp"]

    def interrupted(path: Path):  # type: ignore[no-untyped-def]
        for i, rec in enumerate(real.read(path)):
            if i == 2500:
                raise KeyboardInterrupt
            yield rec

    monkeypatch.setitem(READERS, "decp", Reader("decp", real.sniff, interrupted))
    with pytest.raises(KeyboardInterrupt):
        ingest_file(db_url, shared_data / "decp-fr" / "marches-publics.info.json", fmt="decp")
    after = (_count(db_url, Procurement), _count(db_url, Award), _count(db_url, Identifier))
    assert after == before
    with session_scope(db_url) as s:
        statuses = sorted(r.status for r in s.scalars(select(IngestRun)))
    assert statuses == ["done", "failed"]


def test_unreadable_file_is_reported_and_the_batch_goes_on(
    db_url: str, tmp_path: Path, shared_data: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"marches": [{"id": "1", "objet": "x"', encoding="utf-8")
    reports = ingest_paths(db_url, [broken, shared_data / "hilma-2014" / "notices_2014_full.json"])
    assert "invalid JSON" in (reports[0].error or "")
    assert reports[1].new == 97
    assert _count(db_url, Procurement) == 97  # nothing of the broken file
    with pytest.raises(UnreadableFileError, match="broken.json"):
        ingest_file(db_url, broken)


def test_hilma_awards_and_notices_merge_in_either_order(db_url: str, shared_data: Path) -> None:
    folder = shared_data / "hilma-2014"
    ingest_paths(db_url, [folder / "awards_2014.csv", folder / "notices_2014_full.json"])
    with session_scope(db_url) as s:
        p = s.scalars(select(Procurement).where(Procurement.source_id == "2014-011936")).one()
        assert p.description and len(p.awards) == 2
    again = ingest_paths(db_url, [folder / "notices_2014_full.json", folder / "awards_2014.csv"])
    assert all(r.updated == 0 and r.new == 0 for r in again)


def test_ocds_releases_across_files_are_merged(db_url: str, shared_data: Path) -> None:
    folder = shared_data / "ocds-samples" / "mexico" / "cdmx" / "sample" / "releases"
    files = sorted(folder.glob("OCDS-87SD3T-SEFIN-DRM-A-001-2016*.json"))
    assert len(files) > 1
    reports = ingest_paths(db_url, files)
    assert reports[0].new == 1 and all(r.new == 0 for r in reports[1:])
    with session_scope(db_url) as s:
        p = s.scalars(select(Procurement).where(Procurement.source == "ocds")).one()
        assert len(p.raw["releases"]) == len(files) and p.awards
    assert all(r.unchanged == 1 for r in ingest_paths(db_url, files))


def test_bulk_and_orm_paths_agree(
    monkeypatch: pytest.MonkeyPatch, db_url: str, shared_data: Path
) -> None:
    # A tiny batch size forces many flushes mid-file; the result must be the same.
    monkeypatch.setattr(writer_module.FileIngest, "_BATCH", 7)
    report = ingest_file(db_url, shared_data / "decp-fr" / "data.gouv.fr_pes.json")
    assert report.new == 863 and _count(db_url, Procurement) == 863
