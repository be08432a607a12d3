"""Ingest limits and the guards every reader shares: hostile input never crashes an ingest.

A reader turns each element of a file into a record, whatever its type or shape, through
:func:`convert`: an element it cannot understand becomes a quarantined ``Rejected`` with its
reason. :func:`screen` then checks every record against the limits (identifier, title and text
length, nesting depth) before it reaches the store, so a 1 MB contract id is quarantined, not
stored. The limits of the running ingest are held in a context variable, set by
``ingest_file``; readers read them with :func:`current`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from ..exceptions import LimitExceededError
from ..settings import Settings, get_settings
from ..store.models import Award, Identifier, Organisation, Procurement, Purchase, Signal
from .records import (
    AwardRecord,
    OrgRef,
    ProcurementRecord,
    PurchaseRecord,
    Record,
    Rejected,
    SignalRecord,
    SupplierProfileRecord,
)

__all__ = ["TOO_BIG", "TOO_DEEP", "IngestLimits", "check_file_size", "convert", "current",
           "exceeds_depth", "screen", "use_limits"]  # fmt: skip

T = TypeVar("T")


class _Marker:
    """A value that stands for a part of the input that was not built (too deep, too big)."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __repr__(self) -> str:
        return f"<{self.what}>"


#: Yielded (or put) in place of an element nested deeper than ``ingest_max_depth``.
TOO_DEEP = _Marker("nested too deeply")
#: Yielded in place of an element of too many values (its memory stays bounded).
TOO_BIG = _Marker("too large")

_MIB = 1024 * 1024
#: How much of an unreadable element is kept in quarantine, so a hostile one stays small.
_RAW_PREVIEW = 2000


@dataclass(frozen=True)
class IngestLimits:
    """The limits one ingest runs under (see the ``ingest_*`` fields of ``Settings``)."""

    max_depth: int = 32
    max_id_chars: int = 200
    max_title_chars: int = 2000
    max_text_chars: int = 100_000
    max_records: int = 5_000_000
    max_file_mib: dict[str, int] = field(default_factory=lambda: {"default": 4096})

    @classmethod
    def from_settings(cls, settings: Settings) -> IngestLimits:
        """The limits set in ``settings``."""
        return cls(**{f.name: getattr(settings, f"ingest_{f.name}") for f in fields(cls)})

    def file_bytes(self, reader: str) -> int:
        """Largest file (decompressed) the reader ``reader`` accepts, in bytes."""
        mib = self.max_file_mib.get(reader, self.max_file_mib.get("default", 4096))
        return mib * _MIB

    def with_(self, **changes: Any) -> IngestLimits:
        """A copy with some limits changed (tests lower them)."""
        return replace(self, **changes)


_CURRENT: ContextVar[IngestLimits | None] = ContextVar("ingest_limits", default=None)


def current() -> IngestLimits:
    """The limits of the running ingest (from the settings outside one)."""
    return _CURRENT.get() or IngestLimits.from_settings(get_settings())


@contextmanager
def use_limits(limits: IngestLimits) -> Iterator[None]:
    """Run the block (a whole file's ingest) under ``limits``."""
    token = _CURRENT.set(limits)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def check_file_size(path: Path, reader: str, size: int) -> None:
    """Refuse a file of ``size`` bytes that passes the reader's cap.

    Raises:
        LimitExceededError: naming the cap and the setting that raises it.
    """
    cap = current().file_bytes(reader)
    if size > cap:
        raise LimitExceededError(
            path, f"larger than {cap // _MIB} MiB, the limit for {reader} files "
            f"(INGEST_MAX_FILE_MIB); split the file or raise the limit",
        )  # fmt: skip


def preview(raw: Any) -> Any:
    """``raw`` if it is small and shallow enough to quarantine as it is, else a short preview."""
    lim = current()
    if not exceeds_depth(raw, lim.max_depth):
        longest, problem = _scan(raw)
        if longest <= _RAW_PREVIEW * 10 and problem is None:
            return raw
    # repr escapes NULs and surrogates; a deep value is cut before repr can recurse far.
    shown = _shallow(raw) if isinstance(raw, dict | list) else raw
    return {"preview": repr(shown)[:_RAW_PREVIEW], "type": type(raw).__name__}


