"""Every reader on real sample files, and on broken ones."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from matcher.exceptions import UnreadableFileError
from matcher.ingest import ProcurementRecord, Rejected, SupplierProfileRecord, detect, get_reader
from matcher.ingest.records import Record

DECP_FILES = ["aife-sample-2016-2020.json", "data.gouv.fr_aife.json", "data.gouv.fr_pes.json",
              "e-marchespublics.json", "marches-publics.info.json"]  # fmt: skip
OCDS_FILES = [
    "armenia/sample/releases/6.json",
    "colombia/sample/records/ocds-k50g02-16-13-5279502.json",
    "colombia/sample/releases/ocds-k50g02-16-13-5279502-58125c22d3ff2f009b53ed95.json",
    "mexico/cdmx/sample/records/OCDS-87SD3T-SEFIN-DRM-A-001-2016.json",
    "moldova/sample/records/ocds-ngfbwp-19752128.json",
    "nigeria/open-contracting-portal/sample/records/ocds-gyl66f-borbda-mt3rse.json",
    "paraguay/sample/records/277004.json",
    "ukraine/sample/records/ocds-be6bcu-UA-2017-01-20-000582-a.json",
    "uk-contracts-finder/sample/records/ocds-b5fd17-2c435b84-adc8-11e6-9901-0019b9f3037b.json",
    "canada/montreal/sample/records/ocds-a1234567-mt-cf3441e56f93ed8ba552e2d0494d24f45b1b4372.json",
]


def _read(path: Path) -> list[Record]:
    return list(detect(path).read(path))


@pytest.mark.parametrize("name", DECP_FILES)
def test_decp_reader_on_real_files(shared_data: Path, name: str) -> None:
    path = shared_data / "decp-fr" / name
    assert detect(path).name == "decp"
    records = _read(path)
    procs = [r for r in records if isinstance(r, ProcurementRecord)]
    assert len(procs) > 0.95 * len(records)
    with_winner = [p for p in procs if p.awards]
    assert len(with_winner) > 0.9 * len(procs)
    sirens = [a.supplier for p in with_winner for a in p.awards if a.supplier.scheme == "FR-SIREN"]
    assert sirens and all(len(s.value) == 9 and s.value.isdigit() for s in sirens)
    assert all(p.cpv_main is None or len(p.cpv_main) == 8 for p in procs)


def test_decp_reader_normalises_messy_values(shared_data: Path) -> None:
    procs = [r for r in _read(shared_data / "decp-fr" / "data.gouv.fr_pes.json")
             if isinstance(r, ProcurementRecord)]  # fmt: skip
    first = procs[0]
    assert first.cpv_main == "50700000"  # published as "50700000-2"
    assert first.raw["codeCPV"] == "50700000-2"  # the raw value is kept
    assert str(first.date) == "2018-12-17"  # published as "2018-12-17+01:00"
    zero = [p for p in _read(shared_data / "decp-fr" / "marches-publics.info.json")
            if isinstance(p, ProcurementRecord) and p.raw.get("montant") == 0]  # fmt: skip
    assert zero and all(p.value is None for p in zero)


def test_decp_reader_rejects_bad_records_and_goes_on(tmp_path: Path) -> None:
    doc = {"marches": [
        {"id": "A1", "objet": "Nettoyage des écoles", "acheteur": {"id": "21690266800013"},
         "codeCPV": "90919200-4", "titulaires": [{"id": "42399908500057", "typeIdentifiant": "SIRET"}]},
        {"id": "A2", "acheteur": {"id": "21690266800013"}},
        {"objet": "sans identifiant", "acheteur": {"id": "1"}},
        {"id": "A4", "objet": "Travaux", "acheteur": {"id": "21690266800013"}, "codeCPV": "0"},
    ]}  # fmt: skip
    path = tmp_path / "small.json.gz"
    path.write_bytes(gzip.compress(json.dumps(doc).encode()))
    records = _read(path)
    assert [type(r).__name__ for r in records] == ["ProcurementRecord", "Rejected", "Rejected",
                                                   "ProcurementRecord"]  # fmt: skip
    rejected = [r for r in records if isinstance(r, Rejected)]
    assert rejected[0].position == "marches[1]" and "objet" in rejected[0].reason
    assert "contract id" in rejected[1].reason
    ok = records[3]
    assert isinstance(ok, ProcurementRecord) and ok.cpv_main is None and ok.raw["codeCPV"] == "0"


def test_hilma_readers(shared_data: Path) -> None:
    notices = _read(shared_data / "hilma-2014" / "notices_2014_full.json")
    assert len(notices) == 97 and all(isinstance(n, ProcurementRecord) for n in notices)
    awards = _read(shared_data / "hilma-2014" / "awards_2014.csv")
    procs = [a for a in awards if isinstance(a, ProcurementRecord)]
    assert len(procs) == 14 and sum(len(p.awards) for p in procs) == 35
    wurth = [a.supplier for p in procs for a in p.awards if a.supplier.name == "Wurth Oy"]
    assert wurth[0].scheme == "FI-YTUNNUS" and wurth[0].value == "0202881-6"


@pytest.mark.parametrize("rel", OCDS_FILES)
def test_ocds_reader_on_real_files(shared_data: Path, rel: str) -> None:
    path = shared_data / "ocds-samples" / rel
    assert detect(path).name == "ocds"
    records = _read(path)
    procs = [r for r in records if isinstance(r, ProcurementRecord)]
    assert procs, [r.reason for r in records if isinstance(r, Rejected)]
    for p in procs:
        assert p.source == "ocds" and p.source_id and p.title
        dumped = json.dumps(p.raw)
        assert '"email"' not in dumped and '"contactPoint"' not in dumped


def test_ocds_release_package_merges_releases_per_ocid(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "ocds-samples" / "mexico" / "cdmx" / "sample" / "releases"
    releases = [json.loads(f.read_text()) for f in sorted(folder.glob("*.json"))]
    ocid = releases[0]["ocid"]
    mine = [r for r in releases if r["ocid"] == ocid]
    assert len(mine) > 1
    package = tmp_path / "package.json"
    package.write_text(json.dumps({"releases": mine}))
    jsonl = tmp_path / "releases.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in mine) + "\n{not json}\n")
    from_package = _read(package)
    from_lines = _read(jsonl)
    assert len(from_package) == 1 and isinstance(from_package[0], ProcurementRecord)
    assert from_package[0].awards, "awards from later releases are merged in"
    assert len(from_package[0].raw["releases"]) == len(mine)
    assert any(isinstance(r, Rejected) and "line" in r.position for r in from_lines)
    merged = [r for r in from_lines if isinstance(r, ProcurementRecord)]
    assert merged[0].title == from_package[0].title


def test_profile_csv_reader(demo_data: Path, tmp_path: Path) -> None:
    records = _read(demo_data / "profiles" / "fi_companies.csv")
    assert len(records) == 31 and all(isinstance(r, SupplierProfileRecord) for r in records)
    first = records[0]
    assert isinstance(first, SupplierProfileRecord)
    assert first.org.scheme == "FI-YTUNNUS" and first.industry_codes[0].startswith("TOL2008:")
    bad = tmp_path / "profiles.csv"
    bad.write_text("id,name,description\n,No id,x\nP-1,Acme,We clean schools\n", encoding="utf-8")
    kinds = [type(r).__name__ for r in _read(bad)]
    assert kinds == ["Rejected", "SupplierProfileRecord"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"hello world", "not recognised"), (b'{"marches": [{"id": ', "invalid JSON")],
)
def test_unreadable_files_raise_a_clear_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError) as err:
        _read(path)
    assert reason in str(err.value) and "bad.json" in str(err.value)


def test_real_empty_file_is_refused(shared_data: Path) -> None:
    with pytest.raises(UnreadableFileError, match="283826.json: file is empty"):
        detect(shared_data / "ocds-samples" / "paraguay" / "sample" / "records" / "283826.json")


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="no such file"):
        detect(tmp_path / "nope.json")
    with pytest.raises(UnreadableFileError, match="unknown format"):
        get_reader("excel")


def test_every_ocds_sample_file_is_read_or_refused_with_a_reason(shared_data: Path) -> None:
    outcomes: dict[str, int] = {}
    for path in sorted((shared_data / "ocds-samples").rglob("*.json")):
        try:
            for rec in detect(path).read(path):
                outcomes[type(rec).__name__] = outcomes.get(type(rec).__name__, 0) + 1
                if isinstance(rec, Rejected):
                    assert rec.reason and rec.position
        except UnreadableFileError as exc:
            assert exc.reason == "file is empty", (path, exc.reason)  # the three empty files
            outcomes["empty"] = outcomes.get("empty", 0) + 1
    assert outcomes["empty"] == 3 and outcomes["ProcurementRecord"] > 600
