"""``innomatch stats``: the innovative share of procurement and the supplier index's separation."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ..evaluate.innovation import format_report, separation
from ..exceptions import InnomatchError
from ..innovation.schemas import InnovationStats
from ..innovation.stats import innovation_stats, plot_stats
from ..settings import get_settings
from ..store.db import migrate, session_scope
from ._common import fail

stats_app = typer.Typer(help="Statistics: innovative share, innovation index separation.",
                        no_args_is_help=True)  # fmt: skip


def _format(s: InnovationStats) -> str:
    o, e = s.overall, s.estimate
    lines = [f"{'group':<28}{'n':>8}{'flagged':>9}{'buyer':>7}{'route':>7}{'share':>8}"
             f"{'by value':>10}"]  # fmt: skip
    for r in [*s.rows, o]:
        by_value = f"{r.value_share:.1%}" if r.value_share is not None else "-"
        lines.append(f"{r.key[:27]:<28}{r.n:>8}{r.n_flagged:>9}{r.n_flagged_buyer:>7}"
                     f"{r.n_flagged_route:>7}{r.share:>8.1%}{by_value:>10}")  # fmt: skip
    lines.append(f"target {s.target:.0%}; counted overall {o.share:.2%} by count")
    if e.available and e.share is not None:
        lines.append(f"ESTIMATE (text classifier): {e.share:.1%} (95% {e.low:.1%}-{e.high:.1%}), "
                     f"held-out AUC {e.cv_auc}; {e.reason}")  # fmt: skip
    else:
        lines.append(f"estimate: not available: {e.reason}")
    lines.append(s.note)
    return "\n".join(lines)


@stats_app.command()
def innovation(
    by: Annotated[str, typer.Option(help="year, buyer, region or cpv")] = "year",
    limit: Annotated[int, typer.Option(help="Groups shown")] = 20,
    plot_path: Annotated[Path | None, typer.Option("--plot", help="PNG chart path")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Share of procurements flagged innovative, by count and value, against the 10% target."""
    settings = get_settings()
    migrate(settings.database_url)
    try:
        with session_scope(settings.database_url) as session:
            result = innovation_stats(session, by, limit)
    except InnomatchError as exc:
        fail(f"{exc}")
    path = plot_path or settings.index_dir.parent / f"innovation_share_by_{by}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    plot_stats(result, path)
    typer.echo(result.model_dump_json(indent=2) if as_json else _format(result))
    if not as_json:
        typer.echo(f"chart: {path}")


@stats_app.command("separation")
def separation_cmd(
    cut: Annotated[str, typer.Option(help="Scores as of this date YYYY-MM-DD")] = "2019-01-01",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """How well the supplier index, as of a cut, separates later funding and innovative wins."""
    try:
        when = date.fromisoformat(cut)
    except ValueError:
        fail(f"--cut must be YYYY-MM-DD, not {cut!r}")
    settings = get_settings()
    migrate(settings.database_url)
    with session_scope(settings.database_url) as session:
        report = separation(session, when)
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(report), indent=2, default=str))
    else:
        typer.echo(format_report(report))
