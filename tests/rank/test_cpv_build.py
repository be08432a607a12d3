"""The build's CPV inferrer: fitted in a full build, warm-started in a small incremental one."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from matcher.embed import Embedder
from matcher.index import build_index
from matcher.index.builds import current_build
from matcher.ingest import ingest_paths
from matcher.rank.cpv_build import build_cpv_inferrer, load_cpv_inferrer
from matcher.rank.cpv_rows import first_codes
from matcher.settings import Settings
from matcher.store.db import migrate

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def test_a_small_addition_keeps_the_live_builds_classifiers(
    tmp_path: Path, embedder: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'store.db'}",
                        index_dir=tmp_path / "index", embedding_cache_dir=tmp_path / "emb",
                        embedding_seed_dirs=[DEMO / "embeddings"], use_learned_ranker=False)  # fmt: skip
    migrate(settings.database_url)
    with gzip.open(DEMO / "decp" / "e-marchespublics.json.gz", "rt", encoding="utf-8") as f:
        records = json.load(f)["marches"][:205]
    for name, part in (("first", records[:200]), ("later", records[200:])):
        (tmp_path / f"{name}.json").write_text(json.dumps({"marches": part}), encoding="utf-8")

    def build(s: Settings) -> tuple[object, object]:
        index = build_index(s, embedder, steps=[build_cpv_inferrer])
        live = current_build(s.index_dir)
        assert live is not None
        return index, load_cpv_inferrer(live, index)

    ingest_paths(settings.database_url, [tmp_path / "first.json"])
    _, first = build(settings)
    ingest_paths(settings.database_url, [tmp_path / "later.json"])
    with caplog.at_level("INFO", logger="matcher.rank.cpv_build"):
        index, warm = build(settings)  # 5 new of 205: under CPV_REFIT_SHARE 0.1
    assert "warm-started from the live build" in caplog.text
    assert first is not None and warm is not None and warm.index_ is index
    assert warm.row_codes_ == first_codes(index.corpus.procurements)  # type: ignore[attr-defined]
    assert len(warm.row_codes_) == len(index.corpus.procurements) > len(first.row_codes_)
    assert warm.added_docs_ == len(index.corpus.procurements) - index.reused > 0  # type: ignore[attr-defined]
    for n, clf in first.classifiers_.items():
        np.testing.assert_array_equal(warm.classifiers_[n][-1].coef_, clf[-1].coef_)
    vector = embedder.embed_query("Travaux de voirie")
    assert warm.predict(vector, n=3, text="Travaux de voirie")
    # Past the share the next build fits it again, counting from zero.
    caplog.clear()
    with caplog.at_level("INFO", logger="matcher.rank.cpv_build"):
        _, refit = build(settings.model_copy(update={"cpv_refit_share": 0.001}))
    assert "CPV inferrer fitted" in caplog.text and refit is not None
    assert refit.added_docs_ == 0  # type: ignore[attr-defined]
