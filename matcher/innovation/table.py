"""Every indexed supplier's innovation potential, computed after ``build`` and saved beside the index."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import joblib

from ..index.build import MatchIndex, build_folder, dump_atomic
from ..index.ragged import paused_gc
from ..settings import Settings
from ..store.db import session_scope
from .facts import load_facts
from .novelty import novelty_scores
from .packed import PackedPotentials
from .supplier import SupplierPotential, supplier_potential

log = logging.getLogger(__name__)
_FILE = "innovation.joblib"


@dataclass
class PotentialTable:
    """Supplier id -> innovation potential, with provenance."""

    #: Saved packed (each potential decoded when read, see ``PackedPotentials``).
    by_id: Mapping[int, SupplierPotential]
    index_built_at: str
    computed_at: str
    as_of: date


def build_potentials(settings: Settings, index: MatchIndex, as_of: date | None = None,
                     save: bool = True) -> PotentialTable:  # fmt: skip
    """Score every supplier of ``index`` from the store's facts and the index's vectors.

    With ``as_of`` (an evaluation's cut) only facts dated before it are read.
    """
    ids = {s.id for s in index.corpus.suppliers}
    # Facts, potentials and their sentences are a few small objects per supplier and none form
    # cycles: with the collector running, its scans of the loaded index took 40% of this step's
    # CPU at 100k procurements (measured; see ``paused_gc``).
    with paused_gc():
        with session_scope(settings.database_url) as session:
            facts = load_facts(session, ids, as_of)
        as_of = as_of or date.today()
        novelty = novelty_scores(index)
        by_id = {
            s.id: supplier_potential(facts[s.id], novelty.get(pos), as_of)
            for pos, s in enumerate(index.corpus.suppliers)
            if s.id in facts
        }
        table = PotentialTable(
            by_id, index.built_at, datetime.now().isoformat(timespec="seconds"), as_of
        )
        packed = replace(table, by_id=PackedPotentials(by_id)) if save else None
    if packed is not None:
        dump_atomic(packed, build_folder(settings.index_dir) / _FILE)
    log.info("innovation potential of %d suppliers computed", len(by_id))
    return table


def load_potentials(folder: Path, index: MatchIndex, mmap: bool = False) -> PotentialTable | None:
    """The saved table if it belongs to ``index`` (same build), else None.

    With ``mmap`` the packed potentials' bytes are memory-mapped read-only (200 MB at 1M
    procurements, which every server worker would otherwise copy).
    """
    path = folder / _FILE
    if not path.is_file():
        return None
    table: PotentialTable = joblib.load(path, mmap_mode="r" if mmap else None)
    if table.index_built_at != index.built_at:
        return None
    if "by_id" not in vars(table):  # saved by an older version: by position in the index
        suppliers = index.corpus.suppliers
        table.by_id = {suppliers[pos].id: p for pos, p in vars(table).pop("by_pos").items()}
    return table
