"""Every error the library raises on purpose; the API maps them to HTTP status codes."""

from __future__ import annotations


class InnomatchError(Exception):
    """Base class of all innomatch errors."""


class NotFoundError(InnomatchError):
    """Raised if a supplier, procurement or other entity asked for by id does not exist."""


class ConflictError(InnomatchError):
    """Raised if an operation clashes with the current state (e.g. the index is being rebuilt)."""


class InvalidInputError(InnomatchError, ValueError):
    """Raised if a caller's input is well-formed but not meaningful (e.g. an unknown CPV code)."""


class UnreadableFileError(InnomatchError):
    """Raised if a source file cannot be read at all: missing, not the format, or corrupt.

    The message names the file and the reason; no record of that file is stored.
    """

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class RecordError(InnomatchError):
    """Raised if one source record cannot be understood; the record is quarantined, the batch goes on."""


class IndexNotBuiltError(ConflictError):
    """Raised if matching is asked for before ``innomatch build`` has created the index."""


class EmbedderError(InnomatchError):
    """Raised if an embedding backend cannot be loaded (unknown name, missing weights)."""


class AuthenticationError(InnomatchError):
    """Raised if a request needs an account and carries no valid session, key or password."""


class PermissionDeniedError(InnomatchError):
    """Raised if a signed-in user asks to read or change what is not theirs (a need, a shortlist)."""


class LimitExceededError(UnreadableFileError):
    """Raised if a source file passes a configured ingest limit (size, records, nesting depth).

    The message names the limit and the setting that raises it; no record of that file is stored.
    """


class RateLimitedError(InnomatchError):
    """Raised if a client passes a rate limit (sign-in attempts, matches per minute).

    ``retry_after`` is the number of seconds to wait; the API answers 429 with ``Retry-After``.
    """

    def __init__(self, what: str, retry_after: float) -> None:
        super().__init__(f"too many {what}: retry in {max(1, round(retry_after))} s")
        self.retry_after = retry_after
