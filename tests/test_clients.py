"""The Hilma API client against recorded responses in the API's real shapes (httpx.MockTransport)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx
import pytest

from matcher.clients import HilmaApiError, HilmaClient
from matcher.ingest import ProcurementRecord, detect, ingest_paths

FIXTURES = Path(__file__).parent / "fixtures" / "hilma"
NOTICES = {
    101: ("E1_minimum.xml", "2026-09-22T06:05:02+03:00"),
    102: ("E4_minimum.xml", "2026-09-24T06:05:05+03:00"),
}


def _search_page(since: str | None, skip: int, top: int) -> dict:
    rows = [{"noticeId": nid, "titleFi": name, "datePublished": when, "mainType": "ContractNotices",
             "cpvCodes": ["72000000"]} for nid, (name, when) in sorted(NOTICES.items())
            if since is None or when >= since]  # fmt: skip
    return {"@odata.count": len(rows), "value": rows[skip : skip + top]}


def _notice(nid: int) -> dict:
    xml = (FIXTURES / NOTICES[nid][0]).read_bytes()
    return {"id": nid, "procedureId": 900 + nid, "eForm": base64.b64encode(xml).decode(),
            "hilmaStatistics": {"innovationConsidered": True, "solutionNewToBuyer": False},
            "dateCreated": NOTICES[nid][1], "dateModified": NOTICES[nid][1]}  # fmt: skip


class Api:
    """A recorded Hilma API: search and read, with optional failures to retry."""

    def __init__(self, failures: int = 0, status: int = 503) -> None:
        self.failures, self.status, self.calls = failures, status, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append((request.method, request.url.path))
        if request.headers.get("Ocp-Apim-Subscription-Key") != "secret":
            return httpx.Response(401, json={"statusCode": 401, "message": "Access denied"})
        if self.failures:
            self.failures -= 1
            return httpx.Response(self.status, headers={"Retry-After": "0"})
        if request.url.path == "/avp/eformnotices/docs/search":
            body = json.loads(request.content)
            since = body.get("filter", "").removeprefix("datePublished ge ") or None
            return httpx.Response(200, json=_search_page(since, body["skip"], body["top"]))
        nid = int(request.url.path.rsplit("/", 1)[-1])
        if nid not in NOTICES:
            return httpx.Response(404)
        return httpx.Response(200, json=_notice(nid))


def _client(api: Api, key: str = "secret") -> HilmaClient:
    return HilmaClient(api_key=key, transport=httpx.MockTransport(api), sleep=lambda _s: None)


def test_search_paginates_and_read_decodes_base64() -> None:
    client = _client(Api())
    found = list(client.search(page_size=1))
    assert [n["noticeId"] for n in found] == [101, 102]
    xml = client.eform_xml(client.notice(102))
    assert xml.startswith(b"<ContractAwardNotice")


def test_incremental_sync_resumes_and_ingests(tmp_path: Path, db_url: str) -> None:
    api = Api()
    out, state = tmp_path / "hilma", tmp_path / "state.json"
    first = _client(api).sync(out, state)
    assert (first.found, first.written) == (2, 2) and not first.errors
    assert json.loads(state.read_text())["last_published"] == NOTICES[102][1]
    again = _client(api).sync(out, state)
    assert again.written == 0 and again.skipped == 1  # only the newest is seen again, and kept
    records = list(detect(out / "102.xml").read(out / "102.xml"))
    assert isinstance(records[0], ProcurementRecord)
    assert records[0].innovation["hilma:innovationConsidered"] is True
    reports = ingest_paths(db_url, [out])
    assert len(reports) == 2 and all(not r.error for r in reports)


def test_retries_with_backoff_then_succeeds() -> None:
    api = Api(failures=2)
    waits: list[float] = []
    client = HilmaClient(api_key="secret", transport=httpx.MockTransport(api), sleep=waits.append)
    assert client.notice(101)["id"] == 101
    assert len(waits) == 2 and len(api.calls) == 3


def test_gives_up_with_a_clear_error() -> None:
    with pytest.raises(HilmaApiError, match="after 4 tries"):
        _client(Api(failures=10)).notice(101)
    with pytest.raises(HilmaApiError, match="refused"):
        _client(Api(), key="wrong").notice(101)
    with pytest.raises(HilmaApiError, match="not found"):
        _client(Api()).notice(999)


def test_missing_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HILMA_API_KEY", raising=False)
    with pytest.raises(HilmaApiError, match="HILMA_API_KEY"):
        HilmaClient()


def test_failed_notice_stops_the_run_before_it(tmp_path: Path) -> None:
    api = Api()
    client = _client(api)
    original = client.notice

    def flaky(nid: int | str) -> dict:
        if int(nid) == 102:
            raise HilmaApiError("boom")
        return original(nid)

    client.notice = flaky  # type: ignore[method-assign]
    report = client.sync(tmp_path / "h", tmp_path / "s.json")
    assert report.written == 1 and report.errors == ["boom"]
    assert json.loads((tmp_path / "s.json").read_text())["last_published"] == NOTICES[101][1]


YTJ = json.loads(
    (Path(__file__).parent / "fixtures" / "ytj" / "responses.json").read_text(encoding="utf-8")
)


def test_prh_client_fetches_only_what_the_cache_lacks(tmp_path: Path, db_url: str) -> None:
    from matcher.clients import ApiError, PrhClient

    calls: list[str] = []

    def api(request: httpx.Request) -> httpx.Response:
        bid = request.url.params["businessId"]
        calls.append(bid)
        if bid in YTJ:
            return httpx.Response(200, json=YTJ[bid])
        return httpx.Response(200, json={"totalResults": 0, "companies": []})

    client = PrhClient(transport=httpx.MockTransport(api), sleep=lambda _s: None)
    first, second = list(YTJ)
    cache = tmp_path / "ytj.json"
    added, errors = client.fetch_into([first, "not-an-id"], cache)
    assert (added, errors, calls) == (1, [], [first])
    added, _ = client.fetch_into([first, second], cache)
    assert added == 1 and calls == [first, second]  # the cached company is not asked again
    with pytest.raises(ApiError, match="valid Y-tunnus"):
        client.company("1234")
    reports = ingest_paths(db_url, [cache])
    assert reports[0].format == "ytj" and reports[0].new == 2


def test_ted_search_iterates_pages_and_downloads_xml(tmp_path: Path, db_url: str) -> None:
    from matcher.clients import TedClient

    xml = (Path(__file__).parent / "fixtures" / "ted" / "can_24_minimal.xml").read_bytes()
    pages = {None: (["00001-2024", "00002-2024"], "tok-1"), "tok-1": (["00003-2024"], None)}
    seen_bodies: list[dict] = []

    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/notices/search":
            body = json.loads(request.content)
            seen_bodies.append(body)
            numbers, token = pages[body.get("iterationNextToken")]
            notices = [{"publication-number": n, "links": {"xml": {"MUL": f"https://ted.example/{n}.xml"}}}
                       for n in numbers]  # fmt: skip
            return httpx.Response(200, json={"notices": notices, "totalNoticeCount": 3,
                                             "iterationNextToken": token})  # fmt: skip
        if request.url.path.endswith("00002-2024.xml"):
            return httpx.Response(404)
        return httpx.Response(200, content=xml, headers={"content-type": "application/xml"})

    client = TedClient(transport=httpx.MockTransport(api), sleep=lambda _s: None)
    found, written, errors = client.download("classification-cpv IN (77310000)", tmp_path / "ted")
    assert (found, written) == (3, 2) and len(errors) == 1 and "not found" in errors[0]
    assert (
        seen_bodies[0]["paginationMode"] == "ITERATION"
        and seen_bodies[1]["iterationNextToken"] == "tok-1"
    )
    reports = ingest_paths(db_url, [tmp_path / "ted"])
    assert [r.format for r in reports] == ["eforms", "eforms"] and reports[0].new == 1
