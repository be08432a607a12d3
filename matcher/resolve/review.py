"""A person's review of the merges nearest the threshold: accept or refuse, and remember it.

The list holds the merges made just above the threshold and the ones left just below it, the
least sure first. A refusal undoes the merge if it was made, and :func:`matcher.resolve.link`
never proposes that pair again; an acceptance makes the merge if it was not made. Undoing a
merge by hand (``innomatch unmerge``) is a refusal too, or the next ``resolve`` would redo it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..exceptions import NotFoundError
from ..store.models import MergeLog, MergeReview, Organisation
from . import METHOD, link
from .merge import merge, undo


def review_list(session: Session, threshold: float, size: int = 20) -> list[dict[str, Any]]:
    """The ``size`` unreviewed merges (made or proposed) nearest ``threshold``, nearest first."""
    reviewed = {
        tuple(r) for r in session.execute(select(MergeReview.kept_id, MergeReview.merged_id))
    }
    made = session.scalars(select(MergeLog).where(MergeLog.undone_at.is_(None),
                                                  MergeLog.method == METHOD)).all()  # fmt: skip
    items = [
        {"merged_id": m.merged_id, "kept_id": m.kept_id, "merge_id": m.id, "reason": m.reason,
         "confidence": m.confidence, "fields": m.fields or {}}
        for m in made if (m.kept_id, m.merged_id) not in reviewed
    ]  # fmt: skip
    items += [
        {"merged_id": ln.query_key, "kept_id": ln.entity_key, "merge_id": None,
         "reason": f"{ln.query_name!r} ~ {ln.entity_name!r}", "confidence": ln.probability,
         "fields": ln.fields}
        for ln in link(session)
        if ln.probability < threshold and (ln.entity_key, ln.query_key) not in reviewed
    ]  # fmt: skip
    items.sort(key=lambda it: abs(_confidence(it) - threshold))
    return items[:size]


def _confidence(item: dict[str, Any]) -> float:
    return float(item["confidence"])


def decide(session: Session, merged_id: int, kept_id: int, accept: bool) -> MergeReview:
    """Record a person's decision on merging ``merged_id`` into ``kept_id`` and apply it.

    Raises:
        NotFoundError: if either organisation does not exist.
        ConflictError: if accepting a merge that can no longer be made (one side merged away).
    """
    for oid in (merged_id, kept_id):
        if session.get(Organisation, oid) is None:
            raise NotFoundError(f"no organisation {oid}")
    live = session.scalars(select(MergeLog).where(MergeLog.kept_id == kept_id,
                                                  MergeLog.merged_id == merged_id,
                                                  MergeLog.undone_at.is_(None))).first()  # fmt: skip
    confidence = live.confidence if live else None
    if accept and live is None:
        log = merge(session, kept_id, merged_id, "review", "accepted by a person", 1.0)
        confidence = log.confidence
    elif not accept and live is not None:
        undo(session, live.id)
    return _remember(session, kept_id, merged_id, "accepted" if accept else "refused", confidence)


def unmerge(session: Session, merge_id: int) -> MergeLog:
    """Undo a merge and remember the pair as refused (a later ``resolve`` leaves it apart)."""
    log = undo(session, merge_id)
    _remember(session, log.kept_id, log.merged_id, "refused", log.confidence)
    return log


def _remember(session: Session, kept_id: int, merged_id: int, decision: str,
              confidence: float | None) -> MergeReview:  # fmt: skip
    row = session.scalars(select(MergeReview).where(MergeReview.kept_id == kept_id,
                                                    MergeReview.merged_id == merged_id)).first()  # fmt: skip
    if row is None:
        row = MergeReview(kept_id=kept_id, merged_id=merged_id, decision=decision,
                          confidence=confidence)  # fmt: skip
        session.add(row)
    else:
        row.decision, row.confidence = decision, confidence
    session.flush()
    return row


__all__ = ["decide", "review_list", "unmerge"]
