"""The FastAPI application: routes, error mapping, and the shared matcher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from matcher.exceptions import ConflictError, InnomatchError, InvalidInputError, NotFoundError
from matcher.service import Matcher
from matcher.settings import Settings, get_settings

from .routes import router

_STATUS = {NotFoundError: 404, ConflictError: 409, InvalidInputError: 422}


def create_app(settings: Settings | None = None, matcher: Matcher | None = None) -> FastAPI:
    """Build the app; tests pass their own settings or matcher."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.matcher = matcher or Matcher(settings)
        if app.state.matcher.index_ready():
            # Load the index and the model before the first request, not during it.
            await run_in_threadpool(app.state.matcher.warm_up)
        yield

    app = FastAPI(
        title="innomatch",
        version="0.1.0",
        description="Supplier-buyer matching for public procurement, before tendering.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.include_router(router)

    @app.exception_handler(InnomatchError)
    async def _innomatch_error(_request: Request, exc: InnomatchError) -> JSONResponse:
        status = next((code for cls, code in _STATUS.items() if isinstance(exc, cls)), 400)
        return JSONResponse(
            status_code=status, content={"detail": str(exc), "error": type(exc).__name__}
        )

    return app


app = create_app()
