"""One file's transaction: each record inserted, merged into what is stored, or quarantined
with its reason."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..store.bulk import bulk_insert
from ..store.models import Award, Organisation, Procurement, Purchase, RejectedRecord, Signal
from .formats import Reader
from .orgs import NewOrg, OrgHandle, OrgResolver, org_id
from .records import (
    AwardRecord,
    OrgRef,
    ProcurementRecord,
    PurchaseRecord,
    Record,
    Rejected,
    SignalRecord,
    SupplierProfileRecord,
)

_FIELDS = (
    "title", "description", "cpv_main", "cpv_additional", "value", "currency", "date",
    "place_code", "place_name", "region", "procedure", "innovation",
)  # fmt: skip


@dataclass
class FileReport:
    """What one file's ingest did."""

    path: str
    format: str
    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    error: str | None = None


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so raw payloads store on every backend (dates become strings)."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _hash(rec: ProcurementRecord, buyer: OrgRef | None) -> str:
    payload = {f: getattr(rec, f) for f in _FIELDS}
    payload["buyer"] = (buyer.scheme, buyer.value) if buyer else None
    # vars, not dataclasses.asdict (its deep copies were a fifth of ingest): the same JSON, as
    # an award's only nested record is its supplier, so stored hashes stay valid.
    payload["awards"] = sorted(
        json.dumps({**vars(a), "supplier": vars(a.supplier)}, default=str, sort_keys=True)
        for a in rec.awards
    )
    blob = json.dumps(payload, default=str, sort_keys=True).encode()
    return hashlib.sha1(blob).hexdigest()


_EMPTY: tuple[Any, ...] = (None, "", [], {})
#: A buffered new procurement: its row, its buyer, its awards with their suppliers.
_Buffered = list[Any]


