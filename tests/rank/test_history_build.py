"""The supplier history's award state saved by the build and read back by a server: the same
history as a fit, and refused for another build or another version's state."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from matcher.embed import Embedder
from matcher.index import MatchIndex
from matcher.index.corpus import need_text
from matcher.rank import Need, RankingPipeline
from matcher.rank.history import AWARD_STATE, SupplierHistory
from matcher.rank.history_build import build_history, load_history
from matcher.settings import Settings
from matcher.vocab import cpv_vocabulary

pytestmark = pytest.mark.slow


def _ordered(value: object) -> object:
    """Dicts as item lists (their order breaks ties), sets as sorted lists, arrays as lists."""
    if isinstance(value, dict):
        return [(k, _ordered(v)) for k, v in value.items()]
    if isinstance(value, set):
        return sorted(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return [_ordered(v) for v in value]
    return value


@pytest.fixture
def saved(demo_settings: Settings, demo_index: MatchIndex, tmp_path: Path) -> Path:
    """A folder holding the demo index's saved history (other tests rebuild the demo's live
    build, so its own folder may hold a newer build's)."""
    build_history(demo_settings.model_copy(update={"index_dir": tmp_path}), demo_index)
    assert (tmp_path / "history.pickle").is_file()
    return tmp_path


def test_the_saved_award_state_gives_the_fitted_history(saved: Path, demo_index: MatchIndex,
                                                        embedder: Embedder) -> None:  # fmt: skip
    loaded = load_history(saved, demo_index)
    fitted = SupplierHistory().fit(demo_index)
    assert loaded is not None and loaded.won_ and loaded.names_ is not None
    for name in AWARD_STATE:
        got, want = getattr(loaded, name), getattr(fitted, name)
        if name == "cpv_codes_":
            got, want = (got[0], got[1].values, got[1].offsets), (want[0], want[1].values, want[1].offsets)
        assert _ordered(got) == _ordered(want), name
    # Ranked with either, the same answers.
    a, b = (RankingPipeline().fit(demo_index, h) for h in (loaded, fitted))
    for text, cpv in (("koulun siivouspalvelut", []), ("road maintenance", ["45233140"])):
        need = Need(text=text, cpv=cpv)
        v = embedder.embed_query(need_text(text, cpv, cpv_vocabulary()))
        got_r, want_r = a.rank(need, v, 10), b.rank(need, v, 10)
        assert [(r.supplier_id, r.score) for r in got_r.results] == [
            (r.supplier_id, r.score) for r in want_r.results]  # fmt: skip


def test_a_state_of_another_build_or_version_is_not_read(saved: Path, demo_index: MatchIndex,
                                                         tmp_path_factory: pytest.TempPathFactory) -> None:  # fmt: skip
    assert load_history(saved, replace(demo_index, built_at="2000-01-01T00:00:00")) is None
    with (saved / "history.pickle").open("rb") as f:
        built_at, state = pickle.load(f)
    other = tmp_path_factory.mktemp("other")
    with (other / "history.pickle").open("wb") as f:
        pickle.dump((built_at, {k: v for k, v in state.items() if k != "won_"}), f)
    assert load_history(other, demo_index) is None
    assert load_history(other / "nothing", demo_index) is None
