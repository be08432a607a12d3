"""Incremental builds equal full builds; builds are versioned folders switched atomically."""

from __future__ import annotations

import gc
import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from matcher.embed import Embedder
from matcher.exceptions import InvalidInputError
from matcher.index import MatchIndex, build_index, load_index
from matcher.index.builds import current_build
from matcher.index.subsets import with_vector_backend
from matcher.ingest import ingest_paths
from matcher.rank import Need, RankingPipeline
from matcher.resolve.merge import merge, undo
from matcher.settings import Settings
from matcher.store.db import migrate, session_scope

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
NEEDS = ["Nettoyage des locaux administratifs", "Travaux de voirie et d'assainissement",
         "kotihoidon palvelut ikääntyneille", "Fourniture de matériel informatique",
         "Maintenance des ascenseurs"]  # fmt: skip


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings(database_url=f"sqlite:///{tmp_path / 'store.db'}", index_dir=tmp_path / "index",
                 embedding_cache_dir=tmp_path / "emb", embedding_seed_dirs=[DEMO / "embeddings"],
                 use_learned_ranker=False)  # fmt: skip
    migrate(s.database_url)
    return s


def _ingest(settings: Settings, *paths: Path) -> None:
    assert not [r for r in ingest_paths(settings.database_url, list(paths)) if r.error]


def _rankings(index: MatchIndex, embedder: Embedder) -> list[list[tuple[int, float]]]:
    pipe = RankingPipeline().fit(index)
    out = []
    for text in NEEDS:
        ranking = pipe.rank(Need(text=text), embedder.embed_query(text), 20)
        out.append([(r.supplier_id, round(r.score, 6)) for r in ranking.results])
    return out


def _assert_same(a: MatchIndex, b: MatchIndex, embedder: Embedder) -> None:
    assert a.corpus == b.corpus
    assert np.array_equal(a.procurement_vectors.matrix, b.procurement_vectors.matrix)
    assert np.array_equal(a.profile_vectors.matrix, b.profile_vectors.matrix)
    assert np.array_equal(a.profile_rows, b.profile_rows)
    assert (a.lexical.by_doc_ != b.lexical.by_doc_).nnz == 0
    assert (a.sim_floor, a.sim_ceiling) == (b.sim_floor, b.sim_ceiling)
    assert _rankings(a, embedder) == _rankings(b, embedder)


def test_incremental_build_equals_full_build(settings: Settings, embedder: Embedder) -> None:
    _ingest(settings, DEMO / "decp" / "data.gouv.fr_pes.json.gz")
    first = build_index(settings, embedder)
    assert first.reused == 0 and first.coverage is not None
    # Then: new contracts, supplier profiles, and a merge of two winners of the first batch.
    _ingest(settings, DEMO / "decp" / "e-marchespublics.json.gz", DEMO / "profiles")
    winners = [w for p in first.corpus.procurements for w in p.winners]
    kept, merged = winners[0], next(w for w in winners if w != winners[0])
    with session_scope(settings.database_url) as session:
        log_id = merge(session, kept, merged, "test", "same firm", 1.0).id
    incremental = build_index(settings, embedder)
    full = build_index(settings.model_copy(update={"index_dir": settings.index_dir.parent / "full"}),
                       embedder, full=True)  # fmt: skip
    assert 0 < incremental.reused == len(first.corpus.procurements) < len(full.corpus.procurements)
    assert full.reused == 0
    assert merged not in {s.id for s in incremental.corpus.suppliers}
    _assert_same(incremental, full, embedder)
    # Unmerged again: the firm and its awards are back in the next incremental build.
    with session_scope(settings.database_url) as session:
        undo(session, log_id)
    unmerged = build_index(settings, embedder)
    assert unmerged.reused == len(full.corpus.procurements)
    assert merged in {s.id for s in unmerged.corpus.suppliers}
    assert unmerged.corpus != incremental.corpus
    again = settings.model_copy(update={"index_dir": settings.index_dir.parent / "full2"})
    _assert_same(unmerged, build_index(again, embedder, full=True), embedder)


def test_build_without_changes_reuses_everything(settings: Settings, embedder: Embedder) -> None:
    _ingest(settings, DEMO / "decp" / "e-marchespublics.json.gz")
    first = build_index(settings, embedder)
    again = build_index(settings, embedder)
    assert again.reused == len(first.corpus.procurements) > 0
    _assert_same(first, again, embedder)


