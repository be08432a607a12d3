"""The portfolio of one organisation: its analysed categories, the stakeholders' ratings where
the viewer may see them, the strategic order, and the innovative share year by year."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..exceptions import NotFoundError
from ..innovation.stats import TARGET
from ..lookup import find_organisation
from ..service import Matcher
from ..store.broker_models import User
from ..store.models import Organisation
from ..vocab.messages import codes_of
from . import matrix, stakeholders
from .analysis import analyse, organisation_region
from .categories import UNCODED
from .measurement import organisation_shares
from .measures import MEASURES
from .schemas import PortfolioOut

__all__ = ["build_portfolio", "portfolio_csv", "portfolio_png", "resolve_organisation"]


def resolve_organisation(session: Session, key: str) -> Organisation:
    """The organisation by internal id or ``SCHEME:value``.

    Raises:
        NotFoundError: if none matches.
    """
    org = find_organisation(session, key)
    if org is None:
        raise NotFoundError(f"no organisation {key!r}")
    return org


def build_portfolio(session: Session, key: str, matcher: Matcher | None,
                    viewer: User | None = None, token: str | None = None) -> PortfolioOut:  # fmt: skip
    """An organisation's procurement portfolio, most strategic categories first.

    Args:
        session: An open session.
        key: Internal id or ``SCHEME:value`` of the organisation.
        matcher: The service (its ranking finds fitting suppliers); None leaves them out.
        viewer: The signed-in user, if any: the organisation's own users see the ratings.
        token: A stakeholder's invitation token: its holder sees the ratings too.

    Raises:
        NotFoundError: if no organisation matches, or the token is not one of its invitations.
    """
    org = resolve_organisation(session, key)
    visible = stakeholders.can_manage(viewer, org)
    if token:
        inv = stakeholders.invitation_for_token(session, token)
        if inv.organisation_id != org.id:
            raise NotFoundError("no such invitation, or it has expired")
        visible = True
    a = analyse(session, org, matcher)
    weight = stakeholders.stakeholder_weight(session, org.id)
    ratings = stakeholders.aggregate(session, org.id)
    cats = [c.model_copy(deep=True) for c in a.categories]
    max_share = max((c.spend_share for c in cats if c.key != UNCODED), default=0.0)
    max_room = max((c.room for c in cats if c.key != UNCODED), default=0.0)
    for c in cats:
        # Uncoded notices are no category to plan: shown, but placed last.
        c.impact = matrix.impact(c.spend_share, max_share, c.growth) if c.key != UNCODED else 0.0
        c.ratings = ratings.get(c.key)
        room = matrix.relative_room(c.room, max_room) if c.key != UNCODED else 0.0
        c.strategic_score = matrix.strategic_score(c.impact, room, c.ratings, weight)
    cats = matrix.order(cats)
    for c in cats:
        if not visible:
            c.ratings = None
        reasons = matrix.reasons(c, a.impact_basis, weight)
        c.reasons, c.reason_codes = reasons, codes_of(reasons)
    ids = [org.id, *session.scalars(select(Organisation.id)
                                    .where(Organisation.merged_into_id == org.id))]  # fmt: skip
    return PortfolioOut(
        organisation_id=org.id, name=org.name,
        identifiers=[f"{i.scheme}:{i.value}" for i in org.identifiers],
        region=organisation_region(session, org), sources=a.sources, years=a.years,
        total_spend=a.total_spend, impact_basis=a.impact_basis, coverage=a.coverage,
        categories=cats, target=TARGET, innovative_share=organisation_shares(session, ids),
        stakeholder_weight=weight, ratings_visible=visible, index_used=a.index_used,
        notes=a.notes)  # fmt: skip


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula would run in a spreadsheet (CSV injection): quote it.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def portfolio_csv(p: PortfolioOut) -> str:
    """One row per category: figures, potential, each measure's verdict, fitting suppliers."""
    out = io.StringIO()
    w = csv.writer(out)
    head = ["rank", "division", "label", "spend_eur", "spend_share", "contracts", "invoices",
            "notices", "suppliers", "growth", "hhi", "top3_share", "concentration_basis",
            "sme_share", "local_share", "mean_tenders", "incumbency", "flagged_share", "themes",
            "potential", "level", "route", "impact", "room", "strategic_score",
            "stakeholder_mean", "stakeholder_n"]  # fmt: skip
    w.writerow([*head, *(m.replace(" ", "_") for m in MEASURES), "joint_partners",
                "fitting_suppliers"])  # fmt: skip
    for c in p.categories:
        r = c.ratings
        verdicts = {m.name: m.fit for m in c.measures}
        partners = next((m.partners for m in c.measures if m.name == "joint procurement"), [])
        row: list[Any] = [
            c.rank, c.key, c.label, c.spend, c.spend_share, c.n_contracts, c.n_invoices,
            c.n_notices, c.n_suppliers, c.growth, c.concentration.hhi, c.concentration.top3_share,
            c.concentration.basis, c.sme_share, c.local_share, c.mean_tenders, c.incumbency,
            c.flagged_share, " ".join(c.themes), c.potential.score, c.potential.level,
            c.potential.route, c.impact, c.room, c.strategic_score, r.mean if r else None,
            r.n if r else None, *(verdicts.get(m) for m in MEASURES), "; ".join(partners),
            "; ".join(s.name or str(s.supplier_id) for s in c.suppliers)]  # fmt: skip
        w.writerow([_cell(x) for x in row])
    return out.getvalue()


def portfolio_png(p: PortfolioOut, path: Any) -> None:
    """The strategic matrix of the portfolio as a PNG."""
    matrix.plot_matrix([c for c in p.categories if c.key != UNCODED], path,
                       f"Strategic matrix: {p.name or p.organisation_id}")  # fmt: skip
