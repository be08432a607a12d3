"""Dependency aliases for the routes (``Annotated`` types, FastAPI style), and sign-in.

A request is signed in by an API key (``Authorization: Bearer im_...``) or by the session cookie
of the pages. A cookie is sent by the browser on its own, so any state-changing request signed
in by cookie must also prove it came from our page: the double-submit CSRF token, in the
``X-CSRF-Token`` header (API) or the ``csrf_token`` form field (pages, checked there).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from matcher.broker.accounts import user_for_api_key, user_for_session
from matcher.exceptions import AuthenticationError, PermissionDeniedError
from matcher.service import Matcher
from matcher.settings import Settings
from matcher.store.broker_models import User
from matcher.store.db import session_scope

from .security import match_rate

SESSION_COOKIE = "im_session"
CSRF_COOKIE = "im_csrf"
_SAFE = {"GET", "HEAD", "OPTIONS"}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _session(settings: Annotated[Settings, Depends(_settings)]) -> Iterator[Session]:
    with session_scope(settings.database_url) as session:
        yield session


def _matcher(request: Request) -> Matcher:
    matcher: Matcher = request.app.state.matcher
    return matcher


def csrf_ok(request: Request, token: str | None) -> bool:
    """True if ``token`` matches the CSRF cookie of this browser."""
    cookie = request.cookies.get(CSRF_COOKIE)
    return bool(cookie and token and secrets.compare_digest(cookie, token))


def _signed_in(
    request: Request, session: Annotated[Session, Depends(_session, scope="function")]
) -> User | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        user = user_for_api_key(session, auth[7:].strip())
        if user is None:
            raise AuthenticationError("invalid API key")
        return user
    return user_for_session(session, request.cookies.get(SESSION_COOKIE))


def _api_user(request: Request, user: Annotated[User | None, Depends(_signed_in)]) -> User:
    if user is None:
        raise AuthenticationError("sign in first: POST /v1/auth/login, or send an API key")
    by_cookie = not request.headers.get("authorization")
    if (
        by_cookie
        and request.method not in _SAFE
        and not csrf_ok(request, request.headers.get("x-csrf-token"))
    ):
        raise PermissionDeniedError("missing or wrong X-CSRF-Token for a cookie-signed request")
    return user


def _page_user(user: Annotated[User | None, Depends(_signed_in)]) -> User:
    if user is None:
        # The app answers this on a page with a redirect to the sign-in form.
        raise AuthenticationError("sign in first")
    return user


SettingsDep = Annotated[Settings, Depends(_settings)]
#: Counts the call against the client's match rate (429 past it).
MatchRate = Depends(match_rate)
#: The transaction commits before the response leaves ("function" scope): a browser that follows
#: a redirect right after a change (sign-in, a new need) must find it in the database.
SessionDep = Annotated[Session, Depends(_session, scope="function")]
MatcherDep = Annotated[Matcher, Depends(_matcher)]
#: The signed-in user, or None (pages that work for everyone).
MaybeUser = Annotated[User | None, Depends(_signed_in)]
#: The signed-in user of an API call (401 without one; CSRF checked for cookie sessions).
ApiUser = Annotated[User, Depends(_api_user)]
#: The signed-in user of a page (forms check their CSRF token themselves).
PageUser = Annotated[User, Depends(_page_user)]
