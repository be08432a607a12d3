"""Routes: each calls one library function and returns its schema."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.concurrency import run_in_threadpool

from matcher.innovation.methods import methods
from matcher.innovation.schemas import InnovationStats, MethodsOut
from matcher.innovation.stats import plot_stats
from matcher.lookup import get_procurement, get_supplier
from matcher.schemas import MAX_ID, Health, MatchRequest, MatchResponse, ProcurementOut, SupplierOut
from matcher.service import health, innovation_statistics

from .deps import MatcherDep, MatchRate, SessionDep

router = APIRouter(prefix="/v1")


@router.post("/match", response_model=MatchResponse, summary="Rank suppliers for a need",
             dependencies=[MatchRate], responses={429: {"description": "Rate limit passed"}})  # fmt: skip
async def match(request: MatchRequest, matcher: MatcherDep) -> MatchResponse:
    """Rank potential suppliers for a need described in free text, with evidence."""
    return await run_in_threadpool(matcher.match, request)


@router.get("/suppliers/{key}", response_model=SupplierOut, summary="A supplier and its awards")
def supplier(
    key: Annotated[
        str,
        Path(description="Internal id, or SCHEME:value such as FR-SIREN:123456789", max_length=250),
    ],  # fmt: skip
    session: SessionDep,
    matcher: MatcherDep,
) -> SupplierOut:
    """Everything known about a supplier, looked up by id or by any identifier."""
    return get_supplier(session, key, matcher=matcher)


@router.get(
    "/procurements/{procurement_id}", response_model=ProcurementOut, summary="A procurement"
)
def procurement(
    procurement_id: Annotated[int, Path(ge=1, le=MAX_ID)], session: SessionDep
) -> ProcurementOut:
    """A procurement with its CPV labels and awards."""
    return get_procurement(session, procurement_id)


@router.get("/health", response_model=Health, summary="Service health")
def get_health(session: SessionDep, matcher: MatcherDep) -> Health:
    """Database and index state, with counts."""
    return health(session, matcher)


GroupBy = Annotated[str, Query(pattern="^(year|buyer|region|cpv)$", description="Grouping")]
Limit = Annotated[int, Query(ge=1, le=200, description="Groups shown (all years always)")]


@router.get("/methods", response_model=MethodsOut, summary="How innovation scores are computed")
def get_methods() -> MethodsOut:
    """Each innovation component and dimension: definition, scale and weight."""
    return methods()


@router.get(
    "/stats/innovation", response_model=InnovationStats, summary="Innovative share of procurement"
)
def stats_innovation(
    session: SessionDep, matcher: MatcherDep, by: GroupBy = "year", limit: Limit = 20
) -> InnovationStats:
    """Share flagged innovative by count and value per group, the 10% target and an estimate."""
    return innovation_statistics(session, matcher, by, limit)


@router.get(
    "/stats/innovation.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}}},
    summary="Chart of the innovative share",
)
def stats_innovation_png(
    session: SessionDep, matcher: MatcherDep, by: GroupBy = "year", limit: Limit = 20
) -> Response:
    """The same statistics as a PNG bar chart with the target line."""
    buf = io.BytesIO()
    plot_stats(innovation_statistics(session, matcher, by, limit), buf)
    return Response(buf.getvalue(), media_type="image/png")
