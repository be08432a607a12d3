"""Request and response shapes of the companies' side: registration, profile, alerts, the open
needs board, proposals and market-dialogue events."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from ..schemas import MAX_ID, RequestModel, stripped_text
from ..vocab import cpv_vocabulary
from .schemas import CpvSuggestion, UtcTime

#: Fields of a need a buyer or broker may publish beyond its title.
PUBLISHABLE = ("description", "buyer", "region", "cpv", "timeline", "budget")
PublicField = Literal["description", "buyer", "region", "cpv", "timeline", "budget"]
#: Published unless the owner chooses otherwise: everything but the budget.
DEFAULT_FIELDS: tuple[PublicField, ...] = ("description", "buyer", "region", "cpv", "timeline")
_NUTS = r"^[A-Z]{2}[0-9A-Z]{0,3}$"
_URL = r"^(https?://\S+)?$"


def _cpv(v: list[str]) -> list[str]:
    return cpv_vocabulary().validate(v)


def _nuts(v: list[str]) -> list[str]:
    out = [c.strip().upper() for c in v if c.strip()]
    bad = [c for c in out if not re.match(_NUTS, c)]
    if bad:
        raise ValueError(f"not NUTS codes: {', '.join(bad)}")
    return out


class _Codes(RequestModel):
    """A request with CPV codes (checked against the vocabulary) and NUTS regions."""

    @field_validator("cpv", check_fields=False)
    @classmethod
    def _v_cpv(cls, v: list[str]) -> list[str]:
        return _cpv(v)

    @field_validator("regions", check_fields=False)
    @classmethod
    def _v_regions(cls, v: list[str]) -> list[str]:
        return _nuts(v)


class CompanyIn(RequestModel):
    """A company signing up: its business id, name, and the account of the person acting."""

    name: str = Field(min_length=2, max_length=300)
    id_scheme: str = Field(default="FI-YTUNNUS", pattern=r"^[A-Z]{2}-[A-Z0-9-]{2,40}$")
    business_id: str = Field(min_length=2, max_length=64)
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)
    region: str | None = Field(default=None, pattern=_NUTS, description="Where it is (NUTS)")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return stripped_text(v, "name")


class Reference(BaseModel):
    """A past project, public or private."""

    title: str = Field(min_length=2, max_length=300)
    client: str = Field(default="", max_length=300)
    year: int | None = Field(default=None, ge=1900, le=2100)


class ProfileIn(_Codes):
    """A company's profile as it writes it."""

    offering: dict[str, str] = Field(
        default_factory=dict, description="The offering in its own words, by language: fi, sv, en")
    cpv: list[str] = Field(default_factory=list, max_length=20)
    regions: list[str] = Field(default_factory=list, max_length=30, description="NUTS codes served")
    references: list[Reference] = Field(default_factory=list, max_length=30)
    website: str = Field(default="", max_length=500, pattern=_URL)

    @field_validator("offering")
    @classmethod
    def _offering(cls, v: dict[str, str]) -> dict[str, str]:
        if set(v) - {"fi", "sv", "en"}:
            raise ValueError("the offering is written in fi, sv or en")
        if any(len(t) > 5000 for t in v.values()):
            raise ValueError("an offering text is longer than 5000 characters")
        return {k: t.strip() for k, t in v.items() if t.strip()}


class CompanyOut(BaseModel):
    """A company's profile as it and the brokers see it."""

    organisation_id: int
    name: str | None
    id_scheme: str
    business_id: str
    status: Literal["self_declared", "confirmed"]
    offering: dict[str, str]
    cpv: list[str]
    cpv_suggested: list[CpvSuggestion]
    regions: list[str]
    references: list[Reference]
    website: str
    n_awards: int = Field(description="public contracts it won, per the store")
    updated_at: UtcTime
    indexed_at: UtcTime = Field(description="when the ranking last read the profile; None: not yet")


class AlertIn(_Codes):
    """What a company wants to hear of: needs with these CPV codes, in these regions, or with
    these words."""

    cpv: list[str] = Field(default_factory=list, max_length=30)
    regions: list[str] = Field(default_factory=list, max_length=30)
    words: list[str] = Field(default_factory=list, max_length=30)

    @field_validator("words")
    @classmethod
    def _words(cls, v: list[str]) -> list[str]:
        return [w.strip().casefold() for w in v if w.strip()][:30]


class AlertOut(BaseModel):
    """A company's subscription; ``feed_url`` only when a new token was just made."""

    cpv: list[str]
    regions: list[str]
    words: list[str]
    has_feed: bool
    feed_url: str | None = None


class PublishIn(RequestModel):
    """Put a need on the open board with the fields chosen, or take it off."""

    public: bool = True
    fields: list[PublicField] = Field(default_factory=lambda: list(DEFAULT_FIELDS))
    deadline: date | None = Field(default=None, description="Last day for proposals")


class EventOut(BaseModel):
    """A market-dialogue event."""

    id: int
    need_ids: list[int]
    title: str
    starts_at: UtcTime
    place: str
    link: str
    n_registered: int
    registered: list[str] = Field(description="companies registered (shown to owners and brokers)")


class PublicNeedOut(BaseModel):
    """A need on the open board: only the fields its owner published."""

    id: int
    title: str
    description: str | None
    buyer_name: str | None
    region: str | None
    cpv: list[str]
    cpv_labels: dict[str, str]
    start: date | None
    end: date | None
    budget_min: float | None
    budget_max: float | None
    deadline: date | None
    published_at: UtcTime
    events: list[EventOut] = Field(default_factory=list)
    relevance: float | None = Field(default=None, description="fit to the company (its feed)")


class ProposalIn(RequestModel):
    """A company's interest in a need, or the solution it proposes."""

    kind: Literal["interest", "solution"] = "solution"
    text: str = Field(default="", max_length=5000)
    attachment_url: str = Field(default="", max_length=500, pattern=_URL)
    contact: str = Field(min_length=3, max_length=300)


class AnswerIn(RequestModel):
    """The need owner's or broker's answer to a proposal."""

    status: Literal["invited", "not_relevant"]
    event_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    note: str = Field(default="", max_length=2000)


class ProposalOut(BaseModel):
    """A proposal, marked as the company's own, with the answer."""

    id: int
    need_id: int
    need_title: str
    organisation_id: int
    company_name: str | None
    company_status: str = Field(description="self_declared or confirmed")
    kind: str
    text: str
    attachment_url: str
    contact: str
    status: str
    answer: str
    event_id: int | None
    created_at: UtcTime


class EventIn(RequestModel):
    """A market-dialogue event on a need or on a cluster."""

    need_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    cluster_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    title: str = Field(min_length=3, max_length=300)
    starts_at: datetime
    place: str = Field(default="", max_length=300)
    link: str = Field(default="", max_length=500, pattern=_URL)


class RefreshOut(BaseModel):
    """What an index refresh read."""

    built_at: str
    supplier_profiles: int
    took_s: float


class RefreshState(BaseModel):
    """Whether an index refresh runs, and the last one's result or error."""

    running: bool
    last: RefreshOut | None
    error: str | None
