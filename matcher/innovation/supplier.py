"""Supplier innovation potential: six explained components on 0..1, a 0-100 score.

Every component returns its value, the confidence of that value (how much data it rests on,
0..1) and the evidence behind it. The score is 100 x the weighted sum of the values, so the parts
add up to it; the confidence is the weighted mean of the components' confidences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from ..vocab.messages import Msg
from .facts import SupplierFacts
from .themes import THEME_LABELS, detect_themes


@dataclass(frozen=True)
class ComponentSpec:
    """Definition, scale and weight of one component (served by ``GET /v1/methods``)."""

    weight: float
    definition: str
    scale: str


#: The supplier components; weights sum to 1.
SUPPLIER_COMPONENTS: dict[str, ComponentSpec] = {
    "funding": ComponentSpec(0.30, (
        "Business Finland R&D&I funding (grants, loans, research, ERDF): each decision counts by "
        "its size (log scale, 1 M EUR = full) and recency (half-life 3 years); 2020 grants weigh "
        "0.3, as many were COVID-era business-development grants; decisions combine with "
        "diminishing returns."),
        "0 = no funding known; 1 = large, recent, repeated funding. Confidence 1 for Finnish "
        "firms (the data covers every Finnish recipient), 0.1 for others (no data either way)."),
    "innovative_contracts": ComponentSpec(0.20, (
        "Awards on procurements flagged innovative: by the buyer (eForms BT-776, Hilma innovation "
        "questions, value 1 each) or by route (innovation partnership, R&D services CPV 73, "
        "value 0.5 each), combined with diminishing returns."),
        "0 = none; 1 = several buyer-declared innovative contracts. Confidence grows with the "
        "firm's awards from sources where buyers can declare innovation."),
    "novelty": ComponentSpec(0.15, (
        "How far the firm's profile and won contracts lie, in embedding space, from the typical "
        "contract of its market (its main CPV division): the percentile of that distance among "
        "the suppliers of the same market."),
        "0 = the most typical supplier of its market; 1 = the most unusual. Confidence grows "
        "with the number of texts (3 or more = 1)."),
    "newcomer": ComponentSpec(0.10, (
        "Capability without a history of public contracts: a profile or industry code and no "
        "award known (1), or one or two awards (0.5)."),
        "0 = an established winner. Confidence 0.5: the store holds a sample of all awards."),
    "youth_growth": ComponentSpec(0.10, (
        "Youth (registered under 2 years ago = 1, falling to 0 at 15 years) and growth (dated "
        "activity, awards, purchases and funding, in the last 3 years against the 3 before); "
        "the mean of what is known."),
        "0 = old and flat or shrinking. Confidence 0.5 per part known."),
    "themes": ComponentSpec(0.15, (
        "Fit with the cross-cutting goals of Finnish innovation procurement, carbon neutrality, "
        "digitalisation and use of data, detected from the firm's texts (fi, sv, en, fr stems)."),
        "1 theme = 0.5, 2 or more = 1. Confidence 1 with a profile or 3+ texts, else 0.5."),
}  # fmt: skip

_KIND_WEIGHT = {"bf_research": 1.0, "bf_grant": 1.0, "bf_loan": 0.8, "bf_erdf": 0.6}
_COVID_YEAR, _COVID_WEIGHT, _HALF_LIFE = 2020, 0.3, 3.0


@dataclass
class Component:
    """One component's result."""

    name: str
    value: float
    weight: float
    confidence: float
    evidence: list[str] = field(default_factory=list)

    @property
    def contribution(self) -> float:
        """Points of the 0-100 score this component gives."""
        return 100.0 * self.weight * self.value