def test_a_build_pauses_the_collector_and_restores_it_even_when_a_step_fails(
    settings: Settings, embedder: Embedder
) -> None:
    _ingest(settings, DEMO / "decp" / "e-marchespublics.json.gz")
    seen: list[bool] = []

    def step(_settings: Settings, _index: MatchIndex) -> None:
        seen.append(gc.isenabled())

    def failing(_settings: Settings, _index: MatchIndex) -> None:
        raise RuntimeError("step failed")

    assert gc.isenabled()
    build_index(settings, embedder, steps=[step])
    assert seen == [False] and gc.isenabled()
    with pytest.raises(RuntimeError, match="step failed"):
        build_index(settings, embedder, full=True, steps=[failing])
    assert gc.isenabled()
    gc.disable()  # a caller that paused it itself gets it back paused
    try:
        build_index(settings, embedder, steps=[step])
        assert seen == [False, False] and not gc.isenabled()
    finally:
        gc.enable()


def test_each_build_is_a_new_folder_and_current_points_at_the_last(
    settings: Settings, embedder: Embedder
) -> None:
    _ingest(settings, DEMO / "decp" / "e-marchespublics.json.gz")
    first = build_index(settings, embedder)
    live = current_build(settings.index_dir)
    assert live is not None and live.parent.name == "builds"
    manifest = json.loads((live / "manifest.json").read_text())
    assert manifest["built_at"] == first.built_at and manifest["coverage"]["ingest_run"] == 1
    folders: list[Path] = []
    for _ in range(5):
        build_index(settings, embedder)
        folder = current_build(settings.index_dir)
        assert folder is not None
        folders.append(folder)
    assert len(set(folders)) == 5 and live not in folders
    # The live build and the two before it are kept (INDEX_KEEP_BUILDS); older ones are removed.
    assert sorted((settings.index_dir / "builds").iterdir()) == sorted(folders[-3:])
    assert load_index(settings.index_dir).built_at == load_index(folders[-1]).built_at


def test_a_flat_index_of_older_versions_is_still_read(settings: Settings, embedder: Embedder,
                                                      tmp_path: Path) -> None:  # fmt: skip
    _ingest(settings, DEMO / "decp" / "e-marchespublics.json.gz")
    index = build_index(settings, embedder)
    live = current_build(settings.index_dir)
    assert live is not None
    flat = tmp_path / "flat"
    live.rename(flat)
    assert current_build(flat) == flat
    loaded = load_index(flat, mmap=True)
    assert loaded.corpus == index.corpus
    # Memory-mapped, read-only: several server processes share these pages.
    assert isinstance(loaded.procurement_vectors.matrix, np.memmap)
    assert not loaded.procurement_vectors.matrix.flags.writeable


def test_a_record_completed_by_a_later_file_is_derived_again(settings: Settings, embedder: Embedder,
                                                             tmp_path: Path) -> None:  # fmt: skip
    settings = settings.model_copy(update={"lexical_refit_share": 0.0})  # equal to a full build
    with gzip.open(DEMO / "decp" / "e-marchespublics.json.gz", "rt", encoding="utf-8") as f:
        records = json.load(f)["marches"][:60]
    first = tmp_path / "first.json"
    # The first file lacks the CPV code of one contract; a later file publishes it.
    gap = {k: v for k, v in records[0].items() if k != "codeCPV"}
    first.write_text(json.dumps({"marches": [gap, *records[1:]]}), encoding="utf-8")
    later = tmp_path / "later.json"
    later.write_text(json.dumps({"marches": records[:1]}), encoding="utf-8")
    _ingest(settings, first)
    before = build_index(settings, embedder)
    _ingest(settings, later)
    after = build_index(settings, embedder)
    assert after.reused == len(before.corpus.procurements) - 1
    changed = [(a.cpv, b.cpv) for a, b in zip(before.corpus.procurements, after.corpus.procurements,
                                              strict=True) if a != b]  # fmt: skip
    assert changed == [([], [records[0]["codeCPV"]])]
    full = build_index(settings.model_copy(update={"index_dir": tmp_path / "full"}), embedder,
                       full=True)  # fmt: skip
    _assert_same(after, full, embedder)


