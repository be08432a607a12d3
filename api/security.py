"""HTTP protections: body size limit, security headers, rate limits, safe validation errors.

The limits themselves live in ``matcher.limits``; this module applies them to requests.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matcher.exceptions import AuthenticationError, RateLimitedError
from matcher.limits import Rate, RateLimiter, retry_seconds
from matcher.settings import Settings

__all__ = ["AppLimits", "BodyLimitMiddleware", "SecurityHeadersMiddleware", "guard_login",
           "match_rate", "proposal_rate", "rate_limited", "signup_rate", "validation_error"]  # fmt: skip

T = TypeVar("T")
#: The one inline style of the pages (the chart's ``style="max-width:100%"``), allowed by hash.
_CHART_STYLE = "max-width:100%"
_STYLE_HASH = (
    "sha256-"
    + __import__("base64").b64encode(hashlib.sha256(_CHART_STYLE.encode()).digest()).decode()
)
#: The pages have no script: nothing but our own styles and images, no framing, no plugins.
#: (``connect-src 'self'``: no script of the pages runs, but a browser's own tools may fetch.)
CSP = ("default-src 'none'; style-src 'self' 'unsafe-hashes' '" + _STYLE_HASH + "'; "
       "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")  # fmt: skip
#: FastAPI's interactive docs load their script and styles from a CDN: a looser policy there.
_DOCS_CSP = ("default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
             "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: "
             "https://fastapi.tiangolo.com; connect-src 'self'; frame-ancestors 'none'")  # fmt: skip
_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin")]  # fmt: skip


class SecurityHeadersMiddleware:
    """Adds the security headers (strict CSP, nosniff, no framing, referrer policy) to every
    response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"] in ("/docs", "/redoc", "/docs/oauth2-redirect")
        csp = (_DOCS_CSP if docs else CSP).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(b"content-security-policy", csp), *_HEADERS]
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in present
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Answers 413 to a request body over ``max_bytes``, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await _too_large(self.max_bytes)(scope, receive, send)
            return
        seen, started = 0, False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _BodyTooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _BodyTooLarge:
            if not started:
                await _too_large(self.max_bytes)(scope, receive, send)


def _too_large(max_bytes: int) -> Response:
    return JSONResponse({"detail": f"request body larger than {max_bytes} bytes",
                         "error": "PayloadTooLarge"}, status_code=413)  # fmt: skip


@dataclass
class AppLimits:
    """The rate limiters of one app (one process), built from its settings."""

    login_account: RateLimiter
    login_address: RateLimiter
    match_anonymous: RateLimiter
    match_api_key: RateLimiter
    proposal_account: RateLimiter | None = None
    proposal_address: RateLimiter | None = None
    signup_address: RateLimiter | None = None

    @classmethod
    def from_settings(cls, s: Settings) -> AppLimits:
        """Limiters with the rates set in ``s``."""
        window = float(s.login_window_s)
        return cls(RateLimiter(Rate(s.login_failures_per_account, window)),
                   RateLimiter(Rate(s.login_failures_per_address, window)),
                   RateLimiter(Rate(s.match_per_minute_anonymous, 60.0)),
                   RateLimiter(Rate(s.match_per_minute_api_key, 60.0)),
                   RateLimiter(Rate(s.proposals_per_hour_account, 3600.0)),
                   RateLimiter(Rate(s.proposals_per_hour_address, 3600.0)),
                   RateLimiter(Rate(s.signups_per_hour_address, 3600.0)))  # fmt: skip


def _limits(request: Request) -> AppLimits:
    limits: AppLimits = request.app.state.limits
    return limits


def client_address(request: Request) -> str:
    """The client's address as the server sees it (a proxy in front should set it right)."""
    return request.client.host if request.client else "unknown"


def guard_login(request: Request, email: str, attempt: Callable[[], T]) -> T:
    """Run a sign-in ``attempt`` unless the account or the address spent its failed attempts.

    Raises:
        RateLimitedError: too many failed attempts lately (429 with ``Retry-After``).
        AuthenticationError: wrong e-mail or password (counted).
    """
    limits = _limits(request)
    account, address = f"account:{email.strip().lower()}", f"address:{client_address(request)}"
    wait = max(limits.login_account.retry_after(account),
               limits.login_address.retry_after(address))  # fmt: skip
    if wait > 0:
        raise RateLimitedError("failed sign-in attempts", wait)
    try:
        return attempt()
    except AuthenticationError:
        limits.login_account.hit(account)
        limits.login_address.hit(address)
        raise


def match_rate(request: Request) -> None:
    """Count one ``/v1/match`` call of this client: per API key, else per address.

    Raises:
        RateLimitedError: past the rate of the client (429 with ``Retry-After``).
    """
    limits = _limits(request)
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        key = hashlib.sha256(auth[7:].strip().encode("utf-8", "replace")).hexdigest()
        limits.match_api_key.check(f"key:{key}", "matches per minute for this API key")
    else:
        limits.match_anonymous.check(f"address:{client_address(request)}",
                                     "matches per minute from this address")  # fmt: skip


def proposal_rate(request: Request, user_id: int) -> None:
    """Count one proposal of this account and this address.

    Raises:
        RateLimitedError: past either rate (429 with ``Retry-After``).
    """
    limits = _limits(request)
    assert limits.proposal_account and limits.proposal_address
    address = f"address:{client_address(request)}"
    wait = max(limits.proposal_account.retry_after(f"account:{user_id}"),
               limits.proposal_address.retry_after(address))  # fmt: skip
    if wait > 0:
        raise RateLimitedError("proposals per hour", wait)
    limits.proposal_account.hit(f"account:{user_id}")
    limits.proposal_address.hit(address)


def signup_rate(request: Request) -> None:
    """Count one company sign-up from this address.

    Raises:
        RateLimitedError: past the rate (429 with ``Retry-After``).
    """
    limiter = _limits(request).signup_address
    assert limiter
    limiter.check(f"address:{client_address(request)}", "sign-ups per hour from this address")


def rate_limited(exc: RateLimitedError, body: dict[str, Any]) -> JSONResponse:
    """The 429 answer to ``exc`` with its ``Retry-After``."""
    return JSONResponse(body, status_code=429,
                        headers={"Retry-After": str(retry_seconds(exc.retry_after))})  # fmt: skip


def _safe(value: Any) -> Any:
    """``value`` if it encodes as strict UTF-8 JSON, else its ASCII ``repr``."""
    try:
        json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
        return value
    except (TypeError, ValueError):
        return repr(value) if not isinstance(value, float) or math.isfinite(value) else str(value)


async def validation_error(request: Request, exc: Exception) -> Response:
    """422 with the errors of the request, whatever they hold (a NaN, a lone surrogate)."""
    assert isinstance(exc, RequestValidationError)
    errors = [{k: _safe(v) for k, v in e.items() if k in ("type", "loc", "msg", "input")}
              for e in exc.errors()]  # fmt: skip
    return JSONResponse({"detail": errors}, status_code=422)
