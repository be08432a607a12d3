"""HTTP clients for the sources' APIs (httpx; keys from the environment, never the repo)."""

from .hilma import HilmaApiError, HilmaClient, SyncReport

__all__ = ["HilmaApiError", "HilmaClient", "SyncReport"]
