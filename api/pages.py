"""The web pages, served by the same app: describe a need, the broker's board, needs, clusters.

Pages call the same library functions as the JSON routes. Forms that change anything carry the
double-submit CSRF token; reading public analyses needs no account.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy import select

from matcher import broker
from matcher.broker.accounts import end_session
from matcher.broker.schemas import MARKS, MarkIn, NeedIn, NeedPatch
from matcher.exceptions import (
    AuthenticationError,
    InnomatchError,
    InvalidInputError,
    PermissionDeniedError,
)
from matcher.rank.explain import printed_parts
from matcher.schemas import MatchRequest
from matcher.store.broker_models import User
from matcher.store.models import Organisation, Procurement
from matcher.vocab import cpv_vocabulary
from matcher.vocab.regions import nuts_labels

from .broker_routes import set_login_cookies
from .deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    MatcherDep,
    MaybeUser,
    PageUser,
    SessionDep,
    csrf_ok,
)
from .i18n import LANG_COOKIE, LANGS, pick_lang, translator
from .routes import MAX_ID
from .security import guard_login

#: Ids in page paths are bounded like the API's (a larger one would overflow the database).
PageId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _cpv_label(code: str, lang: str, english: str = "") -> str:
    """A CPV code's label in the page's language (the vocabulary has fi, sv and en)."""
    return cpv_vocabulary().label(code, lang) or english


templates.env.globals["cpv_label"] = _cpv_label
# Parts of a score printed so that they add up to the printed score.
templates.env.globals["printed_parts"] = printed_parts
router = APIRouter(include_in_schema=False)


def render(request: Request, name: str, ctx: dict[str, Any], user: User | None,
           status: int = 200) -> HTMLResponse:  # fmt: skip
    """A page in the visitor's language, with a CSRF token for its forms."""
    lang = pick_lang(request)
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = templates.TemplateResponse(request, name, {
        **ctx, "lang": lang, "t": translator(lang), "user": user, "csrf": csrf}, status_code=status)  # fmt: skip
    if CSRF_COOKIE not in request.cookies:
        response.set_cookie(
            CSRF_COOKIE, csrf, samesite="strict", secure=request.url.scheme == "https"
        )
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(
            LANG_COOKIE, request.query_params["lang"], samesite="lax", max_age=31536000
        )
    return response


def _check_csrf(request: Request, token: str) -> None:
    if not csrf_ok(request, token):
        raise PermissionDeniedError(
            "the form is out of date or not from this site: reload and retry"
        )


def _fi_regions() -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in nuts_labels().items() if k.startswith("FI") and len(k) == 5)


@router.get("/", response_class=HTMLResponse)
def describe(request: Request, user: MaybeUser, matcher: MatcherDep, q: str = "",
             cpv: str = "") -> HTMLResponse:  # fmt: skip
    """Describe a need; see ranked suppliers, the need's innovation potential and route."""
    ctx: dict[str, Any] = {"q": q, "cpv": cpv, "result": None, "error": None}
    if q:
        try:
            ctx["result"] = matcher.match(MatchRequest(text=q, cpv=cpv.split(), k=10))
        except ValidationError as exc:
            ctx["error"] = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
        except InnomatchError as exc:
            ctx["error"] = str(exc)
    return render(request, "describe.html", ctx, user, 422 if ctx["error"] else 200)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: MaybeUser, next: str = "/board") -> HTMLResponse:
    """The sign-in form."""
    return render(request, "login.html", {"next": next, "failed": False, "email": ""}, user)


