"""Candidate pairs at scale: each name's nearest register names by rare shared words.

Names become sparse vectors of their words weighted by inverse document frequency; the register
names nearest each query name by cosine are its candidates (a sparse product, in chunks, so
200,000 names against 600,000 run in memory). Words frequent in the register ("rakennus",
"services") are left out of the product, which keeps it sparse, but still count in the features.
The whole name run together is a word too, so "A.S.F.B." finds "ASFB".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .names import Name


@dataclass
class TokenWeights:
    """Inverse document frequency of name words, from a reference count and the names at hand."""

    df: Counter[str]
    n: int

    @classmethod
    def from_names(cls, names: Iterable[Name], reference: dict[str, int] | None = None,
                   reference_n: int = 0) -> TokenWeights:  # fmt: skip
        """Count each word once per name, added to a shipped reference count."""
        df: Counter[str] = Counter(reference or {})
        n = reference_n
        for name in names:
            df.update(set(name.tokens))
            n += 1
        return cls(df, n)

    def idf(self, token: str) -> float:
        """``log((N + 1) / (df + 1)) + 1``: 1 for a word in every name, ~N's log for a new one."""
        return math.log((self.n + 1) / (self.df.get(token, 0) + 1)) + 1.0

    @property
    def max_idf(self) -> float:
        """The weight of a word never seen."""
        return math.log(self.n + 1) + 1.0


def _blocking_terms(name: Name) -> list[str]:
    # The run-together name is a term of every name, so "ASFB" meets "A.S.F.B.".
    return [*dict.fromkeys(name.tokens), "=" + "".join(name.tokens)]


def _matrix(names: list[Name], vocab: dict[str, int], weights: TokenWeights,
            grow: bool) -> sparse.csr_matrix:  # fmt: skip
    rows, cols, vals = [], [], []
    norms = np.ones(len(names))
    for i, name in enumerate(names):
        total = 0.0
        for term in _blocking_terms(name):
            w = weights.max_idf if term.startswith("=") else weights.idf(term)
            total += w * w
            j = vocab.get(term)
            if j is None:
                if not grow:
                    continue  # a word no register name has: it still counts in the norm
                j = vocab[term] = len(vocab)
            rows.append(i)
            cols.append(j)
            vals.append(w)
        norms[i] = math.sqrt(total) or 1.0
    m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(names), max(len(vocab), 1)))
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ m)


def nearest(queries: list[Name], register: list[Name], weights: TokenWeights, k: int = 8,
            max_df: int = 2000, chunk: int = 4000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """The ``k`` register names nearest each query name by cosine of rare shared words.

    Returns:
        Three aligned arrays: query index, register-name index, cosine (> 0 only).
    """
    vocab: dict[str, int] = {}
    reg = _matrix(register, vocab, weights, grow=True)
    # Words in more than max_df register names are left out of the product (they would make
    # it dense); the features still weigh them.
    col_df = np.bincount(reg.indices, minlength=reg.shape[1])
    keep = sparse.diags((col_df <= max_df).astype(float))
    reg_t = sparse.csr_matrix((reg @ keep).T)
    qm = _matrix(queries, vocab, weights, grow=False)
    qi_all, ri_all, cs_all = [], [], []
    for start in range(0, len(queries), chunk):
        prod = sparse.csr_matrix(qm[start : start + chunk] @ reg_t)
        for row in range(prod.shape[0]):
            lo, hi = prod.indptr[row], prod.indptr[row + 1]
            if lo == hi:
                continue
            data, idx = prod.data[lo:hi], prod.indices[lo:hi]
            if hi - lo > k:
                top = np.argpartition(-data, k)[:k]
                data, idx = data[top], idx[top]
            qi_all.append(np.full(len(idx), start + row, dtype=np.int64))
            ri_all.append(idx.astype(np.int64))
            cs_all.append(data)
    if not qi_all:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    return np.concatenate(qi_all), np.concatenate(ri_all), np.concatenate(cs_all)


__all__ = ["TokenWeights", "nearest"]
