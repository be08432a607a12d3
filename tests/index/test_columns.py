"""The corpus saved as columns reads back field for field, and indexes of other layouts are told
apart (loaded as pickled, or refused with the rebuild to run)."""

from __future__ import annotations

import json
import pickle
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from matcher.exceptions import IndexNotBuiltError
from matcher.index import Corpus, ProcurementDoc, SupplierDoc, load_index, save_index
from matcher.index.build import CORPUS_DIR, dump_atomic
from matcher.index.builds import INDEX_FILE
from matcher.index.columns import (
    ProcurementRow,
    ProcurementRows,
    SupplierRow,
    SupplierRows,
    columns_of,
    load_columns,
    save_columns,
)
from matcher.index.flags import Flag

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cpv_helpers import tiny_index  # noqa: E402


def _procurements() -> list[ProcurementDoc]:
    return [
        ProcurementDoc(id=7, title="Siivouspalvelut – koulut", text="Siivous | Cleaning",
                       buyer_id=3, buyer_name="Vantaan kaupunki", cpv=["90911200", "90910000"],
                       date=date(2021, 3, 4), value=125000.5, currency="EUR", region="FI1B1",
                       winners=[11, 12], n_tenders=4, flag=Flag("buyer", "eForms BT-776: yes")),
        ProcurementDoc(id=9, title="", text="", buyer_id=None, buyer_name=None, cpv=[],
                       date=None, value=None, currency=None, region=None),
        ProcurementDoc(id=10, title="Travaux d'élagage", text="élagage | Tree pruning",
                       buyer_id=4, buyer_name="Vantaan kaupunki", cpv=["77211400"],
                       date=date(1999, 12, 31), value=0.0, currency="EUR", region=None,
                       winners=[12], n_tenders=None, flag=Flag("route", "R&D (CPV 73)")),
    ]  # fmt: skip


def _suppliers() -> list[SupplierDoc]:
    return [
        SupplierDoc(id=11, name="Puhdas Oy", country="FI", region="FI1B1", profile_text=None,
                    identifiers=[("FI-YTUNNUS", "2996949-9"), ("VAT", "FI29969499")]),
        SupplierDoc(id=12, name=None, country=None, region=None, profile_text="",
                    identifiers=[]),
        SupplierDoc(id=13, name="Élagage & Fils", country="FR", region=None,
                    profile_text="Élagage | arbres", identifiers=[("SIRET", "12345678900017")]),
    ]  # fmt: skip


@pytest.mark.parametrize("mmap", [True, False])
def test_columns_read_back_every_field(tmp_path: Path, mmap: bool) -> None:
    procs, sups = _procurements(), _suppliers()
    save_columns(procs, sups, tmp_path)
    rows, sup_rows = load_columns(tmp_path, mmap=mmap)
    assert isinstance(rows, ProcurementRows) and isinstance(sup_rows, SupplierRows)
    assert len(rows) == 3 and len(sup_rows) == 3
    # Field for field, None kept apart from "" and 0.0, lists and flags as they were.
    for got, want in zip(rows, procs, strict=True):
        assert isinstance(got, ProcurementRow) and isinstance(got, ProcurementDoc)
        assert type(got.doc()) is ProcurementDoc and got.doc() == want
        assert got == want and want == got and pickle.loads(pickle.dumps(got)) == want
    for sup, sup_want in zip(sup_rows, sups, strict=True):
        assert isinstance(sup, SupplierRow) and sup.doc() == sup_want and sup == sup_want
    assert rows[1].title == "" and rows[1].value is None and rows[2].value == 0.0
    assert sup_rows[0].profile_text is None and sup_rows[1].profile_text == ""
    assert rows[0].winners == [11, 12] and all(type(s) is int for s in rows[0].winners)
    assert rows[-1].id == 10 and [r.id for r in rows[1:]] == [9, 10]
    assert rows == procs and rows != procs[:2] and rows != [*procs[:2], replace(procs[2], id=1)]
    with pytest.raises(IndexError):
        rows[3]
    # Picklable as a whole too (the row class is made per set of columns).
    assert pickle.loads(pickle.dumps(rows)) == procs
    assert pickle.loads(pickle.dumps(sup_rows)) == sups


