"""Stakeholder participation by organisation key and invitation token: what routes and pages
call (one function each), over :mod:`.stakeholders`."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from ..exceptions import InvalidInputError
from ..store.broker_models import User
from . import stakeholders
from .build import resolve_organisation
from .schemas import InvitationOut

__all__ = ["invitation_organisation", "invite", "invite_path", "list_invitations", "rate_category",
           "set_stakeholder_weight"]  # fmt: skip

_DIVISION = re.compile(r"^\d{2}$")


def invite_path(token: str) -> str:
    """The link a stakeholder opens (relative to the site)."""
    return f"/portfolio/invite/{token}"


def invite(session: Session, user: User | None, key: str, label: str) -> InvitationOut:
    """Invite a stakeholder to rate the organisation's categories; the link is shown only here.

    Raises:
        NotFoundError: if no organisation matches ``key``.
        PermissionDeniedError: if ``user`` does not act for it.
        InvalidInputError: for a bad label.
    """
    org = resolve_organisation(session, key)
    inv, token = stakeholders.create_invitation(session, user, org, label)
    return InvitationOut(id=inv.id, label=inv.label, n_ratings=0, link=invite_path(token),
                         expires_at=inv.expires_at.isoformat(" ", "minutes"))  # fmt: skip


def list_invitations(session: Session, user: User | None, key: str) -> list[InvitationOut]:
    """The organisation's live invitations, for its own users (no tokens: they are not kept).

    Raises:
        NotFoundError: if no organisation matches ``key``.
        PermissionDeniedError: if ``user`` does not act for it.
    """
    return stakeholders.invitations(session, user, resolve_organisation(session, key))


def invitation_organisation(session: Session, token: str) -> int:
    """The id of the organisation a live invitation token belongs to.

    Raises:
        NotFoundError: if the token is unknown, revoked or expired.
    """
    return stakeholders.invitation_for_token(session, token).organisation_id


def rate_category(session: Session, token: str, category: str, importance: int,
                  comment: str = "") -> None:  # fmt: skip
    """Record the invitation holder's rating of one category (a CPV division).

    Raises:
        NotFoundError: if the token is unknown, revoked or expired.
        InvalidInputError: for a category that is no CPV division, an importance outside 1-5
            or a long comment.
    """
    if not _DIVISION.match(category):
        raise InvalidInputError("category: a two-digit CPV division such as 45")
    inv = stakeholders.invitation_for_token(session, token)
    stakeholders.rate(session, inv, category, importance, comment)


def set_stakeholder_weight(session: Session, user: User | None, key: str, weight: float) -> float:
    """The organisation's choice of how much its stakeholders' ratings order its list (0..1).

    Raises:
        NotFoundError: if no organisation matches ``key``.
        PermissionDeniedError: if ``user`` does not act for it.
        InvalidInputError: for a weight outside 0..1.
    """
    return stakeholders.set_weight(session, user, resolve_organisation(session, key), weight)
