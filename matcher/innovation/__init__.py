"""Innovation potential: of each supplier, of each need, and the innovative share of procurement.

``themes`` finds the strategic
themes in a text; ``facts`` reads what a supplier's score rests on; ``supplier`` and ``need``
score and explain; ``novelty`` and ``table`` work on a built index; ``stats`` measures the share.
"""

from ..index.flags import Flag, innovation_flag
from .supplier import SUPPLIER_COMPONENTS, SupplierPotential, supplier_potential
from .themes import detect_themes

__all__ = [
    "SUPPLIER_COMPONENTS", "Flag", "SupplierPotential", "detect_themes", "innovation_flag",
    "supplier_potential",
]  # fmt: skip
