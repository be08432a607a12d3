"""One context per request: the need, its vector, its CPV codes and every retriever's hits.

Built once by :meth:`~.pipeline.RankingPipeline.context` and read by every later stage, so no
stage searches the index again and no signature carries loose similarity arrays.
"""

from __future__ import annotations

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
        """The retrievers that found ``supplier_id`` (its provenance)."""
        return [name for name, hits in self.hits.items()
                if any(h.supplier_id == supplier_id for h in hits)]  # fmt: skip
