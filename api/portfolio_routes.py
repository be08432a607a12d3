"""Procurement portfolio: the JSON/CSV/PNG API and the pages (fi/sv/en, no script).

Reading a portfolio is public (it is built from public data); the stakeholders' ratings are shown
to the organisation's own users and to holders of one of its invitation links. Forms carry the
site's CSRF token; the API's changes need a signed-in user (and the CSRF header with a cookie).
"""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from matcher.exceptions import PermissionDeniedError
from matcher.portfolio import build_portfolio, portfolio_csv, portfolio_png
from matcher.portfolio.participation import (
    invitation_organisation,
    invite,
    list_invitations,
    rate_category,
    set_stakeholder_weight,
)
from matcher.portfolio.schemas import (
    InvitationIn,
    InvitationOut,
    PortfolioOut,
    RatingIn,
    WeightIn,
)

from .deps import ApiUser, MatcherDep, MaybeUser, PageUser, SessionDep, csrf_ok
from .pages import render

router = APIRouter()
OrgKey = Annotated[str, Path(description="Internal id, or SCHEME:value such as FI-YTUNNUS:0191717-9",
                             max_length=250)]  # fmt: skip
Token = Annotated[str, Path(min_length=20, max_length=100)]
_CSV = "text/csv; charset=utf-8"


def _form_csrf(request: Request, token: str) -> None:
    if not csrf_ok(request, token):
        raise PermissionDeniedError("the form is out of date or not from this site: reload and retry")


def _csv(p: PortfolioOut) -> Response:
    name = f"portfolio-{p.organisation_id}.csv"
    return Response(portfolio_csv(p), media_type=_CSV,
                    headers={"content-disposition": f'attachment; filename="{name}"'})  # fmt: skip


@router.get("/v1/organisations/{key}/portfolio", response_model=PortfolioOut, tags=["portfolio"],
            summary="An organisation's procurement portfolio", responses={200: {"content": {_CSV: {}}}})  # fmt: skip
async def portfolio_api(key: OrgKey, session: SessionDep, matcher: MatcherDep, user: MaybeUser,
                        format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
                        invitation: Annotated[str | None, Query(max_length=100)] = None,
                        ) -> PortfolioOut | Response:  # fmt: skip
    """Categories with spend, concentration, potential, the strategic order, measures, fitting
    suppliers and the innovative share; ratings for the organisation's users or an invitation."""
    p = await run_in_threadpool(build_portfolio, session, key, matcher, user, invitation)
    return _csv(p) if format == "csv" else p


@router.get("/v1/organisations/{key}/portfolio.csv", response_class=Response, tags=["portfolio"],
            responses={200: {"content": {_CSV: {}}}}, summary="The portfolio as CSV")  # fmt: skip
async def portfolio_api_csv(key: OrgKey, session: SessionDep, matcher: MatcherDep,
                            user: MaybeUser) -> Response:  # fmt: skip
    """One row per category: figures, each measure's verdict, partners, fitting suppliers."""
    return _csv(await run_in_threadpool(build_portfolio, session, key, matcher, user))


def _png(p: PortfolioOut) -> Response:
    buf = io.BytesIO()
    portfolio_png(p, buf)
    return Response(buf.getvalue(), media_type="image/png",
                    headers={"cache-control": "private, max-age=60"})  # fmt: skip


@router.get("/v1/organisations/{key}/portfolio.png", response_class=Response, tags=["portfolio"],
            responses={200: {"content": {"image/png": {}}}}, summary="The strategic matrix chart")  # fmt: skip
async def portfolio_api_png(key: OrgKey, session: SessionDep, matcher: MatcherDep,
                            user: MaybeUser) -> Response:  # fmt: skip
    """Room for innovation against impact, the five most strategic categories in red."""
    return _png(await run_in_threadpool(build_portfolio, session, key, matcher, user))


@router.post("/v1/organisations/{key}/portfolio/invitations", response_model=InvitationOut,
             status_code=201, tags=["portfolio"], summary="Invite a stakeholder")  # fmt: skip
def invite_api(key: OrgKey, body: InvitationIn, session: SessionDep, user: ApiUser) -> InvitationOut:
    """A new invitation link (shown once) for the organisation's own users."""
    return invite(session, user, key, body.label)


@router.put("/v1/organisations/{key}/portfolio/settings", response_model=WeightIn,
            tags=["portfolio"], summary="How much stakeholders order the list")  # fmt: skip
