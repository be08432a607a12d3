"""The retrying HTTP layer every API client shares."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from ..exceptions import InnomatchError

_RETRY_STATUS = {429, 500, 502, 503, 504}


class ApiError(InnomatchError):
    """Raised if an API refuses a request (bad key, unknown id) or keeps failing."""


class RetryingClient:
    """httpx with retries on 429, 5xx and network errors, with exponential back-off.

    Args:
        base_url: API root.
        headers: Sent with every request (API keys come from the environment, never the repo).
        transport: An httpx transport (tests pass ``httpx.MockTransport``).
        max_retries: Attempts per request.
        backoff: First wait in seconds; doubles each retry (``Retry-After`` wins when sent).
        sleep: Called to wait (tests pass a no-op).
    """

    def __init__(self, base_url: str, headers: dict[str, str] | None = None,
                 transport: httpx.BaseTransport | None = None, max_retries: int = 4,
                 backoff: float = 1.0, sleep: Callable[[float], None] = time.sleep) -> None:  # fmt: skip
        self._client = httpx.Client(base_url=base_url, transport=transport, timeout=60,
                                    headers={"Accept": "application/json", **(headers or {})})  # fmt: skip
        self.max_retries = max_retries
        self.backoff = backoff
        self._sleep = sleep

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send, retrying what can succeed later; raise ``ApiError`` for what cannot."""
        wait = self.backoff
        for attempt in range(1, self.max_retries + 1):
            try:
                response = self._client.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                if attempt == self.max_retries:
                    raise ApiError(f"{method} {url}: {exc}") from exc
            else:
                if response.status_code not in _RETRY_STATUS:
                    if response.status_code in (401, 403):
                        raise ApiError(
                            f"{method} {url}: the API key was refused ({response.status_code})"
                        )
                    if response.status_code == 404:
                        raise ApiError(f"{method} {url}: not found")
                    if response.is_error:
                        raise ApiError(f"{method} {url}: HTTP {response.status_code}")
                    return response
                if attempt == self.max_retries:
                    raise ApiError(
                        f"{method} {url}: HTTP {response.status_code} after {attempt} tries"
                    )
                retry_after = response.headers.get("Retry-After", "")
                wait = float(retry_after) if retry_after.replace(".", "", 1).isdigit() else wait
            self._sleep(wait)
            wait *= 2
        raise AssertionError("unreachable")
