"""Tables of the broker workflow: accounts, needs, clusters of needs and shortlists.

Kept apart from the open-data tables in ``models``: these rows are written by people, through the
API, not by ingest. Contact details in a need are what the broker needs to reach the buyer; nothing
else personal is stored, and passwords and keys only as hashes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, Organisation


class User(Base):
    """An account: a buyer (acts for one organisation) or a broker (works for one region)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    #: Argon2id hash (argon2-cffi); the password itself is never stored.
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    #: The buying organisation a buyer acts for.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    #: A broker's region, a NUTS code; it sees the needs whose region starts with it.
    region: Mapped[str | None] = mapped_column(String(16))
    #: SHA-256 of the user's API key, if one was issued.
    api_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    organisation: Mapped[Organisation | None] = relationship()


class AuthSession(Base):
    """A signed-in browser session, stored by the SHA-256 of its cookie token."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)

    user: Mapped[User] = relationship()


class Cluster(Base):
    """Similar needs of several buyers: a joint procurement or a shared market dialogue."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(300))
    #: Why the members belong together: similarity, shared CPV codes, shared words and themes.
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    cohesion: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    needs: Mapped[list[Need]] = relationship(back_populates="cluster")


class Need(Base):
    """A buyer's need, recorded before tendering."""

    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    region: Mapped[str | None] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    cpv: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: CPV codes suggested from the text when none were given: ``[{code, label, score}]``.
    cpv_suggested: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    budget_min: Mapped[float | None] = mapped_column(Float)
    budget_max: Mapped[float | None] = mapped_column(Float)
    start: Mapped[date | None] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    #: How to reach the buyer about this need (a unit's address or a named contact).
    contact: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    cluster_id: Mapped[int | None] = mapped_column(
        ForeignKey("clusters.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )

    buyer: Mapped[Organisation] = relationship()
    cluster: Mapped[Cluster | None] = relationship(back_populates="needs")
    shortlist: Mapped[list[ShortlistEntry]] = relationship(
        back_populates="need", cascade="all, delete-orphan"
    )


class ShortlistEntry(Base):
    """A supplier kept for a need, with the broker's mark: a feedback label for evaluation."""

    __tablename__ = "shortlist_entries"
    __table_args__ = (
        UniqueConstraint("need_id", "supplier_id", name="uq_shortlist_need_supplier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: ``shortlisted``, ``relevant``, ``not_relevant`` or ``contacted``.
    mark: Mapped[str] = mapped_column(String(16), default="shortlisted")
    note: Mapped[str] = mapped_column(Text, default="")
    #: Rank the supplier had when it was shortlisted (for feedback evaluation).
    rank_at_mark: Mapped[int | None] = mapped_column()
    updated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )

    need: Mapped[Need] = relationship(back_populates="shortlist")
    supplier: Mapped[Organisation] = relationship()
