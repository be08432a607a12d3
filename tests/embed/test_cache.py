"""The embedding cache reads back every vector it wrote, whatever the bytes of its key."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from matcher.embed.cache import EmbeddingCache, _key


def test_keys_ending_in_a_nul_byte_survive_a_round_trip(tmp_path: Path) -> None:
    # NumPy's fixed-width bytes drop trailing NULs on read; about 1 key in 256 ends in one.
    texts = [t for t in (f"text {i}" for i in range(5000)) if _key("m", "query", t)[-1] == 0][:2]
    texts.append("plain text")
    assert len(texts) == 3
    vectors = np.eye(3, 4, dtype=np.float32)
    EmbeddingCache("m", tmp_path).put_many("query", texts, vectors)
    again = EmbeddingCache("m", tmp_path)
    for text, vec in zip(texts, vectors, strict=True):
        got = again.get("query", text)
        assert got is not None and np.allclose(got, vec)
    items = [("query", t) for t in texts]
    shard = again.export_items(tmp_path / "ship", "part", items)
    seed_only = EmbeddingCache("m", tmp_path / "empty", [shard.parent])
    assert all(seed_only.get("query", t) is not None for t in texts)
