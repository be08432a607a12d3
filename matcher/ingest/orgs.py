"""Organisations met while ingesting one file: resolved by identifier, created in batches.

One query loads every known identifier up front; new organisations and identifiers are buffered
and written with bulk INSERTs when the file's writer flushes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.bulk import bulk_insert
from ..store.models import Identifier, Organisation
from .records import OrgRef


@dataclass
class NewOrg:
    """An organisation created in this file and not yet inserted; ``id`` is set on flush."""

    row: dict[str, Any]
    id: int | None = None


OrgHandle = int | NewOrg


class OrgResolver:
    """Identifier -> organisation resolution with a per-file cache (one query up front)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        rows = session.execute(
            select(Identifier.scheme, Identifier.value, Identifier.organisation_id)
        )
        self.ids: dict[tuple[str, str], OrgHandle] = {(s, v): o for s, v, o in rows}
        self.new_orgs: list[NewOrg] = []
        self.new_idents: list[tuple[NewOrg | int, dict[str, Any]]] = []

    def resolve(self, ref: OrgRef) -> OrgHandle:
        keys = [(ref.scheme, ref.value), *ref.extra_ids]
        org = next((self.ids[k] for k in keys if k in self.ids), None)
        if org is None:
            org = NewOrg({"name": ref.name, "country": ref.country, "industry_codes": []})
            self.new_orgs.append(org)
        for scheme, value in keys:
            if (scheme, value) not in self.ids:
                raw = ref.raw_id if (scheme, value) == (ref.scheme, ref.value) else value
                self.new_idents.append((org, {"scheme": scheme, "value": value, "raw": raw}))
                self.ids[(scheme, value)] = org
        return org

    def flush(self) -> None:
        """Insert the organisations and identifiers created since the last flush."""
        if self.new_orgs:
            ids = bulk_insert(self.session, Organisation, [o.row for o in self.new_orgs])
            for org, new_id in zip(self.new_orgs, ids, strict=True):
                org.id = new_id
            self.new_orgs = []
        if self.new_idents:
            rows = [{**row, "organisation_id": org_id(org)} for org, row in self.new_idents]
            bulk_insert(self.session, Identifier, rows)
            self.new_idents = []


def org_id(org: OrgHandle) -> int:
    value = org.id if isinstance(org, NewOrg) else org
    assert value is not None, "organisation used before flush"
    return value