def _shallow(value: Any) -> Any:
    """The top level of a dict or list with nested containers and long strings elided."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    out = {}
    for n, (k, v) in enumerate(items):
        if n >= 50:
            break
        out[str(k)[:100]] = "..." if isinstance(v, dict | list) else v if not isinstance(
            v, str) else v[:200]  # fmt: skip
    return out


def convert(position: str, raw: Any, to_record: Callable[[Any], T]) -> T | Rejected:
    """``to_record(raw)``, or a ``Rejected`` with the reason if the element cannot be understood.

    Any exception of one element is that element's fault (a list where an object belongs, a
    number for a string, a cycle of references too deep to follow): the file goes on.
    """
    if not isinstance(raw, dict):
        return Rejected(position, f"expected a JSON object, got {type(raw).__name__}", preview(raw))
    if exceeds_depth(raw, current().max_depth) or _holds_deep_marker(raw):
        return Rejected(position, _depth_reason(), preview(raw))
    try:
        return to_record(raw)
    except RecursionError:
        return Rejected(position, _depth_reason(), preview(raw))
    except Exception as exc:  # noqa: BLE001  # any shape of element: quarantine, never crash
        reason = f"{type(exc).__name__}: {exc}" if not isinstance(exc, ValueError) else str(exc)
        return Rejected(position, reason[:500], preview(raw))


def _holds_deep_marker(raw: Any) -> bool:
    """True if a part of ``raw`` was dropped while streaming for nesting too deep.

    ``json.dumps`` finds no marker at C speed in a clean element (a marker makes ``_plain``
    raise); only then is the element walked in Python, a third of the reader's time before.
    """
    try:
        json.dumps(raw, default=_plain)
    except (TypeError, ValueError, RecursionError):
        return _scan(raw)[1] == _TOO_DEEP_PROBLEM
    return False


def _depth_reason() -> str:
    return f"nested deeper than {current().max_depth} levels (INGEST_MAX_DEPTH)"


def exceeds_depth(value: Any, max_depth: int) -> bool:
    """True if ``value`` nests dicts and lists deeper than ``max_depth`` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list | tuple):
            continue
        if depth + 1 > max_depth:
            return True
        stack.extend((v, depth + 1) for v in item if isinstance(v, dict | list | tuple))
    return False


_TOO_DEEP_PROBLEM = f"a part {TOO_DEEP.what} (INGEST_MAX_DEPTH)"
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,), "str | None": (str, type(None)), "float | None": (int, float, type(None)),
    "int | None": (int, type(None)), "date | None": (date, type(None)),
}  # fmt: skip


_BAD_IN_JSON = re.compile("\\\\u0000|[\ud800-\udfff]")


def _plain(value: object) -> str:
    """``json.dumps`` fallback for dates and dataclasses; a marker must be found by the walk."""
    if isinstance(value, _Marker):
        raise TypeError("marker")
    return str(value)


def _clearly_fine(value: Any, max_chars: int) -> bool:
    """True if ``value`` is short and clean at C speed: its JSON is no longer than ``max_chars``
    (so no string in it is) and holds no NUL, surrogate or non-finite number."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=_plain)
    except (TypeError, ValueError, RecursionError):
        return False
    return len(text) <= max_chars and not _BAD_IN_JSON.search(text)


def _scan(value: Any) -> tuple[int, str | None]:
    """(longest string, first unstorable value) anywhere in ``value``: a NUL or a lone surrogate
    cannot be stored in PostgreSQL text or encoded as UTF-8, a NaN or infinity in JSON."""
    longest, problem, stack = 0, None, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            longest = max(longest, len(item))
            if problem is None and _BAD_CHARS.search(item):
                problem = "a NUL character or an unpaired surrogate"
        elif isinstance(item, float) and problem is None and not math.isfinite(item):
            problem = "a number that is not finite"
        elif item is TOO_DEEP or item is TOO_BIG:
            problem = problem or f"a part {item.what} (INGEST_MAX_DEPTH)"
        elif isinstance(item, dict):
            stack.extend(k for k in item if isinstance(k, str))
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif hasattr(item, "__dataclass_fields__") and not isinstance(item, type):
            stack.extend(vars(item).values())
    return longest, problem


@lru_cache(maxsize=1)
def _widths() -> dict[tuple[type, str], int]:
    """Width of the store's column for each text field of a record (PostgreSQL enforces it)."""
    tables: dict[type, list[Any]] = {
        ProcurementRecord: [Procurement], AwardRecord: [Award], PurchaseRecord: [Purchase],
        SignalRecord: [Signal], SupplierProfileRecord: [Organisation],
        OrgRef: [Identifier, Organisation],
    }  # fmt: skip
    widths: dict[tuple[type, str], int] = {}
    for record, models in tables.items():
        for model in models:
            for column in model.__table__.columns:
                length = getattr(column.type, "length", None)
                if length and (record, column.name) not in widths:
                    widths[(record, column.name)] = length
    widths[(OrgRef, "raw_id")] = widths[(OrgRef, "value")]
    del widths[(AwardRecord, "lot")]  # the writer cuts a lot's label to its column
    return widths


@lru_cache(maxsize=32)
def _plan(cls: type) -> tuple[tuple[str, tuple[type, ...] | None, int | None, bool], ...]:
    """Per field of a record class: (name, allowed types, column width, holds records)."""
    nested = {"buyer", "supplier", "org", "awards"}
    return tuple((f.name, _TYPES.get(str(f.type)), _widths().get((cls, f.name)),
                  f.name in nested) for f in fields(cls))  # fmt: skip


