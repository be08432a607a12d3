"""The review of merges nearest the threshold: a refusal undoes and is remembered, an
acceptance merges; ``unmerge`` is a refusal too; migration 0007 goes both ways."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, select

from matcher.resolve import resolve
from matcher.resolve.review import decide, review_list, unmerge
from matcher.store.db import alembic_config, get_engine, migrate, session_scope
from matcher.store.models import MergeLog, MergeReview, Organisation

THRESHOLD = 0.98


def _merged_pairs(url: str) -> set[tuple[int, int]]:
    with session_scope(url) as s:
        return {(m.merged_id, m.kept_id) for m in s.scalars(
            select(MergeLog).where(MergeLog.undone_at.is_(None)))}  # fmt: skip


def test_review_lists_the_merges_nearest_the_threshold(fi_url: str) -> None:
    with session_scope(fi_url) as s:
        resolve(s, THRESHOLD)
    with session_scope(fi_url) as s:
        items = review_list(s, THRESHOLD, size=100_000)
        nearest = review_list(s, THRESHOLD, size=5)
    gaps = [abs(it["confidence"] - THRESHOLD) for it in items]
    assert nearest == items[:5] and gaps == sorted(gaps)
    assert {it["merge_id"] is None for it in items} == {True, False}  # made and left, both
    assert all(it["fields"] for it in items)


def test_a_refusal_is_undone_and_never_made_again(fi_url: str) -> None:
    with session_scope(fi_url) as s:
        first = resolve(s, THRESHOLD)
    m = first[0]
    with session_scope(fi_url) as s:
        decide(s, m["merged_id"], m["kept_id"], accept=False)
    assert (m["merged_id"], m["kept_id"]) not in _merged_pairs(fi_url)
    with session_scope(fi_url) as s:
        again = resolve(s, THRESHOLD)
        assert s.get_one(Organisation, m["merged_id"]).merged_into_id != m["kept_id"]
    assert (m["merged_id"], m["kept_id"]) not in {(a["merged_id"], a["kept_id"]) for a in again}


def test_unmerge_remembers_the_refusal(fi_url: str) -> None:
    with session_scope(fi_url) as s:
        m = resolve(s, THRESHOLD)[0]
    with session_scope(fi_url) as s:
        unmerge(s, m["merge_id"])
    with session_scope(fi_url) as s:
        assert s.scalars(select(MergeReview.decision).where(
            MergeReview.merged_id == m["merged_id"])).one() == "refused"  # fmt: skip
        assert m["merged_id"] not in {a["merged_id"] for a in resolve(s, THRESHOLD)}


def test_an_acceptance_below_the_threshold_merges(fi_url: str) -> None:
    with session_scope(fi_url) as s:
        below = next(it for it in review_list(s, THRESHOLD, size=50) if it["merge_id"] is None)
    with session_scope(fi_url) as s:
        decide(s, below["merged_id"], below["kept_id"], accept=True)
    assert (below["merged_id"], below["kept_id"]) in _merged_pairs(fi_url)


def test_migration_0007_downgrades_and_upgrades(db_url: str) -> None:
    command.downgrade(alembic_config(db_url), "0006")
    get_engine.cache_clear()
    insp = inspect(get_engine(db_url))
    assert "merge_reviews" not in insp.get_table_names()
    assert "fields" not in {c["name"] for c in insp.get_columns("merge_log")}
    migrate(db_url)
    get_engine.cache_clear()
    insp = inspect(get_engine(db_url))
    assert "merge_reviews" in insp.get_table_names()
    assert "fields" in {c["name"] for c in insp.get_columns("merge_log")}
