"""The market view of a need: who bought similar things, who won, competition and values by year."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from ..index.corpus import ProcurementDoc
from ..store.broker_models import User
from .needs import load_need, need_text
from .schemas import MarketView, Share, YearValue
from .shortlists import cluster_text, load_cluster

if TYPE_CHECKING:
    from ..service import Matcher


def market_view(similar: list[ProcurementDoc], names: dict[int, str | None],
                top: int = 10) -> MarketView:  # fmt: skip
    """Summarise similar past procurements.

    Args:
        similar: Past procurements similar to the need (see ``Matcher.similar_procurements``).
        names: Supplier id -> name, for the winners.
        top: Buyers and winners listed.
    """
    n = len(similar)
    buyers = Counter((p.buyer_id, p.buyer_name or "unknown buyer") for p in similar)
    wins = Counter(w for p in similar for w in p.winners)
    n_wins = sum(wins.values())
    bids = [p.n_tenders for p in similar if p.n_tenders]
    years: dict[int, list[float]] = defaultdict(list)
    for p in similar:
        if p.date:
            years[p.date.year].append(p.value if p.value and p.value > 0 else 0.0)
    return MarketView(
        n_similar=n,
        buyers=[Share(id=bid, name=name, count=c, share=round(c / n, 3))
                for (bid, name), c in buyers.most_common(top)],
        winners=[Share(id=sid, name=names.get(sid) or str(sid), count=c, share=round(c / n_wins, 3))
                 for sid, c in wins.most_common(top)],
        mean_tenders=round(sum(bids) / len(bids), 2) if bids else None,
        single_bid_share=round(sum(b == 1 for b in bids) / len(bids), 3) if bids else None,
        n_with_tenders=len(bids),
        by_year=[YearValue(year=y, n=len(v), value=round(sum(v), 2)) for y, v in sorted(years.items())],
    )  # fmt: skip


def need_market(session: Session, user: User, need_id: int, matcher: Matcher) -> MarketView:
    """The market view of a recorded need (access as :func:`~.needs.load_need`)."""
    need = load_need(session, user, need_id)
    return text_market(matcher, need_text(need), list(need.cpv or []))


def cluster_market(session: Session, user: User, cluster_id: int, matcher: Matcher) -> MarketView:
    """The market view of a cluster taken as one need."""
    text, codes = cluster_text(load_cluster(session, user, cluster_id))
    return text_market(matcher, text, codes)


def text_market(matcher: Matcher, text: str, cpv: list[str]) -> MarketView:
    """The market view of any described need (public: reads only open data)."""
    similar = matcher.similar_procurements(text, cpv)
    names = {s.id: s.name for s in matcher.index().corpus.suppliers}
    return market_view(similar, names)
