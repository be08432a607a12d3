"""The one description of a need that every stage reads: what a buyer knows before tendering.

The API's ``MatchRequest``, the CLI, the broker's needs and the evaluation's held-out contracts
all become a :class:`Need`; nothing downstream sees their own shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["Need"]


@dataclass
class Need:
    """A need as the ranking pipeline sees it.

    Attributes:
        text: The need in the buyer's words (fi, sv, en, or the source's language).
        cpv: CPV codes the buyer gave (8 digits); empty when the buyer does not know them.
        buyer_id: The buying organisation's id, if known.
        region: Place of delivery (NUTS or the source's region code).
        date: When the need is tendered (the evaluation's query date); ``None`` means now.
        value: The buyer's *estimated* value, where a source has one (never an awarded amount).
        country: Only suppliers of this country (filter).
        supplier_region: Only suppliers active or registered here (filter).
        with_awards_only: Only suppliers with a past award (filter).
    """

    text: str
    cpv: list[str] = field(default_factory=list)
    buyer_id: int | None = None
    region: str | None = None
    date: date | None = None
    value: float | None = None
    country: str | None = None
    supplier_region: str | None = None
    with_awards_only: bool = False
