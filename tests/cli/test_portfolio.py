"""``innomatch portfolio`` on real invoice rows: text, JSON, CSV, chart, and a clear error."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.ingest import ingest_paths
from matcher.settings import get_settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "portfolio"


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))  # no index: no rankings asked
    get_settings.cache_clear()
    from matcher.store.db import migrate

    migrate(url)
    ingest_paths(url, sorted(FIXTURES.glob("*.csv")))
    yield url
    get_settings.cache_clear()


def test_text_json_csv_and_chart(store: str, tmp_path: Path) -> None:
    runner = CliRunner()
    chart = tmp_path / "m.png"
    r = runner.invoke(app, ["portfolio", "FI-YTUNNUS:0191717-9", "--plot", str(chart)])
    assert r.exit_code == 0, r.output
    assert " 1 60  Transport services" in r.output and "UNMAPPED 1,623" in r.output
    assert chart.read_bytes()[:4] == b"\x89PNG"
    r = runner.invoke(app, ["portfolio", "FI-YTUNNUS:0191717-9", "--json"])
    p = json.loads(r.output[r.output.index("{"):])
    assert p["categories"][0]["key"] == "60" and p["categories"][0]["spend"] == 26730.92
    r = runner.invoke(app, ["portfolio", "FI-YTUNNUS:0191717-9", "--csv"])
    rows = list(csv.DictReader(io.StringIO(r.output[r.output.index("rank,"):])))
    assert rows[0]["division"] == "60" and rows[0]["joint_procurement"] == "no"
    r = runner.invoke(app, ["portfolio", "FI-YTUNNUS:0000000-0"])
    assert r.exit_code == 2 and "no organisation" in r.output
