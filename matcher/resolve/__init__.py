"""Entity resolution: one company from many sources, every merge logged and undoable."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from .matching import Proposal, propose
from .merge import merge, undo
from .names import comparable


def resolve(
    session: Session, threshold: float = 0.92, dry_run: bool = False
) -> list[dict[str, Any]]:
    """Merge every name-only organisation into the identified one it matches above ``threshold``."""
    out = []
    for p in propose(session, threshold):
        entry = asdict(p)
        if not dry_run:
            log = merge(session, p.kept_id, p.merged_id, "name:token_set_ratio",
                        f"{p.merged_name!r} ~ {p.kept_name!r}", p.confidence)  # fmt: skip
            entry["merge_id"] = log.id
        out.append(entry)
    return out


__all__ = ["Proposal", "comparable", "merge", "propose", "resolve", "undo"]
