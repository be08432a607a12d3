"""Company accounts tied to a business id, and the profile a company keeps of itself.

A company signs up with its business id (a Finnish Y-tunnus is checked by its check digit; other
schemes are taken as given) and stays *self-declared* until a broker confirms it. Its profile is
copied to ``Organisation.profile``, the text the index embeds for ``nearest_profiles`` and the
innovation facts read: after :func:`refresh_index` a firm that never won can be found for a need
its offering fits.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..exceptions import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from ..store.broker_models import User
from ..store.company_models import CompanyProfile
from ..store.db import session_scope
from ..store.models import Award, Identifier, Organisation
from ..vocab import cpv_vocabulary
from ..vocab.messages import Msg
from .accounts import create_user
from .company_schemas import CompanyIn, CompanyOut, ProfileIn, Reference, RefreshOut
from .schemas import CpvSuggestion

if TYPE_CHECKING:
    from ..service import Matcher

__all__ = ["company_of", "company_out", "confirm_company", "get_profile", "list_companies",
           "refresh_index", "refresh_status", "register_company", "start_refresh", "update_profile", "validate_business_id",
           "ytunnus_error"]  # fmt: skip

log = logging.getLogger(__name__)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
_YTUNNUS = re.compile(r"^(\d{6,7})-(\d)$")


def ytunnus_error(value: str) -> Msg | None:
    """Why ``value`` is not a valid Y-tunnus (business id), or None if it is.

    The check digit: the first seven digits weighted 7, 9, 10, 5, 8, 4, 2, summed, modulo 11; a
    remainder 0 gives 0, 1 is never issued, any other r gives 11 - r.
    """
    m = _YTUNNUS.match(value.strip())
    if not m:
        return Msg("ytunnus.form", "a Y-tunnus is seven digits, a hyphen and a check digit (1234567-8)")
    digits = m.group(1).zfill(7)  # ids issued before 1990s may have six digits: a leading zero
    r = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11
    if r == 1:
        return Msg("ytunnus.remainder", "no Y-tunnus has these seven digits (their check remainder is 1)",
                   digits=digits)  # fmt: skip
    expected = 0 if r == 0 else 11 - r
    if int(m.group(2)) != expected:
        return Msg("ytunnus.check_digit", f"the check digit of {digits} is {expected}, not {m.group(2)}",
                   digits=digits, expected=expected, given=int(m.group(2)))  # fmt: skip
    return None


def validate_business_id(scheme: str, value: str) -> str:
    """The business id normalised for ``scheme``.

    Raises:
        InvalidInputError: with the reason, for a Y-tunnus whose form or check digit is wrong, or
            an empty id.
    """
    value = value.strip().upper()
    if scheme == "FI-YTUNNUS":
        m = _YTUNNUS.match(value)
        value = f"{m.group(1).zfill(7)}-{m.group(2)}" if m else value
        error = ytunnus_error(value)
        if error:
            # The reason as a code too: the pages give it in the visitor's language.
            raise InvalidInputError(Msg("ytunnus.invalid", f"invalid Y-tunnus {value!r}: {error}",
                                        value=value, fact=error.code, **error.params))  # fmt: skip
    elif not re.match(r"^[0-9A-Z][0-9A-Z .\-/]{1,62}$", value):
        raise InvalidInputError(f"invalid business id {value!r} for {scheme}")
    return value


def register_company(session: Session, data: CompanyIn) -> User:
    """Sign a company up: its organisation (found by business id, else new) and an account.

    Raises:
        InvalidInputError: for an invalid business id, e-mail or password.
        ConflictError: if the company already has an account, or the e-mail is taken.
    """
    value = validate_business_id(data.id_scheme, data.business_id)
    org = session.scalar(select(Organisation).join(Identifier).where(
        Identifier.scheme == data.id_scheme, Identifier.value == value))  # fmt: skip
    if org is not None and session.get(CompanyProfile, org.id) is not None:
        raise ConflictError(f"{data.id_scheme} {value} already has an account: ask its owner")
    if org is None:
        org = Organisation(name=data.name, country=data.id_scheme[:2], region=data.region,
                           names=[{"name": data.name, "source": "company", "from": None,
                                   "to": None}])  # fmt: skip
        org.identifiers.append(Identifier(scheme=data.id_scheme, value=value, raw=data.business_id))
        session.add(org)
        session.flush()
    user = create_user(session, data.email, data.password, "company", org.id)
    session.add(CompanyProfile(organisation_id=org.id, id_scheme=data.id_scheme, id_value=value,
                               status="self_declared", offering={}, cpv=[], cpv_suggested=[],
                               regions=[data.region] if data.region else [], references=[],
                               website=""))  # fmt: skip
    session.flush()
    return user


def company_of(session: Session, user: User) -> CompanyProfile:
    """The profile of the company ``user`` acts for.

    Raises:
        PermissionDeniedError: if ``user`` is not a company account.
    """
    if user.role != "company" or user.organisation_id is None:
        raise PermissionDeniedError("only a company account has a company profile")
    profile = session.get(CompanyProfile, user.organisation_id)
    if profile is None:
        raise NotFoundError(f"no company profile for organisation {user.organisation_id}")
    return profile


def company_out(session: Session, p: CompanyProfile) -> CompanyOut:
    """The API shape of a company profile."""
    n_awards = session.scalar(select(func.count()).select_from(Award)
                              .where(Award.supplier_id == p.organisation_id)) or 0  # fmt: skip
    return CompanyOut(
        organisation_id=p.organisation_id, name=p.organisation.name, id_scheme=p.id_scheme,
        business_id=p.id_value, status=p.status,  # type: ignore[arg-type]
        offering=dict(p.offering or {}), cpv=list(p.cpv or []),
        cpv_suggested=[CpvSuggestion(**s) for s in p.cpv_suggested or []],
        regions=list(p.regions or []), references=[Reference(**r) for r in p.references or []],
        website=p.website, n_awards=n_awards, updated_at=p.updated_at, indexed_at=p.indexed_at,
    )  # fmt: skip


def get_profile(session: Session, user: User) -> CompanyOut:
    """The signed-in company's own profile."""
    return company_out(session, company_of(session, user))


