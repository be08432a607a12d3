"""The innovation-broker workflow: accounts, needs, clusters of needs, shortlists, market views.

Every function takes the acting ``User`` and checks what it may read or change; the API and the
pages call these and nothing deeper.
"""

from .accounts import authenticate, create_user, issue_api_key, start_session, user_for_session
from .market import cluster_market, need_market, text_market
from .needs import create_need, get_need, list_needs, update_need
from .shortlists import (
    cluster_ranking,
    export_csv,
    get_cluster,
    list_clusters,
    mark,
    remove,
    shortlist,
)

__all__ = [
    "authenticate", "cluster_market", "cluster_ranking", "create_need", "create_user",
    "export_csv", "get_cluster", "get_need", "issue_api_key", "list_clusters", "list_needs", "mark",
    "need_market", "remove", "shortlist", "start_session", "text_market", "update_need",
    "user_for_session",
]  # fmt: skip
