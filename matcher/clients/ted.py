"""Client for the TED Search API v3 (EU-wide notices; no key needed for searching).

``POST /v3/notices/search`` takes an expert query, the fields to return and, in ITERATION
mode, the token of the previous page; each notice's eForms XML is then downloaded from its
``links.xml`` address (or the TED notice page). The XML goes to ``innomatch ingest``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._http import ApiError, RetryingClient

BASE_URL = "https://api.ted.europa.eu"
SEARCH_PATH = "/v3/notices/search"
XML_URL = "https://ted.europa.eu/en/notice/{number}/xml"
FIELDS = ["publication-number", "publication-date", "notice-title", "buyer-name",
          "classification-cpv", "links"]  # fmt: skip


class TedClient(RetryingClient):
    """Search TED notices and fetch their XML."""

    def __init__(self, base_url: str = BASE_URL, **kwargs: Any) -> None:
        super().__init__(base_url, **kwargs)

    def search(
        self, query: str, fields: list[str] | None = None, limit: int = 250
    ) -> Iterator[dict[str, Any]]:
        """Every notice matching the expert ``query``, page after page (ITERATION mode)."""
        token: str | None = None
        while True:
            body: dict[str, Any] = {"query": query, "fields": fields or FIELDS, "limit": limit,
                                    "paginationMode": "ITERATION"}  # fmt: skip
            if token:
                body["iterationNextToken"] = token
            page = self.request("POST", SEARCH_PATH, json=body).json()
            notices = page.get("notices") or []
            yield from notices
            token = page.get("iterationNextToken")
            if not notices or not token:
                return

    def notice_xml(self, notice: dict[str, Any]) -> bytes:
        """The notice's XML, from its ``links.xml`` address when the search returned one."""
        number = notice.get("publication-number")
        if not number:
            raise ApiError("search result has no publication-number")
        links = (notice.get("links") or {}).get("xml") or {}
        url = next(iter(links.values()), None) if isinstance(links, dict) else None
        return self.request("GET", url or XML_URL.format(number=number)).content

    def download(self, query: str, folder: Path) -> tuple[int, int, list[str]]:
        """Write each matching notice as ``<publication-number>.xml``; returns (found, written, errors)."""
        folder.mkdir(parents=True, exist_ok=True)
        found, written, errors = 0, 0, []
        for notice in self.search(query):
            found += 1
            target = folder / f"{notice.get('publication-number')}.xml"
            if target.is_file():
                continue
            try:
                target.write_bytes(self.notice_xml(notice))
                written += 1
            except ApiError as exc:
                errors.append(str(exc))
        return found, written, errors
