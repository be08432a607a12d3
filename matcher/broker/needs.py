"""Needs: record, edit, close, list and read them, with access checked on every call.

A buyer records needs of its own organisation; a broker records them on a buyer's behalf within
its region. Every change re-groups the open needs into clusters (see :mod:`.clusters`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..exceptions import InvalidInputError, NotFoundError, PermissionDeniedError
from ..store.broker_models import Need, User
from ..store.models import Organisation
from ..vocab import cpv_vocabulary
from .accounts import can_access
from .clusters import recluster
from .schemas import CpvSuggestion, NeedIn, NeedOut, NeedPatch, range_error

if TYPE_CHECKING:
    from ..service import Matcher


def need_out(n: Need) -> NeedOut:
    """The API shape of a need."""
    vocab = cpv_vocabulary()
    return NeedOut(
        id=n.id, buyer_id=n.buyer_id, buyer_name=n.buyer.name if n.buyer else None,
        region=n.region, title=n.title, description=n.description, cpv=list(n.cpv or []),
        cpv_labels={c: vocab.label(c) or "" for c in (n.cpv or []) if c in vocab},
        cpv_suggested=[CpvSuggestion(**s) for s in n.cpv_suggested or []],
        budget_min=n.budget_min, budget_max=n.budget_max, start=n.start, end=n.end,
        contact=n.contact, status=n.status, cluster_id=n.cluster_id, created_at=n.created_at,
        updated_at=n.updated_at,
    )  # fmt: skip


def need_text(n: Need) -> str:
    """The text a need is ranked and clustered by."""
    return f"{n.title}. {n.description}".strip()


def load_need(session: Session, user: User, need_id: int) -> Need:
    """The need, if ``user`` may reach it.

    Raises:
        NotFoundError: if there is no such need.
        PermissionDeniedError: if it belongs to another buyer or region.
    """
    need = session.get(Need, need_id)
    if need is None:
        raise NotFoundError(f"no need {need_id}")
    if not can_access(user, need):
        raise PermissionDeniedError(f"need {need_id} belongs to another buyer or region")
    return need


def _suggest(matcher: Matcher, need: Need) -> None:
    vocab = cpv_vocabulary()
    need.cpv_suggested = [] if need.cpv else [
        {"code": c, "label": vocab.label(c) or "", "score": s}
        for c, s in matcher.suggest_cpv(need_text(need))
    ]  # fmt: skip


def create_need(session: Session, user: User, data: NeedIn, matcher: Matcher) -> NeedOut:
    """Record a need; CPV codes are suggested from the text when none are given.

    Raises:
        InvalidInputError: if a broker gives no buyer or no region.
        NotFoundError: if the buyer organisation does not exist.
        PermissionDeniedError: if a buyer records for another organisation, a broker outside
            its region, or a company at all.
    """
    if user.role not in ("buyer", "broker"):
        raise PermissionDeniedError("only buyers and brokers record needs")
    if user.role == "buyer":
        if data.buyer_id not in (None, user.organisation_id):
            raise PermissionDeniedError("a buyer records needs of its own organisation only")
        buyer_id = user.organisation_id
    else:
        if data.buyer_id is None or not data.region:
            raise InvalidInputError("a broker records a need with its buyer_id and region")
        buyer_id = data.buyer_id
    buyer = session.get(Organisation, buyer_id)
    if buyer is None or buyer_id is None:
        raise NotFoundError(f"no organisation {buyer_id}")
    need = Need(buyer_id=buyer_id, created_by=user.id, region=data.region or buyer.region,
                title=data.title, description=data.description.strip(), cpv=data.cpv,
                budget_min=data.budget_min, budget_max=data.budget_max, start=data.start,
                end=data.end, contact=data.contact.strip(), status="open")  # fmt: skip
    if not can_access(user, need):
        raise PermissionDeniedError(f"region {need.region} is outside your region {user.region}")
    _suggest(matcher, need)
    session.add(need)
    session.flush()
    recluster(session, matcher.embedder)
    session.refresh(need)
    return need_out(need)


def update_need(session: Session, user: User, need_id: int, patch: NeedPatch,
                matcher: Matcher) -> NeedOut:  # fmt: skip
    """Change a need (closing it is ``status: closed``).

    Raises:
        NotFoundError, PermissionDeniedError: as :func:`load_need`; PermissionDeniedError too if
            a broker would move it out of its region.
        InvalidInputError: if the budget or dates end up reversed.
    """
    need = load_need(session, user, need_id)
    changes = patch.model_dump(exclude_unset=True)
    for field, value in changes.items():
        setattr(
            need, field, value.strip() if isinstance(value, str) and field != "status" else value
        )
    if not can_access(user, need):
        raise PermissionDeniedError(f"region {need.region} is outside your region")
    error = range_error(need.budget_min, need.budget_max, need.start, need.end)
    if error:
        raise InvalidInputError(error)
    if {"title", "description", "cpv"} & set(changes):
        _suggest(matcher, need)
    session.flush()
    recluster(session, matcher.embedder)
    session.refresh(need)
    return need_out(need)


def list_needs(session: Session, user: User, status: str | None = None,
               region: str | None = None) -> list[NeedOut]:  # fmt: skip
    """The needs ``user`` may see, newest first, optionally by status and region prefix."""
    q = select(Need).order_by(Need.created_at.desc(), Need.id.desc())
    if status:
        q = q.where(Need.status == status)
    if user.role == "buyer":
        q = q.where(Need.buyer_id == user.organisation_id)
    needs = [n for n in session.scalars(q) if can_access(user, n)]
    if region:
        needs = [n for n in needs if (n.region or "").startswith(region.upper())]
    return [need_out(n) for n in needs]


def get_need(session: Session, user: User, need_id: int) -> NeedOut:
    """One need (see :func:`load_need` for the errors)."""
    return need_out(load_need(session, user, need_id))
