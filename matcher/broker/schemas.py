"""Request and response shapes of the broker workflow: needs, clusters, shortlists, market view."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

from ..innovation.schemas import NeedInnovationOut
from ..schemas import MAX_ID, RequestModel, SupplierMatch, stripped_text
from ..vocab import cpv_vocabulary


def _as_utc(value: datetime | None) -> datetime | None:
    """A stored (naive, UTC) time with its offset: RFC 3339 ``date-time`` requires one."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


#: A time of the store as it leaves the API: with its UTC offset.
UtcTime = Annotated[datetime | None, AfterValidator(_as_utc)]

Mark = Literal["shortlisted", "relevant", "not_relevant", "contacted"]
MARKS: tuple[str, ...] = ("shortlisted", "relevant", "not_relevant", "contacted")


class CpvSuggestion(BaseModel):
    """A CPV code suggested from a need's text, with its share of the nearest contracts' votes."""

    code: str
    label: str
    score: float


def range_error(budget_min: float | None, budget_max: float | None, start: date | None,
                end: date | None) -> str | None:  # fmt: skip
    """Why a need's budget range or timeline is reversed, or None if neither is."""
    if budget_min is not None and budget_max is not None and budget_min > budget_max:
        return "budget_min must not exceed budget_max"
    if start and end and start > end:
        return "start must not be after end"
    return None


class NeedIn(RequestModel):
    """A need as a buyer (or a broker on its behalf) records it."""

    title: str = Field(min_length=3, max_length=300)
    description: str = Field(default="", max_length=5000)
    buyer_id: int | None = Field(default=None, ge=1, le=MAX_ID,
                                 description="Required when a broker records")  # fmt: skip
    region: str | None = Field(default=None, pattern=r"^[A-Z]{2}[0-9A-Z]{0,3}$", description="NUTS")
    cpv: list[str] = Field(default_factory=list, max_length=20)
    budget_min: float | None = Field(default=None, ge=0)
    budget_max: float | None = Field(default=None, ge=0)
    start: date | None = None
    end: date | None = None
    contact: str = Field(default="", max_length=300)

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        return stripped_text(v, "title")

    @field_validator("cpv")
    @classmethod
    def _cpv(cls, v: list[str]) -> list[str]:
        return cpv_vocabulary().validate(v)

    @model_validator(mode="after")
    def _ranges(self) -> NeedIn:
        error = range_error(self.budget_min, self.budget_max, self.start, self.end)
        if error:
            raise ValueError(error)
        return self


class NeedPatch(RequestModel):
    """Fields of a need to change; absent fields stay as they are."""

    title: str | None = Field(default=None, min_length=3, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    region: str | None = Field(default=None, pattern=r"^[A-Z]{2}[0-9A-Z]{0,3}$")
    cpv: list[str] | None = Field(default=None, max_length=20)
    budget_min: float | None = Field(default=None, ge=0)
    budget_max: float | None = Field(default=None, ge=0)
    start: date | None = None
    end: date | None = None
    contact: str | None = Field(default=None, max_length=300)
    status: Literal["open", "closed"] | None = None

    @field_validator("cpv")
    @classmethod
    def _cpv(cls, v: list[str] | None) -> list[str] | None:
        return cpv_vocabulary().validate(v) if v is not None else None


class NeedOut(BaseModel):
    """A recorded need."""

    id: int
    buyer_id: int
    buyer_name: str | None
    region: str | None
    title: str
    description: str
    cpv: list[str]
    cpv_labels: dict[str, str]
    cpv_suggested: list[CpvSuggestion]
    budget_min: float | None
    budget_max: float | None
    start: date | None
    end: date | None
    contact: str
    status: str
    cluster_id: int | None
    created_at: UtcTime
    updated_at: UtcTime


class ClusterOut(BaseModel):
    """Similar needs of several buyers, and why they belong together."""

    id: int
    label: str
    reasons: list[str]
    cohesion: float = Field(description="mean similarity between the members' texts")
    members: list[NeedOut] = Field(description="the members this user may see")
    n_hidden: int = Field(description="members of other buyers or regions, not shown")


class ShortlistEntryOut(BaseModel):
    """A supplier kept for a need, with its mark."""

    supplier_id: int
    supplier_name: str | None
    identifiers: list[str]
    mark: str
    note: str
    rank_at_mark: int | None
    updated_at: UtcTime


class MarkIn(RequestModel):
    """A broker's mark on a supplier for a need."""

    mark: Mark = "shortlisted"
    note: str = Field(default="", max_length=2000)
    rank: int | None = Field(default=None, ge=1, le=MAX_ID, description="Its rank when marked")


class ShortlistOut(BaseModel):
    """The ranking for a need and the suppliers kept from it."""

    need_id: int
    ranking: list[SupplierMatch]
    entries: list[ShortlistEntryOut]
    need_innovation: NeedInnovationOut | None = None
    #: Suppliers that proposed themselves on the open board (their proposals: ``/proposals``).
    proposed_by: list[int] = Field(default_factory=list,
                                   description="ids of companies that proposed on this need")


class Share(BaseModel):
    """One buyer's or winner's share of the similar past procurements."""

    id: int | None
    name: str
    count: int
    share: float


class YearValue(BaseModel):
    """Similar past procurements of one year: count and total value."""

    year: int
    n: int
    value: float


class MarketView(BaseModel):
    """Who bought similar things, who won, with how much competition, and values over time."""

    n_similar: int
    buyers: list[Share]
    winners: list[Share]
    mean_tenders: float | None
    single_bid_share: float | None
    n_with_tenders: int
    by_year: list[YearValue]


class UserOut(BaseModel):
    """An account as shown to itself."""

    id: int
    email: str
    role: str
    organisation_id: int | None
    organisation_name: str | None
    region: str | None
