"""Atom feeds of the open needs board, and companies' alerts.

``/needs.atom`` lists every public need. A company's alert (CPV codes, regions, words) has its
own feed behind a secret token: the public needs that match it, ranked from the company's side
by how near each need's text lies to the company's profile in the ranking's embedding space, on
the index's calibrated scale (0 = unrelated, 1 = as near as a need to its best past contract).
"""

from __future__ import annotations

import hashlib
import secrets
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..exceptions import NotFoundError
from ..store.broker_models import User
from ..store.company_models import CompanyAlert, CompanyProfile
from .companies import company_of, profile_text
from .company_schemas import AlertIn, AlertOut, PublicNeedOut
from .public import public_needs, public_text

if TYPE_CHECKING:
    from ..service import Matcher

__all__ = ["alert_feed", "atom", "get_alert", "matches_alert", "new_feed_token", "set_alert"]

_ATOM = "http://www.w3.org/2005/Atom"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _alert(session: Session, user: User) -> CompanyAlert:
    company = company_of(session, user)
    alert = session.get(CompanyAlert, company.organisation_id)
    if alert is None:
        alert = CompanyAlert(organisation_id=company.organisation_id, cpv=[], regions=[], words=[])
        session.add(alert)
        session.flush()
    return alert


def _out(alert: CompanyAlert, feed_url: str | None = None) -> AlertOut:
    return AlertOut(cpv=list(alert.cpv or []), regions=list(alert.regions or []),
                    words=list(alert.words or []), has_feed=alert.feed_token_hash is not None,
                    feed_url=feed_url)  # fmt: skip


def get_alert(session: Session, user: User) -> AlertOut:
    """The signed-in company's subscription."""
    return _out(_alert(session, user))


def set_alert(session: Session, user: User, data: AlertIn) -> AlertOut:
    """Replace the company's subscription (its feed token stays)."""
    alert = _alert(session, user)
    alert.cpv, alert.regions, alert.words = data.cpv, data.regions, data.words
    alert.updated_at = datetime.now()
    return _out(alert)


def new_feed_token(session: Session, user: User) -> AlertOut:
    """A new secret feed address for the company (the old one stops working); shown once."""
    alert = _alert(session, user)
    token = secrets.token_urlsafe(32)
    alert.feed_token_hash = _digest(token)
    return _out(alert, f"/feeds/{token}.atom")


def matches_alert(need: PublicNeedOut, cpv: list[str], regions: list[str],
                  words: list[str]) -> bool:  # fmt: skip
    """True if the need is in one of the regions (when any is given) and shares a CPV code's
    prefix or holds one of the words (when any is given)."""
    if regions and not any((need.region or "").startswith(r) for r in regions):
        return False
    if not (cpv or words):
        return True
    prefixes = [c.split("-")[0].rstrip("0") for c in cpv]
    text = public_text(need).casefold()
    return any(c.startswith(p) for p in prefixes for c in need.cpv) or any(w in text for w in words)


def _relevance(matcher: Matcher, profile: str, needs: list[PublicNeedOut]) -> list[float]:
    if not profile or not needs:
        return [0.0] * len(needs)
    index = matcher.index()
    company = matcher.embedder.embed_passages([profile])[0]
    sims = np.array([float(matcher.embed_query(public_text(n)) @ company) for n in needs])
    scale = max(index.sim_ceiling - index.sim_floor, 1e-6)
    return [round(float(v), 3) for v in np.clip((sims - index.sim_floor) / scale, 0.0, 1.0)]


def alert_feed(session: Session, token: str, matcher: Matcher) -> tuple[str, list[PublicNeedOut]]:
    """The company's name and the public needs matching its alert, best fit first.

    Raises:
        NotFoundError: for an unknown token (the same answer whether it never existed or was
            replaced).
    """
    alert = session.scalar(select(CompanyAlert).where(CompanyAlert.feed_token_hash == _digest(token)))
    if alert is None:
        raise NotFoundError("no such feed")
    profile = session.get(CompanyProfile, alert.organisation_id)
    needs = [n for n in public_needs(session)
             if matches_alert(n, alert.cpv or [], alert.regions or [], alert.words or [])]  # fmt: skip
    text = profile_text(profile) if profile else ""
    for n, r in zip(needs, _relevance(matcher, text, needs), strict=True):
        n.relevance = r
    needs.sort(key=lambda n: (-(n.relevance or 0.0), -n.id))
    name = profile.organisation.name if profile else None
    return name or "company", needs


def _stamp(value: datetime | None) -> str:
    value = value or datetime.now(UTC)
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat(timespec="seconds")


def atom(title: str, base_url: str, self_path: str, needs: list[PublicNeedOut]) -> bytes:
    """An Atom 1.0 feed (RFC 4287) of public needs, each linking to its page on the board."""
    ET.register_namespace("", _ATOM)
    feed = ET.Element(f"{{{_ATOM}}}feed")
    base = base_url.rstrip("/")

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{_ATOM}}}{tag}", attrs)
        el.text = text
        return el

    sub(feed, "title", title)
    sub(feed, "id", base + self_path)
    sub(feed, "link", rel="self", href=base + self_path)
    sub(feed, "link", rel="alternate", href=f"{base}/public/needs")
    sub(feed, "updated", _stamp(max((n.published_at for n in needs if n.published_at), default=None)))
    sub(sub(feed, "author"), "name", "innomatch")
    for n in needs:
        entry = sub(feed, "entry")
        sub(entry, "title", n.title)
        sub(entry, "id", f"{base}/public/needs/{n.id}")
        sub(entry, "link", rel="alternate", href=f"{base}/public/needs/{n.id}")
        sub(entry, "updated", _stamp(n.published_at))
        facts = [n.buyer_name, n.region, " ".join(n.cpv) or None,
                 f"deadline {n.deadline}" if n.deadline else None,
                 f"fit {n.relevance:.2f}" if n.relevance is not None else None]
        summary = " · ".join(f for f in facts if f)
        sub(entry, "summary", ((n.description or "") + ("\n" + summary if summary else "")).strip())
        for c in n.cpv:
            sub(entry, "category", term=c, label=n.cpv_labels.get(c, c))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
