"""Helpers of the companies' tests: valid Y-tunnus numbers, accounts and demo needs by name."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.broker.companies import register_company
from matcher.broker.company_schemas import CompanyIn
from matcher.store.broker_models import Need, User

COMPANY_PASSWORD = "company-password-4711"


def ytunnus(seven: str) -> str:
    """A valid Y-tunnus for seven digits (its check digit computed)."""
    r = sum(int(d) * w for d, w in zip(seven, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    assert r != 1, "no Y-tunnus has these digits"
    return f"{seven}-{0 if r == 0 else 11 - r}"


def user(s: Session, email: str) -> User:
    """The account with this e-mail."""
    return s.scalars(select(User).where(User.email == email)).one()


def need_id(s: Session, title_start: str) -> int:
    """The id of the demo need whose title starts so."""
    return s.scalars(select(Need.id).where(Need.title.startswith(title_start))).one()


def company(s: Session, email: str, seven: str, name: str, region: str = "FI1B1") -> User:
    """A company account (made once per module)."""
    found = s.scalars(select(User).where(User.email == email)).first()
    if found is not None:
        return found
    return register_company(s, CompanyIn(name=name, business_id=ytunnus(seven), email=email,
                                         password=COMPANY_PASSWORD, region=region))  # fmt: skip
