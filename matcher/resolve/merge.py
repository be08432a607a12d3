"""Merging two organisations into one, with an audit trail, and undoing it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..exceptions import ConflictError, NotFoundError
from ..store.models import Award, Identifier, MergeLog, Organisation, Procurement, Purchase, Signal

#: (key in the log, model, column pointing at the organisation)
_LINKS: tuple[tuple[str, Any, Any], ...] = (
    ("identifiers", Identifier, Identifier.organisation_id),
    ("awards", Award, Award.supplier_id),
    ("procurements", Procurement, Procurement.buyer_id),
    ("purchases_buyer", Purchase, Purchase.buyer_id),
    ("purchases_supplier", Purchase, Purchase.supplier_id),
    ("signals", Signal, Signal.organisation_id),
)


def merge(session: Session, kept_id: int, merged_id: int, method: str, reason: str,
          confidence: float, fields: dict[str, Any] | None = None) -> MergeLog:  # fmt: skip
    """Move everything of ``merged_id`` to ``kept_id`` and log it, with the ``fields`` (and their
    weights) that made the merge.

    Raises:
        NotFoundError: if either organisation does not exist.
        ConflictError: if they are the same or either was already merged away.
    """
    kept, merged = session.get(Organisation, kept_id), session.get(Organisation, merged_id)
    if kept is None or merged is None:
        raise NotFoundError(f"no organisation {kept_id if kept is None else merged_id}")
    if kept_id == merged_id or kept.merged_into_id or merged.merged_into_id:
        raise ConflictError(f"cannot merge {merged_id} into {kept_id}: same or already merged")
    won = set(
        session.execute(select(Award.procurement_id, Award.lot).where(Award.supplier_id == kept_id))
    )
    moved: dict[str, list[Any]] = {}
    for key, model, column in _LINKS:
        rows = session.execute(select(model.id, *([model.procurement_id, model.lot] if model is Award else []))
                               .where(column == merged_id)).all()  # fmt: skip
        # An award both won for the same lot stays where it is: moving it would duplicate it.
        ids = [r[0] for r in rows if model is not Award or (r[1], r[2]) not in won]
        if ids:
            session.execute(update(model).where(model.id.in_(ids)).values({column.key: kept_id}))
        moved[key] = ids
    merged.merged_into_id = kept_id
    # The kept organisation gains the merged one's industry codes; undo restores the old list.
    moved["industry_codes_before"] = list(kept.industry_codes or [])
    kept.industry_codes = sorted(set(kept.industry_codes or []) | set(merged.industry_codes or []))
    log = MergeLog(kept_id=kept_id, merged_id=merged_id, method=method, reason=reason,
                   confidence=confidence, moved=moved, fields=fields)  # fmt: skip
    session.add(log)
    session.flush()
    return log


def undo(session: Session, log_id: int) -> MergeLog:
    """Put back everything a merge moved.

    Raises:
        NotFoundError: if there is no such merge.
        ConflictError: if it was already undone.
    """
    log = session.get(MergeLog, log_id)
    if log is None:
        raise NotFoundError(f"no merge {log_id}")
    if log.undone_at is not None:
        raise ConflictError(f"merge {log_id} was already undone")
    for key, model, column in _LINKS:
        ids = log.moved.get(key) or []
        if ids:
            session.execute(
                update(model).where(model.id.in_(ids)).values({column.key: log.merged_id})
            )
    merged = session.get_one(Organisation, log.merged_id)
    merged.merged_into_id = None
    if "industry_codes_before" in log.moved:
        session.get_one(Organisation, log.kept_id).industry_codes = log.moved[
            "industry_codes_before"
        ]
    log.undone_at = datetime.now()
    return log
