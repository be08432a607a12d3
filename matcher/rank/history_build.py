"""The supplier history's award state: fitted by ``innomatch build`` on the new index, saved
beside it, so that a server's workers read it instead of grouping every award again (4 s CPU
per worker at 1M contracts; unpickling it takes about 0.6 s)."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

from ..index.build import MatchIndex, build_folder
from ..index.ragged import paused_gc
from ..settings import Settings
from .history import AWARD_STATE, SupplierHistory

__all__ = ["build_history", "load_history"]

log = logging.getLogger(__name__)
_FILE = "history.pickle"


def build_history(settings: Settings, index: MatchIndex) -> SupplierHistory:
    """Fit the supplier history on ``index`` and save its award state in the build folder."""
    history = SupplierHistory().fit(index)
    path = build_folder(settings.index_dir) / _FILE
    tmp = path.with_name(path.name + ".tmp")
    # The C pickler, not joblib's (written in Python: 10 s for these dicts at 1M contracts).
    with tmp.open("wb") as f:
        pickle.dump((index.built_at, history.award_state()), f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)  # a reader never sees half a file
    return history


def load_history(folder: Path, index: MatchIndex) -> SupplierHistory | None:
    """The history of ``index`` from the award state its build saved, or None when there is
    none for this build (then the pipeline fits it)."""
    path = folder / _FILE
    if not path.is_file():
        return None
    # Millions of small containers: with the collector running, reading them took longer
    # than grouping the awards again (see ``paused_gc``).
    with paused_gc(), path.open("rb") as f:
        built_at, state = pickle.load(f)  # written by this service's own build, not user input
    if built_at != index.built_at or set(state) != set(AWARD_STATE):
        log.warning("the supplier history in %s belongs to another build or version: fitted "
                    "again", folder)  # fmt: skip
        return None
    return SupplierHistory().fit(index, awards=state)
