"""One context per request: the need, its vector, its CPV codes and every retriever's hits.

Built once by :meth:`~.pipeline.RankingPipeline.context` and read by every later stage, so no
stage searches the index again and no signature carries loose similarity arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from scipy import sparse

from .need import Need

__all__ = ["Hit", "NeedContext", "Neighbours"]

#: Rows of an index and their scores, best first.
Neighbours = tuple[np.ndarray, np.ndarray]


class _TextIndex(Protocol):
    def query(self, text: str) -> Any: ...


class _VectorIndex(Protocol):
    def scores_for(self, query: np.ndarray, ids: np.ndarray) -> np.ndarray: ...


@dataclass
class Hit:
    """A supplier a retriever found, and why.

    Attributes:
        supplier_id: The supplier.
        score: The retriever's own measure (a similarity, or a count of awards).
        rows: The contracts (or purchase accounts) behind the hit, best first.
    """

    supplier_id: int
    score: float
    rows: tuple[int, ...] = ()


@dataclass
class NeedContext:
    """Everything the stages of one ranking share.

    Attributes:
        need: The need as given.
        vector: Its query vector (text plus the labels of the CPV codes given).
        cpv: CPV codes used: the given ones, else inferred from the text.
        cpv_inferred: Whether ``cpv`` was inferred.
        cpv_confidence: How far an inferred code is to be trusted (1 for given codes).
        contracts: Nearest contracts by embedding (rows, similarities).
        wording: Nearest contracts by wording (rows, lexical scores).
        lexical_query: The need's TF-IDF vector (``None`` if it shares no n-gram).
        profiles: Nearest supplier profiles (profile rows, similarities).
        hits: Retriever name -> its hits.
    """

    need: Need
    vector: np.ndarray
    cpv: list[str]
    cpv_inferred: bool
    cpv_confidence: float
    contracts: Neighbours
    wording: Neighbours
    lexical_query: sparse.csr_matrix | None
    profiles: Neighbours
    hits: dict[str, list[Hit]] = field(default_factory=dict)
    #: Text queries of other indexes (purchase accounts, names), transformed once per request.
    _queries: dict[str, Any] = field(default_factory=dict, repr=False)
    #: Supplier id -> the retrievers that found it, made on the first ``found_by`` (after retrieval).
    _found: dict[int, list[str]] = field(default_factory=dict, repr=False)
    #: Rows of ``contracts`` and ``wording`` -> how many a supplier won (see ``won_nearest``).
    _won: dict[str, dict[int, int]] = field(default_factory=dict, repr=False)
    #: Contract row -> the need's exact similarity to it, for rows already scored this request.
    _sims: dict[int, float] = field(default_factory=dict, repr=False)

    def text_query(self, name: str, index: _TextIndex) -> Any:
        """``index.query(need.text)``, computed once per request under ``name`` (a retriever
        and a feature read the same purchase-account query)."""
        if name not in self._queries:
            self._queries[name] = index.query(self.need.text)
        return self._queries[name]

    def candidates(self) -> list[int]:
        """Every supplier some retriever found, in the order first found."""
        seen: dict[int, None] = {}
        for hits in self.hits.values():
            seen.update(dict.fromkeys(h.supplier_id for h in hits))
        return list(seen)

    def found_by(self, supplier_id: int) -> list[str]:
        """The retrievers that found ``supplier_id`` (its provenance), in retriever order.

        Read once retrieval is over: the map is made on the first call, one pass over the hits
        (scanning every retriever's hits for each result cost ~2% of a request).
        """
        if not self._found and self.hits:
            for name, hits in self.hits.items():
                for h in hits:
                    names = self._found.setdefault(h.supplier_id, [])
                    if not names or names[-1] != name:
                        names.append(name)
        return list(self._found.get(supplier_id, ()))

    def contract_scores(self, index: _VectorIndex, rows: np.ndarray) -> np.ndarray:
        """The need's similarity to the contracts of ``rows`` (float32, in that order).

        The candidates' won contracts are scored together once for the award features; the
        evidence of each result then reads those scores here instead of asking the vector
        index again (on pgvector, one round trip less per result).
        """
        sims = self._sims
        if all(int(r) in sims for r in rows):
            return np.array([sims[int(r)] for r in rows], np.float32)
        out = np.asarray(index.scores_for(self.vector, rows), np.float32)
        sims.update(zip(rows.tolist(), out.tolist(), strict=True))
        return out

    def won_nearest(self, which: str, winners_of: Callable[[int], Sequence[int]],
                    supplier_id: int) -> tuple[int, int]:  # fmt: skip
        """How many of the nearest contracts (``which``: ``contracts`` or ``wording``) the
        supplier won, and how many there are; counted for every supplier in one pass."""
        rows = self.contracts[0] if which == "contracts" else self.wording[0]
        if which not in self._won:
            won: dict[int, int] = {}
            for r in rows:
                for s in set(winners_of(int(r))):
                    won[s] = won.get(s, 0) + 1
            self._won[which] = won
        return self._won[which].get(supplier_id, 0), len(rows)
