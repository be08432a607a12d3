"""Company accounts: the Y-tunnus check, sign-up, confirmation, the profile, and the profile
entering the ranking after an index refresh."""

from __future__ import annotations

import time

import pytest
from company_helpers import COMPANY_PASSWORD, company, need_id, user, ytunnus
from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.broker import authenticate, shortlist
from matcher.broker.companies import (
    confirm_company,
    get_profile,
    list_companies,
    refresh_index,
    refresh_status,
    register_company,
    start_refresh,
    update_profile,
    validate_business_id,
    ytunnus_error,
)
from matcher.broker.company_schemas import CompanyIn, ProfileIn, Reference
from matcher.exceptions import ConflictError, InvalidInputError, PermissionDeniedError
from matcher.service import Matcher
from matcher.store.models import Identifier, Organisation

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("value", ["0112038-9", "1572860-0", "2617416-4", "0737546-2", "1234567-1"])
def test_valid_ytunnus(value: str) -> None:
    assert ytunnus_error(value) is None


@pytest.mark.parametrize(("value", "reason"), [
    ("1234567-8", "check digit of 1234567 is 1, not 8"),
    ("0112038-8", "check digit of 0112038 is 9"),
    ("1234567", "seven digits, a hyphen"),
    ("12345678-9", "seven digits, a hyphen"),
    ("0000006-0", "remainder is 1"),  # 6 * 2 = 12, and 12 % 11 = 1: never issued
])  # fmt: skip
def test_invalid_ytunnus_says_why(value: str, reason: str) -> None:
    error = ytunnus_error(value)
    assert error is not None and reason in error


def test_six_digit_ids_gain_their_leading_zero() -> None:
    assert validate_business_id("FI-YTUNNUS", "112038-9") == "0112038-9"


def test_other_schemes_are_taken_as_given() -> None:
    assert validate_business_id("SE-ORGNR", "556036-0793") == "556036-0793"
    with pytest.raises(InvalidInputError):
        validate_business_id("SE-ORGNR", "<script>")


def test_register_refuses_an_invalid_ytunnus_with_the_reason(session: Session) -> None:
    with pytest.raises(InvalidInputError, match="check digit of 1234567 is 1, not 8"):
        register_company(session, CompanyIn(name="Väärä Oy", business_id="1234567-8",
                                            email="vaara@firm.invalid", password=COMPANY_PASSWORD))  # fmt: skip


def test_register_makes_a_self_declared_company_that_signs_in(session: Session) -> None:
    u = company(session, "solar@firm.invalid", "2900001", "Aurinkoaskel Oy")
    assert u.role == "company" and u.organisation_id
    assert authenticate(session, "solar@firm.invalid", COMPANY_PASSWORD).id == u.id
    p = get_profile(session, u)
    assert (p.status, p.business_id, p.n_awards) == ("self_declared", ytunnus("2900001"), 0)
    ident = session.scalars(select(Identifier).where(Identifier.organisation_id == u.organisation_id)).one()
    assert (ident.scheme, ident.value) == ("FI-YTUNNUS", ytunnus("2900001"))
    with pytest.raises(ConflictError, match="already has an account"):
        register_company(session, CompanyIn(name="Toinen", business_id=ytunnus("2900001"),
                                            email="other@firm.invalid", password=COMPANY_PASSWORD))  # fmt: skip


def test_a_known_supplier_claims_its_organisation(session: Session) -> None:
    ident = session.scalars(select(Identifier).where(Identifier.scheme == "FI-YTUNNUS")).first()
    assert ident is not None, "the demo data holds Finnish suppliers with a Y-tunnus"
    u = register_company(session, CompanyIn(name="whatever", business_id=ident.value,
                                            email="claim@firm.invalid", password=COMPANY_PASSWORD))  # fmt: skip
    assert u.organisation_id == ident.organisation_id


def test_only_brokers_confirm_and_list(session: Session) -> None:
    u = company(session, "confirm@firm.invalid", "2900002", "Vahvistettava Oy")
    with pytest.raises(PermissionDeniedError):
        confirm_company(session, user(session, "vantaa@demo.invalid"), u.organisation_id or 0)
    with pytest.raises(PermissionDeniedError):
        list_companies(session, u)
    out = confirm_company(session, user(session, "broker@demo.invalid"), u.organisation_id or 0)
    assert out.status == "confirmed"
    assert u.organisation_id in {c.organisation_id for c in
                                 list_companies(session, user(session, "broker@demo.invalid"), "confirmed")}  # fmt: skip


def test_buyers_have_no_company_profile(session: Session) -> None:
    with pytest.raises(PermissionDeniedError):
        get_profile(session, user(session, "vantaa@demo.invalid"))


def test_profile_is_saved_with_suggested_cpv_and_feeds_the_supplier_profile(
    session: Session, matcher: Matcher
) -> None:
    u = company(session, "profile@firm.invalid", "2900003", "Profiili Oy")
    out = update_profile(session, u, ProfileIn(
        offering={"fi": "Koulukuljetusten reittisuunnittelu ja kutsuliikenteen ohjelmisto"},
        regions=["FI1D9"], website="https://profiili.example",
        references=[Reference(title="Kutsuliikenne", client="Kempeleen kunta", year=2024)]), matcher)  # fmt: skip
    assert out.cpv_suggested and all(s.code and 0 < s.score <= 1 for s in out.cpv_suggested)
    org = session.get(Organisation, u.organisation_id)
    assert org is not None and org.profile is not None
    assert "Koulukuljetusten reittisuunnittelu" in org.profile and "Kempeleen kunta" in org.profile
    assert out.updated_at is not None and out.indexed_at is None


def test_refresh_is_for_brokers_only(session: Session, matcher: Matcher) -> None:
    with pytest.raises(PermissionDeniedError):
        start_refresh(user(session, "vantaa@demo.invalid"), matcher)


OFFERING = ("Tekoälypohjainen energianhallinta kouluille ja päiväkodeille: sähkön ja lämmön "
            "kulutuksen reaaliaikainen seuranta, ennustaminen ja talotekniikan ohjaus.")


def test_a_firm_that_never_won_is_ranked_for_a_need_its_profile_fits(
    board_settings: object, matcher: Matcher
) -> None:
    from matcher.store.db import session_scope

    url = board_settings.database_url  # type: ignore[attr-defined]
    with session_scope(url) as s:
        u = company(s, "energy@firm.invalid", "2900004", "Energiaäly Oy")
        org_id = u.organisation_id
        update_profile(s, u, ProfileIn(offering={"fi": OFFERING}), matcher)
        need = need_id(s, "Kunnan energiankulutuksen")
        before = shortlist(s, user(s, "broker@demo.invalid"), need, matcher, k=20)
    assert org_id not in {m.supplier_id for m in before.ranking}
    while refresh_status()[0]:  # another module's refresh (this process has one at a time)
        time.sleep(1)
    done = refresh_index(matcher)
    assert done is not None and done.supplier_profiles >= 1
    assert refresh_status()[0] is False and refresh_status()[1] == done
    with session_scope(url) as s:
        after = shortlist(s, user(s, "broker@demo.invalid"), need, matcher, k=20)
        indexed = get_profile(s, user(s, "energy@firm.invalid")).indexed_at
    found = [m for m in after.ranking if m.supplier_id == org_id]
    assert found, "the company's profile should bring it into the ranking"
    m = found[0]
    assert m.n_awards == 0 and "nearest_profiles" in m.found_by
    assert m.profile and "energianhallinta" in m.profile  # the profile is its evidence
    assert m.innovation is not None  # the innovation potential reads the profile too
    assert indexed is not None