class FileIngest:
    """State of one file's transaction.

    New rows are buffered and written with bulk INSERTs (the ORM's per-object bookkeeping made
    ingest three times slower); the rarer updates of existing rows go through the ORM.
    """

    _BATCH = 2000

    def __init__(self, session: Session, reader: Reader, path: Path, run_id: int) -> None:
        self.session, self.reader, self.path, self.run_id = session, reader, path, run_id
        self.orgs = OrgResolver(session)
        # (source, source_id) -> (row id, None while buffered; content hash; first file)
        self.known: dict[tuple[str, str], tuple[int | None, str, str | None]] = {}
        self.report = FileReport(str(path), reader.name)
        self.file_key = str(path.resolve())
        self.seen: set[tuple[str, str]] = set()
        # (source, source_id) -> [row, buyer, awards] of a new procurement not yet written
        self.buffer: dict[tuple[str, str], _Buffered] = {}
        self.loaded_sources: set[str] = set()
        self.fact_keys: dict[type[Any], set[str]] = {}
        self.quarantined: set[tuple[str, str]] | None = None
        self.signals: list[tuple[dict[str, Any], OrgHandle]] = []
        self.purchases: list[tuple[dict[str, Any], OrgHandle, OrgHandle]] = []

    def _preload(self, source: str) -> None:
        if source in self.loaded_sources:
            return
        self.loaded_sources.add(source)
        q = select(
            Procurement.source_id, Procurement.id, Procurement.content_hash, Procurement.source_file
        ).where(Procurement.source == source)
        for sid, pid, h, f in self.session.execute(q):
            self.known[(source, sid)] = (pid, h, f)

    def add(self, rec: Record) -> None:
        self.report.read += 1
        if isinstance(rec, Rejected):
            self._reject(rec.position, rec.reason, rec.raw)
        elif isinstance(rec, SupplierProfileRecord):
            self._profile(rec)
        elif isinstance(rec, PurchaseRecord):
            self._purchase(rec)
        elif isinstance(rec, SignalRecord):
            self._signal(rec)
        else:
            self._procurement(rec)

    def flush(self) -> None:
        """Write everything buffered: organisations, then procurements, then awards."""
        self.orgs.flush()
        if self.purchases:
            rows = [
                {**r, "buyer_id": org_id(b), "supplier_id": org_id(s)} for r, b, s in self.purchases
            ]
            bulk_insert(self.session, Purchase, rows)
            self.purchases = []
        if self.signals:
            rows = [{**r, "organisation_id": org_id(o)} for r, o in self.signals]
            bulk_insert(self.session, Signal, rows)
            self.signals = []
        if not self.buffer:
            return
        rows = []
        for row, buyer, _ in self.buffer.values():
            row["buyer_id"] = org_id(buyer) if buyer is not None else None
            rows.append(row)
        ids = bulk_insert(self.session, Procurement, rows)
        award_rows: list[dict[str, Any]] = []
        for (row, _, awards), pid in zip(self.buffer.values(), ids, strict=True):
            key = (row["source"], row["source_id"])
            self.known[key] = (pid, row["content_hash"], row["source_file"])
            award_rows.extend(
                {**a, "procurement_id": pid, "supplier_id": org_id(o)} for a, o in awards
            )
        if award_rows:
            bulk_insert(self.session, Award, award_rows)
        self.buffer = {}

    def _is_new_fact(self, model: type[Purchase] | type[Signal], source: str, key: str) -> bool:
        """Invoices and signals are facts: one already stored is unchanged, never rewritten."""
        if model not in self.fact_keys:
            q = select(model.source_id).where(model.source == source)
            self.fact_keys[model] = set(self.session.scalars(q))
        if key in self.fact_keys[model]:
            self.report.unchanged += 1
            return False
        self.fact_keys[model].add(key)
        self.report.new += 1
        return True

    def _signal(self, rec: SignalRecord) -> None:
        if not self._is_new_fact(Signal, rec.source, rec.source_id):
            return
        row = {"source": rec.source, "source_id": rec.source_id, "kind": rec.kind, "year": rec.year,
               "date": rec.date, "value": rec.value, "raw": _jsonable(rec.raw),
               "ingest_run_id": self.run_id}  # fmt: skip
        self.signals.append((row, self.orgs.resolve(rec.org)))
        if len(self.signals) >= self._BATCH:
            self.flush()

    def _purchase(self, rec: PurchaseRecord) -> None:
        if not self._is_new_fact(Purchase, rec.source, rec.source_id):
            return
        row = {
            "source": rec.source, "source_id": rec.source_id, "buying_unit": rec.buying_unit,
            "account_code": rec.account_code, "account_name": rec.account_name,
            "amount": rec.amount, "date": rec.date, "raw": _jsonable(rec.raw),
            "ingest_run_id": self.run_id,
        }  # fmt: skip
        self.purchases.append((row, self.orgs.resolve(rec.buyer), self.orgs.resolve(rec.supplier)))
        if len(self.purchases) >= self._BATCH:
            self.flush()

    def _reject(self, position: str, reason: str, raw: Any) -> None:
        self.report.rejected += 1
        if self.quarantined is None:
            q = select(RejectedRecord.position, RejectedRecord.reason).where(
                RejectedRecord.source_file == str(self.path)
            )
            self.quarantined = {(p, r) for p, r in self.session.execute(q)}
        if (position, reason) in self.quarantined:
            return  # already quarantined by an earlier run of this file
        self.quarantined.add((position, reason))
        self.session.add(
            RejectedRecord(
                ingest_run_id=self.run_id, source_file=str(self.path), format=self.reader.name,
                position=position, reason=reason, raw=_jsonable(raw),
            )
        )  # fmt: skip

    def _profile(self, rec: SupplierProfileRecord) -> None:
        ref = self.orgs.resolve(rec.org)
        new = isinstance(ref, NewOrg) and ref.id is None
        self.flush()
        org = self.session.get_one(Organisation, org_id(ref))
        # Each source tells part of the story (a register the size, a profile the text): only
        # what this record says is written, nothing another source said is erased.
        said: dict[str, Any] = {
            "name": rec.org.name, "profile": rec.description, "industry_codes": rec.industry_codes,
            "region": rec.region, "website": rec.website, "country": rec.org.country,
            "size_class": rec.size_class, "registration_date": rec.registration_date,
            "status": rec.status,
        }  # fmt: skip
        values = {k: v for k, v in said.items() if v not in (None, "", [])}
        if rec.industry_codes:
            values["industry_codes"] = sorted(
                set(org.industry_codes or []) | set(rec.industry_codes)
            )
        if rec.names:
            # Each source's name history replaces what that source said before.
            kept = [n for n in org.names or [] if n.get("source") != rec.source]
            values["names"] = kept + [{**n, "source": rec.source} for n in rec.names]
        changed = any(getattr(org, k) != v for k, v in values.items())
        for k, v in values.items():
            setattr(org, k, v)
        if new:
            self.report.new += 1
        elif changed:
            self.report.updated += 1
        else:
            self.report.unchanged += 1

    def _procurement(self, rec: ProcurementRecord) -> None:
        self._preload(rec.source)
        key = (rec.source, rec.source_id)
        found = self.known.get(key)
        repeated = key in self.seen
        self.seen.add(key)
        if found is None:
            self._insert(rec)
            return
        if found[0] is None and self.reader.combine is None:
            # Repeated within this file while still buffered: filled in memory, as a stored one
            # would be (flushing to read it back cost a batch of round trips per repeat).
            self._count(self._fill_buffered(self.buffer[key], rec))
            return
        if found[0] is None:  # buffered earlier in this file; the reader combines stored raw
            self.flush()
            found = self.known[key]
        pid, old_hash, first_file = found
        fills = self.reader.partial or repeated or first_file != self.file_key
        new_hash = "" if fills or self.reader.combine else _hash(rec, rec.buyer)
        if new_hash and new_hash == old_hash:
            # Re-ingesting a file: its unchanged records cost a hash, not a round trip each.
            self.report.unchanged += 1
            return
        proc = self.session.get_one(Procurement, pid, options=[selectinload(Procurement.awards)])
        if self.reader.combine is not None:
            # The reader merges what is stored with what is new (OCDS releases of one ocid,
            # wherever they were published): the result replaces the stored record.
            merged = self.reader.combine(proc.raw, rec)
            if merged is None:
                self.report.unchanged += 1
            else:
                self._overwrite(proc, merged, _hash(merged, merged.buyer))
                self.report.updated += 1
            return
        # The same contract is published in several files (and twice in some): the first copy is
        # the record, later copies only fill its gaps, so re-ingesting changes nothing.
        if fills:
            changed = self._fill(proc, rec)
            if changed:
                # The build's watermark: an incremental build derives again what a later run wrote.
                proc.ingest_run_id = self.run_id
            self._count(changed)
        else:
            self._overwrite(proc, rec, new_hash)
            self._count(True)

    def _ids_ready(self, refs: list[OrgHandle]) -> None:
        """Write the new organisations if one of ``refs`` is not yet stored: its id is read next.

        Only organisations: buffered procurements wait for their batch (flushing them here cost
        a batch of round trips per contract repeated across files).
        """
        if any(isinstance(r, NewOrg) and r.id is None for r in refs):
            self.orgs.flush()

    def _count(self, changed: bool) -> None:
        if changed:
            self.report.updated += 1
        else:
            self.report.unchanged += 1

    def _fill_buffered(self, entry: _Buffered, rec: ProcurementRecord) -> bool:
        """``_fill`` for a procurement still in the buffer: its gaps filled, its awards added."""
        row, changed = entry[0], False
        for f in _FIELDS:
            if row[f] in _EMPTY and getattr(rec, f) not in _EMPTY:
                row[f], changed = getattr(rec, f), True
        if entry[1] is None and rec.buyer:
            entry[1], changed = self.orgs.resolve(rec.buyer), True
        have = {(id(o), a["lot"]) for a, o in entry[2]}
        for a in rec.awards:
            org = self.orgs.resolve(a.supplier)
            if (id(org), a.lot[:500]) not in have:
                have.add((id(org), a.lot[:500]))
                entry[2].append((self._award_row(a), org))
                changed = True
        return changed

    def _insert(self, rec: ProcurementRecord) -> None:
        row: dict[str, Any] = {f: getattr(rec, f) for f in _FIELDS}
        row.update(
            source=rec.source, source_id=rec.source_id, raw=_jsonable(rec.raw),
            content_hash="" if self.reader.partial else _hash(rec, rec.buyer),
            ingest_run_id=self.run_id, source_file=self.file_key, description=rec.description,
        )  # fmt: skip
        buyer = self.orgs.resolve(rec.buyer) if rec.buyer else None
        awards, have = [], set()
        for a in rec.awards:
            org = self.orgs.resolve(a.supplier)
            if (id(org), a.lot[:500]) in have:
                continue
            have.add((id(org), a.lot[:500]))
            awards.append((self._award_row(a), org))
        self.buffer[(rec.source, rec.source_id)] = [row, buyer, awards]
        self.known[(rec.source, rec.source_id)] = (None, row["content_hash"], self.file_key)
        self.report.new += 1
        if len(self.buffer) >= self._BATCH:
            self.flush()

    @staticmethod
    def _award_row(a: AwardRecord) -> dict[str, Any]:
        return {"lot": a.lot[:500], "value": a.value, "currency": a.currency, "date": a.date,
                "n_tenders": a.n_tenders}  # fmt: skip

    def _overwrite(self, proc: Procurement, rec: ProcurementRecord, new_hash: str) -> None:
        for f in _FIELDS:
            setattr(proc, f, getattr(rec, f))
        if rec.buyer:
            ref = self.orgs.resolve(rec.buyer)
            self.orgs.flush()
            proc.buyer_id = org_id(ref)
        proc.raw = _jsonable(rec.raw)
        proc.content_hash = new_hash
        proc.ingest_run_id = self.run_id
        if rec.awards:
            proc.awards.clear()
            self.session.flush()
            self._merge_awards(proc, rec)

    def _fill(self, proc: Procurement, rec: ProcurementRecord) -> bool:
        changed = False
        for f in _FIELDS:
            if getattr(proc, f) in _EMPTY and getattr(rec, f) not in _EMPTY:
                setattr(proc, f, getattr(rec, f))
                changed = True
        if proc.buyer_id is None and rec.buyer:
            ref = self.orgs.resolve(rec.buyer)
            self._ids_ready([ref])
            proc.buyer_id = org_id(ref)
            changed = True
        return self._merge_awards(proc, rec) or changed

    def _merge_awards(self, proc: Procurement, rec: ProcurementRecord) -> bool:
        """Add the record's awards that the procurement lacks; True if any was added."""
        refs = [(a, self.orgs.resolve(a.supplier)) for a in rec.awards]
        self._ids_ready([ref for _, ref in refs])
        have = {(a.supplier_id, a.lot) for a in proc.awards}
        added = False
        for a, ref in refs:
            key = (org_id(ref), a.lot[:500])
            if key in have:
                continue
            have.add(key)
            proc.awards.append(Award(supplier_id=key[0], **self._award_row(a)))
            added = True
        return added
