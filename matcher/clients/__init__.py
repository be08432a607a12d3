"""HTTP clients for the sources' APIs (httpx; keys from the environment, never the repo)."""

from ._http import ApiError, RetryingClient
from .hilma import HilmaApiError, HilmaClient, SyncReport
from .prh import PrhClient
from .ted import TedClient

__all__ = ["ApiError", "HilmaApiError", "HilmaClient", "PrhClient", "RetryingClient", "SyncReport",
           "TedClient"]  # fmt: skip
