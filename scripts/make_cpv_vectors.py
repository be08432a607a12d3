"""Ship the vectors CPV inference needs as one embedding-cache shard (run once by hand).

After ``innomatch demo --no-serve``: embeds, through the cache, the labels of the CPV divisions,
groups and classes as passages (``matcher.rank.cpv_infer.label_codes``, in the languages the
inferrer uses) and every contract title of the demo index as a query without CPV labels (what
the classifier trains on and what evaluation queries are), then writes exactly those vectors to
``data/demo/embeddings/<model>--cpv.npz``, a seed shard the cache reads as it is.
Usage: ``python scripts/make_cpv_vectors.py``.
"""

from __future__ import annotations

from pathlib import Path

from matcher.embed import CachedEmbedder, EmbeddingCache, load_embedder
from matcher.index import load_index
from matcher.rank.cpv_infer import CpvInferrer, label_codes
from matcher.rank.cpv_parts import label_text
from matcher.settings import Settings
from matcher.vocab import cpv_vocabulary

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    settings = Settings()
    model = load_embedder(settings.model_name, settings.embed_batch_size)
    cache = EmbeddingCache(model.name, settings.embedding_cache_dir, settings.embedding_seed_dirs)
    embedder = CachedEmbedder(model, cache, settings.embed_batch_size)
    inferrer = CpvInferrer()
    vocab = cpv_vocabulary()
    labels = [label_text(c, vocab, inferrer.label_langs) for c in label_codes(inferrer.label_depth)]
    titles = sorted(
        {p.title for p in load_index(settings.index_dir).corpus.procurements if p.title}
    )
    embedder.embed_passages(labels)
    embedder.embed_queries(titles, progress=lambda n: print(f"embedded {n} titles", flush=True))
    path = cache.export_items(
        ROOT / "data" / "demo" / "embeddings",
        "cpv",
        [("passage", t) for t in labels] + [("query", t) for t in titles],
    )
    print(f"{path}: {len(labels)} labels, {len(titles)} titles, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