def weight_api(key: OrgKey, body: WeightIn, session: SessionDep, user: ApiUser) -> WeightIn:
    """The organisation's choice: 0 = data alone, 1 = stakeholders' importance alone."""
    return WeightIn(stakeholder_weight=set_stakeholder_weight(session, user, key,
                                                              body.stakeholder_weight))  # fmt: skip


@router.post("/v1/portfolio/invitations/{token}/ratings", status_code=204, tags=["portfolio"],
             summary="Rate a category (invitation holders)")  # fmt: skip
def rate_api(token: Token, body: RatingIn, session: SessionDep) -> Response:
    """Importance 1-5 and a comment; rating the same category again replaces the rating."""
    rate_category(session, token, body.category, body.importance, body.comment)
    return Response(status_code=204)


def _page(request: Request, p: PortfolioOut, user: MaybeUser, session: SessionDep, key: str,
          token: str | None = None, new_link: InvitationOut | None = None) -> HTMLResponse:  # fmt: skip
    manage = p.ratings_visible and token is None and user is not None
    return render(request, "portfolio.html", {
        "p": p, "key": key, "token": token, "new_link": new_link,
        "invitations": list_invitations(session, user, key) if manage else [],
        "manage": manage, "png": f"/v1/organisations/{p.organisation_id}/portfolio.png"}, user)  # fmt: skip


@router.get("/organisations/{key}/portfolio", response_class=HTMLResponse,
            include_in_schema=False)  # fmt: skip
async def portfolio_page(request: Request, key: OrgKey, session: SessionDep, matcher: MatcherDep,
                         user: MaybeUser) -> HTMLResponse:  # fmt: skip
    """The portfolio page: matrix chart, the category table, measures and suppliers."""
    p = await run_in_threadpool(build_portfolio, session, key, matcher, user)
    return _page(request, p, user, session, key)


@router.post("/organisations/{key}/portfolio/invite", response_class=HTMLResponse,
             include_in_schema=False)  # fmt: skip
async def invite_page(request: Request, key: OrgKey, session: SessionDep, matcher: MatcherDep,
                      user: PageUser, label: Annotated[str, Form(max_length=200)] = "",
                      csrf_token: Annotated[str, Form()] = "") -> HTMLResponse:  # fmt: skip
    """Create an invitation and show its link once, on the portfolio page."""
    _form_csrf(request, csrf_token)
    new = invite(session, user, key, label)
    p = await run_in_threadpool(build_portfolio, session, key, matcher, user)
    return _page(request, p, user, session, key, new_link=new)


@router.post("/organisations/{key}/portfolio/weight", include_in_schema=False)
def weight_page(request: Request, key: OrgKey, session: SessionDep, user: PageUser,
                weight: Annotated[float, Form(ge=0.0, le=1.0)] = 0.0,
                csrf_token: Annotated[str, Form()] = "") -> RedirectResponse:  # fmt: skip
    """The organisation's choice of how much its stakeholders order the list."""
    _form_csrf(request, csrf_token)
    set_stakeholder_weight(session, user, key, weight)
    return RedirectResponse(f"/organisations/{key}/portfolio", status_code=303)


@router.get("/portfolio/invite/{token}", response_class=HTMLResponse, include_in_schema=False)
async def invitation_page(request: Request, token: Token, session: SessionDep,
                          matcher: MatcherDep, user: MaybeUser) -> HTMLResponse:  # fmt: skip
    """A stakeholder's view: the portfolio with a rating form per category and the aggregate."""
    key = str(invitation_organisation(session, token))
    p = await run_in_threadpool(build_portfolio, session, key, matcher, user, token)
    return _page(request, p, user, session, key, token)


@router.post("/portfolio/invite/{token}/rate", include_in_schema=False)
def rate_page(request: Request, token: Token, session: SessionDep,
              category: Annotated[str, Form(max_length=16)],
              importance: Annotated[int, Form(ge=1, le=5)],
              comment: Annotated[str, Form(max_length=2000)] = "",
              csrf_token: Annotated[str, Form()] = "") -> RedirectResponse:  # fmt: skip
    """Record the rating and return to the invitation page at that category."""
    _form_csrf(request, csrf_token)
    rate_category(session, token, category, importance, comment)
    return RedirectResponse(f"/portfolio/invite/{token}#cat-{category}", status_code=303)
