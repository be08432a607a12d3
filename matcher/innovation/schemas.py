"""Response shapes of innovation potential and the innovative-share statistics (pydantic)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ..vocab.messages import MessageOut, codes_of
from .need import NeedPotential
from .supplier import SupplierPotential


class ComponentOut(BaseModel):
    """One part of an innovation score with the evidence behind it."""

    name: str
    value: float = Field(description="0..1")
    weight: float
    contribution: float = Field(description="points of the 0-100 score (value x weight x 100)")
    confidence: float = Field(description="0..1: how much data the value rests on")
    evidence: list[str]
    evidence_codes: list[MessageOut] = Field(
        default_factory=list, description="the evidence's codes and parameters, one per line")


class SupplierInnovationOut(BaseModel):
    """A supplier's innovation potential: 0-100, the sum of its components' contributions."""

    score: float
    confidence: float
    components: list[ComponentOut]
    known: bool = Field(default=True, description="False: the score rests on too little "
                        "evidence to read (confidence under 0.5 and no funding or innovative "
                        "contract on record); show it as unknown")
    missing: list[str] = Field(default_factory=list,
                               description="the evidence it lacks, one sentence per thin part")
    missing_codes: list[MessageOut] = Field(default_factory=list)

    @classmethod
    def of(cls, p: SupplierPotential) -> SupplierInnovationOut:
        """From the library's result."""
        return cls(score=p.score, confidence=p.confidence, known=p.known, missing=p.missing,
                   missing_codes=codes_of(p.missing), components=[
            ComponentOut(name=c.name, value=c.value, weight=c.weight,
                         contribution=round(c.contribution, 2), confidence=c.confidence,
                         evidence=c.evidence, evidence_codes=codes_of(c.evidence))
            for c in p.components])  # fmt: skip


class DimensionOut(BaseModel):
    """One dimension of a need's innovation potential ("room for innovation", 0..1)."""

    name: str
    value: float
    weight: float
    confidence: float = Field(description="0 = no data: left out of the level")
    evidence: list[str]
    evidence_codes: list[MessageOut] = Field(default_factory=list)


class NeedInnovationOut(BaseModel):
    """The need's innovation potential, level and suggested procurement route."""

    score: float = Field(description="weighted mean of the dimensions with data, 0..1")
    level: str = Field(description="low, medium or high (a stable code)")
    confidence: float
    route: str = Field(description="one of the routes of GET /v1/methods (a stable code)")
    route_reasons: list[str]
    route_reason_codes: list[MessageOut] = Field(default_factory=list)
    n_similar: int = Field(description="similar past procurements the market view rests on")
    dimensions: list[DimensionOut]

    @classmethod
    def of(cls, n: NeedPotential) -> NeedInnovationOut:
        """From the library's result."""
        return cls(score=n.score, level=n.level, confidence=n.confidence, route=n.route,
                   route_reasons=n.route_reasons, route_reason_codes=codes_of(n.route_reasons),
                   n_similar=n.n_similar, dimensions=[
                       DimensionOut(name=d.name, value=d.value, weight=d.weight,
                                    confidence=d.confidence, evidence=d.evidence,
                                    evidence_codes=codes_of(d.evidence))
                       for d in n.dimensions])  # fmt: skip


class MethodOut(BaseModel):
    """Definition, scale and weight of one component or dimension."""

    name: str
    weight: float
    definition: str
    scale: str


class MethodsOut(BaseModel):
    """How every innovation score is computed."""

    supplier_components: list[MethodOut]
    need_dimensions: list[MethodOut]
    need_levels: dict[str, float] = Field(description="level -> lowest score that reaches it")
    routes: list[str]
    innovative_flag: str
    ranking_weight: str


class ShareRow(BaseModel):
    """Innovative share of one group (a buyer, region, CPV division or year)."""

    key: str
    n: int
    n_flagged: int
    n_flagged_buyer: int
    n_flagged_route: int
    share: float = Field(description="flagged / all, by count")
    value: float = Field(description="total value, EUR, of those with a value")
    value_flagged: float
    value_share: float | None = Field(description="flagged / all, by value; None without values")


class ShareEstimate(BaseModel):
    """Estimated innovative share from a text classifier: an estimate, not a count."""

    available: bool
    reason: str
    share: float | None = None
    low: float | None = Field(default=None, description="2.5th percentile over bootstraps")
    high: float | None = Field(default=None, description="97.5th percentile over bootstraps")
    n_positive: int = 0
    n_total: int = 0
    cv_auc: float | None = Field(default=None, description="held-out ROC AUC of the classifier")
    c: float | None = Field(default=None, description="estimated P(flagged | innovative)")
    reliable: bool = Field(default=False, description="held-out AUC >= 0.8 and >= 50 flagged")
    method: str = ""


class InnovationStats(BaseModel):
    """The innovative share of procurement against the national target."""

    by: str
    target: float
    overall: ShareRow
    rows: list[ShareRow]
    estimate: ShareEstimate
    note: str
