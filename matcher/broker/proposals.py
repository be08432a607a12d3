"""Proposals on public needs and market-dialogue events.

A company expresses interest in a need of the open board or proposes a solution; the need's
owner and its broker see the proposals beside the shortlist and answer them (invite to a market
dialogue, or not relevant). A company reads its own proposals only.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..exceptions import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from ..store.broker_models import User
from ..store.company_models import (
    CompanyProfile,
    DialogueEvent,
    EventRegistration,
    NeedPublication,
    Proposal,
)
from .accounts import can_access
from .companies import company_of
from .company_schemas import AnswerIn, EventIn, EventOut, ProposalIn, ProposalOut
from .needs import load_need
from .public import event_out, load_public
from .shortlists import load_cluster

__all__ = ["answer_proposal", "create_event", "get_event", "get_proposal", "my_proposals",
           "my_events", "need_events", "need_proposals", "propose", "register_for_event"]  # fmt: skip


def proposal_out(session: Session, p: Proposal) -> ProposalOut:
    """The API shape of a proposal."""
    profile = session.get(CompanyProfile, p.organisation_id)
    return ProposalOut(
        id=p.id, need_id=p.need_id, need_title=p.need.title, organisation_id=p.organisation_id,
        company_name=p.organisation.name, company_status=profile.status if profile else "unknown",
        kind=p.kind, text=p.text, attachment_url=p.attachment_url, contact=p.contact,
        status=p.status, answer=p.answer, event_id=p.event_id, created_at=p.created_at,
    )  # fmt: skip


def propose(session: Session, user: User, need_id: int, data: ProposalIn) -> ProposalOut:
    """A company's interest in, or solution to, a need of the open board.

    Raises:
        PermissionDeniedError: if ``user`` is not a company.
        NotFoundError: if the need is not on the board.
        InvalidInputError: past the need's deadline, or a solution without its text.
    """
    company = company_of(session, user)
    pub = load_public(session, need_id)
    if pub.deadline and pub.deadline < date.today():
        raise InvalidInputError(f"the deadline for proposals on need {need_id} was {pub.deadline}")
    if data.kind == "solution" and len(data.text.strip()) < 3:
        raise InvalidInputError("a proposed solution needs its description")
    p = Proposal(need_id=need_id, organisation_id=company.organisation_id, created_by=user.id,
                 kind=data.kind, text=data.text.strip(), attachment_url=data.attachment_url,
                 contact=data.contact.strip(), status="new", answer="")  # fmt: skip
    session.add(p)
    session.flush()
    session.refresh(p)
    return proposal_out(session, p)


def my_proposals(session: Session, user: User) -> list[ProposalOut]:
    """The signed-in company's proposals, newest first."""
    company = company_of(session, user)
    q = (select(Proposal).where(Proposal.organisation_id == company.organisation_id)
         .order_by(Proposal.id.desc()))  # fmt: skip
    return [proposal_out(session, p) for p in session.scalars(q)]


def _load_proposal(session: Session, user: User, proposal_id: int) -> Proposal:
    p = session.get(Proposal, proposal_id)
    if p is None:
        raise NotFoundError(f"no proposal {proposal_id}")
    mine = user.role == "company" and user.organisation_id == p.organisation_id
    if not (mine or can_access(user, p.need)):
        raise PermissionDeniedError(f"proposal {proposal_id} is another company's")
    return p


def get_proposal(session: Session, user: User, proposal_id: int) -> ProposalOut:
    """A proposal, for the company that made it, the need's owner and its broker.

    Raises:
        NotFoundError: if there is none.
        PermissionDeniedError: for anyone else (another company included).
    """
    return proposal_out(session, _load_proposal(session, user, proposal_id))


def need_proposals(session: Session, user: User, need_id: int) -> list[ProposalOut]:
    """The proposals on a need, for its owner and its broker (errors as ``load_need``)."""
    need = load_need(session, user, need_id)
    q = select(Proposal).where(Proposal.need_id == need.id).order_by(Proposal.id)
    return [proposal_out(session, p) for p in session.scalars(q)]


