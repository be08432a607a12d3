"""SQLAlchemy 2.0 tables of the store.

Buyers and suppliers are roles of one ``Organisation`` (municipalities sell to each other);
identifiers are rows, not columns, so a new source brings new schemes without a schema change.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, orm_insert_sentinel, relationship


class Base(DeclarativeBase):
    """Declarative base of every table."""


class _BulkInsert:
    """Adds an insert sentinel so SQLite can batch INSERT...RETURNING of many rows.

    Without it SQLite cannot match generated ids to rows and SQLAlchemy inserts one row per
    statement, which made ingest several times slower.
    """

    _sentinel: Mapped[int | None] = orm_insert_sentinel()


class Organisation(_BulkInsert, Base):
    """A company or public body; buyer and supplier are roles it plays in procurements."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(500))
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(64))
    industry_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    profile: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(500))
    size_class: Mapped[str | None] = mapped_column(String(32))
    registration_date: Mapped[date | None] = mapped_column(Date)
    #: Register status as the source words it (e.g. "Registered", "Ceased").
    status: Mapped[str | None] = mapped_column(String(64))
    #: Earlier and other names with their source and dates (``[{name, source, from, to}]``).
    names: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    #: Set when entity resolution found this to be the same as another organisation.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", name="fk_organisations_merged_into"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    identifiers: Mapped[list[Identifier]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )


class Identifier(_BulkInsert, Base):
    """One identifier of an organisation under one scheme (``FR-SIREN``, ``FI-YTUNNUS``...)."""

    __tablename__ = "identifiers"
    __table_args__ = (UniqueConstraint("scheme", "value", name="uq_identifier_scheme_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    scheme: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(200))
    raw: Mapped[str | None] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship(back_populates="identifiers")


class Procurement(_BulkInsert, Base):
    """A notice or contract record from one source, with its awards."""

    __tablename__ = "procurements"
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_procurement_source"),
        Index("ix_procurements_date", "date"),
        Index("ix_procurements_cpv_main", "cpv_main"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(300))
    buyer_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    cpv_main: Mapped[str | None] = mapped_column(String(8))
    cpv_additional: Mapped[list[str]] = mapped_column(JSON, default=list)
    value: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    date: Mapped[date | None] = mapped_column(Date)
    place_code: Mapped[str | None] = mapped_column(String(64))
    place_name: Mapped[str | None] = mapped_column(String(500))
    region: Mapped[str | None] = mapped_column(String(64))
    procedure: Mapped[str | None] = mapped_column(String(200))
    innovation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(40))
    #: The file this record was first read from; copies in other files only fill its gaps.
    source_file: Mapped[str | None] = mapped_column(Text)
    ingest_run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_runs.id"))

    buyer: Mapped[Organisation | None] = relationship()
    awards: Mapped[list[Award]] = relationship(
        back_populates="procurement", cascade="all, delete-orphan"
    )


class Award(_BulkInsert, Base):
    """One winner of one lot of a procurement."""

    __tablename__ = "awards"
    __table_args__ = (
        UniqueConstraint("procurement_id", "supplier_id", "lot", name="uq_award_lot_supplier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(
        ForeignKey("procurements.id", ondelete="CASCADE"), index=True
    )
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    lot: Mapped[str] = mapped_column(String(500), default="")
    value: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    date: Mapped[date | None] = mapped_column(Date)
    n_tenders: Mapped[int | None] = mapped_column(Integer)

    procurement: Mapped[Procurement] = relationship(back_populates="awards")
    supplier: Mapped[Organisation] = relationship()


class _Fact(_BulkInsert):
    """A dated fact read from a source: stored once by (source, source id), never rewritten."""

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[str] = mapped_column(String(300))
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ingest_run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_runs.id"))


class Purchase(_Fact, Base):
    """One purchase invoice row: buyer-supplier history by purchase category, not a tender."""

    __tablename__ = "purchases"
    __table_args__ = (UniqueConstraint("source", "source_id", name="uq_purchase_source"),)

    buyer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    buying_unit: Mapped[str | None] = mapped_column(String(300))
    account_code: Mapped[str | None] = mapped_column(String(32))
    account_name: Mapped[str | None] = mapped_column(String(300))
    amount: Mapped[float | None] = mapped_column(Float)
    date: Mapped[date | None] = mapped_column(Date, index=True)


class Signal(_Fact, Base):
    """A dated, sourced fact about an organisation, used by innovation potential."""

    __tablename__ = "signals"
    __table_args__ = (UniqueConstraint("source", "source_id", name="uq_signal_source"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    date: Mapped[date | None] = mapped_column(Date)
    value: Mapped[float | None] = mapped_column(Float)


class MergeLog(Base):
    """One entity-resolution decision: what was merged into what, why, and what moved (undoable)."""

    __tablename__ = "merge_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    method: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    #: Row ids moved from the merged organisation, by table, so the merge can be undone.
    moved: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The compared fields that made the merge: ``{field: {value, weight}}`` (log-odds weight).
    fields: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class MergeReview(Base):
    """A person's decision on a proposed or made merge; a refusal keeps the pair apart for good."""

    __tablename__ = "merge_reviews"
    __table_args__ = (UniqueConstraint("kept_id", "merged_id", name="uq_merge_review_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: ``accepted`` or ``refused``.
    decision: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class IngestRun(Base):
    """One ingest of one file: what was read, what changed, how it ended."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    n_read: Mapped[int] = mapped_column(Integer, default=0)
    n_new: Mapped[int] = mapped_column(Integer, default=0)
    n_updated: Mapped[int] = mapped_column(Integer, default=0)
    n_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    n_rejected: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class RejectedRecord(Base):
    """A source record that could not be understood, quarantined with its reason and payload."""

    __tablename__ = "rejected_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    ingest_run_id: Mapped[int] = mapped_column(ForeignKey("ingest_runs.id"), index=True)
    source_file: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(32))
    position: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    raw: Mapped[Any] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