def profile_text(p: ProfileIn | CompanyProfile) -> str:
    """The text the ranking embeds for a company: its offering in every language it wrote, the
    labels of its CPV codes, and its references."""
    vocab = cpv_vocabulary()
    offering = dict(p.offering or {})
    refs = [r if isinstance(r, dict) else r.model_dump() for r in p.references or []]
    parts = [offering[k] for k in ("fi", "sv", "en") if offering.get(k)]
    parts += [vocab.label(c) or "" for c in p.cpv or [] if c in vocab]
    parts += [" ".join(str(r.get(k) or "") for k in ("title", "client")).strip() for r in refs]
    return " | ".join(x for x in parts if x)


def update_profile(session: Session, user: User, data: ProfileIn, matcher: Matcher) -> CompanyOut:
    """Save the company's profile; CPV codes are suggested from its offering.

    The text is copied to the organisation's ``profile`` (the supplier profile the index reads),
    dated, with the source recorded as the company itself (self-declared or confirmed).
    """
    p = company_of(session, user)
    p.offering, p.cpv, p.regions = dict(data.offering), list(data.cpv), list(data.regions)
    p.references = [r.model_dump() for r in data.references]
    p.website, p.updated_at = data.website, datetime.now()
    offering = " ".join(data.offering.values())
    vocab = cpv_vocabulary()
    p.cpv_suggested = [{"code": c, "label": vocab.label(c) or "", "score": s}
                       for c, s in matcher.suggest_cpv(offering)] if offering else []  # fmt: skip
    org = p.organisation
    org.profile = profile_text(p) or None
    org.website = data.website or org.website
    session.flush()
    return company_out(session, p)