def answer_proposal(session: Session, user: User, proposal_id: int, data: AnswerIn) -> ProposalOut:
    """The owner's or broker's answer; an invitation names the event, if there is one, and the
    company is registered for it.

    Raises:
        PermissionDeniedError: if ``user`` is not the need's owner or broker.
        NotFoundError: if the event does not exist.
        InvalidInputError: if the event is not about this need.
    """
    p = _load_proposal(session, user, proposal_id)
    if not can_access(user, p.need):
        raise PermissionDeniedError("only the need's owner and its broker answer proposals")
    if data.event_id is not None:
        event = session.get(DialogueEvent, data.event_id)
        if event is None:
            raise NotFoundError(f"no event {data.event_id}")
        if p.need_id not in (event.need_ids or []):
            raise InvalidInputError(f"event {event.id} is not about need {p.need_id}")
        if data.status == "invited":
            _register(session, event, p.organisation_id, user.id)
    p.status, p.answer, p.answered_by = data.status, data.note.strip(), user.id
    p.event_id = data.event_id if data.status == "invited" else None
    session.flush()
    return proposal_out(session, p)


def create_event(session: Session, user: User, data: EventIn) -> EventOut:
    """A market-dialogue event on a need or on a cluster (its members the user may reach).

    Raises:
        InvalidInputError: if neither or both of need and cluster are given.
        NotFoundError, PermissionDeniedError: as ``load_need`` / ``load_cluster``.
    """
    if (data.need_id is None) == (data.cluster_id is None):
        raise InvalidInputError("an event is on one need or on one cluster")
    if data.need_id is not None:
        need_ids = [load_need(session, user, data.need_id).id]
    else:
        cluster = load_cluster(session, user, data.cluster_id or 0)
        need_ids = [n.id for n in cluster.needs if can_access(user, n)]
    e = DialogueEvent(need_ids=need_ids, title=data.title.strip(),
                      starts_at=data.starts_at.replace(tzinfo=None), place=data.place.strip(),
                      link=data.link, created_by=user.id)  # fmt: skip
    session.add(e)
    session.flush()
    session.refresh(e)
    return event_out(e, with_names=True)


def _visible_event(session: Session, user: User, event_id: int) -> tuple[DialogueEvent, bool]:
    """The event and whether ``user`` manages it (an owner or broker of one of its needs)."""
    from ..store.broker_models import Need

    e = session.get(DialogueEvent, event_id)
    if e is None:
        raise NotFoundError(f"no event {event_id}")
    needs = [n for n in (session.get(Need, i) for i in e.need_ids or []) if n is not None]
    manages = any(can_access(user, n) for n in needs)
    public = any(session.get(NeedPublication, n.id) is not None for n in needs)
    if not (manages or public):
        raise PermissionDeniedError(f"event {event_id} is not on the open board")
    return e, manages


def get_event(session: Session, user: User, event_id: int) -> EventOut:
    """An event: of a public need for anyone signed in; with the registered companies' names
    for the owners and brokers of its needs."""
    e, manages = _visible_event(session, user, event_id)
    return event_out(e, with_names=manages)


def need_events(session: Session, user: User, need_id: int) -> list[EventOut]:
    """The events on a need, with registrations, for its owner and broker."""
    need = load_need(session, user, need_id)
    q = select(DialogueEvent).order_by(DialogueEvent.starts_at)
    return [event_out(e, with_names=True) for e in session.scalars(q) if need.id in (e.need_ids or [])]


def _register(session: Session, event: DialogueEvent, organisation_id: int, user_id: int) -> None:
    if not any(r.organisation_id == organisation_id for r in event.registrations):
        event.registrations.append(EventRegistration(organisation_id=organisation_id,
                                                     created_by=user_id))  # fmt: skip


def register_for_event(session: Session, user: User, event_id: int) -> EventOut:
    """The signed-in company registers for an event of a public need.

    Raises:
        PermissionDeniedError: if ``user`` is not a company or the event is not public.
        ConflictError: if it is registered already.
    """
    company = company_of(session, user)
    e, _ = _visible_event(session, user, event_id)
    if any(r.organisation_id == company.organisation_id for r in e.registrations):
        raise ConflictError(f"already registered for event {event_id}")
    _register(session, e, company.organisation_id, user.id)
    session.flush()
    return event_out(e)


def my_events(session: Session, user: User) -> list[EventOut]:
    """The events the signed-in company is registered for, soonest first."""
    company = company_of(session, user)
    q = (select(DialogueEvent).join(EventRegistration)
         .where(EventRegistration.organisation_id == company.organisation_id)
         .order_by(DialogueEvent.starts_at))  # fmt: skip
    return [event_out(e) for e in session.scalars(q)]
