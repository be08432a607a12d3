"""Routes of the companies' side: the open needs board (public), company sign-up and profile,
alerts and feeds, proposals, market-dialogue events, and the brokers' confirmation and refresh.

Each calls one library function of ``matcher.broker`` with the signed-in user, which checks what
that user may read or change.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from matcher.broker import companies, feeds, proposals, public
from matcher.broker.company_schemas import (
    AlertIn,
    AlertOut,
    AnswerIn,
    CompanyIn,
    CompanyOut,
    EventIn,
    EventOut,
    ProfileIn,
    ProposalIn,
    ProposalOut,
    PublicNeedOut,
    PublishIn,
    RefreshState,
)
from matcher.broker.schemas import UserOut

from .broker_routes import user_out
from .deps import ApiUser, MatcherDep, SessionDep
from .routes import MAX_ID
from .security import proposal_rate, signup_rate

router = APIRouter(prefix="/v1")
feed_router = APIRouter(include_in_schema=True)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
ATOM = "application/atom+xml"


@router.get("/public/needs", response_model=list[PublicNeedOut], summary="The open needs board")
def public_needs(
    session: SessionDep, q: Annotated[str, Query(max_length=200)] = "",
    region: Annotated[str, Query(max_length=5)] = "",
    cpv: Annotated[str, Query(max_length=10)] = "",
    deadline_from: date | None = None,
) -> list[PublicNeedOut]:  # fmt: skip
    """Public needs (no sign-in): all words of ``q``, a NUTS prefix, a CPV prefix, a deadline on
    or after a date."""
    return public.search_public_needs(session, q, region, cpv, deadline_from)


@router.get("/public/needs/{need_id}", response_model=PublicNeedOut, summary="A public need")
def public_need(need_id: Id, session: SessionDep) -> PublicNeedOut:
    """One need of the open board, with its published fields and events."""
    return public.get_public_need(session, need_id)


@router.put("/needs/{need_id}/publication", response_model=PublicNeedOut | None,
            summary="Publish a need on the open board")  # fmt: skip
def publish(need_id: Id, body: PublishIn, session: SessionDep,
            user: ApiUser) -> PublicNeedOut | None:  # fmt: skip
    """Put the need on the board with the fields chosen (``public: false`` takes it off)."""
    return public.publish_need(session, user, need_id, body)


@router.get("/needs/{need_id}/proposals", response_model=list[ProposalOut],
            summary="Proposals on a need")  # fmt: skip
def need_proposals(need_id: Id, session: SessionDep, user: ApiUser) -> list[ProposalOut]:
    """Companies' proposals on the need (its owner and broker)."""
    return proposals.need_proposals(session, user, need_id)


@router.post("/public/needs/{need_id}/proposals", response_model=ProposalOut, status_code=201,
             summary="Propose on a public need")  # fmt: skip
def propose(need_id: Id, body: ProposalIn, request: Request, session: SessionDep,
            user: ApiUser) -> ProposalOut:  # fmt: skip
    """A company's interest or proposed solution (rate-limited per account and address)."""
    proposal_rate(request, user.id)
    return proposals.propose(session, user, need_id, body)


@router.get("/proposals/{proposal_id}", response_model=ProposalOut, summary="A proposal")
def proposal(proposal_id: Id, session: SessionDep, user: ApiUser) -> ProposalOut:
    """A proposal: for the company that made it, the need's owner and its broker."""
    return proposals.get_proposal(session, user, proposal_id)


@router.put("/proposals/{proposal_id}/answer", response_model=ProposalOut,
            summary="Answer a proposal")  # fmt: skip
def answer(proposal_id: Id, body: AnswerIn, session: SessionDep, user: ApiUser) -> ProposalOut:
    """Invite the company to a market dialogue, or mark the proposal not relevant."""
    return proposals.answer_proposal(session, user, proposal_id, body)


@router.post("/events", response_model=EventOut, status_code=201, summary="A dialogue event")
def create_event(body: EventIn, session: SessionDep, user: ApiUser) -> EventOut:
    """A market-dialogue event on a need or a cluster (owner or broker)."""
    return proposals.create_event(session, user, body)


@router.get("/events/{event_id}", response_model=EventOut, summary="An event")
def event(event_id: Id, session: SessionDep, user: ApiUser) -> EventOut:
    """An event of a public need; owners and brokers see who registered."""
    return proposals.get_event(session, user, event_id)


@router.post("/events/{event_id}/registrations", response_model=EventOut, status_code=201,
             summary="Register for an event")  # fmt: skip
def register(event_id: Id, session: SessionDep, user: ApiUser) -> EventOut:
    """The signed-in company registers for the event."""
    return proposals.register_for_event(session, user, event_id)