def list_companies(session: Session, user: User, status: str | None = None) -> list[CompanyOut]:
    """Companies that signed up (brokers only), newest change first."""
    if user.role != "broker":
        raise PermissionDeniedError("only brokers list companies")
    q = select(CompanyProfile).order_by(CompanyProfile.updated_at.desc())
    if status:
        q = q.where(CompanyProfile.status == status)
    return [company_out(session, p) for p in session.scalars(q)]


def confirm_company(session: Session, user: User, organisation_id: int) -> CompanyOut:
    """A broker confirms that the company is who it says it is.

    Raises:
        PermissionDeniedError: if ``user`` is not a broker.
        NotFoundError: if no company signed up as that organisation.
    """
    if user.role != "broker":
        raise PermissionDeniedError("only brokers confirm companies")
    p = session.get(CompanyProfile, organisation_id)
    if p is None:
        raise NotFoundError(f"no company {organisation_id}")
    p.status, p.confirmed_by, p.confirmed_at = "confirmed", user.id, datetime.now()
    session.flush()
    return company_out(session, p)


class _Refresh:
    """The one index refresh of this process: whether it runs, and what the last one read."""

    lock = threading.Lock()
    last: RefreshOut | None = None
    error: str | None = None


def start_refresh(user: User, matcher: Matcher) -> None:
    """Start :func:`refresh_index` in a thread of its own (it takes minutes) and return.

    Raises:
        PermissionDeniedError: if ``user`` is not a broker.
        ConflictError: if a refresh is running.
    """
    if user.role != "broker":
        raise PermissionDeniedError("only brokers refresh the index")
    if not _Refresh.lock.acquire(blocking=False):
        raise ConflictError("an index refresh is running: wait for it to finish")

    def run() -> None:
        try:
            _rebuild(matcher)
        except Exception:  # noqa: BLE001 (kept in the state; the service goes on with the old index)
            log.exception("index refresh failed")
        finally:
            _Refresh.lock.release()

    threading.Thread(target=run, name="innomatch-refresh", daemon=True).start()


def refresh_status() -> tuple[bool, RefreshOut | None, str | None]:
    """Whether a refresh runs now, what the last finished one read, and its error if it failed."""
    return _Refresh.lock.locked(), _Refresh.last, _Refresh.error


def refresh_index(matcher: Matcher) -> RefreshOut | None:
    """Rebuild the index from the store as ``innomatch build`` does (only new texts are embedded),
    so companies' profiles enter the ranking and the innovation potential, and make the running
    service read it. Returns None, doing nothing, if another refresh is running.

    It takes as long as a build (minutes on the demo data on a busy machine): the API starts it
    in a thread (:func:`start_refresh`).
    """
    if not _Refresh.lock.acquire(blocking=False):
        return None
    try:
        return _rebuild(matcher)
    finally:
        _Refresh.lock.release()


def _rebuild(matcher: Matcher) -> RefreshOut:
    from ..index import build_index
    from ..innovation.table import build_potentials
    from ..rank.cpv_build import build_cpv_inferrer
    from ..rank.history_build import build_history

    start = time.perf_counter()
    try:
        index = build_index(matcher.settings, embedder=matcher.embedder)
        build_potentials(matcher.settings, index)
        build_cpv_inferrer(matcher.settings, index)
        build_history(matcher.settings, index)
    except Exception as exc:
        _Refresh.error = f"{type(exc).__name__}: {exc}"
        raise
    matcher.reload()
    matcher.pipeline()  # load the new build here, not in the next user's request
    with session_scope(matcher.settings.database_url) as session:
        read = {s.id for s in index.corpus.suppliers if s.profile_text}
        for p in session.scalars(select(CompanyProfile)):
            if p.organisation_id in read:
                p.indexed_at = datetime.now()
    _Refresh.last = RefreshOut(built_at=index.built_at, supplier_profiles=int(len(index.profile_rows)),
                               took_s=round(time.perf_counter() - start, 2))  # fmt: skip
    _Refresh.error = None
    return _Refresh.last
