"""Hostile input: elements of any shape, limits with clear errors, bounded memory."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from matcher.exceptions import LimitExceededError, UnreadableFileError
from matcher.ingest import ProcurementRecord, ingest_file
from matcher.ingest.limits import IngestLimits, exceeds_depth, screen
from matcher.store.db import migrate, session_scope
from matcher.store.models import Procurement, RejectedRecord

GOOD: list[dict[str, Any]] = [
    {"id": "A1", "objet": "Fourniture de repas scolaires", "acheteur": {"id": "21690266800013"},
     "codeCPV": "55524000-9", "dateNotification": "2018-05-01", "montant": 1000,
     "titulaires": [{"id": "42399908500057", "typeIdentifiant": "SIRET", "denominationSociale": "X"}]},
    {"id": "A2", "objet": "Entretien des espaces verts", "acheteur": {"id": "21690266800013"},
     "codeCPV": "77310000-6", "dateNotification": "2018-06-01"},
]  # fmt: skip


def _stored(url: str) -> tuple[set[str], list[tuple[str, str]]]:
    with session_scope(url) as s:
        ids = set(s.scalars(select(Procurement.source_id)))
        rejected = [(r.position, r.reason) for r in s.scalars(select(RejectedRecord))]
    return ids, rejected


def _decp(path: Path, marches: list[Any]) -> Path:
    path.write_text(json.dumps({"marches": marches}), encoding="utf-8")
    return path


@pytest.mark.parametrize("bad", [["a", "list"], "a string", 42, None, True, 1.5])
def test_non_object_in_decp_is_quarantined_and_good_records_stored(
    db_url: str, tmp_path: Path, bad: object
) -> None:
    report = ingest_file(db_url, _decp(tmp_path / "d.json", [GOOD[0], bad, GOOD[1]]))
    ids, rejected = _stored(db_url)
    assert ids == {"21690266800013:A1", "21690266800013:A2"}
    assert report.rejected == 1 and rejected[0][0] == "marches[1]"
    assert "expected a JSON object" in rejected[0][1]


@pytest.mark.parametrize(
    "field, value",
    [("objet", ["x"]), ("acheteur", "a string"), ("lieuExecution", [1, 2]),
     ("procedure", {"a": 1}), ("titulaires", "AB"), ("montant", {"x": 1})],
)  # fmt: skip
def test_wrong_types_inside_a_decp_record_never_crash(
    db_url: str, tmp_path: Path, field: str, value: object
) -> None:
    ingest_file(db_url, _decp(tmp_path / "d.json", [GOOD[0], {**GOOD[1], field: value}]))
    ids, _ = _stored(db_url)
    assert "21690266800013:A1" in ids


def test_huge_contract_id_is_quarantined_not_stored(db_url: str, tmp_path: Path) -> None:
    huge = {**GOOD[1], "id": "9" * 1_100_000}
    report = ingest_file(db_url, _decp(tmp_path / "d.json", [GOOD[0], huge]))
    ids, rejected = _stored(db_url)
    assert ids == {"21690266800013:A1"} and report.rejected == 1
    assert "INGEST_MAX_ID_CHARS" in rejected[0][1] and len(rejected[0][0]) <= 200


def test_limits_come_from_settings_and_can_be_lowered(db_url: str, tmp_path: Path) -> None:
    path = _decp(tmp_path / "d.json", GOOD)
    report = ingest_file(db_url, path, limits=IngestLimits(max_title_chars=10))
    assert report.rejected == 2
    assert "INGEST_MAX_TITLE_CHARS" in _stored(db_url)[1][0][1]
    with pytest.raises(LimitExceededError, match="INGEST_MAX_RECORDS"):
        ingest_file(db_url, path, limits=IngestLimits(max_records=1))


def test_file_size_limit_per_format(db_url: str, tmp_path: Path) -> None:
    path = _decp(tmp_path / "d.json", GOOD * 5000)
    with pytest.raises(LimitExceededError, match="MiB, the limit for decp"):
        ingest_file(db_url, path, limits=IngestLimits(max_file_mib={"decp": 0}))
    assert _stored(db_url)[0] == set()


def test_gzip_bomb_stops_at_the_size_limit(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "bomb.json.gz"
    with gzip.open(path, "wb") as fh:  # 3 MiB of spaces inside a release package
        fh.write(b'{"releases": [' + b" " * (3 * 1024 * 1024) + b"]}")
    with pytest.raises(LimitExceededError):
        ingest_file(db_url, path, fmt="ocds", limits=IngestLimits(max_file_mib={"ocds": 1}))


def test_deep_record_is_quarantined_and_neighbours_kept(db_url: str, tmp_path: Path) -> None:
    deep: object = "x"
    for _ in range(200):
        deep = [deep]
    report = ingest_file(db_url, _decp(tmp_path / "d.json", [GOOD[0], {**GOOD[1], "x": deep}]))
    ids, rejected = _stored(db_url)
    assert ids == {"21690266800013:A1"} and report.rejected == 1
    assert "nested too deeply" in rejected[0][1]


@pytest.mark.parametrize("fmt", ["decp", "ocds", "ytj", "hilma2014-notices"])
def test_deeply_nested_document_is_refused_with_a_clear_error(
    db_url: str, tmp_path: Path, fmt: str
) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    try:
        report = ingest_file(db_url, path, fmt=fmt)
    except UnreadableFileError:
        return
    assert report.new == 0


def test_deep_nesting_memory_is_bounded(tmp_path: Path) -> None:
    """200 kB of nested arrays once grew the process to 24 GB; now it stays under a 1.5 GB cap."""
    path = tmp_path / "deep.json"
    n = 100_000
    path.write_text('{"marches": [' + "[" * n + "]" * n + "]}", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'deep.db'}"
    migrate(url)
    script = textwrap.dedent(f"""
        import resource
        from pathlib import Path
        from matcher.ingest import ingest_file
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
        report = ingest_file({url!r}, Path({str(path)!r}))
        print(report.read, report.rejected)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["1", "1"]


