"""``innomatch portfolio KEY``: an organisation's most strategic categories and what to do in each."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..exceptions import InnomatchError
from ..portfolio import PortfolioOut, build_portfolio, portfolio_csv, portfolio_png
from ..service import Matcher
from ..settings import get_settings
from ..store.db import migrate, session_scope
from ._common import fail

__all__ = ["format_portfolio", "portfolio"]


def _pct(v: float | None) -> str:
    return f"{v:.0%}" if v is not None else "-"


def format_portfolio(p: PortfolioOut, top: int = 10) -> str:
    """The portfolio as text: coverage, the strategic list with reasons and measures, the share."""
    c = p.coverage
    lines = [f"{p.name} ({', '.join(p.identifiers[:3])}), region {p.region or '-'}",
             f"records: {p.sources}; years {p.years[0] if p.years else '-'}-"
             f"{p.years[-1] if p.years else '-'}; spend {p.total_spend:,.0f} EUR"]  # fmt: skip
    if c.invoice_total:
        lines.append(f"invoices {c.invoice_total:,.0f} EUR: mapped to a division {c.mapped:,.0f}, "
                     f"not purchases {c.not_purchases:,.0f}, UNMAPPED {c.unmapped:,.0f} "
                     f"({c.unmapped / c.invoice_total:.1%})")  # fmt: skip
    lines.append(f"{'#':>2} {'div':<4}{'category':<34}{'spend EUR':>13}{'share':>7}{'sup':>5}"
                 f"{'HHI':>6}{'top3':>6}{'room':>7}{'impact':>7}{'score':>7}")  # fmt: skip
    for cat in p.categories[:top]:
        hhi = f"{cat.concentration.hhi:.2f}" if cat.concentration.hhi is not None else "-"
        lines.append(f"{cat.rank:>2} {cat.key:<4}{cat.label[:33]:<34}{cat.spend:>13,.0f}"
                     f"{cat.spend_share:>7.1%}{cat.n_suppliers:>5}{hhi:>6}"
                     f"{_pct(cat.concentration.top3_share):>6}{cat.room:>7.2f}{cat.impact:>7.2f}"
                     f"{cat.strategic_score:>7.2f}")  # fmt: skip
        for r in cat.reasons:
            lines.append(f"      - {r}")
        fits = [m.name for m in cat.measures if m.fit == "fits"]
        lines.append(f"      measures that fit: {', '.join(fits) or 'none'}")
        if cat.suppliers:
            lines.append("      fitting suppliers: " + "; ".join(
                f"{s.name} ({s.country or '-'}, fit {s.fit:.2f}, potential "
                f"{s.innovation_score or 0:.0f}{', innovation signals' if s.innovation_signals else ''}"
                f"{', never won a public contract' if s.n_public_contracts == 0 else ''})"
                for s in cat.suppliers[:3]))  # fmt: skip
    lines.append(f"innovative share (target {p.target:.0%}), organisation vs national:")
    for y in p.innovative_share:
        lines.append(f"  {y.year}: {y.n_flagged}/{y.n} = {_pct(y.share)} by count, "
                     f"{_pct(y.value_share)} by value; national {_pct(y.national_share)} of "
                     f"{y.national_n}")  # fmt: skip
    lines.extend(f"note: {n}" for n in p.notes)
    return "\n".join(lines)


def portfolio(
    key: Annotated[str, typer.Argument(help="Organisation id or SCHEME:value (FI-YTUNNUS:...)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV, one row per category")] = False,
    plot_path: Annotated[Path | None, typer.Option("--plot", help="Matrix chart PNG path")] = None,
    top: Annotated[int, typer.Option(help="Categories shown as text")] = 10,
) -> None:
    """An organisation's procurement portfolio: strategic categories, measures, suppliers."""
    settings = get_settings()
    migrate(settings.database_url)
    matcher = Matcher(settings)
    try:
        with session_scope(settings.database_url) as session:
            result = build_portfolio(session, key, matcher if matcher.index_ready() else None)
    except InnomatchError as exc:
        fail(f"{exc}")
    if plot_path:
        plot_path.parent.mkdir(parents=True, exist_ok=True)
        portfolio_png(result, plot_path)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    elif as_csv:
        typer.echo(portfolio_csv(result), nl=False)
    else:
        typer.echo(format_portfolio(result, top))
        if plot_path:
            typer.echo(f"chart: {plot_path}")