#: A potential is known when at least half of its weight rests on data: the confidence is the
#: weighted mean of the components' confidences, so below 0.5 most of the 0-100 scale is
#: unmeasured and a low score says more about missing data than about the firm. On the demo a
#: firm outside the funding data and the trade register sits at 0.24-0.42 whatever it does; a
#: Finnish firm (funding data covers it: +0.27) reaches 0.5 with almost nothing else known.
KNOWN_CONFIDENCE = 0.5
#: Components that are evidence of innovation in themselves when they hold anything.
_DIRECT = ("funding", "innovative_contracts")
#: A component resting on less data than this is named as missing evidence.
_THIN = 0.5
#: Why each thin component is thin, by its confidence (see each component's scale). The
#: innovative-contracts confidence is 0.2 with no award from a source where buyers can declare
#: innovation and 0.47 with one; novelty's is 0 with no text placing the firm and 0.33 with one.
_MISSING: dict[str, tuple[tuple[float, str, str], ...]] = {
    "funding": ((1.0, "missing.funding", "no funding data (not a Finnish firm)"),),
    "innovative_contracts": (
        (0.3, "missing.declarable_none", "no award from a source where buyers declare innovation"),
        (1.0, "missing.declarable_one", "only 1 award from a source where buyers declare innovation")),
    "novelty": ((0.1, "missing.texts_none", "no text to place it in its market"),
                (1.0, "missing.texts_one", "only 1 text places it in its market")),
    "youth_growth": ((1.0, "missing.register", "no register facts and too little dated activity"),),
    "themes": ((1.0, "missing.theme_texts", "no text to read its themes from"),),
}  # fmt: skip


@dataclass
class SupplierPotential:
    """A supplier's innovation potential with its parts."""

    score: float
    confidence: float
    components: list[Component]

    @property
    def known(self) -> bool:
        """Whether the score can be read: it rests on enough evidence (``KNOWN_CONFIDENCE``), or
        a direct innovation signal (funding, an innovative contract) is on record, which no
        missing data takes back (the score is then at least what it shows)."""
        return self.confidence >= KNOWN_CONFIDENCE or any(
            c.value > 0 for c in self.components if c.name in _DIRECT
        )

    @property
    def missing(self) -> list[str]:
        """What the score lacks: one sentence per component resting on little data."""
        out: list[str] = []
        for c in self.components:
            if c.confidence < _THIN and c.name in _MISSING:
                _, code, text = next(m for m in _MISSING[c.name] if c.confidence < m[0])
                out.append(Msg(code, text))
        return out


def _combine(values: list[float]) -> float:
    rest = 1.0
    for v in values:
        rest *= 1.0 - min(1.0, max(0.0, v))
    return 1.0 - rest


def funding_component(f: SupplierFacts, year: int) -> tuple[float, float, list[str]]:
    """Value, confidence and evidence of the funding component as of ``year``."""
    parts: list[float] = []
    evidence: list[str] = []
    for e in sorted(f.funding, key=lambda e: -e.year):
        size = min(1.0, math.log10(1.0 + max(e.amount, 0.0) / 1000.0) / 3.0)
        recency = 0.5 ** (max(0, year - e.year) / _HALF_LIFE)
        covid = _COVID_WEIGHT if e.year == _COVID_YEAR and e.kind == "bf_grant" else 1.0
        w = _KIND_WEIGHT.get(e.kind, 0.5) * recency * covid
        parts.append(size * w)
        if len(evidence) < 5:
            evidence.append(Msg("funding_decision", f"{e.year} {e.kind} {e.amount:,.0f} EUR "
                                f"(weight {w:.2f})", year=e.year, kind=e.kind,
                                amount=round(e.amount), weight=round(w, 2)))  # fmt: skip
    conf = 1.0 if f.finnish else 0.1
    if not f.funding:
        evidence.append(
            Msg("no_funding", "no Business Finland funding")
            if f.finnish
            else Msg("no_funding_foreign",
                     "no Business Finland funding (not a Finnish firm: not covered)")
        )
    return _combine(parts), conf, evidence


def contracts_component(f: SupplierFacts) -> tuple[float, float, list[str]]:
    """Value, confidence and evidence of the innovative-contracts component."""
    parts = [1.0 if a.flag_kind == "buyer" else 0.5 for a in f.flagged_awards]
    evidence: list[str] = [Msg("flagged_contract", f"{a.title[:80]} ({a.reason})",
                               title=a.title[:80], reason=a.reason) for a in f.flagged_awards[:5]]
    if not parts:
        evidence.append(Msg("none_flagged", f"none of its {f.n_awards} known awards is flagged "
                            "innovative", n=f.n_awards))  # fmt: skip
    conf = 0.2 + 0.8 * min(1.0, f.n_declarable / 3.0)
    return _combine(parts), conf, evidence


