"""Fitting solutions: suppliers with innovation signals that the service's ranking finds for a
category, firms that never won a public contract included (the ranking reads their profiles)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..exceptions import InnomatchError
from ..schemas import MatchFilters, MatchRequest, MatchResponse, SupplierMatch
from ..service import Matcher
from ..store.models import Award
from .schemas import FittingSupplier

__all__ = ["INNOVATION_WEIGHT", "MIN_FIT", "fitting", "fitting_suppliers", "has_signals",
           "match_category"]  # fmt: skip

#: How much the ranking weighs innovation potential when it looks for a category's solutions.
INNOVATION_WEIGHT = 0.3
#: With the linear scorer (a 0..1 share of a perfect match), the least fit (the score before the
#: potential is blended in) a fitting supplier must have: the blend would otherwise lift firms with
#: high potential that do not match the category at all.
MIN_FIT = 0.15
_POOL = 20
#: Whatever the scorer, a fitting supplier must also be among the best half of the pool by fit
#: alone (the trained scorer's fit has no 0..1 scale to hold a fixed threshold against).
_BEST_BY_FIT = _POOL // 2


def has_signals(innovation: object) -> bool:
    """Innovation signals as the need framework counts them: potential >= 25, or any funding or
    innovative contract."""
    if innovation is None:
        return False
    score = float(getattr(innovation, "score", 0.0))
    comps = getattr(innovation, "components", [])
    return score >= 25 or any(c.value > 0 for c in comps
                              if c.name in ("funding", "innovative_contracts"))  # fmt: skip


def match_category(matcher: Matcher, text: str, division: str,
                   country: str | None = None) -> MatchResponse | None:  # fmt: skip
    """The service's ranking for the category as a need (None without an index); ``country``
    narrows it to one country's suppliers."""
    if not matcher.index_ready():
        return None
    cpv = [division.ljust(8, "0")] if division.isdigit() else []
    try:
        return matcher.match(MatchRequest(
            text=text[:4000], cpv=cpv, k=_POOL, innovation_weight=INNOVATION_WEIGHT,
            filters=MatchFilters(country=country)))  # fmt: skip
    except InnomatchError:
        return None


def fitting(response: MatchResponse | None) -> list[SupplierMatch]:
    """The ranked suppliers that fit the category (``MIN_FIT``), best first."""
    if response is None:
        return []
    best = {r.supplier_id for r in sorted(response.results, key=lambda r: -r.fit_score)[:_BEST_BY_FIT]}
    linear = response.ranker == "linear"
    return [r for r in response.results
            if r.supplier_id in best and (not linear or r.fit_score >= MIN_FIT)]  # fmt: skip


def fitting_suppliers(session: Session, response: MatchResponse | None, own: set[int],
                      n: int = 5) -> list[FittingSupplier]:  # fmt: skip
    """Up to ``n`` fitting suppliers, those with innovation signals first (each group in the
    ranking's order), with their public record."""
    fits = fitting(response)
    picked = ([r for r in fits if has_signals(r.innovation)]
              + [r for r in fits if not has_signals(r.innovation)])[:n]  # fmt: skip
    ids = [r.supplier_id for r in picked]
    wins = dict(session.execute(
        select(Award.supplier_id, func.count()).where(Award.supplier_id.in_(ids))
        .group_by(Award.supplier_id)).all()) if ids else {}  # fmt: skip
    out = []
    for r in picked:
        inn = r.innovation
        shown = [c for c in (inn.components if inn else []) if c.contribution > 0][:4]
        signals = [f"{c.name}: {'; '.join(c.evidence[:2])}" for c in shown]
        out.append(FittingSupplier(
            supplier_id=r.supplier_id, name=r.name, country=r.country, score=r.score,
            fit=round(r.fit_score, 4), innovation_score=inn.score if inn else None,
            innovation_signals=has_signals(inn), signals=signals, signal_components=shown,
            innovation_known=inn.known if inn else None,
            innovation_missing=inn.missing if inn else [],
            innovation_missing_codes=inn.missing_codes if inn else [],
            n_public_contracts=int(wins.get(r.supplier_id, 0)),
            already_supplies=r.supplier_id in own))  # fmt: skip
    return out
