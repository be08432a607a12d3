"""Client for the Finnish company register's open data API (PRH/YTJ v3); no key is needed.

``GET /opendata-ytj-api/v3/companies?businessId=...`` answers ``{"totalResults", "companies"}``,
the shape the ``ytj`` reader ingests. Fetched responses are saved as a map of business id ->
response, so a later run only asks for ids it does not have.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..ingest.normalize import ytunnus
from ._http import ApiError, RetryingClient

BASE_URL = "https://avoindata.prh.fi"
COMPANIES_PATH = "/opendata-ytj-api/v3/companies"


class PrhClient(RetryingClient):
    """Look companies up by business id."""

    def __init__(self, base_url: str = BASE_URL, **kwargs: Any) -> None:
        super().__init__(base_url, **kwargs)

    def company(self, business_id: str) -> dict[str, Any]:
        """The register's response for one Y-tunnus.

        Raises:
            ApiError: if the id is not a valid Y-tunnus or the API fails.
        """
        yt = ytunnus(business_id)
        if not yt:
            raise ApiError(f"not a valid Y-tunnus: {business_id!r}")
        payload: dict[str, Any] = self.request(
            "GET", COMPANIES_PATH, params={"businessId": yt}
        ).json()
        return payload

    def fetch_into(self, ids: Iterable[str], cache: Path) -> tuple[int, list[str]]:
        """Add the responses for ``ids`` not yet in ``cache`` (a JSON map); returns (added, errors)."""
        data = json.loads(cache.read_text(encoding="utf-8")) if cache.is_file() else {}
        added, errors = 0, []
        for raw in ids:
            yt = ytunnus(raw)
            if not yt or yt in data:
                continue
            try:
                data[yt] = self.company(yt)
                added += 1
            except ApiError as exc:
                errors.append(str(exc))
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return added, errors
