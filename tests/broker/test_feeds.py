"""Atom feeds: the public board's and a company's alert feed, ranked from the company's side."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from company_helpers import company
from sqlalchemy.orm import Session

from matcher.broker.companies import update_profile
from matcher.broker.company_schemas import AlertIn, ProfileIn
from matcher.broker.feeds import (
    alert_feed,
    atom,
    get_alert,
    matches_alert,
    new_feed_token,
    set_alert,
)
from matcher.broker.public import public_needs
from matcher.exceptions import NotFoundError
from matcher.service import Matcher

pytestmark = pytest.mark.slow
NS = {"a": "http://www.w3.org/2005/Atom"}


def test_the_board_feed_is_valid_atom(session: Session) -> None:
    needs = public_needs(session)
    root = ET.fromstring(atom("open needs", "http://test/", "/needs.atom", needs))
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for tag in ("title", "id", "updated", "author/a:name"):  # RFC 4287 4.1.1: required
        assert root.find(f"a:{tag}", NS) is not None, tag
    entries = root.findall("a:entry", NS)
    assert len(entries) == len(needs) == 4
    for e in entries:
        assert e.findtext("a:id", namespaces=NS, default="").startswith("http://test/public/needs/")
        assert e.find("a:updated", NS) is not None and e.findtext("a:title", namespaces=NS)
        assert e.find("a:link[@rel='alternate']", NS) is not None


def test_alert_matching() -> None:
    from datetime import date

    from matcher.broker.company_schemas import PublicNeedOut

    need = PublicNeedOut(id=1, title="Katuvalaistus", description="LED-valot", buyer_name=None,
                         region="FI1D9", cpv=["34993000-4"], cpv_labels={}, start=None, end=None,
                         budget_min=None, budget_max=None, deadline=date.today(), published_at=None)  # fmt: skip
    assert matches_alert(need, [], [], [])
    assert matches_alert(need, ["34990000-3"], [], [])  # a CPV prefix
    assert matches_alert(need, [], ["FI1"], ["led-valot"])
    assert not matches_alert(need, [], ["FI1B"], [])
    assert not matches_alert(need, ["72000000-5"], [], ["siivous"])


def test_alert_feed_ranks_needs_by_fit_to_the_profile(session: Session, matcher: Matcher) -> None:
    u = company(session, "feed@firm.invalid", "2920001", "Syöte Oy")
    update_profile(session, u, ProfileIn(offering={
        "fi": "Katuvalaistuksen LED-valaisimet ja valojen etäohjaus ja himmennys"}), matcher)  # fmt: skip
    set_alert(session, u, AlertIn(regions=["FI1"]))
    made = new_feed_token(session, u)
    assert made.feed_url and get_alert(session, u).has_feed and get_alert(session, u).feed_url is None
    token = made.feed_url.removeprefix("/feeds/").removesuffix(".atom")
    name, needs = alert_feed(session, token, matcher)
    assert name == "Syöte Oy" and len(needs) == 4
    assert needs[0].title.startswith("Katuvalaistuksen"), [(n.title, n.relevance) for n in needs]
    assert needs[0].relevance is not None and needs[0].relevance > (needs[-1].relevance or 0)
    set_alert(session, u, AlertIn(words=["kutsuliikenne"]))
    assert [n.title[:12] for n in alert_feed(session, token, matcher)[1]] == ["Koulukuljetu"]
    new_feed_token(session, u)
    with pytest.raises(NotFoundError):
        alert_feed(session, token, matcher)  # the old address stops
