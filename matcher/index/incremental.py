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

__all__ = ["Coverage", "coverage_now", "derivation_key", "reuse_vectors"]

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


def reuse_vectors(keys: Sequence[tuple[int, str | None]], previous: Sequence[tuple[int, str | None]],
                  matrix: np.ndarray | None, dim: int,
                  embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:  # fmt: skip
    """Vectors of ``(id, text)`` rows: the previous build's row where id and text are the same,
    ``embed`` for the rest (through the embedding cache, as a full build reads every vector)."""
    out = np.zeros((len(keys), dim), np.float32)
    old = {k: i for i, k in enumerate(previous)} if matrix is not None else {}
    todo: list[int] = []
    for i, k in enumerate(keys):
        j = old.get(k)
        if j is None:
            todo.append(i)
        else:
            out[i] = matrix[j]  # type: ignore[index]
    if todo:
        out[todo] = embed([keys[i][1] or "" for i in todo])
    return out
