"""``innomatch build``: incremental by default, ``--full`` on demand; ``serve --workers``; and
``innomatch match`` printing a potential on little evidence as unknown, with what it lacks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app
from matcher.cli.app import _parts, _potential
from matcher.index.builds import current_build
from matcher.innovation.facts import SupplierFacts
from matcher.innovation.schemas import SupplierInnovationOut
from matcher.innovation.supplier import supplier_potential
from matcher.schemas import Signal, SupplierMatch
from matcher.settings import get_settings

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("EMBEDDING_CACHE_DIR", str(tmp_path / "emb"))
    monkeypatch.setenv("EMBEDDING_SEED_DIRS", json.dumps([str(DEMO / "embeddings")]))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _build(runner: CliRunner, *args: str) -> dict[str, object]:
    r = runner.invoke(app, ["build", *args])
    assert r.exit_code == 0, r.output
    out: dict[str, object] = json.loads(r.output)
    return out


def test_build_is_incremental_unless_full(env: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(DEMO / "decp" / "e-marchespublics.json.gz")]).exit_code == 0
    first = _build(runner)
    assert first["reused_procurements"] == 0 and first["procurements"] == 312
    # Everything a build makes lies in its own folder, which `current` points at.
    live = current_build(env / "index")
    assert live is not None
    assert {p.name for p in live.iterdir()} >= {"index.joblib", "manifest.json",
                                                "innovation.joblib", "cpv_inferrer.joblib"}  # fmt: skip
    assert _build(runner)["reused_procurements"] == 312
    assert _build(runner, "--full")["reused_procurements"] == 0
    assert runner.invoke(app, ["ingest", str(DEMO / "decp" / "data.gouv.fr_pes.json.gz")]).exit_code == 0
    grown = _build(runner)
    assert grown["reused_procurements"] == 312 and int(grown["procurements"]) > 312  # type: ignore[call-overload]


def test_serve_and_build_offer_their_scale_options() -> None:
    runner = CliRunner()
    assert "--workers" in runner.invoke(app, ["serve", "--help"]).output
    help_text = runner.invoke(app, ["build", "--help"]).output
    assert "--full" in help_text and "--scheduler" in help_text


def _match(facts: SupplierFacts) -> SupplierMatch:
    p = supplier_potential(facts, (0.0, 1.0, ["placed by 17 text(s)"]), date(2026, 11, 30))
    return SupplierMatch(rank=1, supplier_id=1, name="x", country=None, identifiers=[], score=0.0,
                         signals=[], matching_cpv=[], evidence=[], n_awards=facts.n_awards,
                         fit_score=0.0, innovation=SupplierInnovationOut.of(p))  # fmt: skip


def test_unknown_potential_names_what_is_missing() -> None:
    foreign = _match(SupplierFacts(id=1, texts=["a", "b", "c"], n_awards=17))
    assert _potential(foreign) == (
        "  innovation unknown: no funding data (not a Finnish firm), no award from a source where "
        "buyers declare innovation, no register facts and too little dated activity "
        "(tentative 0/100)")  # fmt: skip


def test_known_potential_is_a_score() -> None:
    finnish = _match(SupplierFacts(id=2, finnish=True, texts=["a"], has_capability=True,
                                   registration_date=date(2025, 1, 1)))  # fmt: skip
    assert finnish.innovation is not None and finnish.innovation.known
    assert _potential(finnish) == f"  innovation {finnish.innovation.score:.0f}/100"


def test_the_printed_parts_add_up_to_the_printed_score() -> None:
    values = [0.9894, 0.8224, 0.5354, 0.3174, 0.0224, 0.0114, 0.0114]
    signals = [Signal(name=f"f{i}", value=1.0, weight=None, contribution=v, explanation="x")
               for i, v in enumerate(values)]  # fmt: skip
    m = SupplierMatch(rank=1, supplier_id=1, name="x", country=None, identifiers=[],
                      score=-2.5744 + sum(values), base_score=-2.5744, signals=signals,
                      matching_cpv=[], evidence=[], n_awards=1, fit_score=0.0)  # fmt: skip
    line = _parts(m)
    assert line.startswith("= base -2.574 f0 +0.989") and "others(3)" in line
    printed = [float(tok) for tok in line.split() if tok[0] in "+-" and tok[1:2].isdigit()]
    assert len(printed) == 6 and round(sum(printed), 3) == round(m.score, 3)


def test_a_missing_value_is_printed_as_missing_with_its_part() -> None:
    signals = [Signal(name="profile", value=None, weight=None, contribution=0.337, explanation="x"),
               Signal(name="cpv", value=0.5, weight=None, contribution=0.2, explanation="x")]  # fmt: skip
    m = SupplierMatch(rank=1, supplier_id=1, name="x", country=None, identifiers=[],
                      score=-0.1 + 0.537, base_score=-0.1, signals=signals,
                      matching_cpv=[], evidence=[], n_awards=1, fit_score=0.0)  # fmt: skip
    assert _parts(m) == "= base -0.100 profile(missing) +0.337 cpv +0.200"
