"""The companies' pages: the open needs board (no account), company sign-up, a company's own
page (profile, alert and feed, proposals), proposals and events, and the owners' and brokers'
forms on a need (publish, answer, events).

Pages call the same library functions as the JSON routes; every form carries the CSRF token.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from matcher.broker import companies, feeds, proposals, public
from matcher.broker.company_schemas import (
    PUBLISHABLE,
    AlertIn,
    AnswerIn,
    CompanyIn,
    EventIn,
    ProfileIn,
    ProposalIn,
    PublishIn,
)
from matcher.exceptions import ConflictError, InvalidInputError
from matcher.vocab.messages import MessageOut, Msg

from .deps import MatcherDep, MaybeUser, PageUser, SessionDep
from .i18n import pick_lang
from .messages import say
from .pages import PageId, _check_csrf, _errors, _fi_regions, render
from .security import proposal_rate, signup_rate

router = APIRouter(include_in_schema=False)
_Csrf = Annotated[str, Form()]


def _split(value: str) -> list[str]:
    return value.replace(",", " ").split()


def _lines(value: str) -> list[str]:
    return [x.strip() for x in value.splitlines() if x.strip()]


@router.get("/public/needs", response_class=HTMLResponse)
def board(request: Request, user: MaybeUser, session: SessionDep, q: str = "", region: str = "",
          cpv: str = "", deadline_from: str = "") -> HTMLResponse:  # fmt: skip
    """The open needs board: search by words, region, CPV code and deadline; no account."""
    try:
        after = date.fromisoformat(deadline_from) if deadline_from else None
    except ValueError:
        after = None
    needs = public.search_public_needs(session, q[:200], region[:5], cpv[:10], after)
    return render(request, "public_needs.html", {
        "needs": needs, "q": q, "region": region, "cpv": cpv, "deadline_from": deadline_from,
        "regions": _fi_regions()}, user)  # fmt: skip


@router.get("/public/needs/{need_id}", response_class=HTMLResponse)
def need(request: Request, need_id: PageId, user: MaybeUser, session: SessionDep,
         sent: int = 0) -> HTMLResponse:  # fmt: skip
    """A public need: what its owner published, its events, and a company's proposal form."""
    return render(request, "public_need.html", {
        "need": public.get_public_need(session, need_id), "sent": sent, "errors": []}, user)  # fmt: skip


@router.post("/public/needs/{need_id}/propose", response_model=None)
def propose(request: Request, need_id: PageId, user: PageUser, session: SessionDep,
            kind: Annotated[str, Form()] = "solution", text: Annotated[str, Form()] = "",
            attachment_url: Annotated[str, Form()] = "", contact: Annotated[str, Form()] = "",
            csrf_token: _Csrf = "") -> Response:  # fmt: skip
    """Send the company's proposal; invalid input comes back with the form."""
    _check_csrf(request, csrf_token)
    proposal_rate(request, user.id)
    try:
        data = ProposalIn.model_validate({"kind": kind, "text": text, "contact": contact,
                                          "attachment_url": attachment_url.strip()})  # fmt: skip
        made = proposals.propose(session, user, need_id, data)
    except (ValidationError, InvalidInputError) as exc:
        errors = _errors(exc) if isinstance(exc, ValidationError) else [str(exc)]
        return render(request, "public_need.html", {
            "need": public.get_public_need(session, need_id), "sent": 0, "errors": errors,
            "form": {"kind": kind, "text": text, "attachment_url": attachment_url,
                     "contact": contact}}, user, 422)  # fmt: skip
    return RedirectResponse(f"/proposals/{made.id}", status_code=303)


@router.post("/events/{event_id}/register", response_model=None)
def register_event(request: Request, event_id: PageId, user: PageUser, session: SessionDep,
                   csrf_token: _Csrf = "") -> Response:  # fmt: skip
    """The company registers for an event."""
    _check_csrf(request, csrf_token)
    with suppress(ConflictError):  # registered already: the page shows it
        proposals.register_for_event(session, user, event_id)
    return RedirectResponse("/company#events", status_code=303)


@router.get("/companies/register", response_class=HTMLResponse)
def register_form(request: Request, user: MaybeUser) -> HTMLResponse:
    """The company sign-up form."""
    return render(request, "company_register.html", {"form": {}, "errors": [],
                                                     "regions": _fi_regions()}, user)  # fmt: skip


