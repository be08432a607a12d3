"""PRH/YTJ register responses become supplier profiles; sole traders are never stored."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from matcher.ingest import Rejected, SupplierProfileRecord, detect, ingest_paths
from matcher.store.db import session_scope
from matcher.store.models import Organisation


def test_reader_on_real_responses(shared_data: Path) -> None:
    path = shared_data / "ytj-sample" / "ytj_cache.json"
    assert detect(path).name == "ytj"
    records = list(detect(path).read(path))
    assert len(records) == 31 and all(isinstance(r, SupplierProfileRecord) for r in records)
    first = records[0]
    assert isinstance(first, SupplierProfileRecord)
    assert first.org.value == "2996949-9" and first.industry_codes == ["TOL2008:88101"]
    assert first.description and "Home help" in first.description
    assert str(first.registration_date) == "2019-06-10"


def test_sole_traders_are_skipped(tmp_path: Path, shared_data: Path, db_url: str) -> None:
    data = json.loads((shared_data / "ytj-sample" / "ytj_cache.json").read_text(encoding="utf-8"))
    response = next(iter(data.values()))
    person = json.loads(json.dumps(response))
    company = person["companies"][0]
    company["businessId"]["value"] = "0202881-6"
    company["names"] = [{"name": "Matti Meikäläinen", "type": "1", "version": 1}]
    company["companyForms"] = [{"type": "26", "descriptions": []}]
    path = tmp_path / "ytj.json"
    path.write_text(json.dumps([response, person]), encoding="utf-8")
    records = list(detect(path).read(path))
    assert isinstance(records[0], SupplierProfileRecord) and isinstance(records[1], Rejected)
    ingest_paths(db_url, [path])
    with session_scope(db_url) as s:
        names = list(s.scalars(select(Organisation.name)))
    assert names and "Matti Meikäläinen" not in names


def test_name_history_and_status_reach_the_supplier_view(shared_data: Path, db_url: str) -> None:
    from matcher.lookup import get_supplier

    ingest_paths(db_url, [shared_data / "ytj-sample" / "ytj_cache.json"])
    with session_scope(db_url) as s:
        company = get_supplier(s, "FI-YTUNNUS:2996949-9")
    assert company.name == "! 0iva Aalto Oy" and company.other_names == ["! Aalto Avustajat Oy"]
    assert company.status == "Ceased" and company.industry_codes == ["TOL2008:88101"]
