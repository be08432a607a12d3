"""Plain records that every reader yields and the store accepts.

Readers know formats; the store knows tables. These dataclasses are the contract between them,
so a new source needs a reader and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class OrgRef:
    """A reference to an organisation as a source names it.

    Attributes:
        scheme: Identifier scheme, e.g. ``FR-SIREN``, ``FI-YTUNNUS``, ``NAME-FI`` for name-only.
        value: The normalised identifier within the scheme.
        name: The name the source gives, raw.
        raw_id: The identifier exactly as it appeared in the source.
        country: ISO 3166 alpha-2 country code if known.
        extra_ids: Further ``(scheme, value)`` pairs of the same organisation (e.g. the SIRET).
    """

    scheme: str
    value: str
    name: str | None = None
    raw_id: str | None = None
    country: str | None = None
    extra_ids: tuple[tuple[str, str], ...] = ()


@dataclass
class AwardRecord:
    """One winner of one lot (or of the whole contract when there are no lots)."""

    supplier: OrgRef
    lot: str = ""
    value: float | None = None
    currency: str | None = None
    date: date | None = None
    n_tenders: int | None = None


@dataclass
class ProcurementRecord:
    """A procurement notice or contract record, with its awards if known."""

    source: str
    source_id: str
    title: str
    buyer: OrgRef | None = None
    description: str | None = None
    cpv_main: str | None = None
    cpv_additional: list[str] = field(default_factory=list)
    value: float | None = None
    currency: str | None = None
    date: date | None = None
    place_code: str | None = None
    place_name: str | None = None
    region: str | None = None
    procedure: str | None = None
    innovation: dict[str, Any] = field(default_factory=dict)
    awards: list[AwardRecord] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class SupplierProfileRecord:
    """A supplier described by itself or by a register, not by an award."""

    source: str
    org: OrgRef
    description: str | None = None
    industry_codes: list[str] = field(default_factory=list)
    region: str | None = None
    website: str | None = None
    size_class: str | None = None
    registration_date: date | None = None
    status: str | None = None
    #: Names with their dates (``[{name, from, to}]``), e.g. a register's name history.
    names: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class PurchaseRecord:
    """One purchase invoice row: a buyer's unit bought from a supplier under an account."""

    source: str
    source_id: str
    buyer: OrgRef
    supplier: OrgRef
    amount: float | None
    date: date | None
    buying_unit: str | None = None
    account_code: str | None = None
    account_name: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class SignalRecord:
    """A dated, sourced fact about an organisation (a funding award, an innovative contract)."""

    source: str
    source_id: str
    org: OrgRef
    kind: str
    year: int | None = None
    date: date | None = None
    value: float | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Rejected:
    """A record a reader could not understand, with where it was and why."""

    position: str
    reason: str
    raw: Any


Record = ProcurementRecord | SupplierProfileRecord | PurchaseRecord | SignalRecord | Rejected
