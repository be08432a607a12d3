"""Tables of the procurement portfolio's stakeholder participation.

An organisation's users invite stakeholders by a link; the link's token is stored only as its
SHA-256 digest (as the API keys are), so a copy of the database opens no invitation. A stakeholder
is known by the label the inviter gave the invitation ("youth council"), not by name or e-mail:
the service needs their ratings, not who they are.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base

__all__ = ["PortfolioInvitation", "PortfolioRating", "PortfolioSetting"]


class PortfolioInvitation(Base):
    """A link that lets one stakeholder (or group) rate an organisation's categories."""

    __tablename__ = "portfolio_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: SHA-256 of the link's random token; the token itself is shown once, to the inviter.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    ratings: Mapped[list[PortfolioRating]] = relationship(
        back_populates="invitation", cascade="all, delete-orphan"
    )


class PortfolioRating(Base):
    """One invitation's rating of one category: importance 1-5 and a comment."""

    __tablename__ = "portfolio_ratings"
    __table_args__ = (
        UniqueConstraint("invitation_id", "category", name="uq_portfolio_rating_category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio_invitations.id", ondelete="CASCADE"), index=True
    )
    #: The category key: a CPV division (``"45"``).
    category: Mapped[str] = mapped_column(String(16))
    importance: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )

    invitation: Mapped[PortfolioInvitation] = relationship(back_populates="ratings")


class PortfolioSetting(Base):
    """How much an organisation lets its stakeholders' ratings order its strategic list."""

    __tablename__ = "portfolio_settings"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    #: 0 = the data alone orders the list; 1 = the stakeholders' importance alone.
    stakeholder_weight: Mapped[float] = mapped_column(Float, default=0.0)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )
