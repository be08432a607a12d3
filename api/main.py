"""The FastAPI application: routes, error mapping, and the shared matcher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from matcher.broker.accounts import user_for_session
from matcher.exceptions import (
    AuthenticationError,
    ConflictError,
    InnomatchError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from matcher.service import Matcher
from matcher.settings import Settings, get_settings
from matcher.store.db import session_scope

from .broker_routes import router as broker_router
from .company_pages import router as company_pages_router
from .company_routes import feed_router as company_feed_router
from .company_routes import router as company_router
from .deps import SESSION_COOKIE
from .pages import render, templates
from .pages import router as pages_router
from .portfolio_routes import router as portfolio_router
from .routes import router
from .security import (
    AppLimits,
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
    rate_limited,
    validation_error,
)

_STATUS = {NotFoundError: 404, ConflictError: 409, InvalidInputError: 422,
           AuthenticationError: 401, PermissionDeniedError: 403, RateLimitedError: 429}  # fmt: skip


def create_app(settings: Settings | None = None, matcher: Matcher | None = None) -> FastAPI:
    """Build the app; tests pass their own settings or matcher."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.matcher = matcher or Matcher(settings)
        if app.state.matcher.index_ready():
            # Load the index and the model before the first request, not during it.
            await run_in_threadpool(app.state.matcher.warm_up)
        # Compile every page template now: the first visit of a page would compile its
        # template and macros during the request.
        for name in templates.env.list_templates(extensions=["html"]):
            templates.env.get_template(name)
        yield

    app = FastAPI(
        title="innomatch",
        version="0.1.0",
        description="Supplier-buyer matching for public procurement, before tendering.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.limits = AppLimits.from_settings(settings)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.api_max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.include_router(router)
    app.include_router(broker_router)
    app.include_router(company_router)
    app.include_router(company_feed_router)

    app.include_router(pages_router)
    app.include_router(company_pages_router)
    app.include_router(portfolio_router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")

    @app.exception_handler(InnomatchError)
    async def _innomatch_error(request: Request, exc: InnomatchError) -> Response:
        status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 400)
        body: dict[str, Any] = {"detail": str(exc), "error": type(exc).__name__}
        if isinstance(exc, RateLimitedError) and request.url.path.startswith("/v1"):
            return rate_limited(exc, body)
        if isinstance(exc, InvalidInputError):
            # The shape of FastAPI's own 422 (the one the schema documents), with the reason.
            body["detail"] = [{"loc": ["body"], "msg": str(exc), "type": "value_error"}]
        if request.url.path.startswith("/v1"):
            return JSONResponse(status_code=status, content=body)
        # Pages answer people: a sign-in page for 401, a readable error page for the rest.
        if status == 401:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
        with session_scope(settings.database_url) as session:
            user = user_for_session(session, request.cookies.get(SESSION_COOKIE))
            page = render(request, "error.html", {"status": status, "message": str(exc)}, user,
                          status)  # fmt: skip
            if isinstance(exc, RateLimitedError):
                page.headers["Retry-After"] = rate_limited(exc, body).headers["Retry-After"]
            return page

    return app


app = create_app()
