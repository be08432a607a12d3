"""The ``innomatch`` app: ingest, build, match, serve and the one-shot demo; the command groups
of the sibling modules are added to it."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from tqdm import tqdm

from ..broker.demo import demo_board
from ..exceptions import InnomatchError
from ..index import build_index
from ..ingest import FileReport, ingest_paths
from ..innovation.table import build_potentials
from ..rank.cpv_build import build_cpv_inferrer
from ..rank.explain import printed_parts
from ..rank.history_build import build_history
from ..schemas import MatchFilters, MatchRequest, SupplierMatch
from ..service import Matcher
from ..serving import trained_scorer
from ..settings import get_settings
from ..store.db import migrate
from ._common import fail
from .evaluate import evaluate, train
from .portfolio import portfolio
from .resolve import resolve, unmerge
from .stats import stats_app
from .users import demo_accounts, users_app

app = typer.Typer(help="innomatch: find suppliers for a public need, before tendering.",
                  no_args_is_help=True, pretty_exceptions_enable=False)  # fmt: skip


app.add_typer(stats_app, name="stats")
app.command()(evaluate)
app.command()(train)
app.add_typer(users_app, name="user")
app.command()(resolve)
app.command()(unmerge)
app.command()(portfolio)


@app.callback()
def _setup() -> None:
    logging.basicConfig(
        level=get_settings().log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )


def _print_report(r: FileReport) -> None:
    if r.error:
        typer.secho(f"FAILED  {r.path}: {r.error}", fg=typer.colors.RED, err=True)
    else:
        typer.echo(
            f"{r.path}  [{r.format}]  read {r.read}  new {r.new}  updated {r.updated}  "
            f"unchanged {r.unchanged}  rejected {r.rejected}"
        )


def _ingest(paths: list[Path], fmt: str | None) -> list[FileReport]:
    url = get_settings().database_url
    migrate(url)
    bars: list[tqdm] = []

    def factory(path: Path) -> Callable[[int], None]:
        bar = tqdm(desc=path.name[:40], unit=" rec", leave=False, disable=not sys.stderr.isatty())
        bars.append(bar)
        return lambda n: bar.update(n - bar.n)

    def on_file(r: FileReport) -> None:
        for bar in bars:
            bar.close()
        bars.clear()
        _print_report(r)

    return ingest_paths(url, paths, fmt, on_file=on_file, progress_factory=factory)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest")],
    format: Annotated[str | None, typer.Option("--format", help="Force a reader by name")] = None,
) -> None:
    """Ingest source files (format detected) into the store; prints what each file did."""
    try:
        reports = _ingest(paths, format)
    except InnomatchError as exc:
        fail(str(exc))
    total = sum(r.read for r in reports)
    failed = [r for r in reports if r.error]
    typer.echo(f"{len(reports)} files, {total} records, {len(failed)} files failed")
    if failed:
        raise typer.Exit(code=1)


def _progress(stage: str, total: int) -> Callable[[int], None]:
    bar = tqdm(total=total, desc=stage, unit=" texts", disable=not total or not sys.stderr.isatty())
    return lambda n: (bar.update(n), bar.refresh())[0] if bar.n + n < total else bar.close()


@app.command()
def build(
    full: Annotated[bool, typer.Option("--full", help="Derive and index everything again")] = False,
    workers: Annotated[int, typer.Option(
        "--workers", help="Embed on a local Dask cluster of this many worker processes")] = 0,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Embed on a running Dask cluster, e.g. tcp://host:8786")] = None,
) -> None:
    """Build a new index from the store and make it live (running servers switch to it).

    Incremental: only procurements ingested or changed since the last build are derived and
    embedded again (and only texts not in the embedding cache reach the model).
    """
    from ..index.cluster import dask_embedder

    settings = get_settings()
    migrate(settings.database_url)
    start = time.perf_counter()
    try:
        with dask_embedder(settings.model_name, settings.embed_batch_size, workers, scheduler,
                           device=settings.embed_device) as remote:  # fmt: skip
            index = build_index(settings, progress=_progress, full=full, remote=remote,
                                steps=[build_potentials, build_cpv_inferrer, build_history])  # fmt: skip
    except InnomatchError as exc:
        fail(str(exc))
    ranker = "learned" if trained_scorer(settings, index) else "linear"
    typer.echo(json.dumps({**index.manifest(), "ranker": ranker,
                           "build_s": round(time.perf_counter() - start, 1)}, indent=2))  # fmt: skip


def _parts(m: SupplierMatch, shown: int = 4) -> str:
    """The score as its sum: base, the largest parts ("(missing)": no such data for this
    supplier; the trained model gives the missing value its own part, the linear one 0), and
    the rest in one sum; rounded so that the printed figures add up to the printed score."""
    names = [f"{s.name}{'(missing)' if s.value is None else ''}" for s in m.signals[:shown]]
    values = [s.contribution for s in m.signals[:shown]]
    if rest := m.signals[shown:]:
        names.append(f"others({len(rest)})")
        values.append(sum(s.contribution for s in rest))
    base, *printed = printed_parts(m.score, [m.base_score, *values])
    return f"= base {base:+.3f} " + " ".join(f"{n} {v:+.3f}" for n, v in zip(names, printed, strict=True))


def _potential(m: SupplierMatch) -> str:
    """The supplier's innovation potential, or "unknown" with what it lacks (a 0/100 on little
    evidence would read as "not innovative")."""
    p = m.innovation
    if p is None:
        return ""
    if p.known:
        return f"  innovation {p.score:.0f}/100"
    return f"  innovation unknown: {', '.join(p.missing)} (tentative {p.score:.0f}/100)"


@app.command()
def match(
    text: Annotated[str, typer.Argument(help="The need, in Finnish, Swedish or English")],
    cpv: Annotated[list[str] | None, typer.Option("--cpv", help="CPV code (repeatable)")] = None,
    k: Annotated[int, typer.Option("--k", help="How many suppliers")] = 10,
    region: Annotated[str | None, typer.Option(help="Place of delivery, e.g. FR-D75")] = None,
    country: Annotated[str | None, typer.Option(help="Only suppliers from this country")] = None,
    innovation_weight: Annotated[
        float, typer.Option(help="Weight of innovation potential in the ranking, 0..1")
    ] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Rank suppliers for a need and show why, with innovation potential."""
    try:
        request = MatchRequest(text=text, cpv=cpv or [], k=k, region=region,
                               filters=MatchFilters(country=country),
                               innovation_weight=innovation_weight)  # fmt: skip
        result = Matcher(get_settings()).match(request)
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
    except InnomatchError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    label = "inferred" if result.cpv_inferred else "given"
    typer.echo(f"CPV ({label}): {', '.join(result.query_cpv) or '-'}   {result.took_ms:.0f} ms   "
               f"ordered and explained by the {result.ranker} scorer")  # fmt: skip
    if (need := result.need_innovation) is not None:
        typer.echo(f"innovation potential of the need: {need.level} ({need.score:.2f}); "
                   f"suggested route: {need.route} - {'; '.join(need.route_reasons)}")  # fmt: skip
    for m in result.results:
        parts = _parts(m)
        pot = _potential(m)
        typer.echo(f"{m.rank:>2}. {m.score:.3f}  {m.name}  [{', '.join(m.identifiers[:1])}]  "
                   f"{m.n_awards} awards  ({parts}){pot}")  # fmt: skip
        for e in m.evidence[:2]:
            typer.echo(
                f"      - {e.title[:90]}  ({e.buyer or '?'}, {e.date or 'undated'}, sim {e.similarity:.2f})"
            )