def test_empty_corpus_round_trips(tmp_path: Path) -> None:
    save_columns([], [], tmp_path)
    rows, sup_rows = load_columns(tmp_path)
    assert len(rows) == 0 and list(sup_rows) == []


def test_another_layout_is_refused(tmp_path: Path) -> None:
    save_columns(_procurements(), _suppliers(), tmp_path)
    meta = json.loads((tmp_path / "columns.json").read_text())
    (tmp_path / "columns.json").write_text(json.dumps({**meta, "layout": 99}))
    with pytest.raises(ValueError, match="layout 99"):
        load_columns(tmp_path)


def test_saved_index_keeps_its_corpus_in_columns(tmp_path: Path) -> None:
    index = replace(tiny_index(), corpus=Corpus(_procurements(), _suppliers(), {3: {11}},
                                                {"siivous": {11: 2}}))  # fmt: skip
    save_index(index, tmp_path)
    loaded = load_index(tmp_path)
    assert isinstance(loaded.corpus.procurements, ProcurementRows)
    assert loaded.corpus == index.corpus
    assert isinstance(loaded.lexical.by_doc_, type(index.lexical.by_doc_))
    assert np.array_equal(loaded.procurement_vectors.vectors_for(np.arange(4)),
                          index.procurement_vectors.vectors_for(np.arange(4)))  # fmt: skip


def test_an_index_pickled_whole_still_loads(tmp_path: Path) -> None:
    index = tiny_index()
    dump_atomic(index, tmp_path / INDEX_FILE)  # as versions before the columns saved it
    loaded = load_index(tmp_path)
    assert isinstance(loaded.corpus.procurements, list)
    assert loaded.corpus == index.corpus


def test_a_missing_or_unreadable_corpus_asks_for_a_rebuild(tmp_path: Path) -> None:
    save_index(tiny_index(), tmp_path)
    meta = tmp_path / CORPUS_DIR / "columns.json"
    meta.write_text(meta.read_text().replace('"layout": 1', '"layout": 0'))
    with pytest.raises(IndexNotBuiltError, match="build --full"):
        load_index(tmp_path)
    for f in (tmp_path / CORPUS_DIR).iterdir():
        f.unlink()
    (tmp_path / CORPUS_DIR).rmdir()
    with pytest.raises(IndexNotBuiltError, match="missing"):
        load_index(tmp_path)


@pytest.mark.parametrize("name", ["id", "buyer_id", "n_tenders", "date", "value", "buyer_name",
                                  "currency", "region", "flag"])  # fmt: skip
def test_whole_columns_of_documents_equal_the_saved_ones(tmp_path: Path, name: str) -> None:
    procs = _procurements()
    save_columns(procs, _suppliers(), tmp_path)
    rows, _ = load_columns(tmp_path)
    saved, docs = columns_of(rows), columns_of(procs)
    assert saved is rows.columns and docs.n == len(procs)
    got, want = docs.column(name), saved.column(name)
    assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
    if name in ("buyer_name", "currency", "region", "flag"):
        assert docs.categories(name) == saved.categories(name)
        assert [docs.categories(name)[c] if c >= 0 else None for c in got] == [
            getattr(p, name) for p in procs]  # fmt: skip


def test_list_columns_of_documents_equal_the_saved_ones(tmp_path: Path) -> None:
    procs = _procurements()
    save_columns(procs, _suppliers(), tmp_path)
    rows, _ = load_columns(tmp_path)
    for cols in (columns_of(rows), columns_of(procs)):
        winners, cpv = cols.ragged_column("winners"), cols.ragged_column("cpv")
        assert [winners.row(i).tolist() for i in range(len(procs))] == [p.winners for p in procs]
        codes = cols.categories("cpv")
        assert [[codes[c] for c in cpv.row(i)] for i in range(len(procs))] == [p.cpv for p in procs]
        assert cols.column("date").tolist() == [737853, 0, 730119]