@router.post("/companies", response_model=UserOut, status_code=201, summary="Company sign-up")
def sign_up(body: CompanyIn, request: Request, session: SessionDep) -> UserOut:
    """A company account tied to a business id (a Y-tunnus is checked by its check digit);
    self-declared until a broker confirms it. Sign in afterwards."""
    signup_rate(request)
    return user_out(companies.register_company(session, body))


@router.get("/companies", response_model=list[CompanyOut], summary="Companies (brokers)")
def list_companies(session: SessionDep, user: ApiUser,
                   status: Annotated[str | None, Query(pattern="^(self_declared|confirmed)$")] = None,
                   ) -> list[CompanyOut]:  # fmt: skip
    """Companies that signed up, for brokers to confirm."""
    return companies.list_companies(session, user, status)


@router.post("/companies/{organisation_id}/confirm", response_model=CompanyOut,
             summary="Confirm a company")  # fmt: skip
def confirm(organisation_id: Id, session: SessionDep, user: ApiUser) -> CompanyOut:
    """A broker confirms a self-declared company."""
    return companies.confirm_company(session, user, organisation_id)


@router.get("/company/profile", response_model=CompanyOut, summary="Your company profile")
def profile(session: SessionDep, user: ApiUser) -> CompanyOut:
    """The signed-in company's profile."""
    return companies.get_profile(session, user)


@router.put("/company/profile", response_model=CompanyOut, summary="Edit your company profile")
def edit_profile(body: ProfileIn, session: SessionDep, user: ApiUser,
                 matcher: MatcherDep) -> CompanyOut:  # fmt: skip
    """Save the profile; CPV codes are suggested from the offering. It enters the ranking at the
    next index refresh."""
    return companies.update_profile(session, user, body, matcher)


@router.get("/company/proposals", response_model=list[ProposalOut], summary="Your proposals")
def my_proposals(session: SessionDep, user: ApiUser) -> list[ProposalOut]:
    """The signed-in company's proposals and their answers."""
    return proposals.my_proposals(session, user)


@router.get("/company/alerts", response_model=AlertOut, summary="Your alert")
def alert(session: SessionDep, user: ApiUser) -> AlertOut:
    """The CPV codes, regions and words the company follows."""
    return feeds.get_alert(session, user)


@router.put("/company/alerts", response_model=AlertOut, summary="Set your alert")
def set_alert(body: AlertIn, session: SessionDep, user: ApiUser) -> AlertOut:
    """Replace what the company follows."""
    return feeds.set_alert(session, user, body)


@router.post("/company/alerts/feed", response_model=AlertOut, summary="New secret feed address")
def feed_token(session: SessionDep, user: ApiUser) -> AlertOut:
    """A new secret address of the company's Atom feed (shown once; the old one stops)."""
    return feeds.new_feed_token(session, user)


@router.post("/index/refresh", response_model=RefreshState, status_code=202,
             summary="Refresh the index (brokers)")  # fmt: skip
def refresh(user: ApiUser, matcher: MatcherDep) -> RefreshState:
    """Start rebuilding the index so new company profiles enter the ranking (only new texts are
    embedded; 409 while one runs); follow it at ``GET /v1/index/refresh``."""
    companies.start_refresh(user, matcher)
    return RefreshState(running=True, last=companies.refresh_status()[1], error=None)


@router.get("/index/refresh", response_model=RefreshState, summary="Index refresh state")
def refresh_state(user: ApiUser) -> RefreshState:
    """Whether a refresh runs, and what the last one read."""
    running, last, error = companies.refresh_status()
    return RefreshState(running=running, last=last, error=error)


@feed_router.get("/needs.atom", response_class=Response,
                 responses={200: {"content": {ATOM: {}}}}, summary="Public needs (Atom)")  # fmt: skip
def needs_atom(request: Request, session: SessionDep) -> Response:
    """Every need of the open board as an Atom feed."""
    body = feeds.atom("innomatch: open needs", str(request.base_url), "/needs.atom",
                      public.public_needs(session))  # fmt: skip
    return Response(body, media_type=ATOM)


@feed_router.get("/feeds/{feed_token}.atom", response_class=Response,
                 responses={200: {"content": {ATOM: {}}}}, summary="A company's alert (Atom)")  # fmt: skip
def alert_atom(feed_token: Annotated[str, Path(max_length=100)], request: Request,
               session: SessionDep, matcher: MatcherDep) -> Response:  # fmt: skip
    """The public needs matching a company's alert, best fit first; the token is the secret."""
    name, needs = feeds.alert_feed(session, feed_token, matcher)
    body = feeds.atom(f"innomatch: needs for {name}", str(request.base_url),
                      f"/feeds/{feed_token}.atom", needs)  # fmt: skip
    return Response(body, media_type=ATOM, headers={"cache-control": "private, no-store",
                                                    "referrer-policy": "no-referrer"})  # fmt: skip
