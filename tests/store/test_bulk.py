"""Bulk inserts: COPY on PostgreSQL (skipped unless INNOMATCH_TEST_PG_URL), INSERT on SQLite."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from matcher.store.bulk import bulk_insert, copy_supported
from matcher.store.db import session_scope
from matcher.store.models import Identifier, Organisation, Procurement


def test_copy_is_the_postgres_path(db_url: str) -> None:
    with session_scope(db_url) as s:
        assert copy_supported(s) is db_url.startswith("postgresql+psycopg")


def test_rows_come_back_with_their_ids_values_and_defaults(db_url: str) -> None:
    raw = {"objet": "Soci\ufffdt\ufffd « test »", "nested": [{"a": 1.5}, None], "n": None}
    with session_scope(db_url) as s:
        org_ids = bulk_insert(s, Organisation, [{"name": f"Org {i}", "country": "FR"}
                                                for i in range(5)])  # fmt: skip
        bulk_insert(s, Identifier, [{"organisation_id": o, "scheme": "FR-SIREN", "value": str(o),
                                     "raw": None} for o in org_ids])  # fmt: skip
        proc_ids = bulk_insert(s, Procurement, [
            {"source": "decp", "source_id": f"x:{i}", "title": f"Title {i}", "raw": raw,
             "cpv_additional": ["45000000"], "date": date(2018, 12, 17), "value": 0.0,
             "content_hash": "h", "buyer_id": org_ids[i]} for i in range(3)
        ])  # fmt: skip
    assert len(set(org_ids)) == 5 and org_ids == sorted(org_ids)
    with session_scope(db_url) as s:
        orgs = {o.id: o for o in s.scalars(select(Organisation))}
        assert [orgs[i].name for i in org_ids] == [f"Org {i}" for i in range(5)]
        assert all(o.industry_codes == [] and o.names == [] and o.created_at for o in orgs.values())
        assert {i.value for i in s.scalars(select(Identifier))} == {str(o) for o in org_ids}
        procs = {p.id: p for p in s.scalars(select(Procurement))}
        for i, pid in enumerate(proc_ids):
            p = procs[pid]
            assert (p.source_id, p.raw, p.cpv_additional) == (f"x:{i}", raw, ["45000000"])
            assert (p.date, p.value, p.innovation, p.buyer_id) == (date(2018, 12, 17), 0.0, {},
                                                                   org_ids[i])  # fmt: skip


def test_ids_reserved_for_later_batches_never_collide_with_other_inserts(db_url: str) -> None:
    with session_scope(db_url) as s:
        first = bulk_insert(s, Organisation, [{"name": "a"}, {"name": "b"}])
        orm = Organisation(name="through the ORM")
        s.add(orm)
        s.flush()
        second = bulk_insert(s, Organisation, [{"name": "c"}])
    with session_scope(db_url) as s:
        later = bulk_insert(s, Organisation, [{"name": "d"}])
    ids = [*first, orm.id, *second, *later]
    assert len(set(ids)) == len(ids)
    with session_scope(db_url) as s:
        assert sorted(str(n) for n in s.scalars(select(Organisation.name))) == ["a", "b", "c", "d",
                                                                "through the ORM"]  # fmt: skip


def test_no_rows_is_no_statement(db_url: str) -> None:
    with session_scope(db_url) as s:
        assert bulk_insert(s, Organisation, []) == []
