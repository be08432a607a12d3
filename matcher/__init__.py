"""innomatch: supplier-buyer matching for public procurement, before tendering.

The data flow is the layout: ``ingest`` -> ``store`` -> ``embed`` -> ``index`` -> ``rank``;
``service`` is the front door the CLI and the API call.
"""

from .exceptions import (
    ConflictError,
    EmbedderError,
    IndexNotBuiltError,
    InnomatchError,
    InvalidInputError,
    NotFoundError,
    RecordError,
    UnreadableFileError,
)
from .index import build_index, load_index
from .ingest import ingest_file, ingest_paths
from .lookup import get_procurement, get_supplier
from .schemas import MatchFilters, MatchRequest, MatchResponse
from .service import Matcher, health
from .settings import Settings, get_settings
from .store.db import migrate, session_scope

__all__ = [
    "ConflictError", "EmbedderError", "IndexNotBuiltError", "InnomatchError", "InvalidInputError",
    "MatchFilters", "MatchRequest", "MatchResponse", "Matcher", "NotFoundError", "RecordError",
    "Settings", "UnreadableFileError", "build_index", "get_procurement", "get_settings",
    "get_supplier", "health", "ingest_file", "ingest_paths", "load_index", "migrate",
    "session_scope",
]  # fmt: skip
__version__ = "0.1.0"
