"""Ingest: streaming readers, one module per format, and the writer into the store."""

from .formats import READERS, detect, expand, get_reader
from .records import (
    AwardRecord,
    OrgRef,
    ProcurementRecord,
    PurchaseRecord,
    Rejected,
    SupplierProfileRecord,
)
from .runner import FileReport, ingest_file, ingest_paths

__all__ = [
    "READERS", "AwardRecord", "FileReport", "OrgRef", "ProcurementRecord", "PurchaseRecord", "Rejected",
    "SupplierProfileRecord", "detect", "expand", "get_reader", "ingest_file", "ingest_paths",
]  # fmt: skip
