"""Streaming the elements of one JSON array with a cap on nesting depth and element size.

``ijson.items`` builds the path of every event as a string ("marches.item.item..."): 100,000
nested arrays make 100,000 paths of up to 500 kB each and the process grows by gigabytes. Here
the events carry no path (``basic_parse``); depth is counted as they come, an element nested
deeper than the limit is dropped while it streams (only a marker is yielded), and a document
nested too deep outside its elements is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import ijson

from ..exceptions import LimitExceededError, UnreadableFileError
from . import limits
from ._files import open_binary
from .limits import TOO_BIG, TOO_DEEP

__all__ = ["TOO_BIG", "TOO_DEEP", "array_items", "load"]


#: Containers are built this many levels below a record's wrappers (package, response, list).
_WRAPPERS = 4
_MAX_EVENTS = 1_000_000
_OPEN, _CLOSE = ("start_map", "start_array"), ("end_map", "end_array")


def _events(
    path: Path, fh: IO[bytes], reopen: Callable[[], Any] | None
) -> Iterator[tuple[str, Any]]:
    """``basic_parse`` events of the C parser; where it overflows on an integer past 64 bits
    (valid JSON), the file is read again by ijson's pure-Python parser from the same event on.

    Raises:
        UnreadableFileError: if the JSON is invalid.
    """
    done = 0
    try:
        for event in ijson.basic_parse(fh, use_float=True):
            done += 1
            yield event
        return
    except ijson.JSONError as exc:
        if "integer overflow" not in str(exc):
            raise UnreadableFileError(path, f"invalid JSON: {exc}") from exc
    again = reopen() if reopen else open_binary(path)
    try:
        events = ijson.get_backend("python").basic_parse(again, use_float=True)
        for n, event in enumerate(events):
            if n >= done:
                yield event
    except ijson.JSONError as exc:
        raise UnreadableFileError(path, f"invalid JSON: {exc}") from exc
    finally:
        again.close()


def array_items(path: Path, fh: IO[bytes], key: str) -> Iterator[Any]:
    """The elements of the array under the top-level ``key`` of the JSON object in ``fh``.

    Raises:
        LimitExceededError: if the document nests deeper than the limit outside an element.
        UnreadableFileError: if the JSON is invalid.
    """
    max_depth = limits.current().max_depth
    depth, wanted, in_array = 0, False, False
    element: _Element | None = None
    for event, value in _events(path, fh, None):
        if element is not None:
            depth += (event in _OPEN) - (event in _CLOSE)
            element.feed(event, value, depth - 2 > max_depth)
            if depth == 2:
                yield element.result()
                element = None
        elif in_array and depth == 2:
            if event in _OPEN:
                depth += 1
                element = _Element()
                element.feed(event, value, max_depth < 1)
            elif event in _CLOSE:
                depth, in_array = 1, False
            else:
                yield value
        else:
            depth += (event in _OPEN) - (event in _CLOSE)
            if depth > max_depth:
                raise LimitExceededError(
                    path, f"JSON nested deeper than {max_depth} levels (INGEST_MAX_DEPTH)"
                )
            in_array = wanted and event == "start_array" and depth == 2
            wanted = event == "map_key" and depth == 1 and value == key


class _Element:
    """One element being built from its events, until it passes a limit."""

    def __init__(self) -> None:
        self.builder: ijson.ObjectBuilder | None = ijson.ObjectBuilder()
        self.events = 0
        self.failed: object | None = None

    def feed(self, event: str, value: Any, too_deep: bool) -> None:
        if self.failed is not None:
            return
        self.events += 1
        if too_deep or self.events > _MAX_EVENTS:
            # Drop what was built: memory stays bounded however long the element goes on.
            self.failed, self.builder = (TOO_DEEP if too_deep else TOO_BIG), None
            return
        assert self.builder is not None
        self.builder.event(event, value)

    def result(self) -> Any:
        if self.failed is not None:
            return self.failed
        assert self.builder is not None
        return self.builder.value


def load(path: Path, fh: IO[bytes], reopen: Callable[[], Any] | None = None) -> Any:
    """The whole JSON document in ``fh``, any container deeper than the depth limit (plus a few
    levels of wrappers) replaced by ``TOO_DEEP``: the records around it are kept, and it is
    never built (Python's json module would recurse into it and fail on the whole file).

    Raises:
        UnreadableFileError: if the JSON is invalid.
    """
    cap = limits.current().max_depth + _WRAPPERS
    stack: list[Any] = []
    keys: list[str] = []
    root: list[Any] = []
    skip = 0

    def put(v: Any) -> None:
        if not stack:
            root.append(v)
        elif isinstance(stack[-1], list):
            stack[-1].append(v)
        else:
            stack[-1][keys[-1]] = v

    for event, value in _events(path, fh, reopen):
        if skip:
            skip += (event in _OPEN) - (event in _CLOSE)
        elif event == "map_key":
            keys[-1] = value
        elif event in _OPEN:
            if len(stack) >= cap:
                put(TOO_DEEP)
                skip = 1
                continue
            container: Any = {} if event == "start_map" else []
            put(container)
            stack.append(container)
            keys.append("")
        elif event in _CLOSE:
            stack.pop()
            keys.pop()
        else:
            put(value)
    if not root:
        raise UnreadableFileError(path, "no JSON document")
    return root[0]
