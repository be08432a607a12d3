"""Accounts, passwords, browser sessions and API keys, and who may see which need.

Passwords are hashed with Argon2id (argon2-cffi's defaults, the current OWASP recommendation);
session tokens and API keys are random 256-bit secrets stored only as SHA-256 digests, so a copy
of the database lets no one sign in.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..exceptions import AuthenticationError, ConflictError, InvalidInputError, NotFoundError
from ..store.broker_models import AuthSession, Need, User
from ..store.models import Organisation

ROLES = ("buyer", "broker", "company")
_HASHER = PasswordHasher()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MIN_PASSWORD = 10
#: A dummy hash checked when the e-mail is unknown, so timing does not tell which e-mails exist.
_DUMMY = _HASHER.hash("not a password of anyone")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(session: Session, email: str, password: str, role: str,
                organisation_id: int | None = None, region: str | None = None) -> User:  # fmt: skip
    """Create an account.

    Raises:
        InvalidInputError: for a bad e-mail, a short password, an unknown role, a buyer without
            an organisation or a broker without a region.
        NotFoundError: if the organisation does not exist.
        ConflictError: if the e-mail is taken.
    """
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise InvalidInputError(f"not an e-mail address: {email!r}")
    if len(password) < _MIN_PASSWORD:
        raise InvalidInputError(f"password must have at least {_MIN_PASSWORD} characters")
    if role not in ROLES:
        raise InvalidInputError(f"role must be one of {', '.join(ROLES)}")
    if role in ("buyer", "company") and organisation_id is None:
        raise InvalidInputError(f"a {role} account needs the organisation it acts for")
    if role == "broker" and not region:
        raise InvalidInputError("a broker account needs its region (a NUTS code)")
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        raise NotFoundError(f"no organisation {organisation_id}")
    if session.scalar(select(User).where(User.email == email)):
        raise ConflictError(f"an account for {email} exists")
    user = User(email=email, password_hash=_HASHER.hash(password), role=role,
                organisation_id=organisation_id if role != "broker" else None,
                region=region.upper() if region else None)  # fmt: skip
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """Give ``user`` a new password.

    Raises:
        InvalidInputError: if it is too short.
    """
    if len(password) < _MIN_PASSWORD:
        raise InvalidInputError(f"password must have at least {_MIN_PASSWORD} characters")
    user.password_hash = _HASHER.hash(password)


def authenticate(session: Session, email: str, password: str) -> User:
    """The account with this e-mail and password.

    Raises:
        AuthenticationError: if either is wrong (the message does not say which).
    """
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None:
        raise AuthenticationError("wrong e-mail or password")
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user


def start_session(session: Session, user: User, hours: int = 8) -> str:
    """A new browser session for ``user``; returns the token for its cookie."""
    token = secrets.token_urlsafe(32)
    now = datetime.now()
    session.execute(delete(AuthSession).where(AuthSession.expires_at < now))
    session.add(AuthSession(token_hash=_digest(token), user_id=user.id,
                            expires_at=now + timedelta(hours=hours)))  # fmt: skip
    return token


def user_for_session(session: Session, token: str | None) -> User | None:
    """The user of a live session token, else None."""
    if not token:
        return None
    row = session.scalar(select(AuthSession).where(AuthSession.token_hash == _digest(token)))
    if row is None or row.expires_at < datetime.now():
        return None
    return row.user


def end_session(session: Session, token: str | None) -> None:
    """Sign out: forget the session."""
    if token:
        session.execute(delete(AuthSession).where(AuthSession.token_hash == _digest(token)))


def issue_api_key(session: Session, user: User) -> str:
    """A new API key for ``user`` (the old one stops working); shown once, stored as a digest."""
    key = "im_" + secrets.token_urlsafe(32)
    user.api_key_hash = _digest(key)
    return key


def user_for_api_key(session: Session, key: str | None) -> User | None:
    """The user of an API key, else None."""
    if not key:
        return None
    return session.scalar(select(User).where(User.api_key_hash == _digest(key)))


def can_access(user: User, need: Need) -> bool:
    """A buyer reaches its own organisation's needs; a broker the needs of its region; a company
    none this way (it reads needs on the open board only, see :mod:`.public`)."""
    if user.role == "buyer":
        return user.organisation_id is not None and need.buyer_id == user.organisation_id
    if user.role == "broker":
        return bool(user.region and need.region and need.region.startswith(user.region))
    return False