def _type_problem(obj: Any, widths: bool = False) -> str | None:
    """The first field of a record (or of its awards and organisations) of the wrong type, or
    (``widths``) longer than the store's column holds."""
    cls: type = type(obj)
    name = cls.__name__
    for field_name, allowed, width, nested in _plan(cls):
        value = getattr(obj, field_name)
        if allowed and (not isinstance(value, allowed) or isinstance(value, bool)):
            kinds = " or ".join(t.__name__ for t in allowed)
            return f"{name}.{field_name} is {type(value).__name__}, not {kinds}"
        if widths and width and isinstance(value, str) and len(value) > width:
            return f"{name}.{field_name} longer than {width} characters"
        if field_name in ("cpv_additional", "industry_codes") and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            return f"{name}.{field_name} holds a value that is not text"
        if nested and value is not None:
            for sub in value if isinstance(value, list) else [value]:
                found = (
                    _type_problem(sub, widths)
                    if is_dataclass(sub)
                    else f"{name}.{field_name} is {type(sub).__name__}"
                )
                if found:
                    return found
    return None


def _orgs(rec: Record) -> list[OrgRef]:
    """The organisations a record names (their ids and names are checked like the record's)."""
    if isinstance(rec, ProcurementRecord):
        return ([rec.buyer] if rec.buyer else []) + [a.supplier for a in rec.awards]
    if isinstance(rec, PurchaseRecord):
        return [rec.buyer, rec.supplier]
    return [rec.org] if isinstance(rec, SupplierProfileRecord | SignalRecord) else []


def _fields(rec: Record) -> tuple[str, str, str, Any]:
    """(position, identifier, title, description) of a record, for the length checks."""
    if isinstance(rec, ProcurementRecord):
        return rec.source_id, rec.source_id, rec.title, rec.description
    if isinstance(rec, SupplierProfileRecord):
        return rec.org.value, rec.org.value, rec.org.name or "", rec.description
    if isinstance(rec, PurchaseRecord | SignalRecord):
        return rec.source_id, rec.source_id, "", None
    raise TypeError(f"not a record: {type(rec).__name__}")


def _text_fields(rec: Record) -> list[Any]:
    """The record's values other than its raw payload (names, titles, descriptions, awards)."""
    return [v if not is_dataclass(v) else vars(v) for k, v in vars(rec).items() if k != "raw"]


def _safe_text(text: str, size: int) -> str:
    """``text`` cut to ``size``, with what PostgreSQL or UTF-8 cannot hold escaped."""
    return _BAD_CHARS.sub(lambda m: repr(m.group())[1:-1], str(text)[:size])


def _limit_problem(rec: Record, lim: IngestLimits) -> str | None:
    """The first limit ``rec`` passes (or the first value it cannot store), else ``None``."""
    type_problem = _type_problem(rec)
    if type_problem:
        return type_problem
    _, ident, title, description = _fields(rec)
    orgs = _orgs(rec)
    id_chars, title_chars, text_chars = lim.max_id_chars, lim.max_title_chars, lim.max_text_chars
    if len(ident) > id_chars or any(len(o.value) > id_chars or len(o.raw_id or "") > id_chars
                                    for o in orgs):  # fmt: skip
        return f"identifier longer than {id_chars} characters (INGEST_MAX_ID_CHARS)"
    if len(title) > title_chars or any(len(o.name or "") > title_chars for o in orgs):
        return f"title or name longer than {title_chars} characters (INGEST_MAX_TITLE_CHARS)"
    if len(description or "") > text_chars:
        return f"description longer than {text_chars} characters (INGEST_MAX_TEXT_CHARS)"
    if exceeds_depth(rec.raw, lim.max_depth):
        return _depth_reason()
    if _clearly_fine(rec.raw, text_chars) and _clearly_fine(_text_fields(rec), text_chars):
        return _type_problem(rec, widths=True)
    longest, problem = _scan(rec)
    if longest > text_chars:
        return f"a field longer than {text_chars} characters (INGEST_MAX_TEXT_CHARS)"
    return f"holds {problem}" if problem else _type_problem(rec, widths=True)


def screen(rec: Record) -> Record:
    """``rec`` if it keeps within the limits; else a ``Rejected`` naming the limit passed.

    A ``Rejected`` itself is made safe to store: its raw payload shortened to a preview if it
    is deep, huge or holds what cannot be stored.
    """
    if isinstance(rec, Rejected):
        return Rejected(_safe_text(rec.position, 200), _safe_text(rec.reason, 1000),
                        preview(rec.raw))  # fmt: skip
    lim = current()
    problem = _limit_problem(rec, lim)
    if problem is None:
        return rec
    position = _fields(rec)[0] if isinstance(_fields(rec)[0], str) else type(rec).__name__
    return Rejected(_safe_text(position, lim.max_id_chars), problem, preview(rec.raw))
