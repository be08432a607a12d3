"""Reader for eForms UBL notices (TED, and Hilma since 2023): contract notices, prior
information notices and contract award (result) notices.

XML is parsed with defusedxml: no external entities, no entity-expansion bombs. A notice of a
kind we do not map (e.g. a change notice without a procurement) is rejected with its reason.
Contact details (telephone, e-mail) are never read.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, parse

from ..exceptions import LimitExceededError, UnreadableFileError
from . import limits
from . import normalize as nz
from ._files import base_name, head, open_binary
from .records import AwardRecord, OrgRef, ProcurementRecord, Rejected

FORMAT = "eforms"
SOURCE = "eforms"
NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
}
_ROOTS = {"ContractNotice", "ContractAwardNotice", "PriorInformationNotice"}
# ISO 3166 alpha-3 -> alpha-2 for the countries eForms notices name most (EU/EEA and neighbours).
_ALPHA2 = {
    "AUT": "AT", "BEL": "BE", "BGR": "BG", "HRV": "HR", "CYP": "CY", "CZE": "CZ", "DNK": "DK",
    "EST": "EE", "FIN": "FI", "FRA": "FR", "DEU": "DE", "GRC": "GR", "HUN": "HU", "IRL": "IE",
    "ITA": "IT", "LVA": "LV", "LTU": "LT", "LUX": "LU", "MLT": "MT", "NLD": "NL", "POL": "PL",
    "PRT": "PT", "ROU": "RO", "SVK": "SK", "SVN": "SI", "ESP": "ES", "SWE": "SE", "NOR": "NO",
    "ISL": "IS", "LIE": "LI", "CHE": "CH", "GBR": "GB", "USA": "US", "UKR": "UA",
}  # fmt: skip


def sniff(path: Path) -> bool:
    """True for an eForms (UBL) document; ``read`` refuses kinds that carry no procurement."""
    if not base_name(path).endswith(".xml"):
        return False
    return b"urn:oasis:names:specification:ubl:schema:xsd" in head(path, 4096)


def _text(el: Element | None, path: str) -> str:
    found = el.find(path, NS) if el is not None else None
    return (found.text or "").strip() if found is not None and found.text else ""


def read(path: Path) -> Iterator[ProcurementRecord | Rejected]:
    """The notice as one procurement (lots and results become awards)."""
    cap = limits.current().file_bytes(FORMAT)
    with open_binary(path) as fh:
        try:
            # One byte past the cap is enough to refuse: a gzip bomb is not inflated further.
            data = fh.read(cap + 1)
        except (OSError, EOFError) as exc:
            raise UnreadableFileError(path, f"cannot read: {exc}") from exc
    limits.check_file_size(path, FORMAT, len(data))
    try:
        root = parse(io.BytesIO(data), forbid_dtd=True).getroot()
    except (ParseError, DefusedXmlException) as exc:
        raise UnreadableFileError(path, f"not well-formed or unsafe XML: {exc}") from exc
    except RecursionError:
        raise LimitExceededError(path, "XML nested too deeply to parse") from None
    kind = root.tag.rsplit("}", 1)[-1]
    if kind not in _ROOTS:
        raise UnreadableFileError(path, f"an eForms {kind} carries no procurement: not ingested")
    ident = {"root": kind, "notice_id": _text(root, "cbc:ID")[:256]}
    result = limits.convert(base_name(path), ident, lambda _: _full_notice(root, kind, path))
    yield (
        result
        if not isinstance(result, Rejected)
        else Rejected(result.position, result.reason, ident)
    )


def _full_notice(root: Element, kind: str, path: Path) -> ProcurementRecord:
    """The notice's procurement with Hilma's innovation answers and national fields."""
    record = _notice(root, kind)
    record.innovation.update(_hilma_statistics(path))
    national = _hilma_national(root)
    if national:
        record.raw["hilma_national"] = national
    return record


#: Hilma's innovation questions, answered by the buyer (statistics of a notice fetched by the API).
_HILMA_INNOVATION = ("innovationConsidered", "solutionNewToBuyer", "solutionNewToMarketOrIndustry")


_HILMA_NS = "urn:hanselHilma:NationalNoticeExtension"


def _hilma_national(root: Element) -> dict[str, str]:
    """Fields of Hilma's national extension, by path (``ProcurementProject/IsEUApplicable...``)."""
    ext = root.find(f".//{{{_HILMA_NS}}}NationalExtension")
    out: dict[str, str] = {}

    def walk(el: Element, path: str) -> None:
        for child in el:
            name = f"{path}/{child.tag.rsplit('}', 1)[-1]}".lstrip("/")
            if len(child):
                walk(child, name)
            elif child.text and child.text.strip():
                out[name] = child.text.strip()

    if ext is not None:
        walk(ext, "")
    return out


def _hilma_statistics(path: Path) -> dict[str, Any]:
    """Innovation answers from the ``<notice>.stats.json`` written beside a fetched notice."""
    sidecar = path.with_name(base_name(path).removesuffix(".xml") + ".stats.json")
    if not sidecar.is_file():
        return {}
    try:
        stats = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return {
        f"hilma:{k}": stats[k] for k in _HILMA_INNOVATION if isinstance(stats, dict) and k in stats
    }


def _organisations(root: Element) -> dict[str, dict[str, str]]:
    orgs = {}
    for company in root.iterfind(".//efac:Organizations/efac:Organization/efac:Company", NS):
        oid = _text(company, "cac:PartyIdentification/cbc:ID")
        country3 = _text(company, "cac:PostalAddress/cac:Country/cbc:IdentificationCode")
        orgs[oid] = {
            "name": _text(company, "cac:PartyName/cbc:Name"),
            "company_id": _text(company, "cac:PartyLegalEntity/cbc:CompanyID"),
            "country": _ALPHA2.get(country3, ""),
            "nuts": _text(company, "cac:PostalAddress/cbc:CountrySubentityCode"),
            "size": _text(company, "efbc:CompanySizeCode"),
        }
    return orgs


