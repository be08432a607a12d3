"""Tables of the companies' side of the broker: company profiles, alerts, published needs,
proposals and market-dialogue events.

A company is an ``Organisation`` (the supplier ranking already knows it, or it is new) with an
account of role ``company``. What it writes of itself is kept here with its source and date; the
text that ranking reads is copied to ``Organisation.profile``. Feed tokens are stored only as
SHA-256 digests, like session tokens.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .broker_models import Need
from .models import Base, Organisation


class CompanyProfile(Base):
    """What a company says of itself, with its business id and whether a broker confirmed it."""

    __tablename__ = "company_profiles"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    #: Scheme of the business id (``FI-YTUNNUS`` or another) and its normalised value.
    id_scheme: Mapped[str] = mapped_column(String(64))
    id_value: Mapped[str] = mapped_column(String(200))
    #: ``self_declared`` until a broker confirms the company, then ``confirmed``.
    status: Mapped[str] = mapped_column(String(16), default="self_declared")
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The offering in the company's own words, by language: ``{fi, sv, en}``.
    offering: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    cpv: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: CPV codes suggested from the offering: ``[{code, label, score}]``.
    cpv_suggested: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: NUTS codes of the regions it serves.
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Past projects, public or private: ``[{title, client, year}]``.
    references: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    website: Mapped[str] = mapped_column(String(500), default="")
    #: When the profile text last changed, and when the index last read it (None: not yet).
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    indexed_at: Mapped[datetime | None] = mapped_column(DateTime)

    organisation: Mapped[Organisation] = relationship()


class CompanyAlert(Base):
    """A company's subscription: CPV codes, regions and words, and its feed's secret token."""

    __tablename__ = "company_alerts"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    cpv: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    words: Mapped[list[str]] = mapped_column(JSON, default=list)
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class NeedPublication(Base):
    """A need on the open board: which of its fields are public, and until when it takes
    proposals."""

    __tablename__ = "need_publications"

    need_id: Mapped[int] = mapped_column(
        ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True
    )
    #: Published fields beyond the title: any of description, buyer, region, cpv, timeline, budget.
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    published_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    need: Mapped[Need] = relationship()


class Proposal(Base):
    """A company's interest in a public need, or the solution it proposes, and the answer."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: ``interest`` or ``solution``.
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    attachment_url: Mapped[str] = mapped_column(String(500), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    #: ``new``, ``invited`` (to a market dialogue) or ``not_relevant``.
    status: Mapped[str] = mapped_column(String(16), default="new")
    answer: Mapped[str] = mapped_column(Text, default="")
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("dialogue_events.id", ondelete="SET NULL")
    )
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )

    need: Mapped[Need] = relationship()
    organisation: Mapped[Organisation] = relationship()


class DialogueEvent(Base):
    """A market-dialogue event on a need, or on a cluster (its member needs when it was set)."""

    __tablename__ = "dialogue_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The needs it is about (one, or a cluster's members: clusters are renumbered as needs change).
    need_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    registrations: Mapped[list[EventRegistration]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )


class EventRegistration(Base):
    """A company registered for a market-dialogue event."""

    __tablename__ = "event_registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "organisation_id", name="uq_event_registration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("dialogue_events.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    event: Mapped[DialogueEvent] = relationship(back_populates="registrations")
    organisation: Mapped[Organisation] = relationship()