@router.post("/companies/register", response_model=None)
async def register(request: Request, session: SessionDep, user: MaybeUser) -> Response:
    """Sign the company up; an invalid business id comes back with the reason."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    _check_csrf(request, form.pop("csrf_token", ""))
    signup_rate(request)
    try:
        data = CompanyIn(**{k: v.strip() if k != "password" else v for k, v in form.items()
                            if v.strip() and k in CompanyIn.model_fields})  # fmt: skip
        companies.register_company(session, data)
    except (ValidationError, InvalidInputError, ConflictError) as exc:
        errors = _errors(exc) if isinstance(exc, ValidationError) else [_said(request, exc)]
        form.pop("password", None)
        return render(request, "company_register.html", {
            "form": form, "errors": errors, "regions": _fi_regions()}, user, 422)  # fmt: skip
    return RedirectResponse("/login?next=/company&registered=1", status_code=303)


def _said(request: Request, exc: Exception) -> str:
    """The library's reason in the visitor's language (a coded sentence), else as raised."""
    msg = exc.args[0] if exc.args else ""
    code = MessageOut.of(msg) if isinstance(msg, Msg) else None
    return say(str(msg) or str(exc), code, pick_lang(request))


def _company_page(request: Request, user: PageUser, session: SessionDep, errors: list[str],
                  feed_url: str | None = None, status: int = 200) -> HTMLResponse:  # fmt: skip
    return render(request, "company.html", {
        "company": companies.get_profile(session, user), "alert": feeds.get_alert(session, user),
        "proposals": proposals.my_proposals(session, user), "errors": errors,
        "events": proposals.my_events(session, user),
        "feed_url": feed_url, "regions": _fi_regions()}, user, status)  # fmt: skip


@router.get("/company", response_class=HTMLResponse)
def company(request: Request, user: PageUser, session: SessionDep) -> HTMLResponse:
    """The company's own page: profile, alert and feed, proposals."""
    return _company_page(request, user, session, [])


@router.post("/company/profile", response_model=None)
async def save_profile(request: Request, user: PageUser, session: SessionDep,
                       matcher: MatcherDep) -> Response:  # fmt: skip
    """Save the profile (references one a line: title; client; year)."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    _check_csrf(request, form.get("csrf_token", ""))
    refs = []
    for line in _lines(form.get("references", "")):
        title, client, year = ([p.strip() for p in line.split(";")] + ["", ""])[:3]
        refs.append({"title": title, "client": client, "year": int(year) if year.isdigit() else None})
    try:
        data = ProfileIn.model_validate({
            "offering": {k: form.get(f"offering_{k}", "") for k in ("fi", "sv", "en")},
            "cpv": _split(form.get("cpv", "")), "regions": _split(form.get("regions", "")),
            "references": refs, "website": form.get("website", "").strip()})  # fmt: skip
    except ValidationError as exc:
        return _company_page(request, user, session, _errors(exc), status=422)
    await run_in_threadpool(companies.update_profile, session, user, data, matcher)
    return RedirectResponse("/company#profile", status_code=303)


@router.post("/company/alerts", response_model=None)
def save_alert(request: Request, user: PageUser, session: SessionDep, cpv: Annotated[str, Form()] = "",
               regions: Annotated[str, Form()] = "", words: Annotated[str, Form()] = "",
               csrf_token: _Csrf = "") -> Response:  # fmt: skip
    """Save what the company follows (words separated by commas)."""
    _check_csrf(request, csrf_token)
    try:
        data = AlertIn(cpv=_split(cpv), regions=_split(regions),
                       words=[w for w in words.split(",") if w.strip()])  # fmt: skip
    except ValidationError as exc:
        return _company_page(request, user, session, _errors(exc), status=422)
    feeds.set_alert(session, user, data)
    return RedirectResponse("/company#alerts", status_code=303)


@router.post("/company/feed", response_class=HTMLResponse)
def new_feed(request: Request, user: PageUser, session: SessionDep,
             csrf_token: _Csrf = "") -> HTMLResponse:  # fmt: skip
    """A new secret feed address, shown once on the page."""
    _check_csrf(request, csrf_token)
    made = feeds.new_feed_token(session, user)
    url = str(request.base_url).rstrip("/") + (made.feed_url or "")
    return _company_page(request, user, session, [], feed_url=url)


@router.get("/proposals/{proposal_id}", response_class=HTMLResponse)
def proposal(request: Request, proposal_id: PageId, user: PageUser,
             session: SessionDep) -> HTMLResponse:  # fmt: skip
    """A proposal: for the company that made it, the need's owner and broker (403 otherwise)."""
    return render(request, "proposal.html", {
        "p": proposals.get_proposal(session, user, proposal_id)}, user)  # fmt: skip


@router.post("/needs/{need_id}/publish", response_model=None)
async def publish(request: Request, need_id: PageId, user: PageUser,
                  session: SessionDep) -> Response:  # fmt: skip
    """Put the need on the open board with the fields ticked, or take it off."""
    form = await request.form()
    _check_csrf(request, str(form.get("csrf_token", "")))
    deadline = str(form.get("deadline", "")).strip()
    try:
        data = PublishIn.model_validate({
            "public": form.get("public") == "1",
            "fields": [f for f in form.getlist("fields") if f in PUBLISHABLE],
            "deadline": date.fromisoformat(deadline) if deadline else None})  # fmt: skip
    except (ValidationError, ValueError) as exc:
        raise InvalidInputError(f"deadline: {exc}") from exc
    public.publish_need(session, user, need_id, data)
    return RedirectResponse(f"/needs/{need_id}#open-board", status_code=303)


@router.post("/proposals/{proposal_id}/answer", response_model=None)
def answer(request: Request, proposal_id: PageId, user: PageUser, session: SessionDep,
           status: Annotated[str, Form()], event_id: Annotated[str, Form()] = "",
           note: Annotated[str, Form(max_length=2000)] = "", csrf_token: _Csrf = "") -> Response:  # fmt: skip
    """Invite the company to a dialogue event, or mark the proposal not relevant."""
    _check_csrf(request, csrf_token)
    try:
        data = AnswerIn.model_validate({
            "status": status, "event_id": int(event_id) if event_id.isdigit() else None,
            "note": note})  # fmt: skip
    except ValidationError as exc:
        raise InvalidInputError("; ".join(_errors(exc))) from exc
    made = proposals.answer_proposal(session, user, proposal_id, data)
    return RedirectResponse(f"/needs/{made.need_id}#proposals", status_code=303)


@router.post("/needs/{need_id}/events", response_model=None)
def create_event(request: Request, need_id: PageId, user: PageUser, session: SessionDep,
                 title: Annotated[str, Form()], starts_at: Annotated[str, Form()],
                 place: Annotated[str, Form()] = "", link: Annotated[str, Form()] = "",
                 cluster: Annotated[str, Form()] = "", csrf_token: _Csrf = "") -> Response:  # fmt: skip
    """A market-dialogue event on the need, or on its cluster when ``cluster`` is ticked."""
    _check_csrf(request, csrf_token)
    from matcher import broker

    cluster_id = broker.get_need(session, user, need_id).cluster_id if cluster == "1" else None
    try:
        data = EventIn(need_id=None if cluster_id else need_id, cluster_id=cluster_id, title=title,
                       starts_at=datetime.fromisoformat(starts_at), place=place, link=link.strip())  # fmt: skip
    except (ValidationError, ValueError) as exc:
        errors = _errors(exc) if isinstance(exc, ValidationError) else [str(exc)]
        raise InvalidInputError("; ".join(errors)) from exc
    proposals.create_event(session, user, data)
    return RedirectResponse(f"/needs/{need_id}#events", status_code=303)


@router.post("/companies/{organisation_id}/confirm", response_model=None)
def confirm(request: Request, organisation_id: PageId, user: PageUser, session: SessionDep,
            csrf_token: _Csrf = "") -> Response:  # fmt: skip
    """A broker confirms a company."""
    _check_csrf(request, csrf_token)
    companies.confirm_company(session, user, organisation_id)
    return RedirectResponse("/board#companies", status_code=303)


@router.post("/index/refresh", response_model=None)
def refresh(request: Request, user: PageUser, matcher: MatcherDep,
            csrf_token: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    """A broker starts rebuilding the index so companies' profiles enter the ranking."""
    _check_csrf(request, csrf_token)
    companies.start_refresh(user, matcher)
    return RedirectResponse("/board#companies", status_code=303)


def need_context(session: SessionDep, user: PageUser, need_id: int) -> dict[str, Any]:
    """What the owner's or broker's need page shows of the companies' side: the publication,
    the proposals and the events."""
    pub = public.find_public(session, need_id)
    return {"publication": pub, "publishable": PUBLISHABLE,
            "proposals": proposals.need_proposals(session, user, need_id),
            "events": proposals.need_events(session, user, need_id)}  # fmt: skip


def board_context(session: SessionDep, user: PageUser) -> dict[str, Any]:
    """The companies a broker's board lists (a buyer's board lists none)."""
    broker = user.role == "broker"
    return {"companies": companies.list_companies(session, user) if broker else [],
            "refresh": companies.refresh_status() if broker else (False, None, None)}
