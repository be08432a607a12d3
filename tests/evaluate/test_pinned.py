"""The bundled-data evaluation is pinned: a ranking regression fails CI.

The service's ranking (``innomatch``: the pipeline with the LambdaMART scorer trained inside the
split) is evaluated on the bundled DECP split in both protocols, and its HR@10 and MRR@10 must lie
within 0.01 of the figures the README reports (training is deterministic; the query vectors are
shipped with the demo data).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from matcher.evaluate.run import EvalOptions, run_evaluation
from matcher.index import MatchIndex
from matcher.settings import Settings

pytestmark = pytest.mark.slow
README = Path(__file__).resolve().parents[2] / "README.md"
#: The README's table marks each protocol's block with a row like ``| *fixed cut, CPV given ...``.
_BLOCKS = {"cpv": "fixed cut, CPV given", "no_cpv": "fixed cut, no CPV"}


def readme_figures(text: str) -> dict[str, tuple[float, float]]:
    """Protocol -> (HR@10, MRR@10) of ``innomatch (service)`` in the README's evaluation table."""
    out: dict[str, tuple[float, float]] = {}
    block = None
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        marker = next((p for p, title in _BLOCKS.items() if cells and cells[0].startswith(f"*{title}")), None)
        if marker:
            block = marker
        elif block and cells and cells[0] == "innomatch (service)":
            out.setdefault(block, (float(cells[3]), float(cells[4])))
    return out


def test_readme_figures_are_read() -> None:
    sample = "| *fixed cut, CPV given (ceiling 0.3)* |\n| innomatch (service) | 0.07 | 0.13 | 0.161 | 0.096 |"
    assert readme_figures(sample) == {"cpv": (0.161, 0.096)}
    assert re.search(r"innomatch \(service\)", README.read_text(encoding="utf-8"))


def test_service_ranking_matches_the_readme(demo_settings: Settings, demo_index: MatchIndex) -> None:
    pinned = readme_figures(README.read_text(encoding="utf-8"))
    assert set(pinned) == set(_BLOCKS), "the README's table has both protocols"
    result = run_evaluation(demo_settings, names=["innomatch"], options=EvalOptions())
    measured = {"cpv": result, "no_cpv": result["protocols"]["no_cpv"]}
    for protocol, (hr, mrr) in pinned.items():
        metrics = measured[protocol]["methods"][0]["metrics"]
        assert metrics["HR@10"] == pytest.approx(hr, abs=0.01), protocol
        assert metrics["MRR@10"] == pytest.approx(mrr, abs=0.01), protocol
