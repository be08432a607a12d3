"""Page timings in headless Chromium on the demo data: every page of the web front end.

Needs a built demo store (``bash scripts/demo.sh`` or ``innomatch demo --no-serve``). The store is
copied to a temporary file first, so the needs and accounts made here do not stay. For each page
it prints the median, 95th percentile and maximum of the browser's Navigation Timing: ``response``
(request sent to last byte: the server's work) and ``loaded`` (navigation start to the load event,
what a person waits for).
"""

from __future__ import annotations

import argparse
import secrets
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the uvicorn/Chromium harness the tests use

from server_harness import CHROMIUM_ARGS, serve_in_background  # noqa: E402

from matcher.cli.users import demo_accounts  # noqa: E402
from matcher.index.builds import current_build  # noqa: E402
from matcher.settings import get_settings  # noqa: E402

QUERIES = ["Koulujen siivouspalvelut", "Sähköbussien latauspisteet ja latausinfrastruktuuri",
           "Skolmåltider och catering", "Road maintenance and winter snow clearing",
           "Kotihoidon digitaaliset etäpalvelut", "Nettoyage des locaux administratifs"]  # fmt: skip
_TIMING = """() => { const n = performance.getEntriesByType('navigation')[0];
  return {response: n.responseEnd - n.requestStart, loaded: n.loadEventEnd - n.startTime}; }"""


def _measure(page: Any, url: str, runs: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"response": [], "loaded": []}
    for _ in range(runs):
        page.goto(url, wait_until="load")
        t = page.evaluate(_TIMING)
        out["response"].append(t["response"])
        out["loaded"].append(t["loaded"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10, help="loads per page")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    settings = get_settings()
    src = settings.database_url.removeprefix("sqlite:///")
    if not Path(src).is_file() or current_build(settings.index_dir) is None:
        sys.exit("no built demo store: run `bash scripts/demo.sh` (or `innomatch demo --no-serve`)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "pages.db"
        with sqlite3.connect(src) as a, sqlite3.connect(db) as b:
            a.backup(b)
        url = f"sqlite:///{db}"
        password = secrets.token_urlsafe(12)
        demo_accounts(url, password)
        env = {"DATABASE_URL": url, "INDEX_DIR": str(settings.index_dir), "LOG_LEVEL": "WARNING"}
        with serve_in_background(env) as base:
            api = httpx.Client(base_url=base, timeout=60)
            for email, title, region in (
                ("vantaa@demo.invalid", "Koulujen siivouspalvelut", "FI1B1"),
                ("oulu@demo.invalid", "Koulujen ja päiväkotien siivous", "FI1D9"),
            ):
                api.cookies.clear()
                csrf = api.post(
                    "/v1/auth/login", json={"email": email, "password": password}
                ).json()["csrf_token"]
                need = api.post("/v1/needs", headers={"X-CSRF-Token": csrf}, json={
                    "title": title, "region": region,
                    "description": "Tilojen päivittäinen ylläpitosiivous"}).json()  # fmt: skip
            cluster = need["cluster_id"] or api.get(f"/v1/needs/{need['id']}").json()["cluster_id"]
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(f"{base}/login")
                page.fill("#email", "broker@demo.invalid")
                page.fill("#password", password)
                page.press("#password", "Enter")
                page.wait_for_url(f"{base}/board")
                pages = {"describe (empty)": f"{base}/", "login": f"{base}/login",
                         "board": f"{base}/board", "need": f"{base}/needs/{need['id']}",
                         "cluster": f"{base}/clusters/{cluster}"}  # fmt: skip
                results = {name: _measure(page, u, args.runs) for name, u in pages.items()}
                described: dict[str, list[float]] = {"response": [], "loaded": []}
                for q in QUERIES * max(1, args.runs // len(QUERIES)):
                    got = _measure(page, f"{base}/?{httpx.QueryParams({'q': q})}", 1)
                    for key in described:
                        described[key] += got[key]
                results["describe + 10 suppliers"] = described
                browser.close()
    print(f"{'page':<26}{'response p50':>13}{'p95':>8}{'loaded p50':>12}{'p95':>8}{'max':>8}  (ms)")
    for name, r in results.items():
        resp, load = np.array(r["response"]), np.array(r["loaded"])
        print(f"{name:<26}{np.percentile(resp, 50):>13.0f}{np.percentile(resp, 95):>8.0f}"
              f"{np.percentile(load, 50):>12.0f}{np.percentile(load, 95):>8.0f}{load.max():>8.0f}")  # fmt: skip
    worst = max(float(np.percentile(np.array(r["loaded"]), 95)) for r in results.values())
    print(
        f"{'MET ' if worst < 1000 else 'MISS'} every page loads in under 1 s (worst p95 {worst:.0f} ms)"
    )


if __name__ == "__main__":
    main()
