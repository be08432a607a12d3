"""The broker workflow in the library: accounts, needs, clusters, shortlists, market view, access."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.broker import (
    authenticate,
    create_need,
    create_user,
    export_csv,
    get_need,
    list_clusters,
    list_needs,
    mark,
    need_market,
    shortlist,
    update_need,
)
from matcher.broker.schemas import MarkIn, NeedIn, NeedPatch
from matcher.embed import Embedder
from matcher.exceptions import (
    AuthenticationError,
    ConflictError,
    InvalidInputError,
    PermissionDeniedError,
)
from matcher.service import Matcher
from matcher.settings import Settings
from matcher.store.broker_models import User
from matcher.store.db import session_scope
from matcher.store.models import Organisation

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def matcher(broker_settings: Settings, embedder: Embedder) -> Matcher:
    return Matcher(broker_settings, embedder=embedder)


@pytest.fixture
def session(broker_settings: Settings) -> Iterator[Session]:
    with session_scope(broker_settings.database_url) as s:
        yield s


def _org(s: Session, name: str) -> int:
    return s.scalars(select(Organisation.id).where(Organisation.name == name)).one()


def _users(s: Session, tag: str) -> tuple[User, User, User, User]:
    vantaa, oulu = _org(s, "Vantaan kaupunki"), _org(s, "Oulun kaupunki")
    return (
        create_user(s, f"vantaa-{tag}@example.fi", PASSWORD, "buyer", organisation_id=vantaa),
        create_user(s, f"oulu-{tag}@example.fi", PASSWORD, "buyer", organisation_id=oulu),
        create_user(s, f"broker-{tag}@example.fi", PASSWORD, "broker", region="FI1"),
        create_user(s, f"uusimaa-{tag}@example.fi", PASSWORD, "broker", region="FI1B"),
    )


def test_accounts(session: Session) -> None:
    user = _users(session, "acc")[0]
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert authenticate(session, "VANTAA-acc@example.fi ", PASSWORD).id == user.id
    with pytest.raises(AuthenticationError):
        authenticate(session, "vantaa-acc@example.fi", "wrong password!")
    with pytest.raises(AuthenticationError):
        authenticate(session, "nobody@example.fi", PASSWORD)
    with pytest.raises(ConflictError):
        create_user(session, "vantaa-acc@example.fi", PASSWORD, "broker", region="FI1")
    with pytest.raises(InvalidInputError):
        create_user(session, "x@example.fi", "short", "broker", region="FI1")
    with pytest.raises(InvalidInputError):
        create_user(session, "y@example.fi", PASSWORD, "buyer")


def test_needs_clusters_shortlists_and_access(session: Session, matcher: Matcher) -> None:
    vantaa, oulu, broker, uusimaa = _users(session, "flow")
    a = create_need(session, vantaa, NeedIn(
        title="Koulujen siivouspalvelut", region="FI1B1",
        description="Peruskoulujen ja lukioiden tilojen päivittäinen ylläpitosiivous",
        budget_min=100000, budget_max=300000, contact="tilapalvelut@vantaa.example"), matcher)  # fmt: skip
    assert not a.cpv and a.cpv_suggested and a.cpv_suggested[0].code.startswith("909")
    b = create_need(session, oulu, NeedIn(
        title="Koulujen ja päiväkotien siivous", region="FI1D9",
        description="Koulujen ja päiväkotien tilojen päivittäinen siivous"), matcher)  # fmt: skip
    c = create_need(session, oulu, NeedIn(
        title="Sähköbussien latauspisteet", region="FI1D9",
        description="Latausinfrastruktuuri kaupungin bussivarikolle"), matcher)  # fmt: skip
    a2, b2, c2 = (get_need(session, broker, n.id) for n in (a, b, c))
    assert a2.cluster_id is not None and a2.cluster_id == b2.cluster_id and c2.cluster_id is None
    (cluster,) = [x for x in list_clusters(session, broker) if x.id == a2.cluster_id]
    assert {m.id for m in cluster.members} == {a.id, b.id} and cluster.n_hidden == 0
    assert any("shared words" in r and "siivous" in r for r in cluster.reasons)
    # Each buyer sees its own need in the cluster, and only that.
    (seen,) = [x for x in list_clusters(session, vantaa) if x.id == a2.cluster_id]
    assert [m.id for m in seen.members] == [a.id] and seen.n_hidden == 1

    # Access: a buyer reads and changes only its own; a broker only its region's.
    assert {n.id for n in list_needs(session, vantaa)} == {a.id}
    for user, need in ((oulu, a), (vantaa, b), (uusimaa, b)):
        with pytest.raises(PermissionDeniedError):
            get_need(session, user, need.id)
        with pytest.raises(PermissionDeniedError):
            update_need(session, user, need.id, NeedPatch(title="taken over"), matcher)
        with pytest.raises(PermissionDeniedError):
            mark(session, user, need.id, 1, MarkIn(mark="relevant"))
    assert get_need(session, uusimaa, a.id).id == a.id
    with pytest.raises(PermissionDeniedError):
        create_need(session, uusimaa, NeedIn(title="Out of region", buyer_id=b.buyer_id,
                                             region="FI1D9"), matcher)  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        create_need(session, vantaa, NeedIn(title="For Oulu", buyer_id=b.buyer_id), matcher)

    # Shortlist: rank, keep, mark, export.
    ranked = shortlist(session, broker, a.id, matcher, k=5)
    assert len(ranked.ranking) == 5 and not ranked.entries
    first, second = ranked.ranking[0], ranked.ranking[1]
    mark(
        session,
        broker,
        a.id,
        first.supplier_id,
        MarkIn(mark="relevant", note="=HYPERLINK(x)", rank=1),
    )
    mark(session, broker, a.id, second.supplier_id, MarkIn(mark="not_relevant", rank=2))
    entry = mark(session, broker, a.id, first.supplier_id, MarkIn(mark="contacted", note="called"))
    assert entry.mark == "contacted" and entry.rank_at_mark == 1
    rows = list(csv.DictReader(io.StringIO(export_csv(session, vantaa, a.id))))
    assert [r["mark"] for r in rows] == ["contacted", "not_relevant"]
    assert rows[0]["supplier_name"] == first.name and rows[0]["note"] == "called"
    assert rows[1]["note"] == ""

    # Closing a need takes it out of its cluster.
    closed = update_need(session, vantaa, a.id, NeedPatch(status="closed"), matcher)
    assert closed.status == "closed" and closed.cluster_id is None
    assert get_need(session, oulu, b.id).cluster_id is None
    with pytest.raises(InvalidInputError):
        update_need(session, oulu, b.id, NeedPatch(budget_min=5, budget_max=1), matcher)


def test_market_view(session: Session, matcher: Matcher) -> None:
    vantaa = _users(session, "market")[0]
    need = create_need(session, vantaa, NeedIn(title="Nettoyage des locaux administratifs",
                                               region="FI1B1"), matcher)  # fmt: skip
    view = need_market(session, vantaa, need.id, matcher)
    assert view.n_similar > 10 and view.winners and view.buyers
    assert sum(w.share for w in view.winners) <= 1.0 + 1e-6
    assert [y.year for y in view.by_year] == sorted(y.year for y in view.by_year)


def test_feedback_evaluation_counts_marks(session: Session, matcher: Matcher) -> None:
    from matcher.evaluate.feedback import evaluate_feedback

    vantaa, _oulu, broker, _u = _users(session, "feedback")
    need = create_need(
        session, vantaa, NeedIn(title="Nettoyage des bureaux", region="FI1B1"), matcher
    )
    ranked = shortlist(session, broker, need.id, matcher, k=3).ranking
    mark(session, broker, need.id, ranked[1].supplier_id, MarkIn(mark="relevant", rank=2))
    mark(session, broker, need.id, ranked[0].supplier_id, MarkIn(mark="not_relevant", rank=1))
    session.commit()
    report = evaluate_feedback(matcher)
    row = next(r for r in report["per_need"] if r["need_id"] == need.id)
    # The relevant supplier sits at rank 2, the rejected one at rank 1 (hand-computed).
    assert row["hit"] and row["rr"] == pytest.approx(0.5)
    assert row["positive_ranks"] == [2] and row["negatives_in_top_k"] == 1