def _org_ref(info: dict[str, str]) -> OrgRef:
    raw, name, country = info["company_id"], info["name"] or None, info["country"] or None
    yt = nz.ytunnus(raw) if country in (None, "FI") else None
    if yt:
        return OrgRef("FI-YTUNNUS", yt, name, raw, "FI")
    siren = nz.siren_from_siret(raw) if country in (None, "FR") else None
    if siren:
        return OrgRef("FR-SIREN", siren, name, raw, "FR")
    if raw:
        return OrgRef(
            f"COMPANY-ID-{country or 'XX'}", re.sub(r"\s", "", raw).upper(), name, raw, country
        )
    if name:
        return OrgRef(f"NAME-{country or 'XX'}", nz.name_key(name), name, None, country)
    raise ValueError("organisation has neither company id nor name")


def _amount(el: Element | None, path: str) -> tuple[float | None, str | None]:
    found = el.find(path, NS) if el is not None else None
    if found is None:
        return None, None
    return nz.parse_amount(found.text), found.get("currencyID")


def _notice(root: Element, kind: str) -> ProcurementRecord:
    # Notices of one procedure share the ContractFolderID; a prior information notice has
    # none and is keyed by its own notice id.
    notice_id = _text(root, "cbc:ID")
    folder = _text(root, "cbc:ContractFolderID") or (f"notice:{notice_id}" if notice_id else "")
    project = root.find("cac:ProcurementProject", NS)
    title = nz.clean_text(_text(project, "cbc:Name"))
    if not folder or not title:
        raise ValueError("notice has neither a procedure or notice id nor a title")
    orgs = _organisations(root)
    buyer_id = _text(root, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID")
    cpvs = [c.text.strip() for c in root.iterfind(
        ".//cac:ProcurementProject//cbc:ItemClassificationCode[@listName='cpv']", NS) if c.text]  # fmt: skip
    codes = list(dict.fromkeys(c for c in (nz.cpv_code(x) for x in cpvs) if c))
    value, currency = _amount(
        project, "cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount"
    )
    innovative = [c.text for c in root.iterfind(
        ".//cbc:ProcurementTypeCode[@listName='innovative-acquisition']", NS) if c.text]  # fmt: skip
    nuts = _text(project, "cac:RealizedLocation/cac:Address/cbc:CountrySubentityCode")
    return ProcurementRecord(
        source=SOURCE, source_id=folder, title=title,
        buyer=_org_ref(orgs[buyer_id]) if buyer_id in orgs else None,
        description=nz.clean_text(_text(project, "cbc:Description")) or None,
        cpv_main=codes[0] if codes else None, cpv_additional=codes[1:],
        value=value, currency=currency, date=nz.parse_date(_text(root, "cbc:IssueDate")),
        place_code=nuts or None, region=nuts or None,
        procedure=_text(root, "cac:TenderingProcess/cbc:ProcedureCode") or None,
        innovation={"BT-776": sorted(set(innovative))} if innovative else {},
        awards=_awards(root, orgs) if kind == "ContractAwardNotice" else [],
        raw={"notice_id": _text(root, "cbc:ID"), "notice_type": _text(root, "cbc:NoticeTypeCode"),
             "root": kind, "cpv": cpvs, "issue_date": _text(root, "cbc:IssueDate")},
    )  # fmt: skip


def _awards(root: Element, orgs: dict[str, dict[str, str]]) -> list[AwardRecord]:
    result = root.find(".//efac:NoticeResult", NS)
    if result is None:
        return []
    tenders = {_text(t, "cbc:ID"): t for t in result.iterfind("efac:LotTender", NS)}
    parties = {_text(p, "cbc:ID"): [_text(t, "cbc:ID") for t in p.iterfind("efac:Tenderer", NS)]
               for p in result.iterfind("efac:TenderingParty", NS)}  # fmt: skip
    contracts = {_text(c, "cbc:ID"): c for c in result.iterfind("efac:SettledContract", NS)}
    awards: list[AwardRecord] = []
    for lot_result in result.iterfind("efac:LotResult", NS):
        if _text(lot_result, "cbc:TenderResultCode") != "selec-w":
            continue  # no winner chosen (or the result is withheld)
        lot = _text(lot_result, "efac:TenderLot/cbc:ID")
        n_tenders = next((int(_text(s, "efbc:StatisticsNumeric") or 0)
                          for s in lot_result.iterfind("efac:ReceivedSubmissionsStatistics", NS)
                          if _text(s, "efbc:StatisticsCode") == "tenders"), None)  # fmt: skip
        for tender_ref in lot_result.iterfind("efac:LotTender", NS):
            tender = tenders.get(_text(tender_ref, "cbc:ID"))
            if tender is None:
                continue
            value, currency = _amount(tender, "cac:LegalMonetaryTotal/cbc:PayableAmount")
            contract_id = _text(lot_result, "efac:SettledContract/cbc:ID")
            when = nz.parse_date(_text(contracts.get(contract_id), "cbc:IssueDate"))
            for org_id in parties.get(_text(tender, "efac:TenderingParty/cbc:ID"), []):
                if org_id in orgs:
                    awards.append(AwardRecord(supplier=_org_ref(orgs[org_id]), lot=lot, value=value,
                                              currency=currency, date=when, n_tenders=n_tenders))  # fmt: skip
    return awards
