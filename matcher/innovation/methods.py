"""How the innovation scores are computed, as data: served by ``GET /v1/methods``."""

from __future__ import annotations

from .need import LEVELS, NEED_DIMENSIONS
from .schemas import MethodOut, MethodsOut
from .supplier import SUPPLIER_COMPONENTS

ROUTES = ["pre-commercial procurement", "innovation partnership", "competitive dialogue",
          "market dialogue first", "ordinary tender"]  # fmt: skip


def methods() -> MethodsOut:
    """Every component and dimension with its definition, scale and weight."""
    return MethodsOut(
        supplier_components=[MethodOut(name=n, weight=c.weight, definition=c.definition,
                                       scale=c.scale) for n, c in SUPPLIER_COMPONENTS.items()],
        need_dimensions=[MethodOut(name=n, weight=c.weight, definition=c.definition,
                                   scale=c.scale) for n, c in NEED_DIMENSIONS.items()],
        need_levels={name: cut for cut, name in LEVELS},
        routes=ROUTES,
        innovative_flag=(
            "A procurement is flagged innovative by the buyer (eForms BT-776 innovative "
            "acquisition; Hilma questions innovationConsidered, solutionNewToBuyer, "
            "solutionNewToMarketOrIndustry) or by route (innovation partnership procedure; "
            "research and development services, CPV division 73). The two are counted apart."),
        ranking_weight=(
            "POST /v1/match takes innovation_weight w in 0..1 (default 0, pure fit): each "
            "supplier's score = (1 - w) x fit + w x potential / 100, over the best-fitting pool."),
    )  # fmt: skip
