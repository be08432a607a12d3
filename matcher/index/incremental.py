"""What a build covered, and what the next build can take from it instead of deriving again.

A build records in its manifest the last ingest run it saw whole (``ingest_run``) and a key of
everything else its documents depend on (the code that derives them, the CPV vocabulary, the
word limit, the model). The next build reuses the previous build's documents and vectors for
procurements no later ingest run wrote, if the key is the same; otherwise it starts over.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..store.models import IngestRun, MergeLog
from ..vocab.cpv import CpvVocabulary

__all__ = ["Coverage", "coverage_now", "derivation_key", "reuse_vectors",
           "reused_rows", "within_refit_share"]

#: The modules whose code decides a procurement's document and passage text.
_DERIVING = ("corpus.py", "flags.py")


@dataclass(frozen=True)
class Coverage:
    """What a build read from the store."""

    #: Every ingest run with this id or lower had ended when the build read the store.
    ingest_run: int
    #: The newest merge decision then (merges are re-read in full; kept for the record).
    merge_log: int
    #: Documents and vectors are reusable only by a build with the same key.
    key: str

    def as_dict(self) -> dict[str, object]:
        """For the manifest."""
        return asdict(self)

    @classmethod
    def of(cls, raw: object) -> Coverage | None:
        """Read back from a manifest (None if absent or of another shape)."""
        if not isinstance(raw, dict):
            return None
        try:
            return cls(int(raw["ingest_run"]), int(raw["merge_log"]), str(raw["key"]))
        except (KeyError, TypeError, ValueError):
            return None


def derivation_key(model: str, max_words: int, vocab: CpvVocabulary) -> str:
    """A digest of what documents and vectors depend on besides the store's rows."""
    digest = hashlib.sha1(f"{model}\0{max_words}\0".encode())
    digest.update(json.dumps(vocab.labels, sort_keys=True).encode())
    for name in _DERIVING:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


def coverage_now(session: Session, key: str) -> Coverage:
    """The coverage of a build reading the store now.

    An ingest run still marked running may have committed part of its rows already (a file is
    one transaction, its status another): the watermark stops below the oldest such run, so the
    next build reads those rows again rather than miss the rest.
    """
    running = session.scalar(select(func.min(IngestRun.id)).where(IngestRun.status == "running"))
    last = session.scalar(select(func.max(IngestRun.id))) or 0
    merges = session.scalar(select(func.max(MergeLog.id))) or 0
    return Coverage(int(running) - 1 if running else int(last), int(merges), key)


def reused_rows(keys: Sequence[tuple[int, str | None]],
                previous: Sequence[tuple[int, str | None]]) -> np.ndarray:  # fmt: skip
    """For each ``(id, text)`` of ``keys``, its row in ``previous`` with the same id and text,
    else -1: what a build can take from the previous one instead of deriving it again."""
    old = {k: i for i, k in enumerate(previous)}
    return np.fromiter((old.get(k, -1) for k in keys), np.int64, len(keys))


def reuse_vectors(reused: np.ndarray, texts: Sequence[str | None],
                  rows_of: Callable[[np.ndarray], np.ndarray] | None, dim: int,
                  embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:  # fmt: skip
    """Vectors of ``texts``: the previous build's row where ``reused`` gives one (see
    :func:`reused_rows`; ``rows_of(ids)`` reads them, e.g. the previous index's ``vectors_for``,
    in one gather rather than through a copy of its whole matrix: 1.5 GB at 1M), ``embed`` for
    the rest (through the embedding cache, as a full build reads every vector)."""
    out = np.zeros((len(texts), dim), np.float32)
    if rows_of is None:
        reused = np.full(len(texts), -1, np.int64)
    kept = np.flatnonzero(reused >= 0)
    if len(kept) and rows_of is not None:
        out[kept] = rows_of(reused[kept])
    todo = np.flatnonzero(reused < 0)
    if len(todo):
        out[todo] = embed([texts[i] or "" for i in todo.tolist()])
    return out


def within_refit_share(added_before: int, added_now: int, total: int, share: float) -> bool:
    """Whether a part fitted on an earlier corpus may be warm-started once more: true while the
    documents added since its last full fit (``added_before`` counted by earlier warm starts,
    ``added_now`` by this build) stay within ``share`` of the ``total`` now indexed.

    The rule both warm-started parts follow (the lexical index, ``LEXICAL_REFIT_SHARE``; the
    CPV inferrer, ``CPV_REFIT_SHARE``): a warm start keeps what the fit learned from the corpus
    (an idf, classifiers), which ages as the corpus grows.
    """
    return added_before + added_now <= share * total
