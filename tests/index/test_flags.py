"""Innovation flags: the buyer's declaration on real eForms notices, and the route proxy."""

from __future__ import annotations

from pathlib import Path

from matcher.index.flags import innovation_flag
from matcher.ingest.eforms import read
from matcher.ingest.records import ProcurementRecord


def test_bt776_on_real_eforms_example(shared_data: Path) -> None:
    (rec,) = read(shared_data / "eforms-examples" / "eforms-sdk" / "can_24_maximal.xml")
    assert isinstance(rec, ProcurementRecord)
    flag = innovation_flag(rec.innovation, rec.procedure, [rec.cpv_main or ""])
    assert flag is not None and flag.kind == "buyer" and "BT-776" in flag.reason


def test_unflagged_real_eforms_example(shared_data: Path) -> None:
    (rec,) = read(shared_data / "eforms-examples" / "eforms-sdk" / "can_24_minimal.xml")
    assert isinstance(rec, ProcurementRecord)
    assert innovation_flag(rec.innovation, rec.procedure, [rec.cpv_main or ""]) is None


def test_hilma_answers_and_routes() -> None:
    yes = innovation_flag({"hilma:solutionNewToMarketOrIndustry": True}, None, ["45000000"])
    assert yes is not None and yes.kind == "buyer" and "solutionNewToMarketOrIndustry" in yes.reason
    assert innovation_flag({"hilma:innovationConsidered": False}, None, ["45000000"]) is None
    partnership = innovation_flag({}, "innovation", ["48000000"])
    assert partnership is not None and partnership.kind == "route"
    rd = innovation_flag({}, "Appel d'offres ouvert", ["73110000"])
    assert rd is not None and rd.kind == "route" and "CPV 73110000" in rd.reason
    assert innovation_flag({}, "Procédure adaptée", ["90910000"]) is None
