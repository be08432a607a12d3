"""Does the supplier innovation index separate firms that later win innovative contracts or get
R&D funding? Scores are computed as of a cut date from facts before it; outcomes come after it.

The population is the Finnish firms (a Y-tunnus) the store knows from anything but the funding
data itself (awards, purchases, a register profile), so funding recipients are not selected by
their outcome. Novelty needs the embedding index of the scored firms and is left out here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..index.flags import innovation_flag
from ..innovation.facts import SupplierFacts, load_facts
from ..innovation.supplier import SUPPLIER_COMPONENTS, supplier_potential
from ..store.models import Award, Identifier, Organisation, Procurement, Purchase, Signal

_MIN_POSITIVE = 10


@dataclass
class OutcomeResult:
    """How well the index, and each component, separates one later outcome."""

    outcome: str
    n: int
    n_positive: int
    available: bool
    auc: float | None = None
    auc_low: float | None = None
    auc_high: float | None = None
    auc_without_funding: float | None = None
    component_auc: dict[str, float | None] = field(default_factory=dict)
    top_decile_rate: float | None = None
    base_rate: float | None = None
    note: str = ""


@dataclass
class SeparationReport:
    """The separation study: population, cut and one result per outcome."""

    cut: date
    population: int
    with_data: dict[str, int]
    results: list[OutcomeResult]


def _auc(y: np.ndarray, s: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s)) if 0 < y.sum() < len(y) else None


def _population(session: Session, cut: date) -> set[int]:
    finnish = set(session.scalars(
        select(Identifier.organisation_id).where(Identifier.scheme == "FI-YTUNNUS")))  # fmt: skip
    known = set(session.scalars(select(Award.supplier_id).where(Award.date < cut)))
    known |= set(session.scalars(select(Purchase.supplier_id)))
    known |= set(session.scalars(select(Organisation.id).where(Organisation.profile.is_not(None))))
    return finnish & known


def _result(name: str, y: np.ndarray, rows: list[dict[str, float]], seed: int = 0) -> OutcomeResult:
    n, pos = len(y), int(y.sum())
    if pos < _MIN_POSITIVE:
        return OutcomeResult(name, n, pos, False, note=f"{pos} positives: too few to measure")
    score = np.array([r["score"] for r in rows])
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(200):
        i = rng.integers(0, n, n)
        a = _auc(y[i], score[i])
        if a is not None:
            boots.append(a)
    w_fund = SUPPLIER_COMPONENTS["funding"].weight
    without = score - 100 * w_fund * np.array([r["funding"] for r in rows])
    top = np.argsort(-score, kind="stable")[: max(1, n // 10)]
    low, high = (float(np.percentile(boots, q)) for q in (2.5, 97.5)) if boots else (None, None)
    return OutcomeResult(
        name, n, pos, True, auc=_auc(y, score), auc_low=low, auc_high=high,
        auc_without_funding=_auc(y, without),
        component_auc={c: _auc(y, np.array([r[c] for r in rows])) for c in SUPPLIER_COMPONENTS},
        top_decile_rate=float(y[top].mean()), base_rate=pos / n,
    )  # fmt: skip


def separation(session: Session, cut: date) -> SeparationReport:
    """Score the population as of ``cut`` and measure separation of what happened after it."""
    ids = _population(session, cut)
    facts: dict[int, SupplierFacts] = load_facts(session, ids, as_of=cut)
    rows: list[dict[str, float]] = []
    ids_in: list[int] = []
    for oid, f in facts.items():
        p = supplier_potential(f, None, cut)
        ids_in.append(oid)
        rows.append({"score": p.score, **{c.name: c.value for c in p.components}})
    later_funding: dict[int, set[str]] = {}
    for oid, kind, year in session.execute(
        select(Signal.organisation_id, Signal.kind, Signal.year).where(Signal.year >= cut.year)
    ):
        later_funding.setdefault(oid, set()).add(
            "covid" if kind == "bf_grant" and year == 2020 else "rdi"
        )
    later_innovative: set[int] = set()
    for sid, innovation, procedure, cpv in session.execute(
        select(Award.supplier_id, Procurement.innovation, Procurement.procedure, Procurement.cpv_main)
        .join(Procurement, Award.procurement_id == Procurement.id).where(Award.date >= cut)
    ):  # fmt: skip
        if innovation_flag(innovation, procedure, [cpv] if cpv else []):
            later_innovative.add(sid)
    outcomes = {
        "later R&D&I funding (2020 business-development grants excluded)":
            np.array([int("rdi" in later_funding.get(i, set())) for i in ids_in]),
        "any later Business Finland funding":
            np.array([int(bool(later_funding.get(i))) for i in ids_in]),
        "later award on an innovative procurement":
            np.array([int(i in later_innovative) for i in ids_in]),
    }  # fmt: skip
    with_data = {
        "funding before the cut": sum(bool(f.funding) for f in facts.values()),
        "registration date": sum(f.registration_date is not None for f in facts.values()),
        "texts": sum(bool(f.texts) for f in facts.values()),
        "awards before the cut": sum(f.n_awards > 0 for f in facts.values()),
    }
    return SeparationReport(cut, len(rows), with_data,
                            [_result(k, y, rows) for k, y in outcomes.items()])  # fmt: skip


def format_report(r: SeparationReport) -> str:
    """The report as a plain-text table."""
    lines = [f"Supplier innovation index as of {r.cut}: {r.population} Finnish firms",
             "with data: " + ", ".join(f"{k} {v}" for k, v in r.with_data.items()), ""]  # fmt: skip
    for o in r.results:
        lines.append(f"{o.outcome}: {o.n_positive} of {o.n}")
        if not o.available:
            lines.append(f"  not measured: {o.note}")
            continue
        ci = f" (95% {o.auc_low:.3f}-{o.auc_high:.3f})" if o.auc_low is not None else ""
        lines.append(f"  AUC {o.auc or float('nan'):.3f}{ci}; without the funding component "
                     f"{o.auc_without_funding or float('nan'):.3f}")  # fmt: skip
        lines.append(f"  top decile rate {o.top_decile_rate:.3f} vs base rate {o.base_rate:.3f}")
        comps = ", ".join(f"{k} {v:.3f}" if v is not None else f"{k} -"
                          for k, v in o.component_auc.items())  # fmt: skip
        lines.append(f"  per component AUC: {comps}")
    return "\n".join(lines)
