"""Routes: each calls one library function and returns its schema."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool

from matcher.schemas import Health, MatchRequest, MatchResponse, ProcurementOut, SupplierOut
from matcher.service import get_procurement, get_supplier, health

from .deps import MatcherDep, SessionDep

router = APIRouter(prefix="/v1")


@router.post("/match", response_model=MatchResponse, summary="Rank suppliers for a need")
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
) -> SupplierOut:
    """Everything known about a supplier, looked up by id or by any identifier."""
    return get_supplier(session, key)


@router.get(
    "/procurements/{procurement_id}", response_model=ProcurementOut, summary="A procurement"
)
def procurement(procurement_id: Annotated[int, Path(ge=1)], session: SessionDep) -> ProcurementOut:
    """A procurement with its CPV labels and awards."""
    return get_procurement(session, procurement_id)


@router.get("/health", response_model=Health, summary="Service health")
def get_health(session: SessionDep, matcher: MatcherDep) -> Health:
    """Database and index state, with counts."""
    return health(session, matcher)