@router.post("/login", response_model=None)
def login(request: Request, session: SessionDep, email: Annotated[str, Form(max_length=320)],
          password: Annotated[str, Form(max_length=1000)], csrf_token: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/board") -> Response:  # fmt: skip
    """Sign in and go on to ``next`` (a local path only)."""
    _check_csrf(request, csrf_token)
    try:
        user = guard_login(request, email, lambda: broker.authenticate(session, email, password))
    except AuthenticationError:
        return render(
            request, "login.html", {"next": next, "failed": True, "email": email}, None, 401
        )
    # Only a path on this site: "//host" and "/\\host" would send the browser elsewhere.
    local = next.startswith("/") and not next.startswith(("//", "/\\")) and "\\" not in next
    target = next if local else "/board"
    response = RedirectResponse(target, status_code=303)
    set_login_cookies(response, broker.start_session(session, user), request)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep,
           csrf_token: Annotated[str, Form()] = "") -> RedirectResponse:  # fmt: skip
    """Sign out."""
    _check_csrf(request, csrf_token)
    end_session(session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/board", response_model=None)
def board(request: Request, user: PageUser, session: SessionDep, region: str = "",
          status: str = "") -> Response:  # fmt: skip
    """Needs by region and status, and the clusters (a company's board is its own page)."""
    from .company_pages import board_context  # it builds on this module's helpers

    if user.role == "company":
        return RedirectResponse("/company", status_code=303)
    needs = broker.list_needs(session, user, status or None, region or None)
    needs.sort(key=lambda n: (n.region or "", n.status, -n.id))
    return render(request, "board.html", {
        "needs": needs, "clusters": broker.list_clusters(session, user), "region": region,
        "status": status, "region_labels": nuts_labels(),
        **board_context(session, user)}, user)  # fmt: skip


def _buyers(session: SessionDep) -> list[Organisation]:
    ids = select(Procurement.buyer_id).where(Procurement.source != "decp").distinct()
    return list(session.scalars(select(Organisation).where(Organisation.id.in_(ids))
                                .order_by(Organisation.name)))  # fmt: skip


def _form_need(form: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        k: v.strip() for k, v in form.items() if k != "csrf_token" and v.strip()
    }
    if "cpv" in data:
        data["cpv"] = data["cpv"].replace(",", " ").split()
    if "region" in data:
        data["region"] = data["region"].upper()
    return data


def _need_form(request: Request, user: User, session: SessionDep, action: str, form: dict[str, Any],
               errors: list[str], need_id: PageId | None = None, status: int = 200) -> HTMLResponse:  # fmt: skip
    return render(request, "need_form.html", {
        "action": action, "form": form, "errors": errors, "need_id": need_id,
        "buyers": _buyers(session) if user.role == "broker" else [], "regions": _fi_regions()},
        user, status)  # fmt: skip


def _errors(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(map(str, e['loc'])) or 'form'}: {e['msg']}" for e in exc.errors()]


@router.get("/needs/new", response_model=None)
def new_need(request: Request, user: PageUser, session: SessionDep) -> Response:
    """The form to record a need."""
    region = (
        user.region
        if user.role == "broker"
        else (user.organisation.region if user.organisation else "")
    )
    return _need_form(request, user, session, "/needs/new", {"region": region or ""}, [])


@router.post("/needs/new", response_model=None)
async def create_need(request: Request, user: PageUser, session: SessionDep,
                      matcher: MatcherDep) -> Response:  # fmt: skip
    """Record the need; invalid input comes back with the form, nothing lost."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    _check_csrf(request, form.get("csrf_token", ""))
    try:
        data = NeedIn(**_form_need(form))
    except ValidationError as exc:
        return _need_form(request, user, session, "/needs/new", form, _errors(exc), status=422)
    need = await run_in_threadpool(broker.create_need, session, user, data, matcher)
    return RedirectResponse(f"/needs/{need.id}", status_code=303)


@router.get("/needs/{need_id}", response_model=None)
def need_page(request: Request, need_id: PageId, user: PageUser, session: SessionDep,
              matcher: MatcherDep) -> Response:  # fmt: skip
    """A need: details, potential, shortlist, ranking with marks, market view."""
    from .company_pages import need_context  # it builds on this module's helpers

    need = broker.get_need(session, user, need_id)
    sl = broker.shortlist(session, user, need_id, matcher, k=10)
    return render(request, "need.html", {
        "need": need, "shortlist": sl, "potential": sl.need_innovation, "marks": MARKS,
        "kept": {e.supplier_id: e.mark for e in sl.entries},
        "view": broker.need_market(session, user, need_id, matcher),
        **need_context(session, user, need_id)}, user)  # fmt: skip


@router.get("/needs/{need_id}/edit", response_model=None)
def edit_need(request: Request, need_id: PageId, user: PageUser, session: SessionDep) -> Response:
    """The form to change a need."""
    n = broker.get_need(session, user, need_id)
    form = {**n.model_dump(), "cpv": " ".join(n.cpv)}
    return _need_form(request, user, session, f"/needs/{need_id}/edit", form, [], need_id)


@router.post("/needs/{need_id}/edit", response_model=None)
async def save_need(request: Request, need_id: PageId, user: PageUser, session: SessionDep,
                    matcher: MatcherDep) -> Response:  # fmt: skip
    """Save the changes; invalid input comes back with the form."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    _check_csrf(request, form.get("csrf_token", ""))
    data = _form_need(form)
    data.pop("buyer_id", None)
    for key in ("description", "contact", "cpv"):
        data.setdefault(key, [] if key == "cpv" else "")
    try:
        patch = NeedPatch(**data)
    except ValidationError as exc:
        return _need_form(request, user, session, f"/needs/{need_id}/edit", form, _errors(exc),
                          need_id, 422)  # fmt: skip
    await run_in_threadpool(broker.update_need, session, user, need_id, patch, matcher)
    return RedirectResponse(f"/needs/{need_id}", status_code=303)


@router.post("/needs/{need_id}/close", response_model=None)
def close_need(request: Request, need_id: PageId, user: PageUser, session: SessionDep,
               matcher: MatcherDep, csrf_token: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    """Close the need (it leaves its cluster)."""
    _check_csrf(request, csrf_token)
    broker.update_need(session, user, need_id, NeedPatch(status="closed"), matcher)
    return RedirectResponse(f"/needs/{need_id}", status_code=303)


@router.post("/needs/{need_id}/mark", response_model=None)
def mark_supplier(request: Request, need_id: PageId, user: PageUser, session: SessionDep,
                  supplier_id: Annotated[int, Form(ge=1, le=MAX_ID)], mark: Annotated[str, Form()],
                  note: Annotated[str, Form(max_length=2000)] = "",
                  rank: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
                  csrf_token: Annotated[str, Form()] = "") -> Response:  # fmt: skip
    """Keep a supplier on the need's shortlist with a mark and a note."""
    _check_csrf(request, csrf_token)
    try:
        data = MarkIn(mark=mark, note=note, rank=rank)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise InvalidInputError("; ".join(_errors(exc))) from exc
    broker.mark(session, user, need_id, supplier_id, data)
    return RedirectResponse(f"/needs/{need_id}#shortlist", status_code=303)


@router.get("/clusters/{cluster_id}", response_model=None)
def cluster_page(request: Request, cluster_id: PageId, user: PageUser, session: SessionDep,
                 matcher: MatcherDep) -> Response:  # fmt: skip
    """A cluster: why its needs belong together, members, ranking, market view."""
    return render(request, "cluster.html", {
        "cluster": broker.get_cluster(session, user, cluster_id),
        "ranking": broker.cluster_ranking(session, user, cluster_id, matcher, k=10),
        "view": broker.cluster_market(session, user, cluster_id, matcher)}, user)  # fmt: skip
