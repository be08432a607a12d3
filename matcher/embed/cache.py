"""Embedding cache keyed by model name and content hash, stored as ``.npz`` shards.

Adding data embeds only texts never seen by that model. Shards in read-only seed folders (the
demo's vectors, shipped in the repo) are used as they are; new vectors go to the writable folder.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .base import Embedder


def _key(model: str, kind: str, text: str) -> bytes:
    return hashlib.sha1(f"{model}\0{kind}\0{text}".encode()).digest()


def _slug(model: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-")


class EmbeddingCache:
    """Vectors by (model, kind, text) hash, loaded from every shard of that model."""

    def __init__(self, model: str, write_dir: Path, seed_dirs: Sequence[Path] = ()) -> None:
        self.model = model
        self.write_dir = write_dir
        self._vectors: dict[bytes, np.ndarray] = {}
        for folder in [*seed_dirs, write_dir]:
            for shard in sorted(Path(folder).glob(f"{_slug(model)}--*.npz")):
                with np.load(shard) as data:
                    for k, v in zip(data["keys"], data["vectors"], strict=True):
                        # NumPy's S20 drops trailing NUL bytes: 1 digest in 256 ends in one.
                        self._vectors[bytes(k).ljust(20, b"\0")] = v

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, kind: str, text: str) -> np.ndarray | None:
        """The cached vector, or ``None``."""
        return self._vectors.get(_key(self.model, kind, text))

    def put_many(self, kind: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Add vectors and write them as a new shard (float16 halves the size; ranking is unchanged)."""
        if not len(texts):
            return
        keys = [_key(self.model, kind, t) for t in texts]
        for k, v in zip(keys, vectors, strict=True):
            self._vectors[k] = v.astype(np.float16)
        self.write_dir.mkdir(parents=True, exist_ok=True)
        name = f"{_slug(self.model)}--{time.strftime('%Y%m%d%H%M%S')}-{len(keys)}-{keys[0].hex()[:8]}.npz"
        np.savez(
            self.write_dir / name,
            keys=np.array(keys, dtype="S20"),
            vectors=np.asarray(vectors, dtype=np.float16),
        )

    def export(self, folder: Path) -> Path:
        """Write every cached vector of this model as one shard in ``folder`` (for shipping)."""
        return self._write(folder / f"{_slug(self.model)}--all.npz", sorted(self._vectors))

    def export_items(self, folder: Path, name: str, items: Sequence[tuple[str, str]]) -> Path:
        """Write the cached vectors of ``(kind, text)`` pairs as one shard ``<model>--<name>.npz``.

        Raises:
            KeyError: if one of them is not cached (embed it first).
        """
        keys = sorted({_key(self.model, kind, text) for kind, text in items})
        missing = [k for k in keys if k not in self._vectors]
        if missing:
            raise KeyError(f"{len(missing)} of {len(keys)} texts are not cached")
        return self._write(folder / f"{_slug(self.model)}--{name}.npz", keys)

    def _write(self, path: Path, keys: Sequence[bytes]) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            keys=np.array(keys, dtype="S20"),
            vectors=np.stack([self._vectors[k] for k in keys]).astype(np.float16),
        )
        return path


class CachedEmbedder:
    """An embedder in front of a cache: only unseen texts reach the model."""

    def __init__(self, embedder: Embedder, cache: EmbeddingCache, batch_size: int = 64) -> None:
        self.embedder = embedder
        self.cache = cache
        self.batch_size = batch_size

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Embed documents through the cache; ``progress`` gets the count of texts embedded."""
        return self._embed("passage", texts, progress)

    def embed_queries(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Embed many queries through the cache (evaluation runs the same queries again)."""
        return self._embed("query", texts, progress)

    def _embed(
        self, kind: str, texts: Sequence[str], progress: Callable[[int], None] | None
    ) -> np.ndarray:
        model = self.embedder.embed_passages if kind == "passage" else self.embedder.embed_queries
        out = np.zeros((len(texts), self.embedder.dim), np.float32)
        missing: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            hit = self.cache.get(kind, text)
            if hit is None:
                missing.setdefault(text, []).append(i)
            else:
                out[i] = hit
        todo = list(missing)
        for start in range(0, len(todo), self.batch_size * 16):
            chunk = todo[start : start + self.batch_size * 16]
            parts = [
                model(chunk[j : j + self.batch_size]) for j in range(0, len(chunk), self.batch_size)
            ]
            vectors = np.concatenate(parts) if parts else np.zeros((0, self.embedder.dim))
            self.cache.put_many(kind, chunk, vectors)
            # As the cache stores them (float16): a first run and every later one read the same
            # vectors, so an evaluation gives the same figures whether its vectors were cached.
            for text, vec in zip(chunk, vectors, strict=True):
                out[missing[text]] = vec.astype(np.float16)
            if progress:
                progress(len(chunk))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """Queries are embedded fresh: they are short and rarely repeat."""
        return self.embedder.embed_query(text)
