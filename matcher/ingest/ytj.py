"""Reader for the Finnish company register (PRH/YTJ open data API v3 ``/companies`` responses).

Accepts one response (``{"totalResults", "companies": [...]}``), a list of them, or a map of
business id -> response (a client's cache). Each company becomes a supplier profile: current
name, main line of business (TOL 2008 with its fi/en label), company form, municipality,
registration date. Sole traders (toiminimi) are people: they are skipped and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..vocab.regions import fi_municipality_region
from . import normalize as nz
from ._files import head, load_json
from .limits import convert, preview
from .records import OrgRef, Rejected, SupplierProfileRecord

FORMAT = "ytj"
#: Company-form codes of natural persons (yksityinen elinkeinonharjoittaja).
_PERSON_FORMS = {"26"}
_FI, _SV, _EN = "1", "2", "3"
_PERSON = {"redacted": "natural person; nothing stored"}
_MAX_NESTING = 3


def sniff(path: Path) -> bool:
    """True for YTJ v3 company responses."""
    start = head(path, 8192)
    return (
        start.lstrip()[:1] in (b"{", b"[") and b'"businessId"' in start and b'"companies"' in start
    )


def _label(item: dict[str, Any], lang: str) -> str:
    return next(
        (d["description"] for d in item.get("descriptions", []) if d.get("languageCode") == lang),
        "",
    )


def _current(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    live = [i for i in items if not i.get("endDate")] or items
    return live[0] if live else None


def _responses(doc: Any, nesting: int = 0) -> Iterator[dict[str, Any]]:
    # A cache maps business ids to responses, a list holds responses: two levels at most.
    if nesting > _MAX_NESTING:
        return
    if isinstance(doc, list):
        for d in doc:
            yield from _responses(d, nesting + 1)
    elif isinstance(doc, dict) and "companies" in doc:
        yield doc
    elif isinstance(doc, dict):
        for d in doc.values():
            yield from _responses(d, nesting + 1)


def _companies(doc: Any) -> Iterator[tuple[str, Any]]:
    """(position, company) of every response; a ``companies`` that is not a list is one bad item."""
    n = 0
    for r, response in enumerate(_responses(doc)):
        companies = response.get("companies") or []
        if not isinstance(companies, list):
            yield f"response {r} companies", companies
            continue
        for company in companies:
            yield f"companies[{n}]", company
            n += 1


def read(path: Path) -> Iterator[SupplierProfileRecord | Rejected]:
    """One profile per company in the file; any company of the wrong shape is quarantined."""
    for position, company in _companies(load_json(path, FORMAT)):
        result = convert(position, company, _profile)
        if result is None:
            yield Rejected(position, "sole trader (a person): not stored", _PERSON)
        elif isinstance(result, Rejected):
            # Keep only the business id of a company that failed: the rest may name a person.
            bid = company.get("businessId") if isinstance(company, dict) else None
            yield Rejected(result.position, result.reason, {"businessId": preview(bid)})
        else:
            yield result


def _profile(c: dict[str, Any]) -> SupplierProfileRecord | None:
    """The company's profile, or ``None`` for a sole trader (a person)."""
    raw_id = str((c.get("businessId") or {}).get("value") or "")
    yt = nz.ytunnus(raw_id)
    if not yt:
        raise ValueError(f"invalid business id {raw_id!r}")
    form = _current(c.get("companyForms") or []) or {}
    if str(form.get("type")) in _PERSON_FORMS:
        return None
    names = [n for n in c.get("names") or [] if str(n.get("type")) == "1"]
    name = (_current(names) or {}).get("name")
    line = c.get("mainBusinessLine") or {}
    description = ". ".join(
        x for x in (_label(line, _FI), _label(line, _SV), _label(line, _EN)) if x
    )
    city = ""
    for address in c.get("addresses") or []:
        for office in address.get("postOffices") or []:
            if office.get("languageCode") == _FI and not city:
                city = str(office.get("city") or "").title()
    history = [{"name": n.get("name"), "from": n.get("registrationDate"), "to": n.get("endDate")}
               for n in names if n.get("name")]  # fmt: skip
    entries = [e for e in c.get("registeredEntries") or [] if not e.get("endDate")]
    trade = next(
        (e for e in entries if str(e.get("register")) == "1"), entries[0] if entries else {}
    )
    keep = {
        k: c.get(k) for k in ("businessId", "registrationDate", "status", "tradeRegisterStatus")
    }
    keep.update(names=names, mainBusinessLine=line.get("type"), companyForm=_label(form, _EN))
    return SupplierProfileRecord(
        source=FORMAT, org=OrgRef("FI-YTUNNUS", yt, name, raw_id, "FI"),
        description=description or None,
        industry_codes=[f"TOL2008:{line['type']}"] if line.get("type") else [],
        region=fi_municipality_region(city) or city or None,
        registration_date=nz.parse_date(c.get("registrationDate")), raw=keep,
        status=_label(trade, _EN) or None, names=history,
    )  # fmt: skip
