"""Postings lists of the lexical index as CSR matrices (one row per n-gram, one column per
document): the heads that early termination reads, and appending new documents' postings to
every list without transposing the whole corpus again (what an incremental build adds)."""

from __future__ import annotations

import numpy as np
from scipy import sparse

__all__ = ["append_columns", "heads"]


def heads(by_term: sparse.csr_matrix, cap: int) -> sparse.csr_matrix:
    """``by_term`` with each row cut to its ``cap`` largest weights (the order within a row kept)."""
    lengths = np.diff(by_term.indptr)
    keep = np.ones(by_term.nnz, bool)
    for t in np.flatnonzero(lengths > cap):
        lo, hi = by_term.indptr[t], by_term.indptr[t + 1]
        drop = np.argpartition(-by_term.data[lo:hi], cap)[cap:]
        keep[lo + drop] = False
    indptr = np.zeros(len(lengths) + 1, by_term.indptr.dtype)
    np.cumsum(np.minimum(lengths, cap), out=indptr[1:])
    return sparse.csr_matrix((by_term.data[keep], by_term.indices[keep], indptr),
                             shape=by_term.shape)  # fmt: skip


def append_columns(left: sparse.csr_matrix, right: sparse.csr_matrix) -> sparse.csr_matrix:
    """Each row of ``left`` followed by the same row of ``right``, whose columns come after
    ``left``'s: ``sparse.hstack([left, right])`` for two matrices with the same rows, written in
    one pass over ``left``'s arrays (SciPy's hstack of CSR goes through COO and sorts).

    Appending the postings of new documents this way keeps every list sorted by document.
    """
    n_rows = left.shape[0]
    total = left.nnz + right.nnz
    index = np.int64 if max(total, left.shape[1] + right.shape[1]) > np.iinfo(np.int32).max \
        else np.int32  # fmt: skip
    # Row t of the result starts at left.indptr[t] + right.indptr[t]: right's entry j lands
    # right after left's last entry of its row, at left.indptr[t + 1] + j.
    indptr = left.indptr.astype(index) + right.indptr.astype(index)
    at_right = np.arange(right.nnz, dtype=index) + left.indptr[1:].astype(index)[
        np.repeat(np.arange(n_rows), np.diff(right.indptr))]
    from_left = np.ones(total, bool)
    from_left[at_right] = False
    indices = np.empty(total, index)
    data = np.empty(total, left.data.dtype)
    indices[from_left], data[from_left] = left.indices, left.data
    indices[at_right], data[at_right] = right.indices.astype(index) + left.shape[1], right.data
    return sparse.csr_matrix((data, indices, indptr), shape=(n_rows, left.shape[1] + right.shape[1]))
