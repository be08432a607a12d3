"""Abuse limits: a small in-process sliding-window rate limiter (no web framework here).

One process keeps its own counts: with ``uvicorn --workers N`` each worker counts apart, so the
effective limit is up to N times the setting (documented). A shared store (Redis) would be the
next step for several machines; one machine needs none, which is why this is not ``limits``
with a storage backend: a few dozen lines, no dependency, exactly the semantics the tests pin.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from .exceptions import RateLimitedError

__all__ = ["Rate", "RateLimiter", "retry_seconds"]


@dataclass(frozen=True)
class Rate:
    """At most ``count`` events per ``seconds``; ``count`` 0 turns the limit off."""

    count: int
    seconds: float


class RateLimiter:
    """Counts events per key in a sliding window; past the rate, answers how long to wait.

    Memory is bounded: at most ``max_keys`` keys are tracked (the oldest are dropped first),
    each with at most ``rate.count`` timestamps.
    """

    def __init__(self, rate: Rate, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.rate, self.max_keys, self.clock = rate, max_keys, clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may act again (0 if it may now); counts nothing."""
        if self.rate.count <= 0:
            return 0.0
        with self._lock:
            events = self._prune(key)
            if len(events) < self.rate.count:
                return 0.0
            return max(0.0, events[0] + self.rate.seconds - self.clock())

    def hit(self, key: str) -> None:
        """Count one event of ``key``."""
        if self.rate.count <= 0:
            return
        with self._lock:
            events = self._prune(key)
            events.append(self.clock())
            if len(self._events) > self.max_keys:
                self._events.pop(next(iter(self._events)))

    def check(self, key: str, what: str) -> None:
        """Count one event of ``key``, or refuse it if the rate is spent.

        Raises:
            RateLimitedError: with the seconds to wait.
        """
        wait = self.retry_after(key)
        if wait > 0:
            raise RateLimitedError(what, wait)
        self.hit(key)

    def _prune(self, key: str) -> deque[float]:
        events = self._events.setdefault(key, deque())
        horizon = self.clock() - self.rate.seconds
        while events and events[0] <= horizon:
            events.popleft()
        return events


def retry_seconds(wait: float) -> int:
    """``wait`` as the whole seconds of a ``Retry-After`` header (at least 1)."""
    return max(1, math.ceil(wait))
