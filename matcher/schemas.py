"""Request and result shapes shared by the library, the CLI and the API (pydantic models)."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .innovation.schemas import NeedInnovationOut, SupplierInnovationOut
from .vocab import cpv_vocabulary
from .vocab.messages import MessageOut


def stripped_text(value: str, field: str) -> str:
    """``value`` without surrounding spaces.

    Raises:
        ValueError: if fewer than 3 non-space characters remain (pydantic makes it a 422).
    """
    if len(value.strip()) < 3:
        raise ValueError(f"{field} must hold at least 3 non-space characters")
    return value.strip()


#: An unpaired UTF-16 surrogate (JSON allows "\\ud800"): not text, cannot be encoded as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Largest id a request may name: the store's ids are 64-bit integers.
MAX_ID = 2**63 - 1


class RequestModel(BaseModel):
    """Base of every request body: unknown fields refused, floats finite, text valid Unicode."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _valid_unicode(cls, v: object) -> object:
        values = v if isinstance(v, list) else [v]
        if any(isinstance(x, str) and _SURROGATE.search(x) for x in values):
            raise ValueError("text holds an unpaired surrogate: not valid Unicode")
        return v


class MatchFilters(RequestModel):
    """Optional restrictions on the suppliers returned."""

    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="ISO country code")
    region: str | None = Field(
        default=None, max_length=64, description="Only suppliers active here"
    )
    with_awards_only: bool = Field(default=False, description="Skip suppliers with no past award")


class MatchRequest(RequestModel):
    """A need, described as a buyer knows it before tendering."""

    text: str = Field(min_length=3, max_length=5000, description="The need in fi, sv or en")
    cpv: list[str] = Field(default_factory=list, max_length=20, description="CPV codes, optional")
    buyer_id: int | None = Field(default=None, ge=1, le=MAX_ID,
                                 description="The buying organisation's id")  # fmt: skip
    region: str | None = Field(default=None, max_length=64, description="Place of delivery")
    value: float | None = Field(default=None, gt=0, le=1e15, description="Estimated value, EUR")
    k: int = Field(default=10, ge=1, le=100, description="How many suppliers to return")
    filters: MatchFilters = Field(default_factory=MatchFilters)
    innovation_weight: float = Field(
        default=0.0, ge=0.0, le=1.0,
        description="Weight of supplier innovation potential in the ranking (0 = pure fit)",
    )  # fmt: skip

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        return stripped_text(v, "text")

    @field_validator("cpv")
    @classmethod
    def _known_cpv(cls, v: list[str]) -> list[str]:
        return cpv_vocabulary().validate(v)


class Signal(BaseModel):
    """One part of a supplier's score: a feature's value, its contribution and what it means."""

    name: str
    value: float | None = Field(description="The feature's value (None: does not apply)")
    weight: float | None = Field(
        default=None, description="The linear scorer's weight (None for the trained scorer)"
    )
    contribution: float = Field(
        description="This part of the score: weight x value (linear scorer) or the trained "
        "model's own contribution; base_score plus all parts equals score"
    )
    explanation: str
    explanation_code: MessageOut | None = Field(
        default=None, description="The explanation's code and parameters (to render it in fi/sv)"
    )


class EvidenceContract(BaseModel):
    """A past contract that supports a recommendation."""

    procurement_id: int
    title: str
    buyer: str | None
    date: date | None
    value: float | None
    currency: str | None
    cpv: list[str]
    similarity: float


class SupplierMatch(BaseModel):
    """One ranked supplier with the parts of its score: the order shown is the order explained."""

    rank: int
    supplier_id: int
    name: str | None
    country: str | None
    identifiers: list[str]
    score: float = Field(
        description="The scorer's output (blended with innovation potential when an innovation "
        "weight is given); results are sorted by it; base_score + the signals' contributions"
    )
    base_score: float = Field(
        default=0.0, description="The scorer's base value (0 for the linear scorer)"
    )
    signals: list[Signal]
    matching_cpv: list[str]
    evidence: list[EvidenceContract]
    n_awards: int
    fit_score: float = Field(description="The scorer's output before any innovation weight")
    innovation: SupplierInnovationOut | None = Field(
        default=None, description="The supplier's innovation potential (0-100, with parts)"
    )
    found_by: list[str] = Field(
        default_factory=list, description="The retrievers that found it (its provenance)"
    )
    profile: str | None = Field(
        default=None, description="The supplier's own profile text, where it has one (evidence)"
    )


class MatchResponse(BaseModel):
    """Ranked suppliers for a need."""

    query_cpv: list[str] = Field(description="CPV codes used: given, else inferred from the text")
    cpv_inferred: bool
    results: list[SupplierMatch]
    model: str
    index_built_at: str
    took_ms: float
    innovation_weight: float = 0.0
    ranker: str = Field(
        default="linear",
        description="The scorer that ordered and explains the results: 'learned' (the trained "
        "LambdaMART model) or 'linear' (documented weights)",
    )
    need_innovation: NeedInnovationOut | None = Field(
        default=None, description="The need's innovation potential and suggested route"
    )


class AwardOut(BaseModel):
    """An award as shown with a supplier or a procurement."""

    procurement_id: int
    procurement_title: str
    supplier_id: int
    supplier_name: str | None
    lot: str
    value: float | None
    currency: str | None
    date: date | None
    n_tenders: int | None


class PurchaseOut(BaseModel):
    """A purchase invoice row in a supplier's history."""

    buyer_id: int
    buying_unit: str | None
    account_code: str | None
    account_name: str | None
    amount: float | None
    date: date | None


class SignalOut(BaseModel):
    """A dated fact about an organisation (e.g. a Business Finland grant)."""

    kind: str
    source: str
    year: int | None
    date: date | None
    value: float | None


class SupplierOut(BaseModel):
    """Everything known about a supplier."""

    id: int
    name: str | None
    country: str | None
    region: str | None
    identifiers: list[str]
    industry_codes: list[str]
    profile: str | None
    website: str | None
    n_awards: int
    awards: list[AwardOut]
    size_class: str | None = None
    registration_date: date | None = None
    status: str | None = None
    n_purchases: int = 0
    purchases: list[PurchaseOut] = Field(default_factory=list)
    signals: list[SignalOut] = Field(default_factory=list)
    merged_from: list[int] = Field(
        default_factory=list, description="Organisations merged into this one"
    )
    other_names: list[str] = Field(
        default_factory=list, description="Names it has under other sources"
    )
    innovation: SupplierInnovationOut | None = None


class ProcurementOut(BaseModel):
    """A procurement with its awards."""

    id: int
    source: str
    source_id: str
    title: str
    description: str | None
    buyer_id: int | None
    buyer_name: str | None
    cpv_main: str | None
    cpv_additional: list[str]
    cpv_labels: dict[str, str]
    value: float | None
    currency: str | None
    date: date | None
    place_name: str | None
    region: str | None
    procedure: str | None
    awards: list[AwardOut]


class Health(BaseModel):
    """Service state."""

    status: str
    database: str
    index_built: bool
    procurements: int
    suppliers: int
    model: str