def test_unstorable_characters_are_quarantined(db_url: str, tmp_path: Path) -> None:
    # A lone surrogate or a NUL cannot be encoded as UTF-8 or stored in PostgreSQL text.
    path = tmp_path / "notices.json"
    notice = {"notice_id": "N1", "title": "Siivouspalvelut", "cpv_main": "90910000"}
    text = json.dumps([notice, {**notice, "notice_id": "N2", "title": "x \ud800 y"},
                       {**notice, "notice_id": "N3", "description": "nul \u0000"}])  # fmt: skip
    path.write_text(text.replace("\\\\", "\\"), encoding="utf-8")
    report = ingest_file(db_url, path)
    ids, rejected = _stored(db_url)
    # The JSON parser turns a lone surrogate into "?"; a NUL is quarantined.
    assert ids == {"N1", "N2"} and report.rejected == 1
    assert "NUL character or an unpaired surrogate" in rejected[0][1]
    bad = ProcurementRecord(source="x", source_id="1", title="a \ud800 b")
    assert "unpaired surrogate" in getattr(screen(bad), "reason", "")


def test_exceeds_depth_is_iterative() -> None:
    deep: list[object] = []
    for _ in range(50_000):
        deep = [deep]
    assert exceeds_depth(deep, 32) and not exceeds_depth([[1]], 2)


def test_csv_field_over_the_csv_limit_is_one_bad_row(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "profiles.csv"
    rows = ["id,name,description", "P1,Alpha Oy,Cleaning services",
            f'P2,Beta Oy,"{"x" * 200_000}"', "P3,Gamma Oy,Catering"]  # fmt: skip
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = ingest_file(db_url, path)
    assert report.rejected == 1 and report.new == 2


def test_ragged_csv_rows_are_quarantined(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "sirene.csv"
    path.write_text(
        "siren,categorieEntreprise\n552100554,PME\n552100554\n\x00,\n", encoding="utf-8"
    )
    report = ingest_file(db_url, path, fmt="sirene-categories")
    assert report.read == 3 and report.rejected == 2


def test_integer_past_64_bits_is_valid_json(db_url: str, tmp_path: Path) -> None:
    # The C parser overflows on it; the file is read on by the pure-Python parser.
    report = ingest_file(
        db_url, _decp(tmp_path / "d.json", [GOOD[0], 2**63, {**GOOD[1], "x": 2**70}])
    )
    ids, rejected = _stored(db_url)
    assert ids == {"21690266800013:A1", "21690266800013:A2"} and report.rejected == 1
    assert rejected[0][0] == "marches[1]"
