"""``innomatch resolve`` and ``innomatch unmerge``: entity resolution, its measurement and review.

The library is imported inside the commands: scikit-learn and SciPy are slow to load, and the
other commands do not need them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ..exceptions import InnomatchError
from ..settings import get_settings
from ..store.db import migrate, session_scope
from ._common import fail

_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _pair(text: str) -> tuple[int, int]:
    merged, _, kept = text.partition(":")
    if not (merged.isdigit() and kept.isdigit()):
        fail(f"expected MERGED_ID:KEPT_ID (two organisation ids), not {text!r}")
    return int(merged), int(kept)


def _fields(fields: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v['value']:g} ({v['weight']:+.2f})" for k, v in fields.items())


def _interval(bounds: tuple[float, float] | None) -> str:
    return f"(95%: {bounds[0]:.3f}-{bounds[1]:.3f})" if bounds else ""


def _evaluate(data: Path, as_json: bool, save: bool, plot: Path | None, both: bool) -> None:
    from ..resolve.measure import MODEL_PATH, both_ways, evaluate
    from ..resolve.plot import plot_reliability

    if not data.is_dir():
        fail(f"no shared data folder at {data}: pass --data")
    result = evaluate(data, save=MODEL_PATH if save else None)
    path = plot_reliability(result, plot or get_settings().index_dir.parent / "resolution.png")
    if both:
        result["both_ways"] = both_ways(data, first=result)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(f"threshold {result['threshold']:.4f} (chosen on the calibration half for "
               f"precision >= {result['target']}); figures on the test half:")  # fmt: skip
    for name, r in [*result["countries"].items(), ("all", result["test"])]:
        typer.echo(f"  {name:>3}: {r['queries']} names, {r['linkable']} in the register, "
                   f"{r['merges']} merges, precision {r['precision']} {_interval(r['precision_95'])}, "
                   f"recall {r['recall']} {_interval(r['recall_95'])}")  # fmt: skip
    typer.echo("  reliability (all): " + "; ".join(
        f"{b['band']}: {b['links']} links, precision {b['precision']}"
        for b in result["test"]["reliability"] if b["links"]))  # fmt: skip
    if both:
        _print_both_ways(result["both_ways"])
    typer.echo(f"plot: {path}" + (f"; model saved to {MODEL_PATH}" if save else ""))


def _print_both_ways(result: dict[str, Any]) -> None:
    typer.echo("both ways (fit on each half, read the other; chooses nothing):")
    for name, r in result.items():
        typer.echo(f"  {name:>3}: {r['linkable']} in the register, {r['merges']} merges, "
                   f"precision {r['precision']} {_interval(r['precision_95'])}, "
                   f"recall {r['recall']} {_interval(r['recall_95'])}")  # fmt: skip


def _review(refuse: list[str], accept: list[str], ask: bool) -> None:
    from ..resolve.review import decide, review_list

    settings = get_settings()
    with session_scope(settings.database_url) as session:
        decisions = [*((r, False) for r in refuse), *((a, True) for a in accept)]
        for text, ok in decisions:
            merged, kept = _pair(text)
            decide(session, merged, kept, ok)
            typer.echo(f"{'accepted' if ok else 'refused'}: {merged} -> {kept}")
        if decisions:
            return
        items = review_list(session, settings.resolve_threshold, settings.resolve_review_size)
        for it in items:
            state = f"merged ({it['merge_id']})" if it["merge_id"] else "not merged"
            typer.echo(f"{it['merged_id']}:{it['kept_id']}  {it['confidence']:.3f}  {state}  "
                       f"{it['reason']}\n      {_fields(it['fields'])}")  # fmt: skip
            answer = typer.prompt("      [a]ccept, [r]efuse, [s]kip", default="s") if ask else "s"
            if answer[:1].lower() in ("a", "r"):
                decide(session, int(it["merged_id"]), int(it["kept_id"]), answer[:1].lower() == "a")
                typer.echo(f"      {'accepted' if answer[:1].lower() == 'a' else 'refused'}")
    typer.echo(f"{len(items)} merges nearest the threshold {settings.resolve_threshold}; "
               "innomatch resolve --accept/--refuse MERGED_ID:KEPT_ID")  # fmt: skip


def resolve(
    threshold: Annotated[
        float | None,
        typer.Option(
            help="Minimum calibrated probability (default: the settings' resolve_threshold)"
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show what would merge")] = False,
    evaluate: Annotated[
        bool,
        typer.Option("--evaluate", help="Measure on the shared data's hidden-identifier records"),
    ] = False,
    data: Annotated[Path, typer.Option(help="Shared data folder (for --evaluate)")] = _DATA,
    save: Annotated[
        bool,
        typer.Option("--save", help="With --evaluate: write the fitted model into the package"),
    ] = False,
    plot: Annotated[Path | None, typer.Option(help="PNG of the reliability curve")] = None,
    both_ways: Annotated[
        bool,
        typer.Option("--both-ways", help="With --evaluate: also fit on each half, read the other"),
    ] = False,
    review: Annotated[
        bool, typer.Option("--review", help="List the merges nearest the threshold for a person")
    ] = False,
    ask: Annotated[
        bool, typer.Option("--ask", help="With --review: ask accept/refuse/skip for each")
    ] = False,
    refuse: Annotated[
        list[str] | None,
        typer.Option(help="MERGED_ID:KEPT_ID to keep apart for good (undone if merged)"),
    ] = None,
    accept: Annotated[
        list[str] | None, typer.Option(help="MERGED_ID:KEPT_ID to merge (a person's decision)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Merge organisations known only by name into the identified company they are."""
    try:
        if evaluate:
            _evaluate(data, as_json, save, plot, both_ways)
            return
        settings = get_settings()
        migrate(settings.database_url)
        if review or refuse or accept:
            _review(refuse or [], accept or [], ask)
            return
        from ..resolve import resolve as run_resolve

        with session_scope(settings.database_url) as session:
            merges = run_resolve(session, threshold, dry_run)
    except (InnomatchError, ValueError) as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(merges, indent=2))
        return
    for m in merges:
        tag = "would merge" if dry_run else f"merge {m['merge_id']}:"
        typer.echo(f"{tag} {m['merged_name']!r} -> {m['kept_name']!r} ({m['confidence']:.3f})")
    typer.echo(
        f"{len(merges)} merges{' proposed' if dry_run else ''}; run `innomatch build` to re-index"
    )


def unmerge(
    merge_id: Annotated[int, typer.Argument(help="Id printed by `innomatch resolve`")],
) -> None:
    """Undo one entity-resolution merge; the pair is remembered as refused."""
    from ..resolve.review import unmerge as run_unmerge

    try:
        with session_scope(get_settings().database_url) as session:
            log = run_unmerge(session, merge_id)
            typer.echo(f"undone: organisation {log.merged_id} is separate from {log.kept_id} again")
    except InnomatchError as exc:
        fail(str(exc))


__all__ = ["resolve", "unmerge"]
