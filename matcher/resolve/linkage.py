"""Linking name-only organisations to a register: candidates, comparison, best match each.

The candidates and the comparison are the same for the measurement and for ``innomatch
resolve``; only where the two sides come from differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .candidates import TokenWeights, nearest
from .entities import Entity
from .features import FEATURES, pair_features, rival_stats
from .model import LinkageModel
from .names import Name


@dataclass
class Pairs:
    """Candidate pairs of query and register organisations, with their comparison rows."""

    query: np.ndarray
    entity: np.ndarray
    query_name: list[str]
    entity_name: list[str]
    X: np.ndarray


@dataclass(frozen=True)
class Link:
    """A query organisation's best register candidate, with its calibrated probability."""

    query_key: int | str
    entity_key: int | str
    query_name: str
    entity_name: str
    probability: float
    fields: dict[str, dict[str, float]]


def weights_for(queries: list[Entity], register: list[Entity],
                state: dict[str, Any] | None = None) -> TokenWeights:  # fmt: skip
    """Word weights from the shipped reference counts plus the names at hand."""
    names = [n for e in (*queries, *register) for n in e.parsed]
    ref = (state or {}).get("token_df")
    return TokenWeights.from_names(names, ref, int((state or {}).get("token_n", 0)))


def compare(queries: list[Entity], register: list[Entity], weights: TokenWeights,
            k: int = 8) -> Pairs:  # fmt: skip
    """Candidate pairs (``k`` nearest register names per query name) and their comparison."""
    qn = [(i, n) for i, e in enumerate(queries) for n in e.parsed]
    rn = [(j, n) for j, e in enumerate(register) for n in e.whole]
    qi, ri, cos = nearest([n for _, n in qn], [n for _, n in rn], weights, k=k)
    q_ent = np.array([qn[i][0] for i in qi], dtype=np.int64)
    r_ent = np.array([rn[j][0] for j in ri], dtype=np.int64)
    ok = np.array([_may_be_same(queries[a], qn[i][1], register[b], rn[j][1])
                   for i, j, a, b in zip(qi, ri, q_ent, r_ent, strict=True)], dtype=bool)  # fmt: skip
    qi, ri, cos, q_ent, r_ent = qi[ok], ri[ok], cos[ok], q_ent[ok], r_ent[ok]
    margin, rivals = rival_stats(q_ent, r_ent, cos)
    rows = [pair_features(qn[a][1], rn[b][1], queries[qe], register[re_], weights,
                          float(c), float(m), int(v))
            for a, b, qe, re_, c, m, v in zip(qi, ri, q_ent, r_ent, cos, margin, rivals,
                                              strict=True)]  # fmt: skip
    X = np.array(rows, dtype=float).reshape(len(rows), len(FEATURES))
    return Pairs(q_ent, r_ent, [qn[a][1].raw for a in qi], [rn[b][1].raw for b in ri], X)


def _may_be_same(q: Entity, qn: Name, r: Entity, rn: Name) -> bool:
    """False where a known fact rules the pair out: another country, or another kind of legal
    person (an association "ry" is never the company "Oy" of the same name)."""
    if q.country and r.country and q.country != r.country:
        return False
    return not (qn.form and rn.form and qn.form != rn.form)


def subset(pairs: Pairs, mask: np.ndarray) -> Pairs:
    """The pairs where ``mask`` is true."""
    idx = np.flatnonzero(mask)
    return Pairs(pairs.query[idx], pairs.entity[idx], [pairs.query_name[i] for i in idx],
                 [pairs.entity_name[i] for i in idx], pairs.X[idx])  # fmt: skip


def best_links(pairs: Pairs, queries: list[Entity], register: list[Entity],
               model: LinkageModel) -> list[Link]:  # fmt: skip
    """Each query's most probable register organisation (one link per query that has pairs)."""
    if not len(pairs.query):
        return []
    proba = model.predict_proba(pairs.X)
    logit = model.decision_function(pairs.X)
    order = np.lexsort((-logit, pairs.query))
    first = np.ones(len(order), dtype=bool)
    first[1:] = pairs.query[order][1:] != pairs.query[order][:-1]
    return [
        Link(queries[int(pairs.query[i])].key, register[int(pairs.entity[i])].key,
             pairs.query_name[i], pairs.entity_name[i], round(float(proba[i]), 4),
             model.explain(pairs.X[i]))
        for i in order[first]
    ]  # fmt: skip


__all__ = ["Link", "Pairs", "best_links", "compare", "subset", "weights_for"]
