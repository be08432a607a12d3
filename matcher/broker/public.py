"""The open needs board: a buyer or broker publishes a need with the fields it chooses; anyone
lists and searches the published ones (text, region, CPV, deadline) without an account."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..exceptions import NotFoundError
from ..store.broker_models import Need, User
from ..store.company_models import DialogueEvent, NeedPublication
from ..vocab import cpv_vocabulary
from .company_schemas import EventOut, PublicNeedOut, PublishIn
from .needs import load_need

__all__ = ["event_out", "get_public_need", "load_public", "publish_need", "public_needs",
           "public_text", "search_public_needs"]  # fmt: skip


def publish_need(session: Session, user: User, need_id: int, data: PublishIn) -> PublicNeedOut | None:
    """Put the need on the open board with the chosen fields, or take it off (``public`` false).

    Raises:
        NotFoundError, PermissionDeniedError: as :func:`~.needs.load_need` (owner or its broker).
    """
    need = load_need(session, user, need_id)
    pub = session.get(NeedPublication, need.id)
    if not data.public:
        if pub is not None:
            session.delete(pub)
            session.flush()
        return None
    if pub is None:
        pub = NeedPublication(need_id=need.id, published_by=user.id, published_at=datetime.now())
        session.add(pub)
    pub.fields, pub.deadline, pub.published_by = list(dict.fromkeys(data.fields)), data.deadline, user.id
    session.flush()
    return public_need_out(session, pub)


def event_out(e: DialogueEvent, with_names: bool = False) -> EventOut:
    """The API shape of an event; the registered companies' names only for owners and brokers."""
    names = [r.organisation.name or str(r.organisation_id) for r in e.registrations]
    return EventOut(id=e.id, need_ids=list(e.need_ids or []), title=e.title, starts_at=e.starts_at,
                    place=e.place, link=e.link, n_registered=len(names),
                    registered=names if with_names else [])  # fmt: skip


def _events_of(session: Session, need_id: int) -> list[DialogueEvent]:
    # Events keep their needs in a JSON list (portable across SQLite and PostgreSQL): few rows.
    return [e for e in session.scalars(select(DialogueEvent).order_by(DialogueEvent.starts_at))
            if need_id in (e.need_ids or [])]  # fmt: skip


def public_need_out(session: Session, pub: NeedPublication) -> PublicNeedOut:
    """A published need with only its published fields."""
    n, f = pub.need, set(pub.fields or [])
    vocab = cpv_vocabulary()
    cpv = list(n.cpv or []) or [s["code"] for s in n.cpv_suggested or []][:3]
    cpv = cpv if "cpv" in f else []
    return PublicNeedOut(
        id=n.id, title=n.title, description=n.description if "description" in f else None,
        buyer_name=n.buyer.name if "buyer" in f and n.buyer else None,
        region=n.region if "region" in f else None, cpv=cpv,
        cpv_labels={c: vocab.label(c) or "" for c in cpv if c in vocab},
        start=n.start if "timeline" in f else None, end=n.end if "timeline" in f else None,
        budget_min=n.budget_min if "budget" in f else None,
        budget_max=n.budget_max if "budget" in f else None, deadline=pub.deadline,
        published_at=pub.published_at,
        events=[event_out(e) for e in _events_of(session, n.id)],
    )  # fmt: skip


def public_text(p: PublicNeedOut) -> str:
    """What a search and a company's feed read of a public need: its published words."""
    return " ".join([p.title, p.description or "", *p.cpv_labels.values()])


def load_public(session: Session, need_id: int) -> NeedPublication:
    """The publication of an open need.

    Raises:
        NotFoundError: if the need is not on the board (never published, taken off, or closed).
    """
    pub = session.get(NeedPublication, need_id)
    if pub is None or pub.need.status != "open":
        raise NotFoundError(f"need {need_id} is not on the open board")
    return pub


def public_needs(session: Session, today: date | None = None) -> list[PublicNeedOut]:
    """Every open published need whose deadline has not passed, newest first."""
    today = today or date.today()
    q = (select(NeedPublication).join(Need).where(Need.status == "open")
         .order_by(NeedPublication.published_at.desc(), NeedPublication.need_id.desc()))  # fmt: skip
    return [public_need_out(session, p) for p in session.scalars(q)
            if p.deadline is None or p.deadline >= today]  # fmt: skip


def search_public_needs(session: Session, q: str = "", region: str = "", cpv: str = "",
                        deadline_from: date | None = None) -> list[PublicNeedOut]:  # fmt: skip
    """Public needs matching every criterion given: all words of ``q`` in the published text,
    the region (a NUTS prefix), a CPV code (by its prefix: ``72`` finds every IT service),
    and a deadline on or after ``deadline_from`` (needs without a deadline always pass)."""
    words = q.casefold().split()
    prefix = cpv.strip().split("-")[0].rstrip("0")
    out = []
    for p in public_needs(session):
        text = public_text(p).casefold()
        if words and not all(w in text for w in words):
            continue
        if region and not (p.region or "").startswith(region.strip().upper()):
            continue
        if prefix and not any(c.startswith(prefix) for c in p.cpv):
            continue
        if deadline_from and p.deadline and p.deadline < deadline_from:
            continue
        out.append(p)
    return out


def get_public_need(session: Session, need_id: int) -> PublicNeedOut:
    """One need of the open board (see :func:`load_public`)."""
    return public_need_out(session, load_public(session, need_id))


def find_public(session: Session, need_id: int) -> NeedPublication | None:
    """The publication of a need, if it has one (for its owner's page)."""
    if session.get(Need, need_id) is None:
        raise NotFoundError(f"no need {need_id}")
    return session.get(NeedPublication, need_id)
