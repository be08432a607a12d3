"""Routes of the broker workflow: sign-in, needs, clusters, shortlists, market views.

Each calls one library function of ``matcher.broker`` with the signed-in user, which checks what
that user may read or change.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from matcher import broker
from matcher.broker.accounts import end_session
from matcher.broker.schemas import (
    ClusterOut,
    CpvSuggestion,
    MarketView,
    MarkIn,
    NeedIn,
    NeedOut,
    NeedPatch,
    ShortlistEntryOut,
    ShortlistOut,
    UserOut,
)
from matcher.schemas import RequestModel
from matcher.store.broker_models import User
from matcher.vocab import cpv_vocabulary

from .deps import CSRF_COOKIE, SESSION_COOKIE, ApiUser, MatcherDep, SessionDep
from .routes import MAX_ID
from .security import guard_login

router = APIRouter(prefix="/v1")
NeedId = Annotated[int, Path(ge=1, le=MAX_ID)]
SupplierId = Annotated[int, Path(ge=1, le=MAX_ID)]
ClusterId = Annotated[int, Path(ge=1, le=MAX_ID)]


class Login(RequestModel):
    """E-mail and password."""

    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)


class LoginOut(BaseModel):
    """The signed-in user and the CSRF token to send as ``X-CSRF-Token`` with changes."""

    user: UserOut
    csrf_token: str


class ApiKeyOut(BaseModel):
    """A new API key: shown once."""

    api_key: str


class SuggestIn(RequestModel):
    """A need's text."""

    text: str = Field(min_length=3, max_length=5000)


def user_out(u: User) -> UserOut:
    """The API shape of an account."""
    return UserOut(id=u.id, email=u.email, role=u.role, organisation_id=u.organisation_id,
                   organisation_name=u.organisation.name if u.organisation else None,
                   region=u.region)  # fmt: skip


def set_login_cookies(response: Response, token: str, request: Request) -> str:
    """Session and CSRF cookies for a browser that just signed in; returns the CSRF token."""
    secure = request.url.scheme == "https"
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure,
                        max_age=8 * 3600)  # fmt: skip
    response.set_cookie(CSRF_COOKIE, csrf, samesite="strict", secure=secure)
    return csrf


@router.post("/auth/login", response_model=LoginOut, summary="Sign in (session cookie)")
def login(body: Login, request: Request, response: Response, session: SessionDep) -> LoginOut:
    """Check e-mail and password; sets the session cookie and returns the CSRF token."""
    user = guard_login(request, body.email,
                       lambda: broker.authenticate(session, body.email, body.password))  # fmt: skip
    csrf = set_login_cookies(response, broker.start_session(session, user), request)
    return LoginOut(user=user_out(user), csrf_token=csrf)


@router.post("/auth/logout", status_code=204, summary="Sign out")
def logout(request: Request, response: Response, session: SessionDep, user: ApiUser) -> None:
    """End the session of this browser."""
    end_session(session, request.cookies.get(SESSION_COOKIE))
    response.delete_cookie(SESSION_COOKIE)


@router.post("/auth/api-key", response_model=ApiKeyOut, summary="Issue an API key")
def api_key(session: SessionDep, user: ApiUser) -> ApiKeyOut:
    """A new API key for the signed-in user (the previous one stops working)."""
    return ApiKeyOut(api_key=broker.issue_api_key(session, user))


@router.get("/me", response_model=UserOut, summary="The signed-in user")
def me(user: ApiUser) -> UserOut:
    """Who is signed in."""
    return user_out(user)


@router.post("/cpv/suggest", response_model=list[CpvSuggestion], summary="CPV codes for a text")
def suggest(body: SuggestIn, matcher: MatcherDep) -> list[CpvSuggestion]:
    """The CPV codes of the nearest past contracts, with their vote shares (no sign-in)."""
    vocab = cpv_vocabulary()
    return [CpvSuggestion(code=c, label=vocab.label(c) or "", score=s)
            for c, s in matcher.suggest_cpv(body.text)]  # fmt: skip


@router.get("/needs", response_model=list[NeedOut], summary="Needs you may see")
def needs(
    session: SessionDep, user: ApiUser,
    status: Annotated[str | None, Query(pattern="^(open|closed)$")] = None,
    region: Annotated[str | None, Query(max_length=5)] = None,
) -> list[NeedOut]:  # fmt: skip
    """A buyer's own needs, or a broker's region's, newest first."""
    return broker.list_needs(session, user, status, region)


