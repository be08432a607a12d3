"""The demo's open needs board: a few needs of the demo buyers, published, so that a newcomer
finds the board filled (``innomatch demo``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from ..store.broker_models import Need, User
from ..store.company_models import NeedPublication
from ..store.db import session_scope
from ..store.models import Organisation
from .company_schemas import PublishIn
from .needs import create_need
from .public import publish_need
from .schemas import NeedIn

if TYPE_CHECKING:
    from ..service import Matcher

__all__ = ["DEMO_NEEDS", "demo_board"]

#: (buyer name, region, title, description, budget, published fields); written for the demo.
DEMO_NEEDS = [
    ("Vantaan kaupunki", "FI1B1", "Kunnan energiankulutuksen seuranta ja ohjaus tekoälyn avulla",
     "Etsimme ratkaisua, joka seuraa koulujen ja päiväkotien sähkön- ja lämmönkulutusta "
     "reaaliaikaisesti ja ohjaa talotekniikkaa tekoälyn avulla päästöjen vähentämiseksi.",
     (50_000.0, 200_000.0), ["description", "buyer", "region", "cpv", "timeline", "budget"]),
    ("Oulun kaupunki", "FI1D9", "Koulukuljetusten reititys ja kutsuliikenne",
     "Oppilaiden koulukuljetusten reittien suunnittelu ja kysyntäohjattu kutsuliikenne "
     "sovelluksella; markkinavuoropuhelu keväällä.",
     None, ["description", "buyer", "region", "cpv", "timeline"]),
    ("Vantaan kaupunki", "FI1B1", "Ikääntyneiden kotona asumisen etäpalvelut",
     "Etähoivan ja turvateknologian palvelut kotona asuville ikääntyneille: videoyhteys, "
     "turvaranneke ja hälytysten välitys.",
     None, ["description", "region", "cpv"]),
    ("Oulun kaupunki", "FI1D9", "Katuvalaistuksen älykäs ohjaus",
     "LED-katuvalojen etäohjaus ja himmennys liikenteen ja sään mukaan.",
     (100_000.0, 400_000.0), ["description", "buyer", "region", "cpv", "budget"]),
]


def demo_board(url: str, matcher: Matcher, broker_email: str = "broker@demo.invalid") -> int:
    """Record and publish the demo needs (once: a need already there is left as it is); returns
    how many are on the board. Needs the demo broker account (``demo_accounts``)."""
    with session_scope(url) as session:
        broker = session.scalar(select(User).where(User.email == broker_email))
        if broker is None:
            return 0
        for buyer_name, region, title, text, budget, fields in DEMO_NEEDS:
            buyer = session.scalar(select(Organisation.id).where(Organisation.name == buyer_name))
            if buyer is None or session.scalar(select(Need.id).where(Need.title == title)):
                continue
            start = date.today() + timedelta(days=60)
            need = create_need(session, broker, NeedIn(
                title=title, description=text, buyer_id=buyer, region=region,
                budget_min=budget[0] if budget else None, budget_max=budget[1] if budget else None,
                start=start, end=start + timedelta(days=365)), matcher)  # fmt: skip
            publish_need(session, broker, need.id, PublishIn.model_validate(
                {"fields": fields, "deadline": date.today() + timedelta(days=45)}))  # fmt: skip
        return len(list(session.scalars(select(NeedPublication.need_id))))
