"""The whole portfolio on real rows: order, measures, CSV, chart, stakeholders and who sees them."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from matcher.broker.accounts import create_user
from matcher.exceptions import InvalidInputError, NotFoundError, PermissionDeniedError
from matcher.portfolio import build_portfolio, portfolio_csv, portfolio_png
from matcher.portfolio.measures import MEASURES
from matcher.portfolio.participation import (
    invitation_organisation,
    invite,
    list_invitations,
    rate_category,
    set_stakeholder_weight,
)
from matcher.store.db import session_scope
from matcher.store.models import Identifier
from matcher.store.portfolio_models import PortfolioInvitation

KEMIJARVI = "FI-YTUNNUS:0191717-9"


def _users(url: str) -> tuple[int, int]:
    with session_scope(url) as session:
        org = session.scalar(select(Identifier.organisation_id).where(
            Identifier.scheme == "FI-YTUNNUS", Identifier.value == "0191717-9"))  # fmt: skip
        other = session.scalar(select(Identifier.organisation_id).where(
            Identifier.scheme == "FI-YTUNNUS", Identifier.value == "0157568-2"))  # fmt: skip
        own = create_user(session, "hankinnat@kemijarvi.invalid", "password-4711", "buyer", org)
        foreign = create_user(session, "hankinnat@valkeakoski.invalid", "password-4711", "buyer",
                              other)  # fmt: skip
        return own.id, foreign.id


def test_order_measures_and_share(rows_store: str) -> None:
    with session_scope(rows_store) as session:
        p = build_portfolio(session, KEMIJARVI, None)
    # The listing's "Kemijärven kaupunki" and the invoices' buyer are one organisation.
    assert p.sources == {"invoice": 16, "notice": 2}  # 6 + 6 + 4 mapped rows
    assert "NAME-FI:kemijarven kaupunki" in p.identifiers and p.region == "FI1D7"
    ranked = [c.key for c in p.categories]
    scores = [c.strategic_score for c in p.categories]
    assert scores == sorted(scores, reverse=True) and ranked[0] == "60"  # transport: most spend
    assert ranked[-1] == "??"  # the two notices without CPV (no index to place them)
    top = p.categories[0]
    assert [m.name for m in top.measures] == list(MEASURES)
    assert all(m.fit in ("fits", "maybe", "no") and m.why and m.evidence for m in top.measures)
    sustain = next(m for m in top.measures if m.name == "sustainability criteria")
    assert sustain.fit == "fits" and "road transport" in " ".join(sustain.evidence)
    # Valkeakoski buys no transport in these rows: no named partner for joint procurement.
    joint = next(m for m in top.measures if m.name == "joint procurement")
    assert joint.partners == [] and joint.fit == "no"
    assert top.reasons[0].startswith(f"{top.spend_share:.0%} of the organisation's spend")
    assert top.potential.level in ("low", "medium", "high") and top.potential.dimensions
    assert [y.year for y in p.innovative_share] == ["2014"] and p.innovative_share[0].n == 2


def test_csv_and_chart(rows_store: str, tmp_path: object) -> None:
    with session_scope(rows_store) as session:
        p = build_portfolio(session, KEMIJARVI, None)
    rows = list(csv.DictReader(io.StringIO(portfolio_csv(p))))
    assert [r["division"] for r in rows] == [c.key for c in p.categories]
    assert float(rows[0]["spend_eur"]) == pytest.approx(26730.92)
    assert rows[0]["sustainability_criteria"] == "fits"
    buf = io.BytesIO()
    portfolio_png(p, buf)
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n" and len(buf.getvalue()) > 10_000


def test_stakeholders_rate_and_the_organisation_decides(rows_store: str) -> None:
    own, foreign = _users(rows_store)
    with session_scope(rows_store) as session:
        from matcher.store.broker_models import User

        me, them = session.get(User, own), session.get(User, foreign)
        with pytest.raises(PermissionDeniedError):
            invite(session, them, KEMIJARVI, "Nuorisovaltuusto")
        with pytest.raises(PermissionDeniedError):
            invite(session, None, KEMIJARVI, "Nuorisovaltuusto")
        with pytest.raises(InvalidInputError):
            invite(session, me, KEMIJARVI, "   ")
        a = invite(session, me, KEMIJARVI, "Nuorisovaltuusto")
        b = invite(session, me, KEMIJARVI, "Yrittäjäyhdistys")
        token_a, token_b = a.link.rsplit("/", 1)[1], b.link.rsplit("/", 1)[1]  # type: ignore[union-attr]
        # Only the digest is stored.
        stored = session.scalars(select(PortfolioInvitation.token_hash)).all()
        assert token_a not in stored and len(stored[0]) == 64
        assert invitation_organisation(session, token_a) == me.organisation_id  # type: ignore[union-attr]
        rate_category(session, token_a, "18", 5, "Työvaatteiden kierrätys")
        rate_category(session, token_a, "18", 4, "Työvaatteiden kierrätys tärkeää")  # replaces
        rate_category(session, token_b, "18", 5)
        rate_category(session, token_b, "60", 1)
        with pytest.raises(InvalidInputError):
            rate_category(session, token_b, "60", 6)
        with pytest.raises(InvalidInputError):
            rate_category(session, token_b, "4420", 3)
        with pytest.raises(NotFoundError):
            rate_category(session, "not-a-token-of-anyone-here", "60", 3)
        assert [i.n_ratings for i in list_invitations(session, me, KEMIJARVI)] == [1, 2]
        public = build_portfolio(session, KEMIJARVI, None)
        assert not public.ratings_visible and all(c.ratings is None for c in public.categories)
        assert build_portfolio(session, KEMIJARVI, None, them).ratings_visible is False
        mine = build_portfolio(session, KEMIJARVI, None, me)
        by_key = {c.key: c for c in mine.categories}
        assert by_key["18"].ratings.n == 2 and by_key["18"].ratings.mean == 4.5  # type: ignore[union-attr]
        assert by_key["18"].ratings.comments == [("Nuorisovaltuusto", "Työvaatteiden kierrätys tärkeää")]  # type: ignore[union-attr]
        assert build_portfolio(session, KEMIJARVI, None, token=token_b).ratings_visible
        with pytest.raises(NotFoundError):
            build_portfolio(session, "FI-YTUNNUS:0157568-2", None, token=token_b)  # not its invitation
        # The data alone puts transport first; with the stakeholders' weight clothing leads.
        assert mine.categories[0].key == "60"
        with pytest.raises(PermissionDeniedError):
            set_stakeholder_weight(session, them, KEMIJARVI, 1.0)
        set_stakeholder_weight(session, me, KEMIJARVI, 0.75)
        weighted = build_portfolio(session, KEMIJARVI, None)
        assert weighted.stakeholder_weight == 0.75 and weighted.categories[0].key == "18"
        assert any("counted in the order" in r for r in
                   build_portfolio(session, KEMIJARVI, None, me).categories[0].reasons)  # fmt: skip


@pytest.mark.parametrize("key", ["FI-YTUNNUS:0000000-0", "99999999999999999999", "2147483648",
                                 "\u00b2", "\u0663", "FI-YTUNNUS:", ":"])  # fmt: skip
def test_unknown_organisation(rows_store: str, key: str) -> None:
    """An id past the integer column, a superscript or Arabic-Indic digit: 404, never a 500."""
    with session_scope(rows_store) as session, pytest.raises(NotFoundError):
        build_portfolio(session, key, None)