def newcomer_component(f: SupplierFacts) -> tuple[float, float, list[str]]:
    """Value, confidence and evidence of the newcomer component."""
    if f.n_awards == 0 and f.has_capability:
        return 1.0, 0.5, [Msg("capability_no_award",
                              "capability on record (profile or industry) and no award known")]
    if 0 < f.n_awards <= 2:
        return 0.5, 0.5, [Msg("few_awards", f"only {f.n_awards} award(s) known", n=f.n_awards)]
    return 0.0, 0.5, [Msg("awards_known", f"{f.n_awards} awards known", n=f.n_awards)
                      if f.n_awards else Msg("no_capability", "no capability on record")]


def youth_growth_component(f: SupplierFacts, today: date) -> tuple[float, float, list[str]]:
    """Value, confidence and evidence of the youth-and-growth component."""
    parts: list[float] = []
    evidence: list[str] = []
    conf = 0.0
    if f.registration_date:
        age = (today - f.registration_date).days / 365.25
        parts.append(min(1.0, max(0.0, 1.0 - (age - 2.0) / 13.0)))
        evidence.append(Msg("registered", f"registered {f.registration_date.isoformat()} "
                            f"({age:.1f} years)", date=f.registration_date.isoformat(),
                            years=round(age, 1)))  # fmt: skip
        conf += 0.5
    recent = sum(today.year - 3 <= y < today.year for y in f.activity_years)
    earlier = sum(today.year - 6 <= y < today.year - 3 for y in f.activity_years)
    if recent + earlier >= 2:
        parts.append(max(0.0, (recent - earlier) / (recent + earlier)))
        evidence.append(Msg("activity", f"{recent} dated activities in the last 3 years, "
                            f"{earlier} in the 3 before", recent=recent, earlier=earlier))  # fmt: skip
        conf += 0.5
    if not parts:
        evidence.append(Msg("no_register_facts",
                            "no registration date and too little dated activity"))
    return (sum(parts) / len(parts) if parts else 0.0), conf, evidence


def themes_component(f: SupplierFacts) -> tuple[float, float, list[str]]:
    """Value, confidence and evidence of the strategic-themes component."""
    found = detect_themes(*f.texts)
    evidence: list[str] = [Msg("theme_words", f"{THEME_LABELS[t]}: {', '.join(words)}", theme=t,
                               words=words) for t, words in found.items()]  # fmt: skip
    conf = 1.0 if f.has_capability or len(f.texts) >= 3 else (0.5 if f.texts else 0.0)
    return min(1.0, len(found) / 2.0), conf, evidence or [
        Msg("no_theme_found", "no theme found in its texts")]


def supplier_potential(f: SupplierFacts, novelty: tuple[float, float, list[str]] | None,
                       today: date | None = None) -> SupplierPotential:  # fmt: skip
    """Score one supplier.

    Args:
        f: Its facts (see :func:`~matcher.innovation.facts.load_facts`).
        novelty: Value, confidence and evidence from :func:`~matcher.innovation.novelty.novelty`,
            or None where no embedding is at hand (the component then counts 0 at confidence 0).
        today: The date scores are computed as of (recency, age, growth).
    """
    today = today or date.today()
    parts = {
        "funding": funding_component(f, today.year),
        "innovative_contracts": contracts_component(f),
        "novelty": novelty or (0.0, 0.0, [Msg("no_embedding", "no embedding of the firm's texts")]),
        "newcomer": newcomer_component(f),
        "youth_growth": youth_growth_component(f, today),
        "themes": themes_component(f),
    }
    comps = [
        Component(n, round(v, 4), SUPPLIER_COMPONENTS[n].weight, round(c, 2), e)
        for n, (v, c, e) in parts.items()
    ]
    score = sum(c.contribution for c in comps)
    conf = sum(c.weight * c.confidence for c in comps)
    return SupplierPotential(round(score, 1), round(conf, 2), comps)
