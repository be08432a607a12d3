"""eForms UBL notices: every SDK and Hilma example is ingested or refused with a reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from matcher.exceptions import UnreadableFileError
from matcher.ingest import ProcurementRecord, Rejected, detect, ingest_paths
from matcher.ingest.eforms import read

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = (
    Path(os.environ.get("INNOMATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))
    / "eforms-examples"
)
FILES = sorted(p.name for p in (EXAMPLES / "eforms-sdk").glob("*.xml")) if EXAMPLES.is_dir() else []


@pytest.mark.parametrize("name", FILES)
def test_every_sdk_example_is_ingested_or_refused_with_a_reason(name: str) -> None:
    path = EXAMPLES / "eforms-sdk" / name
    try:
        records = list(detect(path).read(path))
    except UnreadableFileError as exc:
        assert name.startswith("X0") and "carries no procurement" in exc.reason
        return
    assert len(records) == 1
    rec = records[0]
    if isinstance(rec, Rejected):
        # Only the SDK's deliberately invalid (empty or unfinished) notices are refused.
        assert name.startswith("INVALID_") and "neither" in rec.reason
    else:
        assert isinstance(rec, ProcurementRecord) and rec.title and rec.source_id


def test_all_92_sdk_examples_are_covered(shared_data: Path) -> None:
    assert len(FILES) == 92


def test_award_notice_fields(shared_data: Path) -> None:
    (rec,) = read(EXAMPLES / "eforms-sdk" / "can_24_minimal.xml")
    assert isinstance(rec, ProcurementRecord)
    assert rec.cpv_main == "77310000" and rec.region == "FRD22" and rec.procedure == "open"
    (award,) = rec.awards
    assert award.supplier.name == "Espaces Verts Lemire" and award.supplier.country == "FR"
    assert (award.lot, award.value, award.n_tenders) == ("LOT-0000", 95414.0, 3)
    assert rec.buyer is not None and rec.buyer.name == "Rouen Habitat"
    assert "contact@" not in str(rec.raw)


def test_innovative_procurement_flag(shared_data: Path) -> None:
    (rec,) = read(EXAMPLES / "eforms-sdk" / "cn_24_maximal.xml")
    assert isinstance(rec, ProcurementRecord) and rec.innovation == {"BT-776": ["proc-innov"]}


@pytest.mark.parametrize("name", ["E1_minimum.xml", "E3_minimum.xml", "E4_minimum.xml"])
def test_hilma_national_examples(shared_data: Path, name: str) -> None:
    records = list(read(EXAMPLES / "hilma-sdk-national" / name))
    assert records and all(isinstance(r, ProcurementRecord | Rejected) for r in records)
    national = [r.raw.get("hilma_national") for r in records if isinstance(r, ProcurementRecord)]
    assert (
        national and national[0]["ProcurementProject/IsEUApplicableConstraintIndicator"] == "false"
    )


@pytest.mark.parametrize(
    "payload",
    [
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2">&e;</ContractNotice>',
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        '<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2">&b;</ContractNotice>',
    ],
)
def test_entities_are_refused(tmp_path: Path, payload: str) -> None:
    path = tmp_path / "evil.xml"
    path.write_text(payload, encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="unsafe"):
        list(detect(path).read(path))


def test_ingest_folder_of_examples(db_url: str, shared_data: Path) -> None:
    reports = ingest_paths(db_url, [EXAMPLES / "eforms-sdk"])
    assert len(reports) == 92
    ok = [r for r in reports if not r.error]
    assert sum(r.new + r.updated for r in ok) >= 70 and sum(r.rejected for r in ok) == 10
    assert all("carries no procurement" in (r.error or "") for r in reports if r.error)
