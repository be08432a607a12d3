"""``innomatch resolve`` (merge, --evaluate, --review, --refuse) and ``innomatch unmerge``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.settings import get_settings


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, fi_url: str, tmp_path: Path) -> Iterator[CliRunner]:
    monkeypatch.setenv("DATABASE_URL", fi_url)
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_evaluate_prints_the_measurement_and_draws_the_curve(
    cli: CliRunner, shared_data: Path, tmp_path: Path
) -> None:
    png = tmp_path / "curve.png"
    out = cli.invoke(app, ["resolve", "--evaluate", "--json", "--data", str(shared_data),
                           "--plot", str(png), "--both-ways"])  # fmt: skip
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert result["test"]["merges"] > 50 and result["test"]["reliability"]
    # Both ways: every name is read once, by the model fitted on the other half.
    both, fi = result["both_ways"], result["countries"]["FI"]
    assert both["FI"]["linkable"] > fi["linkable"] and both["FI"]["merges"] > fi["merges"]
    assert both["all"]["right"] == sum(both[c]["right"] for c in ("FI", "FR"))
    assert both["all"]["thresholds"][0] == result["threshold"]
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_resolve_review_refuse_and_unmerge(cli: CliRunner) -> None:
    dry = cli.invoke(app, ["resolve", "--dry-run"])
    assert dry.exit_code == 0 and "would merge" in dry.output
    done = cli.invoke(app, ["resolve", "--json"])
    merges = json.loads(done.stdout)
    assert merges and all(m["fields"] for m in merges)
    review = cli.invoke(app, ["resolve", "--review"])
    assert review.exit_code == 0 and "nearest the threshold" in review.output
    pair = re.findall(r"^(\d+:\d+) ", review.stdout, re.M)[0]  # MERGED_ID:KEPT_ID, least sure
    refused = cli.invoke(app, ["resolve", "--refuse", pair])
    assert refused.exit_code == 0 and f"refused: {pair.replace(':', ' -> ')}" in refused.output
    assert pair not in cli.invoke(app, ["resolve", "--review"]).stdout.split()
    other = next(m for m in merges if f"{m['merged_id']}:{m['kept_id']}" != pair)
    undone = cli.invoke(app, ["unmerge", str(other["merge_id"])])
    assert undone.exit_code == 0 and "separate" in undone.output
    again = json.loads(cli.invoke(app, ["resolve", "--json"]).stdout)
    assert not {other["merged_id"], int(pair.split(":")[0])} & {m["merged_id"] for m in again}
    asked = cli.invoke(app, ["resolve", "--review", "--ask"], input="r\ns\n" + "s\n" * 20)
    assert asked.exit_code == 0 and asked.stdout.count("refused") == 1
    first = re.findall(r"^(\d+:\d+) ", asked.stdout, re.M)[0]
    assert first not in cli.invoke(app, ["resolve", "--review"]).stdout.split()
    bad = cli.invoke(app, ["resolve", "--refuse", "nope"])
    assert bad.exit_code == 2 and "MERGED_ID:KEPT_ID" in bad.output
