"""Reader for French DECP award records (``{"marches": [...]}``), streamed with ijson.

Identity: a contract is ``(buyer SIRET, marché id)`` (the same contract appears in several
source files); a company is its SIREN, the first 9 digits of the winner's SIRET.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import normalize as nz
from ._files import head, open_binary
from ._stream import TOO_BIG, TOO_DEEP, array_items
from .limits import convert
from .records import AwardRecord, OrgRef, ProcurementRecord, Rejected

FORMAT = "decp"


def sniff(path: Path) -> bool:
    """True if the file looks like a DECP JSON document."""
    start = head(path, 2048).lstrip()
    return start.startswith(b"{") and b'"marches"' in start


def read(path: Path) -> Iterator[ProcurementRecord | Rejected]:
    """Stream the contracts of a DECP file, one record each; bad ones come as ``Rejected``.

    Any element (an object of the wrong shape, a list, a string, one nested too deep) becomes a
    record or a quarantined row with its reason; the contracts around it are read on.
    """
    with open_binary(path) as fh:
        for i, item in enumerate(array_items(path, fh, "marches")):
            position = f"marches[{i}]"
            if item is TOO_DEEP or item is TOO_BIG:
                what = "nested too deeply" if item is TOO_DEEP else "too large"
                yield Rejected(position, f"contract {what} (INGEST_MAX_DEPTH)", None)
            else:
                yield convert(position, item, _to_record)


def _org(raw: dict[str, Any], role: str) -> OrgRef:
    raw_id = str(raw.get("id") or "").strip()
    name = nz.clean_text(raw.get("denominationSociale") or raw.get("nom")) or None
    kind = str(raw.get("typeIdentifiant") or "SIRET").upper()
    siren = nz.siren_from_siret(raw_id) if kind in ("SIRET", "SIREN") else None
    if siren:
        extra = (("FR-SIRET", raw_id),) if len(raw_id) == 14 else ()
        return OrgRef("FR-SIREN", siren, name, raw_id, "FR", extra)
    if raw_id and kind not in ("SIRET", "SIREN"):
        return OrgRef(f"FR-{kind}", raw_id.replace(" ", ""), name, raw_id, None)
    # No id, or a SIRET that fails its check digit (a typo or a placeholder): the name is safer.
    if name:
        return OrgRef("NAME-FR", nz.name_key(name), name, raw_id or None, "FR")
    if raw_id:
        return OrgRef(f"FR-{kind}-UNVERIFIED", raw_id, None, raw_id, "FR")
    raise ValueError(f"{role} has neither identifier nor name")


def _region(place: dict[str, Any]) -> str | None:
    code = str(place.get("code") or "").strip()
    kind = str(place.get("typeCode") or "").lower()
    if not code[:2].isdigit():
        return None
    if "postal" in kind or "commune" in kind or "partement" in kind:
        return f"FR-D{code[:2]}"
    return None


def _to_record(item: dict[str, Any]) -> ProcurementRecord:
    contract_id = str(item.get("id") or "").strip()
    if not contract_id:
        raise ValueError("missing contract id")
    title = nz.clean_text(item.get("objet"))
    if not title:
        raise ValueError("missing objet (title)")
    buyer_raw = item.get("acheteur") or {}
    if not isinstance(buyer_raw, dict) or not buyer_raw.get("id"):
        raise ValueError("missing acheteur.id (buyer)")
    buyer = _org(buyer_raw, "buyer")
    when = nz.parse_date(item.get("dateNotification"))
    amount = nz.parse_amount(item.get("montant"))
    awards = [
        AwardRecord(supplier=_org(t, "titulaire"), value=amount, currency="EUR", date=when)
        for t in (item.get("titulaires") or [])
        if isinstance(t, dict)
    ]
    place = item.get("lieuExecution") or {}
    # An unreadable CPV ("0", a digit missing) costs the code, not the contract; raw keeps it.
    cpv = nz.cpv_code(item.get("codeCPV"))
    return ProcurementRecord(
        source=FORMAT,
        source_id=f"{buyer_raw['id']}:{contract_id}",
        title=title,
        buyer=buyer,
        cpv_main=cpv,
        value=amount,
        currency="EUR",
        date=when,
        place_code=str(place.get("code") or "") or None,
        place_name=nz.clean_text(place.get("nom")) or None,
        region=_region(place),
        procedure=item.get("procedure"),
        awards=awards,
        raw=item,
    )
