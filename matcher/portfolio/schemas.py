"""What the portfolio returns: categories with their figures, the matrix, measures, suppliers,
stakeholder ratings and the innovative share, each figure with what it rests on."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..innovation.schemas import ComponentOut, NeedInnovationOut
from ..vocab.messages import MessageOut

__all__ = [
    "CategoryOut", "CategoryYear", "Concentration", "FittingSupplier", "InvitationIn",
    "InvitationOut", "Measure", "PortfolioOut", "RatingIn", "RatingSummary", "ShareYear",
    "SpendCoverage", "WeightIn",
]  # fmt: skip


class CategoryYear(BaseModel):
    """One category in one year."""

    year: int | None
    spend: float = Field(description="EUR: award values and invoice amounts (notices have none)")
    n_contracts: int
    n_invoices: int
    n_notices: int = Field(description="announced without a known award (e.g. HILMA 2014 listing)")
    n_suppliers: int


class Concentration(BaseModel):
    """How the category's spend (or, without values, its contracts) spreads over suppliers."""

    hhi: float | None = Field(description="Herfindahl-Hirschman index 0..1 of supplier shares")
    top3_share: float | None
    basis: str = Field(description="'spend' or 'count'")
    top_suppliers: list[tuple[str, float]] = Field(description="name and share, largest first")


class FittingSupplier(BaseModel):
    """A supplier the service's ranking finds for the category (innovation signals first)."""

    supplier_id: int
    name: str | None
    country: str | None = None
    score: float = Field(description="the ranking's score, fit blended with innovation potential")
    fit: float = Field(description="the fit alone, the potential taken back out of the score")
    innovation_score: float | None
    innovation_signals: bool = Field(description="potential >= 25, or funding or an innovative "
                                     "contract (the need framework's untapped-supply rule)")
    signals: list[str] = Field(description="the innovation components behind it, with evidence")
    signal_components: list[ComponentOut] = Field(
        default_factory=list, description="the same components, with codes (to render in fi/sv)")
    innovation_known: bool | None = Field(default=None, description="False: the potential rests "
                                          "on too little evidence to read (shown as unknown)")
    innovation_missing: list[str] = Field(default_factory=list, description="what it lacks")
    innovation_missing_codes: list[MessageOut] = Field(default_factory=list)
    n_public_contracts: int = Field(description="awards in the store; 0 = never won one")
    already_supplies: bool = Field(description="the organisation already buys this from it")


class Measure(BaseModel):
    """One measure for one category: whether it fits, why, and the evidence."""

    name: str
    fit: str = Field(description="'fits', 'maybe' or 'no'")
    why: str
    why_code: MessageOut | None = Field(default=None, description="why, as a code (fi/sv pages)")
    evidence: list[str]
    evidence_codes: list[MessageOut] = Field(default_factory=list)
    partners: list[str] = Field(default_factory=list, description="named buyers (joint procurement)")


class RatingSummary(BaseModel):
    """Stakeholders' importance ratings of one category (1-5), aggregated."""

    n: int
    mean: float | None
    distribution: dict[int, int]
    comments: list[tuple[str, str]] = Field(description="(invitation label, comment), newest first")


class CategoryOut(BaseModel):
    """One procurement category (a CPV division) of the organisation."""

    key: str
    label: str
    labels: dict[str, str] = Field(description="the division's name in fi, sv and en")
    spend: float
    spend_share: float
    n_contracts: int
    n_invoices: int
    n_notices: int
    n_suppliers: int
    by_year: list[CategoryYear]
    growth: float | None = Field(description="last year's spend (or count) against the year before")
    concentration: Concentration
    sme_share: float | None
    n_sme_known: int
    local_share: float | None
    n_local_known: int
    mean_tenders: float | None
    single_bid_share: float | None
    n_tenders_known: int
    incumbency: float | None
    incumbency_basis: str
    flagged_share: float | None
    n_flagged: int
    themes: dict[str, list[str]]
    potential: NeedInnovationOut
    impact: float
    room: float
    strategic_score: float
    rank: int
    reasons: list[str]
    reason_codes: list[MessageOut] = Field(default_factory=list)
    measures: list[Measure]
    suppliers: list[FittingSupplier]
    ratings: RatingSummary | None = None
    examples: list[str] = Field(description="titles or account names the category holds")


class SpendCoverage(BaseModel):
    """How much of the organisation's invoice spend the account mapping places in a division."""

    invoice_total: float
    mapped: float
    not_purchases: float = Field(description="grants, taxes, pensions, internal: not procurement")
    unmapped: float
    unmapped_accounts: list[tuple[str, float]]


class ShareYear(BaseModel):
    """The innovative share of one year: the organisation's and the national one, same data."""

    year: str
    n: int
    n_flagged: int
    share: float | None
    value: float
    value_flagged: float
    value_share: float | None
    national_n: int
    national_share: float | None
    national_value_share: float | None


class InvitationOut(BaseModel):
    """An invitation as its organisation's users see it (the token is shown once, at creation)."""

    id: int
    label: str
    expires_at: str
    n_ratings: int
    link: str | None = None


class PortfolioOut(BaseModel):
    """An organisation's procurement portfolio."""

    organisation_id: int
    name: str | None
    identifiers: list[str]
    region: str | None
    sources: dict[str, int] = Field(description="records read per kind (awards, notices, invoices)")
    years: list[int]
    total_spend: float
    impact_basis: str
    coverage: SpendCoverage
    categories: list[CategoryOut]
    target: float
    innovative_share: list[ShareYear]
    stakeholder_weight: float
    ratings_visible: bool
    index_used: bool
    notes: list[str]


class InvitationIn(BaseModel):
    """Who is invited, as the organisation names them (a council, an association)."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=200)


class RatingIn(BaseModel):
    """A stakeholder's rating of one category."""

    model_config = ConfigDict(extra="forbid")

    category: str = Field(pattern=r"^\d{2}$", description="CPV division, e.g. 45")
    importance: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)


class WeightIn(BaseModel):
    """How much the stakeholders' ratings order the strategic list (0 = not at all)."""

    model_config = ConfigDict(extra="forbid")

    stakeholder_weight: float = Field(ge=0.0, le=1.0)