def test_with_vector_backend_reindexes_contracts_for_the_ann_evaluation(
    demo_index: MatchIndex,
) -> None:
    hnsw = with_vector_backend(demo_index, Settings(vector_backend="hnsw"))
    assert type(hnsw.procurement_vectors).__name__ == "Fp16HnswIndex"
    assert hnsw.corpus is demo_index.corpus and len(hnsw.procurement_vectors) == len(
        demo_index.procurement_vectors)
    rows = np.arange(0, len(demo_index.procurement_vectors), 997, dtype=np.int64)
    for v in demo_index.procurement_vectors.vectors_for(rows):
        # Similarities, not ids: repeated titles tie, and either copy is a right answer. The
        # graph's float16 storage loses nothing: the embedding cache already holds float16.
        exact = demo_index.procurement_vectors.search(v, 10)[1]
        np.testing.assert_allclose(hnsw.procurement_vectors.search(v, 10)[1], exact, atol=1e-4)
    with pytest.raises(InvalidInputError):
        with_vector_backend(demo_index, Settings(vector_backend="pgvector"))


def test_a_small_addition_warm_starts_the_lexical_index(settings: Settings, embedder: Embedder,
                                                        tmp_path: Path) -> None:  # fmt: skip
    with gzip.open(DEMO / "decp" / "e-marchespublics.json.gz", "rt", encoding="utf-8") as f:
        records = json.load(f)["marches"][:63]
    for name, part in (("first", records[:60]), ("later", records[60:])):
        (tmp_path / f"{name}.json").write_text(json.dumps({"marches": part}), encoding="utf-8")
    _ingest(settings, tmp_path / "first.json")
    before = build_index(settings, embedder)
    _ingest(settings, tmp_path / "later.json")
    after = build_index(settings, embedder)  # 3 new of 63: under LEXICAL_REFIT_SHARE 0.1
    new = [i for i, p in enumerate(after.corpus.procurements)
           if p.id not in {q.id for q in before.corpus.procurements}]  # fmt: skip
    assert len(new) == 3 and after.lexical.vectorizer_.vocabulary_ == before.lexical.vectorizer_.vocabulary_
    assert (after.lexical.fitted_docs_, after.lexical.added_docs_) == (len(before.corpus.procurements), 3)
    old = [i for i in range(len(after.corpus.procurements)) if i not in new]
    assert (after.lexical.by_doc_[old] != before.lexical.by_doc_).nnz == 0
    texts = [after.corpus.procurements[i].text for i in new]
    assert (after.lexical.by_doc_[new] != before.lexical.vectorizer_.transform(texts)).nnz == 0
    row = new[0]
    rows, scores = after.lexical.search(after.corpus.procurements[row].title, 3)
    assert row in rows[scores >= scores[0] - 1e-6]
    # Past the share, the next build fits the vocabulary again, as a full build does.
    refit = build_index(settings.model_copy(update={"lexical_refit_share": 0.01}), embedder)
    full = build_index(settings.model_copy(update={"index_dir": tmp_path / "full"}), embedder,
                       full=True)  # fmt: skip
    assert refit.lexical.added_docs_ == 0
    _assert_same(refit, full, embedder)


def test_an_incremental_build_updates_the_previous_hnsw_graph(
    settings: Settings, embedder: Embedder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings.model_copy(update={"vector_backend": "hnsw"})
    _ingest(settings, DEMO / "decp" / "e-marchespublics.json.gz")
    before = build_index(settings, embedder)
    _ingest(settings, DEMO / "decp" / "data.gouv.fr_pes.json.gz")
    with caplog.at_level("INFO", logger="matcher.index.build"):
        after = build_index(settings, embedder)
    assert "contract vectors: previous graph updated" in caplog.text
    n = len(after.corpus.procurements)
    assert len(after.procurement_vectors) == n > len(before.corpus.procurements)
    loaded = load_index(settings.index_dir)
    full = build_index(settings.model_copy(update={"index_dir": tmp_path / "full"}), embedder,
                       full=True)  # fmt: skip
    matrix = full.procurement_vectors.vectors_for(np.arange(n))
    np.testing.assert_array_equal(loaded.procurement_vectors.vectors_for(np.arange(n)), matrix)
    # The updated graph finds what exact search finds (similarities: repeated titles tie).
    rows = np.arange(0, n, max(1, n // 40))
    found = [np.isin(np.round(loaded.procurement_vectors.search(matrix[r], 10)[1], 5),
                     np.round(np.sort(matrix @ matrix[r])[::-1][:10], 5)).mean() for r in rows]
    assert np.mean(found) >= 0.95
