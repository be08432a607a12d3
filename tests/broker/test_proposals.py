"""Proposals on public needs and market-dialogue events, with who may read and answer them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from company_helpers import company, need_id, user
from sqlalchemy.orm import Session

from matcher.broker import shortlist
from matcher.broker.company_schemas import AnswerIn, EventIn, ProposalIn
from matcher.broker.proposals import (
    answer_proposal,
    create_event,
    get_event,
    get_proposal,
    my_events,
    my_proposals,
    need_events,
    need_proposals,
    propose,
    register_for_event,
)
from matcher.exceptions import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from matcher.service import Matcher

pytestmark = pytest.mark.slow
SOLUTION = ProposalIn(kind="solution", text="Reaaliaikainen kulutusseuranta ja ohjaus",
                      attachment_url="https://firm.example/esite.pdf", contact="myynti@firm.example")  # fmt: skip


def test_a_company_proposes_and_only_it_and_the_owners_read_it(session: Session,
                                                               matcher: Matcher) -> None:  # fmt: skip
    first = company(session, "first@firm.invalid", "2910001", "Ensimmäinen Oy")
    second = company(session, "second@firm.invalid", "2910002", "Toinen Oy")
    nid = need_id(session, "Kunnan energiankulutuksen")
    made = propose(session, first, nid, SOLUTION)
    assert (made.status, made.company_status, made.kind) == ("new", "self_declared", "solution")
    assert get_proposal(session, first, made.id).text == SOLUTION.text
    with pytest.raises(PermissionDeniedError):
        get_proposal(session, second, made.id)
    with pytest.raises(PermissionDeniedError):
        get_proposal(session, user(session, "oulu@demo.invalid"), made.id)
    for owner in ("vantaa@demo.invalid", "broker@demo.invalid"):
        assert made.id in {p.id for p in need_proposals(session, user(session, owner), nid)}
    assert [p.id for p in my_proposals(session, second)] == []
    sl = shortlist(session, user(session, "broker@demo.invalid"), nid, matcher, k=5)
    assert first.organisation_id in sl.proposed_by


def test_only_companies_propose_on_public_needs(session: Session) -> None:
    first = company(session, "first@firm.invalid", "2910001", "Ensimmäinen Oy")
    with pytest.raises(PermissionDeniedError):
        propose(session, user(session, "vantaa@demo.invalid"), need_id(session, "Kunnan energ"), SOLUTION)
    with pytest.raises(NotFoundError):
        propose(session, first, 10**6, SOLUTION)
    with pytest.raises(InvalidInputError, match="needs its description"):
        propose(session, first, need_id(session, "Kunnan energ"),
                ProposalIn(kind="solution", text="", contact="myynti@firm.example"))  # fmt: skip
    interest = propose(session, first, need_id(session, "Kunnan energ"),
                       ProposalIn(kind="interest", contact="myynti@firm.example"))  # fmt: skip
    assert interest.kind == "interest"


def test_invite_to_a_dialogue_event_registers_the_company(session: Session) -> None:
    first = company(session, "first@firm.invalid", "2910001", "Ensimmäinen Oy")
    nid = need_id(session, "Kunnan energiankulutuksen")
    made = propose(session, first, nid, SOLUTION)
    vantaa = user(session, "vantaa@demo.invalid")
    event = create_event(session, vantaa, EventIn(
        need_id=nid, title="Markkinavuoropuhelu: energianhallinta",
        starts_at=datetime.now() + timedelta(days=20), place="Vantaan kaupungintalo"))  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        answer_proposal(session, first, made.id, AnswerIn(status="invited", event_id=event.id))
    out = answer_proposal(session, vantaa, made.id, AnswerIn(status="invited", event_id=event.id,
                                                             note="Tervetuloa"))  # fmt: skip
    assert (out.status, out.event_id, out.answer) == ("invited", event.id, "Tervetuloa")
    assert "Ensimmäinen Oy" in need_events(session, vantaa, nid)[-1].registered
    assert event.id in {e.id for e in my_events(session, first)}
    with pytest.raises(ConflictError):
        register_for_event(session, first, event.id)
    public = get_event(session, first, event.id)
    assert public.n_registered >= 1 and public.registered == []  # names for the owners only


def test_an_event_on_a_cluster_and_registration(session: Session) -> None:
    broker = user(session, "broker@demo.invalid")
    with pytest.raises(InvalidInputError):
        create_event(session, broker, EventIn(title="x y z", starts_at=datetime.now()))
    nid = need_id(session, "Koulukuljetusten reititys")
    event = create_event(session, broker, EventIn(need_id=nid, title="Kutsuliikenteen työpaja",
                                                  starts_at=datetime.now(), link="https://meet.example/x"))  # fmt: skip
    second = company(session, "second@firm.invalid", "2910002", "Toinen Oy")
    assert register_for_event(session, second, event.id).n_registered == 1
    with pytest.raises(PermissionDeniedError):
        create_event(session, user(session, "vantaa@demo.invalid"),
                     EventIn(need_id=nid, title="Ei oma", starts_at=datetime.now()))  # fmt: skip


def test_answer_not_relevant(session: Session) -> None:
    second = company(session, "second@firm.invalid", "2910002", "Toinen Oy")
    made = propose(session, second, need_id(session, "Kunnan energ"), SOLUTION)
    out = answer_proposal(session, user(session, "broker@demo.invalid"), made.id,
                          AnswerIn(status="not_relevant"))  # fmt: skip
    assert (out.status, out.event_id) == ("not_relevant", None)


def test_the_companies_side_on_sqlite_and_postgresql(db_url: str) -> None:
    """Publishing, searching, proposing, events and feeds on an empty store of either database
    (no index: nothing here ranks)."""
    from matcher.broker.accounts import create_user
    from matcher.broker.company_schemas import AlertIn, PublishIn
    from matcher.broker.feeds import new_feed_token, set_alert
    from matcher.broker.public import publish_need, search_public_needs
    from matcher.store.broker_models import Need
    from matcher.store.db import session_scope
    from matcher.store.models import Organisation

    with session_scope(db_url) as s:
        city = Organisation(name="Testikaupunki", country="FI", region="FI1B1")
        s.add(city)
        s.flush()
        buyer = create_user(s, "buyer@city.invalid", "portable-password", "buyer", city.id)
        need = Need(buyer_id=city.id, created_by=buyer.id, region="FI1B1", title="Älykäs valaistus",
                    description="Katuvalojen ohjaus", cpv=["34993000-4"], cpv_suggested=[],
                    contact="", status="open")  # fmt: skip
        s.add(need)
        s.flush()
        publish_need(s, buyer, need.id, PublishIn(fields=["description", "cpv"]))
        assert [n.id for n in search_public_needs(s, q="valojen", cpv="3499")] == [need.id]
        firm = company(s, "firm@firm.invalid", "2950001", "Valo Oy")
        made = propose(s, firm, need.id, SOLUTION)
        event = create_event(s, buyer, EventIn(need_id=need.id, title="Vuoropuhelu",
                                               starts_at=datetime(2027, 3, 1, 10)))  # fmt: skip
        answer_proposal(s, buyer, made.id, AnswerIn(status="invited", event_id=event.id))
        assert [e.n_registered for e in need_events(s, buyer, need.id)] == [1]
        set_alert(s, firm, AlertIn(cpv=["34990000-3"], regions=["FI1"]))
        assert new_feed_token(s, firm).feed_url
