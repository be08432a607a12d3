"""The command line, end to end on a temporary store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.settings import get_settings


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_data: Path) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("EMBEDDING_CACHE_DIR", str(tmp_path / "emb"))
    monkeypatch.setenv("EMBEDDING_SEED_DIRS", json.dumps([str(demo_data / "embeddings")]))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.mark.slow
def test_ingest_build_match(env: Path, demo_data: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["ingest", str(demo_data / "hilma-2014"), str(demo_data / "profiles")])
    assert r.exit_code == 0, r.output
    assert "notices_2014_full.json  [hilma2014-notices]  read 97" in r.output
    assert "3 files, 142 records, 0 files failed" in r.output
    r = runner.invoke(app, ["build"])
    assert r.exit_code == 0, r.output
    built = json.loads(r.output)
    # The shipped model fits the bundled embedding model, so the service will use it.
    assert built["procurements"] == 97 and built["ranker"] == "learned"
    r = runner.invoke(app, ["match", "koulukalusteet ja tuolit", "--k", "3", "--json"])
    assert r.exit_code == 0, r.output
    names = [m["name"] for m in json.loads(r.output)["results"]]
    assert any("Martela" in n or "Isku" in n or "Lekolar" in n for n in names), names


@pytest.mark.slow
def test_build_says_linear_when_the_learned_ranker_is_off(
    env: Path, demo_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(demo_data / "profiles")]).exit_code == 0
    monkeypatch.setenv("USE_LEARNED_RANKER", "false")
    get_settings.cache_clear()
    r = runner.invoke(app, ["build"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["ranker"] == "linear"


def test_bad_input_is_a_clear_error_not_a_traceback(env: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    broken = tmp_path / "broken.csv"
    broken.write_text("a,b\n1,2\n", encoding="utf-8")
    r = runner.invoke(app, ["ingest", str(broken)])
    assert r.exit_code == 1 and "format not recognised" in r.output
    r = runner.invoke(app, ["match", "x"])
    assert r.exit_code == 2 and "text" in r.output
    r = runner.invoke(app, ["match", "koulun siivous", "--cpv", "123"])
    assert r.exit_code == 2 and "CPV" in r.output


@pytest.mark.slow
def test_evaluate_and_its_errors(env: Path, demo_data: Path) -> None:
    runner = CliRunner()
    assert (
        runner.invoke(
            app, ["ingest", str(demo_data / "decp" / "e-marchespublics.json.gz")]
        ).exit_code
        == 0
    )
    assert runner.invoke(app, ["build"]).exit_code == 0
    r = runner.invoke(app, ["evaluate", "--methods", "top_winners,cpv_exact,innomatch", "--json",
                            "--plot", str(env / "hr.png")])  # fmt: skip
    assert r.exit_code == 0, r.output
    body = json.loads(r.output[r.output.index("{") :])
    assert [m["name"] for m in body["methods"]] == ["top_winners", "cpv_exact", "innomatch"]
    assert body["split"]["queries"] > 0 and (env / "hr.png").is_file()
    r = runner.invoke(app, ["evaluate", "--rolling", "--methods", "top_winners,case_based",
                            "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    rolling = json.loads(r.output[r.output.index("{") :])
    assert rolling["split"]["mode"] == "rolling"
    assert rolling["split"]["queries"] == body["split"]["queries"]
    r = runner.invoke(app, ["evaluate", "--rolling", "--include-undated"])
    assert r.exit_code == 2 and "rolling" in r.output
    r = runner.invoke(app, ["evaluate", "--methods", "magic"])
    assert r.exit_code == 2 and "unknown method" in r.output
    r = runner.invoke(app, ["evaluate", "--cut", "yesterday"])
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.output


def test_accounts_and_innovation_statistics(
    env: Path, demo_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(demo_data / "hilma-2014"),
                               str(demo_data / "business-finland")]).exit_code == 0  # fmt: skip
    monkeypatch.setenv("INNOMATCH_PASSWORD", "a long enough password")
    r = runner.invoke(app, ["user", "add", "b@example.fi", "--role", "broker", "--region", "FI1"])
    assert r.exit_code == 0 and "created broker b@example.fi" in r.output
    r = runner.invoke(app, ["user", "add", "b@example.fi", "--role", "broker", "--region", "FI1"])
    assert r.exit_code == 2 and "exists" in r.output
    r = runner.invoke(app, ["user", "add", "c@example.fi", "--role", "buyer"])
    assert r.exit_code == 2 and "organisation" in r.output
    key = runner.invoke(app, ["user", "api-key", "b@example.fi"])
    assert key.exit_code == 0 and key.output.startswith("im_")
    r = runner.invoke(app, ["stats", "innovation", "--by", "year", "--plot", str(env / "s.png")])
    assert r.exit_code == 0, r.output
    # HILMA 2014: 97 notices, of which R&D services (CPV 73) are flagged by route.
    assert "2014" in r.output and "target 10%" in r.output and (env / "s.png").is_file()
    r = runner.invoke(app, ["stats", "innovation", "--by", "colour"])
    assert r.exit_code == 2 and "by must be one of" in r.output
    r = runner.invoke(app, ["stats", "separation", "--cut", "2019-01-01"])
    assert r.exit_code == 0 and "Finnish firms" in r.output
    r = runner.invoke(app, ["evaluate", "--feedback"])
    assert r.exit_code == 2 and "no shortlist marks" in r.output
