"""The hidden-identifier records: source rows that carry a validated identifier, read as if they
did not, beside a register that keeps its identifiers.

Finland: the register is Business Finland's funded companies and the YTJ sample (Y-tunnus, every
name they were funded or registered under); the queries are the municipal invoices' and HILMA
winners' suppliers. France: the register is the winners of the state buyers' DECP files (AIFE)
with their Sirene industry codes; the queries are the winners of the other buyers' files. A
query is one name as a source writes it, with the buyers and years of its rows; its identifier
is kept aside as the truth, and may be absent from the register (it should then link nowhere).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..ingest.formats import detect
from ..ingest.records import (
    OrgRef,
    ProcurementRecord,
    PurchaseRecord,
    SignalRecord,
    SupplierProfileRecord,
)
from ..vocab.normalize import name_key
from .entities import Entity, cpv_divisions

#: Schemes that identify an organisation on their own (a register number, not a name).
STRONG_SCHEMES = ("FI-YTUNNUS", "FR-SIREN", "EU-VAT")

#: (country, side, path under the shared data folder). Register files first.
LAYOUT: tuple[tuple[str, str, str], ...] = (
    ("FI", "register", "business-finland/BFData.csv"),
    ("FI", "register", "ytj-sample/ytj_cache.json"),
    ("FI", "query", "fi-municipal-invoices/valkeakoski_2018-08_purchase_invoices.csv"),
    ("FI", "query", "fi-municipal-invoices/kemijarvi_2022-q4_purchase_invoices.csv"),
    ("FI", "query", "hilma-2014/awards_2014.csv"),
    ("FR", "register", "decp-fr/data.gouv.fr_aife.json"),
    ("FR", "register", "decp-fr/aife-sample-2016-2020.json"),
    ("FR", "register", "sirene-fr/sirene_etablissements_decp_titulaires.csv"),
    ("FR", "register", "sirene-fr/sirene_unitelegale_categorie_decp_titulaires.csv"),
    ("FR", "query", "decp-fr/marches-publics.info.json"),
    ("FR", "query", "decp-fr/data.gouv.fr_pes.json"),
    ("FR", "query", "decp-fr/e-marchespublics.json"),
)


@dataclass
class Measured:
    """The records of one country: the register, and the queries with their hidden truth."""

    country: str
    register: list[Entity]
    queries: list[Entity]
    truth: dict[str, set[str]]


def _mentions(path: Path) -> Iterator[tuple[OrgRef, Entity]]:
    """(organisation, what the record says about it) for each supplier-side organisation."""
    for rec in detect(path).read(path):
        if isinstance(rec, PurchaseRecord):
            year = {rec.date.year} if rec.date else set()
            yield rec.supplier, Entity("", [], buyers={_key(rec.buyer)}, years=year)
        elif isinstance(rec, ProcurementRecord):
            year = {rec.date.year} if rec.date else set()
            buyers = {_key(rec.buyer)} if rec.buyer else set()
            where = {rec.region} if rec.region else set()
            sold = cpv_divisions([rec.cpv_main, *rec.cpv_additional])
            for a in rec.awards:
                yield a.supplier, Entity("", [], buyers=set(buyers), years=set(year),
                                         regions=set(where), cpv=set(sold))  # fmt: skip
        elif isinstance(rec, SignalRecord):
            yield rec.org, Entity("", [], years={rec.year} if rec.year else set())
        elif isinstance(rec, SupplierProfileRecord):
            names = [n["name"] for n in rec.names if n.get("name")]
            yield (
                rec.org,
                Entity(
                    "",
                    names,
                    regions={rec.region} if rec.region else set(),
                    industry=set(rec.industry_codes),
                    size=rec.size_class,
                ),
            )


def _key(ref: OrgRef) -> str:
    return f"{ref.scheme}:{ref.value}"


def measured(data_dir: Path) -> list[Measured]:
    """Read the shared data into one register and one query set per country."""
    out = []
    for country in ("FI", "FR"):
        register: dict[str, Entity] = {}
        queries: dict[str, Entity] = {}
        truth: dict[str, set[str]] = {}
        for c, side, rel in LAYOUT:
            path = data_dir / rel
            if c != country or not path.is_file():
                continue
            for ref, said in _mentions(path):
                if ref.scheme not in STRONG_SCHEMES or ref.country not in (None, country):
                    continue
                said.country = country
                if ref.name:
                    said.names = [ref.name, *said.names]
                if side == "register":
                    register.setdefault(_key(ref), Entity(_key(ref), [], country)).absorb(said)
                elif ref.name and name_key(ref.name):
                    # A query is a name as written; its identifier is hidden (kept as truth).
                    qkey = f"{country}:{name_key(ref.name)}"
                    queries.setdefault(qkey, Entity(qkey, [], country)).absorb(said)
                    truth.setdefault(qkey, set()).add(_key(ref))
        named = [e for e in register.values() if e.parsed]
        out.append(Measured(country, named, [q for q in queries.values() if q.parsed], truth))
    return out


__all__ = ["LAYOUT", "STRONG_SCHEMES", "Measured", "measured"]
