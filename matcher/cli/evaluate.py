"""``innomatch evaluate`` and ``innomatch train``: measured ranking and the learned ranker."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ..evaluate.feedback import evaluate_feedback, format_feedback
from ..evaluate.harness import format_table
from ..evaluate.plots import plot
from ..evaluate.purchases import evaluate_purchases, format_purchases
from ..evaluate.run import METHOD_NAMES, PROTOCOLS, EvalOptions, run_evaluation, train_ranker
from ..exceptions import InnomatchError
from ..service import Matcher
from ..settings import get_settings
from ._common import fail


def evaluate(
    cut: Annotated[
        str | None,
        typer.Option(help="Cut date YYYY-MM-DD (default: last 20% of dated awards are test)"),
    ] = None,
    test: Annotated[
        list[Path] | None, typer.Option("--test", help="Held-out files as queries (external mode)")
    ] = None,
    methods: Annotated[str, typer.Option(help="Comma-separated method names")] = ",".join(
        METHOD_NAMES
    ),
    include_undated: Annotated[
        bool, typer.Option(help="Also train on undated records (may leak)")
    ] = False,
    rolling: Annotated[
        bool,
        typer.Option(
            "--rolling",
            help="Let each query also see awards dated after the cut but "
            "before its own date, as the running service would",
        ),
    ] = False,
    purchases: Annotated[
        bool, typer.Option("--purchases", help="Evaluate on purchase invoices instead")
    ] = False,
    feedback: Annotated[
        bool, typer.Option("--feedback", help="Evaluate on the brokers' shortlist marks instead")
    ] = False,
    protocol: Annotated[
        str, typer.Option(help="cpv (codes given), no-cpv (inferred from the text), or both")
    ] = "both",
    validation: Annotated[
        bool, typer.Option("--validation", help="Evaluate on a validation cut inside the "
                           "training period (for choices; the test split stays unread)")
    ] = False,
    innovation_weight: Annotated[
        float, typer.Option(help="Innovation weight of the service's ranking, 0..1")
    ] = 0.0,
    curve: Annotated[
        bool, typer.Option("--curve", help="Also run the innovation-weight curve (W = 0..0.3)")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    plot_path: Annotated[Path | None, typer.Option("--plot", help="PNG of HR@k curves")] = None,
) -> None:
    """Measure every method on a temporal split: HR@k, MRR, nDCG, coverage, long tail, SMEs."""
    settings = get_settings()
    try:
        when = date.fromisoformat(cut) if cut else None
    except ValueError:
        fail(f"--cut must be a date YYYY-MM-DD, not {cut!r}")
    names = [n.strip() for n in methods.split(",") if n.strip()]
    if feedback:
        fb = evaluate_feedback(Matcher(settings))
        if not fb["needs"]:
            fail("no shortlist marks in the store yet: mark suppliers on a need first")
        typer.echo(json.dumps(fb, indent=2, default=str) if as_json else format_feedback(fb))
        return
    if purchases:
        report = evaluate_purchases(settings.database_url)
        if not report["split"]["queries"]:
            fail("no dated purchase invoices in the store: ingest some first")
        typer.echo(json.dumps(report, indent=2) if as_json else format_purchases(report))
        return
    protocols = {"both": PROTOCOLS, "cpv": ("cpv",), "no-cpv": ("no_cpv",)}.get(protocol)
    if protocols is None:
        fail(f"--protocol must be cpv, no-cpv or both, not {protocol!r}")
    if not 0.0 <= innovation_weight <= 1.0:
        fail(f"--innovation-weight must lie in 0..1, not {innovation_weight}")
    opts = EvalOptions(protocols, validation, innovation_weight, curve)
    try:
        result = run_evaluation(settings, when, test or [], include_undated, names,
                                progress=lambda msg: typer.echo(f"... {msg}", err=True),
                                rolling=rolling, options=opts)  # fmt: skip
    except InnomatchError as exc:
        fail(str(exc))
    path = plot(result, plot_path or settings.index_dir.parent / "evaluation.png")
    if as_json:
        typer.echo(json.dumps(result, indent=2, default=str))
    else:
        typer.echo(format_table(result))
        typer.echo(f"plot: {path}")


def train(
    cut: Annotated[
        str | None, typer.Option(help="Cut date YYYY-MM-DD for the held-out figures")
    ] = None,
) -> None:
    """Train the learned ranker and save it with its manifest under models/."""
    try:
        manifest = train_ranker(get_settings(), date.fromisoformat(cut) if cut else None,
                                progress=lambda msg: typer.echo(f"... {msg}", err=True))  # fmt: skip
    except (InnomatchError, ValueError) as exc:
        fail(str(exc))
    typer.echo(json.dumps(manifest, indent=2))
