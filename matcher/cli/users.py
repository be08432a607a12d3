"""``innomatch user``: accounts for the broker workflow, and the demo's accounts."""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer
from sqlalchemy import select

from ..broker.accounts import create_user, issue_api_key, set_password
from ..exceptions import InnomatchError
from ..settings import get_settings
from ..store.broker_models import User
from ..store.db import migrate, session_scope
from ..store.models import Organisation
from ._common import fail

users_app = typer.Typer(help="Accounts: buyers act for one organisation, brokers for a region.",
                        no_args_is_help=True)  # fmt: skip

#: Demo accounts: e-mail -> (role, buyer organisation name or None, region or None).
DEMO_ACCOUNTS = {
    "broker@demo.invalid": ("broker", None, "FI1"),
    "vantaa@demo.invalid": ("buyer", "Vantaan kaupunki", None),
    "oulu@demo.invalid": ("buyer", "Oulun kaupunki", None),
}


@users_app.command("add")
def add(
    email: str,
    role: Annotated[str, typer.Option(help="buyer or broker")],
    organisation_id: Annotated[int | None, typer.Option(help="A buyer's organisation id")] = None,
    region: Annotated[str | None, typer.Option(help="A broker's region, a NUTS code")] = None,
) -> None:
    """Create an account; the password is read from INNOMATCH_PASSWORD or asked for."""
    password = os.environ.get("INNOMATCH_PASSWORD") or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    url = get_settings().database_url
    migrate(url)
    try:
        with session_scope(url) as session:
            user = create_user(session, email, password, role, organisation_id, region)
            typer.echo(f"created {user.role} {user.email} (id {user.id})")
    except InnomatchError as exc:
        fail(f"{exc}")


@users_app.command("api-key")
def api_key(email: str) -> None:
    """Issue a new API key for an account (printed once)."""
    with session_scope(get_settings().database_url) as session:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            fail(f"no account {email}")
        typer.echo(issue_api_key(session, user))


def demo_accounts(url: str, password: str | None = None) -> tuple[str, list[str]]:
    """Create the demo accounts (or give them a new password); returns their password and e-mails.

    The password comes from INNOMATCH_DEMO_PASSWORD, else a fresh random one each run: no
    password is kept in the repository.
    """
    password = password or os.environ.get("INNOMATCH_DEMO_PASSWORD") or secrets.token_urlsafe(12)
    made = []
    with session_scope(url) as session:
        for email, (role, org_name, region) in DEMO_ACCOUNTS.items():
            old = session.scalar(select(User).where(User.email == email))
            if old is not None:
                set_password(old, password)
                made.append(email)
                continue
            org_id = None
            if org_name:
                org_id = session.scalar(
                    select(Organisation.id).where(Organisation.name == org_name)
                )
                if org_id is None:
                    continue  # the demo data holds no such buyer
            create_user(session, email, password, role, org_id, region)
            made.append(email)
    return password, made
