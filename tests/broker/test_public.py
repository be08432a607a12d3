"""The open needs board: publishing with chosen fields, and searching without an account."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from company_helpers import need_id, user
from sqlalchemy.orm import Session

from matcher.broker import update_need
from matcher.broker.company_schemas import PublishIn
from matcher.broker.public import get_public_need, public_needs, publish_need, search_public_needs
from matcher.broker.schemas import NeedPatch
from matcher.exceptions import NotFoundError, PermissionDeniedError
from matcher.service import Matcher

pytestmark = pytest.mark.slow


def test_the_demo_board_is_filled(session: Session) -> None:
    needs = public_needs(session)
    assert len(needs) == 4
    energy = next(n for n in needs if n.title.startswith("Kunnan energiankulutuksen"))
    assert energy.buyer_name == "Vantaan kaupunki" and energy.region == "FI1B1"
    assert energy.budget_max == 200_000 and energy.cpv, "CPV suggested from the text is published"


def test_only_the_chosen_fields_are_published(session: Session) -> None:
    n = next(n for n in public_needs(session) if n.title.startswith("Ikääntyneiden"))
    assert n.description and n.region == "FI1B1" and n.cpv
    assert n.buyer_name is None and n.budget_min is None and n.start is None  # not chosen


@pytest.mark.parametrize(("query", "expected"), [
    ({"q": "tekoälyn energiankulutuksen"}, ["Kunnan energiankulutuksen"]),
    ({"q": "KOULUKULJETUSTEN"}, ["Koulukuljetusten reititys"]),
    ({"region": "FI1D9"}, ["Katuvalaistuksen", "Koulukuljetusten reititys"]),
    ({"q": "tekoäly", "region": "FI1D9"}, []),
])  # fmt: skip
def test_search(session: Session, query: dict[str, str], expected: list[str]) -> None:
    got = sorted(n.title for n in search_public_needs(session, **query))
    assert [any(t.startswith(e) for t in got) for e in expected] == [True] * len(expected)
    assert len(got) == len(expected)


def test_search_by_cpv_prefix_and_deadline(session: Session) -> None:
    energy = next(n for n in public_needs(session) if n.title.startswith("Kunnan energian"))
    code = energy.cpv[0]
    assert energy.id in {n.id for n in search_public_needs(session, cpv=code[:2])}
    assert energy.id in {n.id for n in search_public_needs(session, cpv=code)}
    assert energy.deadline is not None
    assert energy.id in {n.id for n in search_public_needs(session, deadline_from=energy.deadline)}
    later = energy.deadline + timedelta(days=1)
    assert energy.id not in {n.id for n in search_public_needs(session, deadline_from=later)}


def test_owner_or_broker_publishes_and_takes_off(session: Session, matcher: Matcher) -> None:
    nid = need_id(session, "Katuvalaistuksen")  # Oulu's
    with pytest.raises(PermissionDeniedError):
        publish_need(session, user(session, "vantaa@demo.invalid"), nid, PublishIn())
    oulu = user(session, "oulu@demo.invalid")
    assert publish_need(session, oulu, nid, PublishIn(public=False)) is None
    with pytest.raises(NotFoundError):
        get_public_need(session, nid)
    out = publish_need(session, oulu, nid, PublishIn(fields=["budget"], deadline=date.today()))
    assert out is not None and out.budget_max == 400_000 and out.description is None


def test_a_closed_or_expired_need_leaves_the_board(session: Session, matcher: Matcher) -> None:
    nid = need_id(session, "Ikääntyneiden")
    vantaa = user(session, "vantaa@demo.invalid")
    publish_need(session, vantaa, nid, PublishIn(deadline=date.today() - timedelta(days=1)))
    assert nid not in {n.id for n in public_needs(session)}
    publish_need(session, vantaa, nid, PublishIn(deadline=None))
    assert nid in {n.id for n in public_needs(session)}
    update_need(session, vantaa, nid, NeedPatch(status="closed"), matcher)
    with pytest.raises(NotFoundError):
        get_public_need(session, nid)
    update_need(session, vantaa, nid, NeedPatch(status="open"), matcher)
