"""Dependency aliases for the routes (``Annotated`` types, FastAPI style)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from matcher.service import Matcher
from matcher.settings import Settings
from matcher.store.db import session_scope


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _session(settings: Annotated[Settings, Depends(_settings)]) -> Iterator[Session]:
    with session_scope(settings.database_url) as session:
        yield session


def _matcher(request: Request) -> Matcher:
    matcher: Matcher = request.app.state.matcher
    return matcher


SettingsDep = Annotated[Settings, Depends(_settings)]
SessionDep = Annotated[Session, Depends(_session)]
MatcherDep = Annotated[Matcher, Depends(_matcher)]