@app.command("fetch-hilma")
def fetch_hilma(
    out: Annotated[Path, typer.Option(help="Folder for the notices' eForms XML")] = Path(
        "var/hilma"
    ),
    state: Annotated[Path, typer.Option(help="Where the last publication date is kept")] = Path(
        "var/hilma-state.json"
    ),
    filter_expr: Annotated[
        str | None, typer.Option("--filter", help="Extra search filter (OData)")
    ] = None,
) -> None:
    """Fetch new notices from the Hilma API (key in HILMA_API_KEY), then `innomatch ingest` the folder."""
    from ..clients import HilmaClient

    try:
        client = HilmaClient()
        report = client.sync(out, state, filter_expr)
    except InnomatchError as exc:
        fail(str(exc))
    typer.echo(f"found {report.found}, written {report.written}, skipped {report.skipped}, "
               f"up to {report.last_published}")  # fmt: skip
    for error in report.errors:
        typer.secho(
            f"stopped at: {error} (the next run resumes there)", fg=typer.colors.YELLOW, err=True
        )


@app.command("fetch-ted")
def fetch_ted(
    query: Annotated[
        str, typer.Argument(help='TED expert query, e.g. "classification-cpv IN (90919200)"')
    ],
    out: Annotated[Path, typer.Option(help="Folder for the notices' XML")] = Path("var/ted"),
) -> None:
    """Download TED notices matching a query (no key needed), then `innomatch ingest` the folder."""
    from ..clients import TedClient

    try:
        found, written, errors = TedClient().download(query, out)
    except InnomatchError as exc:
        fail(str(exc))
    typer.echo(f"found {found}, written {written}, failed {len(errors)}")
    for error in errors:
        typer.secho(error, fg=typer.colors.YELLOW, err=True)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    workers: Annotated[int, typer.Option(
        help="Server processes; they share the memory-mapped index pages")] = 1,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs); a newly built index is picked up live."""
    import uvicorn

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    typer.echo(f"innomatch serving on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run("api.main:app", host=host, port=port, log_level=settings.log_level.lower(),
                workers=workers)  # fmt: skip


@app.command()
def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve when ready")
    ] = True,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
) -> None:
    """Ingest the bundled demo data, build the index, and serve it."""
    settings = get_settings()
    reports = _ingest([settings.demo_data_dir], None)
    if any(r.error for r in reports):
        fail("demo data could not be ingested")
    build(full=False, workers=0, scheduler=None)
    password, emails = demo_accounts(settings.database_url)
    typer.echo(f"open needs board: {demo_board(settings.database_url, Matcher(settings))} public needs")
    typer.echo(f"demo accounts {', '.join(emails)}; password for this run: {password}")
    if serve_after:
        serve(None, port, 1)


if __name__ == "__main__":
    app()
