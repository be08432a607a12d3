"""Reader for Open Contracting Data Standard files.

Accepts release packages, record packages, a bare release, a bare record, and JSON Lines of any
of these. Releases of one ``ocid`` are merged into a compiled release with ``ocdsmerge`` (the
OCDS reference implementation), against the OCDS 1.1.5 release schema shipped with the package,
since ocdsmerge would otherwise fetch the schema from the web.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import ocdsmerge

from ..exceptions import UnreadableFileError
from . import normalize as nz
from ._files import base_name, head, load_json, open_binary, read_text
from .limits import check_file_size, convert, preview
from .records import AwardRecord, OrgRef, ProcurementRecord, Rejected

FORMAT = "ocds"
SOURCE = "ocds"
_SCHEMA = Path(__file__).parent / "data" / "release-schema.json"
# Contact details are personal data the service does not need: never stored, not even raw.
_PERSONAL_KEYS = {"contactPoint", "email", "telephone", "faxNumber"}
_FULL_SNIFF_BYTES = 20 * 1024 * 1024


def sniff(path: Path) -> bool:
    """True if the file holds OCDS releases or records (JSON or JSON Lines)."""
    start = head(path, 65536)
    if start.lstrip()[:1] not in (b"{", b"["):
        return False
    # Pretty-printed records can open with a long versionedRelease before any "ocid".
    markers = (b'"ocid"', b'"releases"', b'"records"', b'"versionedRelease"', b'"compiledRelease"')
    if any(m in start for m in markers):
        return True
    # Some publishers put "ocid" last, after 100 kB of contracts: read the keys of a small file.
    if path.stat().st_size > _FULL_SNIFF_BYTES or base_name(path).endswith((".jsonl", ".ndjson")):
        return False
    try:
        doc = json.loads(read_text(path, FORMAT))
    except (json.JSONDecodeError, RecursionError, UnreadableFileError):
        return False
    return isinstance(doc, dict) and "ocid" in doc and "tag" in doc


@lru_cache(maxsize=1)
def _merger() -> ocdsmerge.Merger:
    return ocdsmerge.Merger(schema=json.loads(_SCHEMA.read_text(encoding="utf-8")))


def _documents(path: Path) -> Iterator[tuple[str, Any]]:
    if base_name(path).endswith((".jsonl", ".ndjson")):
        yield from _lines(path)
        return
    yield "", load_json(path, FORMAT)


def _lines(path: Path) -> Iterator[tuple[str, Any]]:
    """Documents of a JSON Lines file, streamed; a bad line is quarantined, the rest read on."""
    size = 0
    with open_binary(path) as fh:
        for n, raw in enumerate(fh, start=1):
            size += len(raw)
            check_file_size(path, FORMAT, size)
            if not raw.strip():
                continue
            try:
                yield f"line {n}", json.loads(raw.decode("utf-8-sig" if n == 1 else "utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
                reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
                yield f"line {n}", Rejected(f"line {n}", f"invalid JSON: {reason}", None)


def read(path: Path) -> Iterator[ProcurementRecord | Rejected]:
    """Yield one procurement per ``ocid`` in the file, compiled from all its releases."""
    releases: dict[str, list[dict[str, Any]]] = defaultdict(list)
    positions: dict[str, str] = {}
    found = False
    for where, doc in _documents(path):
        if isinstance(doc, Rejected):
            yield doc
            continue
        for pos, item in _items(doc, where):
            found = True
            if isinstance(item, Rejected):
                yield item
                continue
            ocid, rels = item["ocid"], item["releases"]
            if not isinstance(ocid, str) or not ocid.strip():
                yield Rejected(pos, "ocid is not a non-empty string", preview(ocid))
                continue
            releases[ocid].extend(r for r in rels if isinstance(r, dict))
            positions.setdefault(ocid, pos)
    if not found:
        raise UnreadableFileError(path, "no OCDS releases or records found")
    for ocid, rels in releases.items():
        yield convert(positions[ocid], {"ocid": ocid, "releases": rels},
                      lambda item: to_record(item["ocid"], item["releases"]))  # fmt: skip


#: Lists of lists deeper than this are not a package shape: quarantined, not followed.
_MAX_LIST_NESTING = 3


def _items(
    doc: Any, where: str, nesting: int = 0
) -> Iterator[tuple[str, dict[str, Any] | Rejected]]:
    """Flatten packages, records and releases into ``{"ocid", "releases"}`` items."""
    prefix = f"{where} " if where else ""
    if isinstance(doc, list) and nesting < _MAX_LIST_NESTING:
        for i, sub in enumerate(doc):
            yield from _items(sub, f"{prefix}[{i}]", nesting + 1)
        return
    if not isinstance(doc, dict):
        yield (
            prefix or "document",
            Rejected(prefix or "document", "not a JSON object", preview(doc)),
        )
        return
    if isinstance(doc.get("releases"), list) and "ocid" not in doc and "compiledRelease" not in doc:
        for i, rel in enumerate(doc["releases"]):
            yield from _items(rel, f"{prefix}releases[{i}]", _MAX_LIST_NESTING)
    elif isinstance(doc.get("records"), list):
        for i, rec in enumerate(doc["records"]):
            yield from _items(rec, f"{prefix}records[{i}]", _MAX_LIST_NESTING)
    elif "compiledRelease" in doc or ("releases" in doc and "ocid" in doc):
        yield prefix + "record", _record_item(doc, prefix + "record")
    elif "ocid" in doc and "tag" in doc:
        yield prefix + "release", {"ocid": doc["ocid"], "releases": [doc]}
    else:
        yield (
            prefix or "document",
            Rejected(prefix or "document", "neither release nor record", preview(doc)),
        )


def _record_item(doc: dict[str, Any], pos: str) -> dict[str, Any] | Rejected:
    # A record's releases may be links ({url, date, tag}) rather than full releases; then the
    # publisher's compiledRelease is the only content we have.
    rels = doc.get("releases")
    full = (
        [r for r in rels if isinstance(r, dict) and "ocid" in r] if isinstance(rels, list) else []
    )
    compiled = doc.get("compiledRelease")
    if full:
        return {"ocid": full[0]["ocid"], "releases": full}
    if isinstance(compiled, dict) and compiled.get("ocid"):
        return {"ocid": compiled["ocid"], "releases": [compiled]}
    return Rejected(pos, "record has neither full releases nor a compiledRelease", preview(doc))


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if k not in _PERSONAL_KEYS}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def combine(old_raw: dict[str, Any], new: ProcurementRecord) -> ProcurementRecord | None:
    """Merge the releases already stored for an ocid with newly read ones.

    Returns the recompiled record, or ``None`` if the new releases add nothing.
    """
    seen = {(r.get("id"), r.get("date")) for r in old_raw.get("releases", [])}
    extra = [r for r in new.raw["releases"] if (r.get("id"), r.get("date")) not in seen]
    if not extra:
        return None
    return to_record(new.source_id, list(old_raw.get("releases", [])) + extra)


def _party_ref(party: dict[str, Any], parties: dict[str, dict[str, Any]]) -> OrgRef:
    full = {**parties.get(str(party.get("id")), {}), **party}
    ident = full.get("identifier") or {}
    scheme, value = ident.get("scheme"), str(ident.get("id") or "").strip()
    name = nz.clean_text(full.get("name") or ident.get("legalName")) or None
    raw_country = str((full.get("address") or {}).get("countryName") or "").strip()
    # Only a two-letter code is a country code; "Ukraine"[:2] would say United Kingdom.
    country = raw_country.upper() if len(raw_country) == 2 and raw_country.isalpha() else None
    if value:
        return OrgRef(str(scheme or "OCDS-LOCAL"), value, name, value, country)
    if full.get("id"):
        return OrgRef("OCDS-PARTY", str(full["id"]), name, str(full["id"]), country)
    if name:
        return OrgRef("NAME", nz.name_key(name), name, None, country)
    raise ValueError("party has no identifier, id or name")


def to_record(ocid: str, releases: list[dict[str, Any]]) -> ProcurementRecord:
    """Compile ``releases`` of one ocid and map the result onto a procurement record."""
    releases = [_scrub(r) for r in releases]
    # ocdsmerge needs a date and id on every release; bare compiled releases may lack one.
    for i, rel in enumerate(releases):
        rel.setdefault("date", "1970-01-01T00:00:00Z")
        rel.setdefault("id", f"{ocid}-{i}")
    compiled = _merger().create_compiled_release(releases) if len(releases) > 1 else releases[0]
    tender = compiled.get("tender") or {}
    parties = {str(p.get("id")): p for p in compiled.get("parties") or [] if isinstance(p, dict)}
    awards_raw = [a for a in compiled.get("awards") or [] if isinstance(a, dict)]
    title = _title(compiled, tender, awards_raw)
    if not title:
        raise ValueError("no title or description in tender, awards or items")
    cpvs = _cpv_codes(tender)
    buyer = compiled.get("buyer")
    n_tenders = tender.get("numberOfTenderers")
    awards = []
    for award in awards_raw:
        if award.get("status") in ("cancelled", "unsuccessful"):
            continue
        value = award.get("value") or {}
        for supplier in award.get("suppliers") or []:
            awards.append(
                AwardRecord(
                    supplier=_party_ref(supplier, parties),
                    lot=",".join(map(str, award.get("relatedLots") or []))
                    or str(award.get("id", "")),
                    value=nz.parse_amount(value.get("amount")),
                    currency=value.get("currency"),
                    date=nz.parse_date(award.get("date")),
                    n_tenders=n_tenders if isinstance(n_tenders, int) else None,
                )
            )
    value = tender.get("value") or {}
    return ProcurementRecord(
        source=SOURCE,
        source_id=ocid,
        title=title,
        buyer=_party_ref(buyer, parties) if isinstance(buyer, dict) else None,
        description=nz.clean_text(tender.get("description")) or None,
        cpv_main=cpvs[0] if cpvs else None,
        cpv_additional=cpvs[1:],
        value=nz.parse_amount(value.get("amount")),
        currency=value.get("currency"),
        date=nz.parse_date(
            (tender.get("tenderPeriod") or {}).get("startDate") or compiled.get("date")
        ),
        procedure=tender.get("procurementMethodDetails") or tender.get("procurementMethod"),
        awards=awards,
        raw={"releases": releases},
    )


def _title(compiled: dict[str, Any], tender: dict[str, Any], awards: list[dict[str, Any]]) -> str:
    """The first of: tender title, release title, award title or description, item description."""
    first = awards[0] if awards else {}
    items = first.get("items") or tender.get("items") or [{}]
    options = [tender.get("title"), compiled.get("title"), first.get("title"),
               first.get("description"), items[0].get("description") if isinstance(items[0], dict) else None,
               tender.get("description")]  # fmt: skip
    return next((nz.clean_text(o)[:300] for o in options if o and nz.clean_text(o)), "")


def _cpv_codes(tender: dict[str, Any]) -> list[str]:
    """CPV codes of the tender's items, deduplicated, in order; other schemes are left raw."""
    found: list[dict[str, Any]] = []
    for item in tender.get("items") or []:
        if isinstance(item, dict):
            found.append(item.get("classification") or {})
            found.extend(item.get("additionalClassifications") or [])
    cpvs: list[str] = []
    for c in found:
        code = nz.cpv_code(c.get("id")) if str(c.get("scheme") or "").upper() == "CPV" else None
        if code and code not in cpvs:
            cpvs.append(code)
    return cpvs
