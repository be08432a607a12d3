"""Client for the Hilma open-data (AVP read) API: search notices, fetch their eForms XML.

Search is an Azure Search index (``POST /avp/eformnotices/docs/search``); a full notice
(``GET /avp-eforms/external-read/v1/notice/{id}``) is JSON whose ``eForm`` field is the
base64-encoded eForms UBL XML. The key comes from ``HILMA_API_KEY`` in the environment.
Runs are incremental: the state file remembers the newest publication date fetched, and each
notice is written before the state moves past it, so an interrupted run resumes.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._http import ApiError, RetryingClient

BASE_URL = "https://api.hankintailmoitukset.fi"
SEARCH_PATH = "/avp/eformnotices/docs/search"
NOTICE_PATH = "/avp-eforms/external-read/v1/notice/{id}"


#: Kept for callers that catch the Hilma client's errors by this name.
HilmaApiError = ApiError


@dataclass
class SyncReport:
    """What one incremental run fetched."""

    found: int = 0
    written: int = 0
    skipped: int = 0
    last_published: str | None = None
    errors: list[str] = field(default_factory=list)


class HilmaClient(RetryingClient):
    """Search and read Hilma notices.

    Args:
        api_key: Subscription key; defaults to ``HILMA_API_KEY`` from the environment.
        base_url: API root.
        **kwargs: Passed to ``RetryingClient`` (transport, retries, back-off).
    """

    def __init__(self, api_key: str | None = None, base_url: str = BASE_URL, **kwargs: Any) -> None:
        key = api_key or os.environ.get("HILMA_API_KEY")
        if not key:
            raise ApiError("no Hilma API key: set HILMA_API_KEY in the environment")
        super().__init__(base_url, {"Ocp-Apim-Subscription-Key": key}, **kwargs)

    def search(self, since: str | None = None, extra_filter: str | None = None,
               page_size: int = 100) -> Iterator[dict[str, Any]]:  # fmt: skip
        """Notices in publication order, oldest first, from ``since`` (ISO timestamp) on."""
        filters = [f for f in (f"datePublished ge {since}" if since else None, extra_filter) if f]
        skip = 0
        while True:
            body = {"search": "*", "top": page_size, "skip": skip, "count": True,
                    "orderby": "datePublished asc", "filter": " and ".join(filters) or None}  # fmt: skip
            page = self.request(
                "POST", SEARCH_PATH, json={k: v for k, v in body.items() if v is not None}
            )
            items = page.json().get("value") or []
            yield from items
            if len(items) < page_size:
                return
            skip += page_size

    def notice(self, notice_id: int | str) -> dict[str, Any]:
        """The full notice: JSON with the base64 ``eForm`` and ``hilmaStatistics``."""
        payload: dict[str, Any] = self.request("GET", NOTICE_PATH.format(id=notice_id)).json()
        return payload

    @staticmethod
    def eform_xml(notice: dict[str, Any]) -> bytes:
        """The eForms XML of a full notice.

        Raises:
            HilmaApiError: if the notice carries no decodable eForm.
        """
        try:
            return base64.b64decode(notice["eForm"], validate=True)
        except (KeyError, TypeError, binascii.Error) as exc:
            raise HilmaApiError(f"notice {notice.get('id')}: no base64 eForm ({exc})") from exc

    def sync(self, folder: Path, state_file: Path, extra_filter: str | None = None) -> SyncReport:
        """Fetch every notice published since the last run into ``folder`` (one XML each, plus
        its Hilma statistics as ``<id>.stats.json``), for ``innomatch ingest``."""
        folder.mkdir(parents=True, exist_ok=True)
        state = json.loads(state_file.read_text(encoding="utf-8")) if state_file.is_file() else {}
        report = SyncReport(last_published=state.get("last_published"))
        for item in self.search(since=state.get("last_published"), extra_filter=extra_filter):
            report.found += 1
            nid = item.get("noticeId")
            target = folder / f"{nid}.xml"
            if nid is None or target.is_file():
                report.skipped += 1
            else:
                try:
                    full = self.notice(nid)
                    target.write_bytes(self.eform_xml(full))
                    stats = full.get("hilmaStatistics")
                    if stats:
                        (folder / f"{nid}.stats.json").write_text(
                            json.dumps(stats), encoding="utf-8"
                        )
                    report.written += 1
                except HilmaApiError as exc:
                    # Stop here: the state stays before this notice, so the next run retries it.
                    report.errors.append(str(exc))
                    break
            report.last_published = item.get("datePublished") or report.last_published
            state_file.write_text(
                json.dumps({"last_published": report.last_published}), encoding="utf-8"
            )
        return report
