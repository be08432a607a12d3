"""A running server switches to a newly published build: no restart, no error during the switch."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest
from server_harness import serve_in_background

from matcher.embed import Embedder
from matcher.index import build_index
from matcher.index.builds import current_build, live_build_beside, new_build_dir, publish
from matcher.index.incremental import within_refit_share
from matcher.ingest import ingest_paths
from matcher.innovation.table import build_potentials
from matcher.service import Matcher
from matcher.settings import Settings
from matcher.store.db import migrate

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
NEEDS = ["Nettoyage des locaux", "Travaux de voirie", "Maintenance informatique",
         "Fourniture de mobilier de bureau", "Restauration scolaire"]  # fmt: skip


def test_publish_switches_the_link_and_keeps_recent_builds(tmp_path: Path) -> None:
    made = []
    for _ in range(6):
        folder = new_build_dir(tmp_path)
        (folder / "index.joblib").write_bytes(b"x")
        publish(tmp_path, folder, keep=2)
        assert current_build(tmp_path) == folder
        made.append(folder)
    assert sorted((tmp_path / "builds").iterdir()) == made[-3:]
    assert not list(tmp_path.glob(".current*"))  # no temporary link left behind


def test_a_build_being_written_finds_the_live_one_beside_it(tmp_path: Path) -> None:
    live = new_build_dir(tmp_path)
    (live / "index.joblib").write_bytes(b"x")
    publish(tmp_path, live)
    writing = new_build_dir(tmp_path)
    assert live_build_beside(writing) == live
    assert live_build_beside(tmp_path) is None  # INDEX_DIR itself is no build folder
    empty = tmp_path / "other"
    assert live_build_beside(new_build_dir(empty)) is None  # nothing live there


def test_the_refit_share_counts_every_warm_start_since_the_last_fit() -> None:
    assert within_refit_share(0, 100, 1000, 0.1)
    assert within_refit_share(60, 40, 1000, 0.1)  # exactly 10%
    assert not within_refit_share(60, 41, 1000, 0.1)
    assert not within_refit_share(0, 1, 1000, 0.0)


def test_an_unfinished_build_folder_is_not_live(tmp_path: Path) -> None:
    assert current_build(tmp_path) is None
    new_build_dir(tmp_path)  # a build that has not published yet
    assert current_build(tmp_path) is None


class _Hammer:
    """Clients posting needs in a loop, recording each answer's status and build."""

    def __init__(self, base: str, clients: int) -> None:
        self.base, self.stop = base, threading.Event()
        self.answers: list[list[tuple[int, str | None]]] = [[] for _ in range(clients)]
        self.errors: list[str] = []
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(clients)]

    def _run(self, i: int) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as http:
            while not self.stop.is_set():
                try:
                    r = http.post("/v1/match", json={"text": NEEDS[len(self.answers[i]) % 5]})
                except httpx.HTTPError as exc:
                    self.errors.append(repr(exc))
                    continue
                built = r.json().get("index_built_at") if r.status_code == 200 else None
                self.answers[i].append((r.status_code, built))

    def builds_seen(self) -> set[str | None]:
        return {b for answers in self.answers for _, b in answers}


def test_a_running_server_switches_to_a_new_build_under_load(tmp_path: Path,
                                                             embedder: Embedder) -> None:  # fmt: skip
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'store.db'}",
                        index_dir=tmp_path / "index", embedding_cache_dir=tmp_path / "emb",
                        embedding_seed_dirs=[DEMO / "embeddings"])  # fmt: skip
    migrate(settings.database_url)
    ingest_paths(settings.database_url, [DEMO / "decp" / "data.gouv.fr_pes.json.gz"])
    old = build_index(settings, embedder, steps=[build_potentials])
    env = {"DATABASE_URL": settings.database_url, "INDEX_DIR": str(settings.index_dir),
           "EMBEDDING_CACHE_DIR": str(settings.embedding_cache_dir),
           "EMBEDDING_SEED_DIRS": json.dumps([str(DEMO / "embeddings")]), "INDEX_RELOAD_S": "0.2",
           "MATCH_PER_MINUTE_ANONYMOUS": "0", "LOG_LEVEL": "WARNING"}  # fmt: skip
    with serve_in_background(env) as base:
        hammer = _Hammer(base, clients=4)
        for t in hammer.threads:
            t.start()
        try:
            time.sleep(2)
            ingest_paths(settings.database_url, [DEMO / "decp" / "e-marchespublics.json.gz"])
            new = build_index(settings, embedder, steps=[build_potentials])
            deadline = time.monotonic() + 120
            while new.built_at not in hammer.builds_seen() and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(2)  # and some more requests on the new build
        finally:
            hammer.stop.set()
            for t in hammer.threads:
                t.join()
    statuses = {s for answers in hammer.answers for s, _ in answers}
    assert not hammer.errors and statuses == {200}
    if new.built_at == old.built_at:
        pytest.fail("both builds in the same second: the test cannot tell them apart")
    assert hammer.builds_seen() == {old.built_at, new.built_at}
    for answers in hammer.answers:
        # Each client saw the old build, then the new one, never the old one again.
        builds = [b for _, b in answers]
        first_new = builds.index(new.built_at)
        assert set(builds[:first_new]) == {old.built_at} and set(builds[first_new:]) == {new.built_at}


def test_reload_switches_at_once_and_polling_can_be_off(tmp_path: Path, embedder: Embedder) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'store.db'}",
                        index_dir=tmp_path / "index", embedding_cache_dir=tmp_path / "emb",
                        embedding_seed_dirs=[DEMO / "embeddings"], index_reload_s=0)  # fmt: skip
    migrate(settings.database_url)
    ingest_paths(settings.database_url, [DEMO / "decp" / "e-marchespublics.json.gz"])
    build_index(settings, embedder)
    matcher = Matcher(settings, embedder)
    old = matcher.pipeline()
    ingest_paths(settings.database_url, [DEMO / "decp" / "data.gouv.fr_pes.json.gz"])
    build_index(settings, embedder)
    assert matcher.pipeline() is old  # polling off: the old build until told
    assert matcher.reload() is True
    new = matcher.pipeline()
    assert new is not old and len(new.index_.corpus.procurements) > len(old.index_.corpus.procurements)
    assert matcher.reload() is False  # the same build again
