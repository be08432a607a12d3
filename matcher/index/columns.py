"""The corpus as columns: NumPy arrays in files beside the index, memory-mapped on load.

A pickled corpus rebuilt every procurement and supplier as Python objects on each load (most of
a server's start, issue 13) and each worker held its own copy. Here every field is an array:
numbers as they are (-1 or NaN for none), dates as ordinal days (0 for none), low-cardinality
texts (regions, currencies, buyer names, CPV codes, flags) as integer codes into a label list,
lists (CPV codes, winners, identifiers) as one flat array with ``n + 1`` offsets, and free texts
(titles, passages, names) as one UTF-8 blob with offsets. Loading maps the files read-only, so
the operating system shares their pages between the workers of one machine, and a row is read
only when it is asked for.

:class:`ProcurementRows` and :class:`SupplierRows` are read-only sequences over those arrays
whose items are :class:`~matcher.index.corpus.ProcurementDoc` and
:class:`~matcher.index.corpus.SupplierDoc` (subclasses that read their row's fields on access),
so ranking reads ``corpus.procurements[i].winners`` as before.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

import numpy as np

from .corpus import ProcurementDoc, SupplierDoc
from .encode import Arrays, Labels, encode_procurement_field, procurement_arrays, supplier_arrays
from .flags import Flag
from .ragged import Ragged

__all__ = ["LAYOUT", "Columns", "ProcurementRow", "ProcurementRows", "SupplierRow", "SupplierRows",
           "columns_of", "load_columns", "save_columns"]  # fmt: skip

#: Bumped when the layout changes: an index saved in another layout is rebuilt, never misread.
LAYOUT = 1
_META = "columns.json"


class Columns:
    """One side of the corpus (procurements or suppliers): arrays and label lists.

    A fit reads whole columns through :meth:`column`, :meth:`ragged_column` and
    :meth:`categories` (see :func:`columns_of`) rather than a row object per procurement.
    """

    def __init__(self, arrays: Arrays, labels: Labels, n: int | None = None,
                 encode: Callable[[str], tuple[Arrays, Labels]] | None = None) -> None:  # fmt: skip
        self.arrays = arrays
        self.labels = labels
        self.n = len(arrays["id"]) if n is None else n
        #: Encodes one field on first use, where the columns stand for plain documents.
        self._encode = encode

    def _field(self, name: str) -> None:
        if name not in self.arrays and self._encode is not None:
            arrays, labels = self._encode(name)
            self.arrays |= arrays
            self.labels |= labels

    def column(self, name: str) -> np.ndarray:
        """One value per row of the field ``name``, as stored: ids, ``buyer_id`` and
        ``n_tenders`` (-1 for None), ``date`` (ordinal days, 0 for None), ``value`` (NaN for
        None), or the int32 codes of ``buyer_name``, ``currency``, ``region``, ``flag`` (-1 for
        None) into :meth:`categories`. Read-only by contract: it may be the mapped file."""
        self._field(name)
        return self.arrays[name]

    def ragged_column(self, name: str) -> Ragged:
        """The list field ``name`` (``winners``: supplier ids; ``cpv``: codes into
        :meth:`categories`) as one flat array with offsets."""
        self._field(name)
        return Ragged(self.arrays[name], self.arrays[name + "_off"])

    def categories(self, name: str) -> list[Any]:
        """The labels the codes of the field ``name`` index (``cpv``, ``region``, ...)."""
        self._field(name)
        return self.labels[name]

    def text(self, name: str, i: int) -> str | None:
        """Row ``i`` of the text column ``name`` (blob ``name``, offsets ``name_off``, and
        ``name_null`` set where the value is None rather than "")."""
        if self.arrays[name + "_null"][i]:
            return None
        off: np.ndarray = self.arrays[name + "_off"]
        return self.arrays[name][int(off[i]) : int(off[i + 1])].tobytes().decode("utf-8")  # type: ignore[no-any-return]

    def ragged(self, name: str, i: int) -> np.ndarray:
        """Row ``i`` of the list column ``name`` (values ``name`` with ``name_off`` offsets)."""
        off: np.ndarray = self.arrays[name + "_off"]
        return self.arrays[name][int(off[i]) : int(off[i + 1])]  # type: ignore[no-any-return]

    def label(self, name: str, code: int) -> Any:
        """The label of ``code`` in the categorical column ``name`` (None for -1)."""
        return None if code < 0 else self.labels[name][code]


def _opt_int(v: Any) -> int | None:
    return None if v < 0 else int(v)


def _opt_float(v: Any) -> float | None:
    return None if v != v else float(v)  # NaN stands for None


def _day(v: Any) -> date | None:
    return date.fromordinal(int(v)) if v > 0 else None


#: Per field: given the columns, the function that reads the field of a row (its ``_i``).
Reader = Callable[[Columns], Callable[[Any], Any]]


def _num(name: str, convert: Callable[[Any], Any]) -> Reader:
    def make(c: Columns) -> Callable[[Any], Any]:
        a = c.arrays[name]
        return lambda r: convert(a[r._i])

    return make


def _cat(name: str) -> Reader:
    def make(c: Columns) -> Callable[[Any], Any]:
        codes, labels = c.arrays[name], c.labels[name]
        return lambda r: None if (k := codes[r._i]) < 0 else labels[k]

    return make


def _text(name: str) -> Reader:
    return lambda c: lambda r: c.text(name, r._i)


def _codes(name: str) -> Reader:
    def make(c: Columns) -> Callable[[Any], Any]:
        codes, off, labels = c.arrays[name], c.arrays[name + "_off"], c.labels[name]
        return lambda r: [labels[k] for k in codes[off[r._i] : off[r._i + 1]].tolist()]

    return make


def _list(name: str) -> Reader:
    def make(c: Columns) -> Callable[[Any], Any]:
        values, off = c.arrays[name], c.arrays[name + "_off"]
        return lambda r: values[off[r._i] : off[r._i + 1]].tolist()

    return make


def _identifiers(c: Columns) -> Callable[[Any], Any]:
    off, schemes, labels = c.arrays["idents_off"], c.arrays["scheme"], c.labels["scheme"]
    return lambda r: [(labels[schemes[j]], c.text("ident", j))
                      for j in range(int(off[r._i]), int(off[r._i + 1]))]  # fmt: skip


_PROCUREMENT: dict[str, Reader] = {
    "id": _num("id", int), "title": _text("title"), "text": _text("text"),
    "buyer_id": _num("buyer_id", _opt_int), "buyer_name": _cat("buyer_name"),
    "cpv": _codes("cpv"), "date": _num("date", _day), "value": _num("value", _opt_float),
    "currency": _cat("currency"), "region": _cat("region"), "winners": _list("winners"),
    "n_tenders": _num("n_tenders", _opt_int), "flag": _cat("flag"),
}  # fmt: skip
_SUPPLIER: dict[str, Reader] = {
    "id": _num("id", int), "name": _text("name"), "country": _cat("country"),
    "region": _cat("region"), "profile_text": _text("profile_text"), "identifiers": _identifiers,
}  # fmt: skip


class ProcurementRow(ProcurementDoc):
    """A procurement read from the columns, field by field on access (read-only)."""

    __slots__ = ("_i",)

    def __init__(self, row: int) -> None:  # no dataclass fields to set: they are properties
        self._i = row

    def doc(self) -> ProcurementDoc:
        """A plain, writable copy of this row."""
        return ProcurementDoc(*_values(self))

    def __eq__(self, other: object) -> bool:
        # Equal to a document (a row, or a plain one) with the same fields.
        return isinstance(other, ProcurementDoc) and _values(self) == _values(other)

    __hash__ = None  # type: ignore[assignment]  # as the dataclass: mutable, so unhashable

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as the plain document: the row's class is made per set of columns.
        return ProcurementDoc, tuple(_values(self))


class SupplierRow(SupplierDoc):
    """A supplier read from the columns, field by field on access (read-only)."""

    __slots__ = ("_i",)

    def __init__(self, row: int) -> None:
        self._i = row

    def doc(self) -> SupplierDoc:
        """A plain, writable copy of this row."""
        return SupplierDoc(*_values(self))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SupplierDoc) and _values(self) == _values(other)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return SupplierDoc, tuple(_values(self))


def _values(doc: ProcurementDoc | SupplierDoc) -> list[Any]:
    return [getattr(doc, f.name) for f in fields(doc)]


def _row_class(base: type, readers: dict[str, Reader], columns: Columns) -> type:
    """A subclass of ``base`` whose fields are properties reading ``columns`` (data descriptors,
    so they win over the dataclass's class-level defaults). One closure call per field read:
    ranking reads fields of every row when it fits, so each call counts."""
    props = {name: property(make(columns)) for name, make in readers.items()}
    return type(base.__name__, (base,), {"__slots__": (), "__module__": __name__, **props})


D = TypeVar("D", ProcurementDoc, SupplierDoc)


class _Rows(Sequence[D], Generic[D]):
    """A read-only sequence of rows over :class:`Columns`."""

    _base: type
    _readers: dict[str, Reader]

    def __init__(self, columns: Columns) -> None:
        self.columns = columns
        self._row: Callable[[int], D] = _row_class(self._base, self._readers, columns)

    def __len__(self) -> int:
        return self.columns.n

    def __reduce__(self) -> tuple[Any, ...]:
        # The row class is made per instance (not importable): pickle the columns alone.
        return type(self), (self.columns,)

    @overload
    def __getitem__(self, i: int) -> D: ...
    @overload
    def __getitem__(self, i: slice) -> list[D]: ...
    def __getitem__(self, i: int | slice) -> D | list[D]:
        if isinstance(i, slice):
            return [self._row(j) for j in range(*i.indices(self.columns.n))]
        j = i + self.columns.n if i < 0 else i
        if not 0 <= j < self.columns.n:
            raise IndexError(i)
        return self._row(j)

    def __eq__(self, other: object) -> bool:
        # Equal to any sequence of equal documents (the list a build made, or rows).
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __iter__(self) -> Iterator[D]:
        return map(self._row, range(self.columns.n))


class ProcurementRows(_Rows[ProcurementDoc]):
    """``corpus.procurements`` read from columns."""

    _base, _readers = ProcurementRow, _PROCUREMENT


class SupplierRows(_Rows[SupplierDoc]):
    """``corpus.suppliers`` read from columns."""

    _base, _readers = SupplierRow, _SUPPLIER


def save_columns(procurements: Sequence[ProcurementDoc], suppliers: Sequence[SupplierDoc],
                 folder: Path) -> None:  # fmt: skip
    """Write both sides of a corpus as ``.npy`` files and their labels into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    meta: dict[str, Any] = {"layout": LAYOUT, "labels": {}}
    for side, (arrays, labels) in (("procurements", procurement_arrays(procurements)),
                                   ("suppliers", supplier_arrays(suppliers))):  # fmt: skip
        for name, array in arrays.items():
            np.save(folder / f"{side}.{name}.npy", np.ascontiguousarray(array))
        meta["labels"][side] = {"names": sorted(arrays), **labels}
    (folder / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def _load(path: Path, mmap: bool) -> np.ndarray:
    array = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    # A plain array over the mapped pages: indexing a np.memmap costs several times more.
    return np.asarray(array)


def columns_of(procurements: Sequence[ProcurementDoc]) -> Columns:
    """The columns of a corpus's procurements: the mapped arrays of :class:`ProcurementRows`, or,
    for plain documents (an in-memory build, an evaluation split), each field encoded on first
    use, exactly as it would be saved."""
    if isinstance(procurements, ProcurementRows):
        return procurements.columns
    docs = procurements
    return Columns({}, {}, n=len(docs), encode=lambda name: encode_procurement_field(docs, name))


def load_columns(folder: Path, mmap: bool = True) -> tuple[ProcurementRows, SupplierRows]:
    """Both sides of a corpus saved by :func:`save_columns`, memory-mapped unless ``mmap`` is
    False.

    Raises:
        ValueError: if the files are of another layout (the index must be built again).
    """
    meta = json.loads((folder / _META).read_text(encoding="utf-8"))
    if meta.get("layout") != LAYOUT:
        raise ValueError(f"corpus columns in {folder} have layout {meta.get('layout')}, "
                         f"this version reads {LAYOUT}")  # fmt: skip
    sides = {}
    for side in ("procurements", "suppliers"):
        labels = meta["labels"][side]
        arrays = {n: _load(folder / f"{side}.{n}.npy", mmap) for n in labels.pop("names")}
        if side == "procurements":
            labels["flag"] = [Flag(kind, reason) for kind, reason in labels["flag"]]
        sides[side] = Columns(arrays, labels)
    return ProcurementRows(sides["procurements"]), SupplierRows(sides["suppliers"])
