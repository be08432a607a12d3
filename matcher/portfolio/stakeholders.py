"""Stakeholders take part: invitations by link, importance ratings and comments, aggregates.

An organisation's users (its buyers) invite stakeholders; the link carries a random 256-bit token
stored only as its SHA-256 digest, as the API keys are. Whoever holds the link may rate each of
the organisation's categories 1-5 and comment; rating again replaces the earlier rating. The
organisation decides how much the ratings order its strategic list.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..exceptions import InvalidInputError, NotFoundError, PermissionDeniedError
from ..store.broker_models import User
from ..store.models import Organisation
from ..store.portfolio_models import PortfolioInvitation, PortfolioRating, PortfolioSetting
from .schemas import InvitationOut, RatingSummary

__all__ = ["aggregate", "can_manage", "create_invitation", "invitation_for_token",
           "invitations", "rate", "set_weight", "stakeholder_weight"]  # fmt: skip

_DAYS = 60
_MAX_COMMENT = 2000


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def can_manage(user: User | None, org: Organisation) -> bool:
    """The organisation's own buyers manage its invitations and its setting."""
    return user is not None and user.role == "buyer" and user.organisation_id == org.id


def _require(user: User | None, org: Organisation) -> User:
    if user is None or not can_manage(user, org):
        raise PermissionDeniedError("only the organisation's own users invite stakeholders")
    return user


def create_invitation(session: Session, user: User | None, org: Organisation,
                      label: str) -> tuple[PortfolioInvitation, str]:  # fmt: skip
    """A new invitation; returns it and its token (shown once, never stored).

    Raises:
        PermissionDeniedError: if ``user`` does not act for the organisation.
        InvalidInputError: for an empty or over-long label.
    """
    user = _require(user, org)
    label = " ".join(label.split())
    if not label or len(label) > 200:
        raise InvalidInputError("label: 1-200 characters naming who is invited (e.g. a council)")
    token = secrets.token_urlsafe(32)
    inv = PortfolioInvitation(organisation_id=org.id, token_hash=_digest(token), label=label,
                              created_by=user.id, revoked=False,
                              expires_at=datetime.now() + timedelta(days=_DAYS))  # fmt: skip
    session.add(inv)
    session.flush()
    return inv, token


def invitation_for_token(session: Session, token: str) -> PortfolioInvitation:
    """The live invitation of a link's token.

    Raises:
        NotFoundError: if the token is unknown, revoked or expired (one answer for all three).
    """
    inv = session.scalar(
        select(PortfolioInvitation).where(PortfolioInvitation.token_hash == _digest(token))
    ) if token else None  # fmt: skip
    if inv is None or inv.revoked or inv.expires_at < datetime.now():
        raise NotFoundError("no such invitation, or it has expired")
    return inv


def rate(session: Session, inv: PortfolioInvitation, category: str, importance: int,
         comment: str = "") -> PortfolioRating:  # fmt: skip
    """Record (or replace) the invitation's rating of a category.

    Raises:
        InvalidInputError: for an importance outside 1-5, a bad category or a long comment.
    """
    if not 1 <= importance <= 5:
        raise InvalidInputError("importance must be 1-5")
    if not category or len(category) > 16:
        raise InvalidInputError("category: a CPV division such as 45")
    if len(comment) > _MAX_COMMENT:
        raise InvalidInputError(f"comment: at most {_MAX_COMMENT} characters")
    row = session.scalar(select(PortfolioRating).where(
        PortfolioRating.invitation_id == inv.id, PortfolioRating.category == category))  # fmt: skip
    if row is None:
        row = PortfolioRating(invitation_id=inv.id, category=category, importance=importance,
                              comment=comment.strip())  # fmt: skip
        session.add(row)
    else:
        row.importance, row.comment = importance, comment.strip()
        row.updated_at = datetime.now()
    session.flush()
    return row


def aggregate(session: Session, org_id: int) -> dict[str, RatingSummary]:
    """Category -> the ratings of all live invitations of the organisation."""
    rows = session.execute(
        select(PortfolioRating, PortfolioInvitation.label)
        .join(PortfolioInvitation, PortfolioRating.invitation_id == PortfolioInvitation.id)
        .where(PortfolioInvitation.organisation_id == org_id, PortfolioInvitation.revoked.is_(False))
        .order_by(PortfolioRating.updated_at.desc(), PortfolioRating.id.desc())
    ).all()  # fmt: skip
    by: dict[str, list[tuple[PortfolioRating, str]]] = defaultdict(list)
    for r, label in rows:
        by[r.category].append((r, label))
    out = {}
    for cat, items in by.items():
        dist = {k: sum(r.importance == k for r, _ in items) for k in range(1, 6)}
        out[cat] = RatingSummary(
            n=len(items), mean=round(sum(r.importance for r, _ in items) / len(items), 2),
            distribution=dist, comments=[(label, r.comment) for r, label in items if r.comment][:10])  # fmt: skip
    return out


def invitations(session: Session, user: User | None, org: Organisation) -> list[InvitationOut]:
    """The organisation's live invitations (without tokens), for its own users."""
    _require(user, org)
    rows = session.scalars(select(PortfolioInvitation).where(
        PortfolioInvitation.organisation_id == org.id, PortfolioInvitation.revoked.is_(False))
        .order_by(PortfolioInvitation.id))  # fmt: skip
    return [InvitationOut(id=i.id, label=i.label, expires_at=i.expires_at.isoformat(" ", "minutes"),
                          n_ratings=len(i.ratings)) for i in rows]  # fmt: skip


def stakeholder_weight(session: Session, org_id: int) -> float:
    """How much the organisation lets ratings order its list (0 unless it chose otherwise)."""
    row = session.get(PortfolioSetting, org_id)
    return float(row.stakeholder_weight) if row else 0.0


def set_weight(session: Session, user: User | None, org: Organisation, weight: float) -> float:
    """The organisation's choice of how much its stakeholders' ratings count (0..1).

    Raises:
        PermissionDeniedError: if ``user`` does not act for the organisation.
        InvalidInputError: for a weight outside 0..1.
    """
    user = _require(user, org)
    if not 0.0 <= weight <= 1.0:
        raise InvalidInputError("stakeholder weight must be 0..1")
    row = session.get(PortfolioSetting, org.id)
    if row is None:
        row = PortfolioSetting(organisation_id=org.id, stakeholder_weight=weight, updated_by=user.id)
        session.add(row)
    else:
        row.stakeholder_weight, row.updated_by = weight, user.id
    session.flush()
    return weight
