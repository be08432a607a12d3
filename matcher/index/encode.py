"""Documents encoded as columns, field by field: what :mod:`~matcher.index.columns` saves, and
what a fit reads of a corpus held as plain documents (an in-memory build, an evaluation split).

Numbers stay numbers (-1 or NaN for None), dates are ordinal days (0 for None), low-cardinality
texts are int32 codes into a label list (first-seen order), lists are one flat array with
``n + 1`` offsets, and free texts one UTF-8 blob with offsets and a null mask.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .corpus import ProcurementDoc, SupplierDoc

__all__ = ["Arrays", "Labels", "encode_procurement_field", "procurement_arrays", "supplier_arrays"]

#: One corpus side's arrays by name.
Arrays = dict[str, np.ndarray]
#: The label lists the codes of categorical columns index, by column name.
Labels = dict[str, list[Any]]
#: Encodes one field of many documents: its arrays and, for a categorical field, its labels.
_Encoder = Callable[[Sequence[ProcurementDoc]], tuple[Arrays, Labels]]


def _texts(name: str, values: Sequence[str | None]) -> Arrays:
    """A text column's arrays: the UTF-8 blob, its ``n + 1`` offsets, and which rows are None."""
    parts = [v.encode("utf-8") if v is not None else b"" for v in values]
    off = np.zeros(len(parts) + 1, np.int64)
    np.cumsum([len(p) for p in parts], out=off[1:])
    null = np.fromiter((v is None for v in values), bool, len(values))
    # One byte more than needed: an empty blob could not be memory-mapped.
    blob = np.frombuffer(b"".join(parts) + b"\0", np.uint8)
    return {name: blob, name + "_off": off, name + "_null": null}


def _categorical(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Codes (-1 for None) and the labels they index, in first-seen order."""
    index: dict[Any, int] = {}
    codes = np.fromiter((-1 if v is None else index.setdefault(v, len(index)) for v in values),
                        np.int32, len(values))  # fmt: skip
    return codes, list(index)


def _offsets(rows: Sequence[Sequence[Any]]) -> np.ndarray:
    """The ``n + 1`` offsets of a list column: row ``i`` is ``values[off[i]:off[i + 1]]``."""
    off = np.zeros(len(rows) + 1, np.int64)
    np.cumsum([len(r) for r in rows], out=off[1:])
    return off


def _text_field(name: str) -> _Encoder:
    return lambda docs: (_texts(name, [getattr(d, name) for d in docs]), {})


def _int_field(name: str) -> _Encoder:
    def encode(docs: Sequence[ProcurementDoc]) -> tuple[Arrays, Labels]:
        values = [-1 if (v := getattr(d, name)) is None else v for d in docs]
        return {name: np.array(values, np.int64).reshape(-1)}, {}

    return encode


def _cat_field(name: str) -> _Encoder:
    def encode(docs: Sequence[ProcurementDoc]) -> tuple[Arrays, Labels]:
        codes, labels = _categorical([getattr(d, name) for d in docs])
        return {name: codes}, {name: labels}

    return encode


def _cpv(docs: Sequence[ProcurementDoc]) -> tuple[Arrays, Labels]:
    codes, labels = _categorical([c for d in docs for c in d.cpv])
    return {"cpv": codes, "cpv_off": _offsets([d.cpv for d in docs])}, {"cpv": labels}


def _winners(docs: Sequence[ProcurementDoc]) -> tuple[Arrays, Labels]:
    off = _offsets([d.winners for d in docs])
    flat = np.fromiter((s for d in docs for s in d.winners), np.int64, int(off[-1]))
    return {"winners": flat, "winners_off": off}, {}


def _date(docs: Sequence[ProcurementDoc]) -> tuple[Arrays, Labels]:
    days = [d.date.toordinal() if d.date else 0 for d in docs]
    return {"date": np.array(days, np.int32).reshape(-1)}, {}


def _value(docs: Sequence[ProcurementDoc]) -> tuple[Arrays, Labels]:
    values = [np.nan if d.value is None else d.value for d in docs]
    return {"value": np.array(values, np.float64).reshape(-1)}, {}


#: Per procurement field, its encoder (the flag's labels are :class:`Flag` objects here).
_PROCUREMENT: dict[str, _Encoder] = {
    "id": lambda docs: ({"id": np.fromiter((d.id for d in docs), np.int64, len(docs))}, {}),
    "title": _text_field("title"), "text": _text_field("text"),
    "buyer_id": _int_field("buyer_id"), "n_tenders": _int_field("n_tenders"),
    "buyer_name": _cat_field("buyer_name"), "currency": _cat_field("currency"),
    "region": _cat_field("region"), "flag": _cat_field("flag"), "cpv": _cpv,
    "winners": _winners, "date": _date, "value": _value,
}  # fmt: skip


def encode_procurement_field(docs: Sequence[ProcurementDoc], name: str) -> tuple[Arrays, Labels]:
    """The arrays (``name``, and ``name_off`` / ``name_null`` where the field has them) and the
    labels of one procurement field of ``docs``.

    Raises:
        KeyError: if ``name`` is not a field of :class:`ProcurementDoc`.
    """
    return _PROCUREMENT[name](docs)


def procurement_arrays(docs: Sequence[ProcurementDoc]) -> tuple[Arrays, Labels]:
    """Every field of ``docs`` as arrays, with the labels (a flag as ``[kind, reason]``, as
    saved in JSON)."""
    arrays: Arrays = {}
    labels: Labels = {}
    for encode in _PROCUREMENT.values():
        field_arrays, field_labels = encode(docs)
        arrays |= field_arrays
        labels |= field_labels
    labels["flag"] = [[f.kind, f.reason] for f in labels["flag"]]
    return arrays, labels


def supplier_arrays(docs: Sequence[SupplierDoc]) -> tuple[Arrays, Labels]:
    """Every field of ``docs`` as arrays, with the labels."""
    arrays: Arrays = {"id": np.fromiter((d.id for d in docs), np.int64, len(docs))}
    labels: Labels = {}
    arrays |= _texts("name", [d.name for d in docs])
    arrays |= _texts("profile_text", [d.profile_text for d in docs])
    for name in ("country", "region"):
        arrays[name], labels[name] = _categorical([getattr(d, name) for d in docs])
    pairs = [p for d in docs for p in d.identifiers]
    arrays["scheme"], labels["scheme"] = _categorical([s for s, _ in pairs])
    arrays |= _texts("ident", [v for _, v in pairs])
    arrays["idents_off"] = _offsets([d.identifiers for d in docs])
    return arrays, labels
