"""Entity resolution: one company from many sources, every merge measured, logged and undoable.

``resolve`` links each organisation known only by name to the identified organisation it most
probably is (:mod:`.linkage`), with a calibrated probability (:mod:`.model`, measured by
:mod:`.measure`), and merges those above the threshold; :mod:`.review` lists the merges nearest
the threshold for a person to accept or refuse, and a refusal is never made again.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import MergeReview
from .entities import Entity
from .linkage import Link, best_links, compare, subset, weights_for
from .merge import merge, undo
from .model import MODEL_PATH, LinkageModel, load_models
from .names import comparable, parse
from .store import store_entities

#: The method written in the merge log for a linkage merge.
METHOD = "linkage"
#: The model used for a country that has none of its own (Finland's: names are unique there).
DEFAULT_COUNTRY = "FI"


def link(session: Session) -> list[Link]:
    """Every name-only organisation's most probable identified organisation (pairs a person
    refused are left out), best first."""
    weak, strong = store_entities(session)
    if not weak or not strong:
        return []
    models, state = load_models(MODEL_PATH)
    pairs = compare(weak, strong, weights_for(weak, strong, state))
    refused = set(session.execute(select(MergeReview.kept_id, MergeReview.merged_id)
                                  .where(MergeReview.decision == "refused")).all())  # fmt: skip
    keep = np.array([(strong[e].key, weak[q].key) not in refused
                     for q, e in zip(pairs.query, pairs.entity, strict=True)], dtype=bool)  # fmt: skip
    pairs = subset(pairs, keep)
    links: list[Link] = []
    countries = np.array([weak[q].country or DEFAULT_COUNTRY for q in pairs.query])
    for country in sorted(set(countries)):
        model = models.get(country) or models[DEFAULT_COUNTRY]
        links.extend(best_links(subset(pairs, countries == country), weak, strong, model))
    return sorted(links, key=lambda ln: -ln.probability)


def resolve(session: Session, threshold: float | None = None,
            dry_run: bool = False) -> list[dict[str, Any]]:  # fmt: skip
    """Merge every name-only organisation into the identified one it is, when the calibrated
    probability reaches ``threshold`` (default: ``Settings.resolve_threshold``)."""
    if threshold is None:
        from ..settings import get_settings

        threshold = get_settings().resolve_threshold
    out = []
    for ln in link(session):
        if ln.probability < threshold:
            continue
        entry = {"kept_id": ln.entity_key, "merged_id": ln.query_key, "kept_name": ln.entity_name,
                 "merged_name": ln.query_name, "confidence": ln.probability, "fields": ln.fields}  # fmt: skip
        if not dry_run:
            log = merge(session, int(ln.entity_key), int(ln.query_key), METHOD,
                        f"{ln.query_name!r} ~ {ln.entity_name!r}", ln.probability, ln.fields)  # fmt: skip
            entry["merge_id"] = log.id
        out.append(entry)
    return out


def propose(session: Session, threshold: float | None = None) -> list[dict[str, Any]]:
    """What :func:`resolve` would merge, without merging."""
    return resolve(session, threshold, dry_run=True)


__all__ = ["METHOD", "Entity", "Link", "LinkageModel", "comparable", "link", "merge",
           "parse", "propose", "resolve", "undo"]  # fmt: skip