@router.post("/needs", response_model=NeedOut, status_code=201, summary="Record a need")
def create(body: NeedIn, session: SessionDep, user: ApiUser, matcher: MatcherDep) -> NeedOut:
    """Record a need (CPV codes suggested when none given); clusters are recomputed."""
    return broker.create_need(session, user, body, matcher)


@router.get("/needs/{need_id}", response_model=NeedOut, summary="A need")
def need(need_id: NeedId, session: SessionDep, user: ApiUser) -> NeedOut:
    """One need you may see."""
    return broker.get_need(session, user, need_id)


@router.patch("/needs/{need_id}", response_model=NeedOut, summary="Edit or close a need")
def edit(need_id: NeedId, body: NeedPatch, session: SessionDep, user: ApiUser,
         matcher: MatcherDep) -> NeedOut:  # fmt: skip
    """Change fields of a need; ``{"status": "closed"}`` closes it."""
    return broker.update_need(session, user, need_id, body, matcher)


@router.get("/needs/{need_id}/shortlist", response_model=ShortlistOut, summary="Shortlist")
def need_shortlist(need_id: NeedId, session: SessionDep, user: ApiUser, matcher: MatcherDep,
                   k: Annotated[int, Query(ge=1, le=100)] = 20) -> ShortlistOut:  # fmt: skip
    """The ranked suppliers for the need and the ones kept, with marks."""
    return broker.shortlist(session, user, need_id, matcher, k)


@router.put("/needs/{need_id}/shortlist/{supplier_id}", response_model=ShortlistEntryOut,
            summary="Keep or mark a supplier")  # fmt: skip
def put_mark(need_id: NeedId, supplier_id: SupplierId, body: MarkIn, session: SessionDep,
             user: ApiUser) -> ShortlistEntryOut:  # fmt: skip
    """Keep a supplier for the need with a mark (relevant, not relevant, contacted) and a note."""
    return broker.mark(session, user, need_id, supplier_id, body)


@router.delete("/needs/{need_id}/shortlist/{supplier_id}", status_code=204,
               summary="Drop a supplier")  # fmt: skip
def drop(need_id: NeedId, supplier_id: SupplierId, session: SessionDep, user: ApiUser) -> None:
    """Take a supplier off the shortlist."""
    broker.remove(session, user, need_id, supplier_id)


@router.get("/needs/{need_id}/shortlist.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}}, summary="Shortlist as CSV")  # fmt: skip
def shortlist_csv(need_id: NeedId, session: SessionDep, user: ApiUser) -> Response:
    """The kept suppliers with marks and notes, as a CSV download."""
    return Response(broker.export_csv(session, user, need_id), media_type="text/csv",
                    headers={"content-disposition":
                             f'attachment; filename="shortlist-need-{need_id}.csv"'})  # fmt: skip


@router.get("/needs/{need_id}/market", response_model=MarketView, summary="Market view")
def need_market(need_id: NeedId, session: SessionDep, user: ApiUser,
                matcher: MatcherDep) -> MarketView:  # fmt: skip
    """Who bought similar things, who won, competition and values by year."""
    return broker.need_market(session, user, need_id, matcher)


@router.get("/clusters", response_model=list[ClusterOut], summary="Clusters of similar needs")
def clusters(session: SessionDep, user: ApiUser) -> list[ClusterOut]:
    """Clusters holding at least one need you may see."""
    return broker.list_clusters(session, user)


@router.get("/clusters/{cluster_id}", response_model=ClusterOut, summary="A cluster")
def cluster(cluster_id: ClusterId, session: SessionDep,
            user: ApiUser) -> ClusterOut:  # fmt: skip
    """A cluster: members you may see, label and reasons."""
    return broker.get_cluster(session, user, cluster_id)


@router.get("/clusters/{cluster_id}/shortlist", response_model=ShortlistOut,
            summary="Ranking for a cluster")  # fmt: skip
def cluster_shortlist(cluster_id: ClusterId, session: SessionDep,
                      user: ApiUser, matcher: MatcherDep) -> ShortlistOut:  # fmt: skip
    """Suppliers ranked for the cluster's needs taken together."""
    return broker.cluster_ranking(session, user, cluster_id, matcher)


@router.get("/clusters/{cluster_id}/market", response_model=MarketView,
            summary="Market view of a cluster")  # fmt: skip
def cluster_market(cluster_id: ClusterId, session: SessionDep,
                   user: ApiUser, matcher: MatcherDep) -> MarketView:  # fmt: skip
    """The market view of the cluster's needs taken together."""
    return broker.cluster_market(session, user, cluster_id, matcher)
