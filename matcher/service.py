"""The library's front door: one function per use, each returning a schema.

The API and the CLI call these and nothing deeper, so both behave the same.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from threadpoolctl import threadpool_limits

from .embed import Embedder, load_embedder
from .exceptions import NotFoundError
from .index import MatchIndex, load_index
from .index.corpus import need_text
from .rank import CaseBasedRanker, Query
from .schemas import (
    AwardOut,
    EvidenceContract,
    Health,
    MatchRequest,
    MatchResponse,
    ProcurementOut,
    PurchaseOut,
    Signal,
    SignalOut,
    SupplierMatch,
    SupplierOut,
)
from .settings import Settings
from .store.db import is_migrated
from .store.models import Award, Identifier, Organisation, Procurement, Purchase
from .store.models import Signal as SignalRow
from .vocab import cpv_vocabulary


class Matcher:
    """Holds the loaded index, ranker and embedder; safe to share across threads."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._lock = threading.Lock()
        self._index: MatchIndex | None = None
        self._ranker: CaseBasedRanker | None = None

    @property
    def embedder(self) -> Embedder:
        """The query embedder, loaded on first use."""
        with self._lock:
            if self._embedder is None:
                self._embedder = load_embedder(self.settings.model_name)
            return self._embedder

    def ranker(self) -> CaseBasedRanker:
        """The fitted ranker over the saved index, loaded on first use.

        Raises:
            IndexNotBuiltError: if ``innomatch build`` has not run.
        """
        with self._lock:
            if self._ranker is None:
                # Matching does small matrix-vector products; multi-threaded BLAS only fights the
                # embedder's OpenMP threads for the cores (measured: p50 34 -> 16 ms, p99 125 -> 31).
                threadpool_limits(limits=1, user_api="blas")
                self._index = load_index(self.settings.index_dir)
                self._ranker = CaseBasedRanker().fit(self._index)
            return self._ranker

    def warm_up(self) -> None:
        """Load the index, the ranker and the query model now (the first match is then fast)."""
        self.ranker()
        self.embedder.embed_query("warm-up")

    def reload(self) -> None:
        """Forget the loaded index so the next call reads the newest build."""
        with self._lock:
            self._index = self._ranker = None

    def index_ready(self) -> bool:
        """True if an index is loaded or can be."""
        return self._index is not None or (self.settings.index_dir / "index.joblib").is_file()

    def match(self, request: MatchRequest) -> MatchResponse:
        """Rank suppliers for a described need, each with its signals and evidence."""
        start = time.perf_counter()
        ranker = self.ranker()
        index = ranker.index_
        vocab = cpv_vocabulary()
        text = need_text(request.text, request.cpv, vocab)
        query = Query(
            text=request.text, vector=self.embedder.embed_query(text), cpv=request.cpv,
            region=request.region,
            buyer_id=request.buyer_id, country=request.filters.country,
            supplier_region=request.filters.region, with_awards_only=request.filters.with_awards_only,
        )  # fmt: skip
        ranked, query_cpv, inferred = ranker.rank(query, request.k)
        results = []
        for rank, c in enumerate(ranked, start=1):
            s = index.corpus.suppliers[c.supplier_pos]
            signals = [
                Signal(
                    name=name,
                    value=round(c.signals.get(name, 0.0), 4),
                    weight=weight,
                    contribution=round(weight * c.signals.get(name, 0.0), 4),
                    explanation=c.notes.get(name, "no support from this signal"),
                )  # fmt: skip
                for name, weight in ranker.weights_.items()
            ]
            evidence = [
                EvidenceContract(
                    procurement_id=p.id,
                    title=p.title,
                    buyer=p.buyer_name,
                    date=p.date,
                    value=p.value,
                    currency=p.currency,
                    cpv=p.cpv,
                    similarity=round(sim, 4),
                )
                for r, sim in zip(c.evidence_rows, c.evidence_sims, strict=True)
                for p in [index.corpus.procurements[r]]
            ]
            results.append(
                SupplierMatch(
                    rank=rank,
                    supplier_id=s.id,
                    name=s.name,
                    country=s.country,
                    identifiers=[f"{a}:{b}" for a, b in s.identifiers],
                    score=round(c.score, 4),
                    signals=signals,
                    matching_cpv=c.matching_cpv,
                    evidence=evidence,
                    n_awards=len(ranker.won_rows_.get(c.supplier_pos, [])),
                )  # fmt: skip
            )
        return MatchResponse(
            query_cpv=query_cpv, cpv_inferred=inferred, results=results, model=index.model_name,
            index_built_at=index.built_at, took_ms=round((time.perf_counter() - start) * 1000, 2),
        )  # fmt: skip


def _award_out(a: Award, proc: Procurement, supplier: Organisation) -> AwardOut:
    return AwardOut(
        procurement_id=proc.id, procurement_title=proc.title, supplier_id=supplier.id,
        supplier_name=supplier.name, lot=a.lot, value=a.value, currency=a.currency, date=a.date,
        n_tenders=a.n_tenders,
    )  # fmt: skip


def _find_org(session: Session, key: str) -> Organisation | None:
    org: Organisation | None = None
    if key.isdigit():
        org = session.get(Organisation, int(key))
    else:
        scheme, _, value = key.partition(":")
        ident = session.scalar(
            select(Identifier).where(Identifier.scheme == scheme, Identifier.value == value)
        ) if value else None  # fmt: skip
        org = ident.organisation if ident else None
    # An organisation merged by entity resolution answers as the one it was merged into.
    while org is not None and org.merged_into_id is not None:
        org = session.get(Organisation, org.merged_into_id)
    return org


def get_supplier(session: Session, key: str, max_awards: int = 50) -> SupplierOut:
    """A supplier by internal id or by ``SCHEME:value`` (e.g. ``FR-SIREN:123456789``).

    Raises:
        NotFoundError: if no organisation matches.
    """
    org = _find_org(session, key)
    if org is None:
        raise NotFoundError(f"no supplier {key!r}")
    n = session.scalar(select(func.count()).select_from(Award).where(Award.supplier_id == org.id))
    awards = session.scalars(
        select(Award).where(Award.supplier_id == org.id)
        .options(selectinload(Award.procurement))
        .order_by(Award.date.desc().nulls_last(), Award.id.desc()).limit(max_awards)
    ).all()  # fmt: skip
    n_purchases = session.scalar(
        select(func.count()).select_from(Purchase).where(Purchase.supplier_id == org.id)
    )
    purchases = session.scalars(
        select(Purchase).where(Purchase.supplier_id == org.id)
        .order_by(Purchase.date.desc().nulls_last()).limit(max_awards)
    ).all()  # fmt: skip
    signals = session.scalars(
        select(SignalRow)
        .where(SignalRow.organisation_id == org.id)
        .order_by(SignalRow.year, SignalRow.id)
    ).all()
    merged = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.merged_into_id == org.id)
    ).all()
    merged_from = [m.id for m in merged]
    history = {str(n["name"]) for n in org.names or [] if n.get("name")}
    merged_names = {str(m.name) for m in merged if m.name}
    other_names = sorted((merged_names | history) - {org.name or ""})
    return SupplierOut(
        size_class=org.size_class, registration_date=org.registration_date, status=org.status,
        n_purchases=n_purchases or 0, merged_from=merged_from, other_names=other_names,
        purchases=[PurchaseOut(buyer_id=p.buyer_id, buying_unit=p.buying_unit,
                               account_code=p.account_code, account_name=p.account_name,
                               amount=p.amount, date=p.date) for p in purchases],
        signals=[SignalOut(kind=x.kind, source=x.source, year=x.year, date=x.date, value=x.value)
                 for x in signals],
        id=org.id, name=org.name, country=org.country, region=org.region,
        identifiers=[f"{i.scheme}:{i.value}" for i in org.identifiers],
        industry_codes=list(org.industry_codes or []), profile=org.profile, website=org.website,
        n_awards=n or 0, awards=[_award_out(a, a.procurement, org) for a in awards],
    )  # fmt: skip


def get_procurement(session: Session, procurement_id: int) -> ProcurementOut:
    """A procurement with its awards.

    Raises:
        NotFoundError: if there is no such procurement.
    """
    p = session.get(Procurement, procurement_id)
    if p is None:
        raise NotFoundError(f"no procurement {procurement_id}")
    vocab = cpv_vocabulary()
    codes = [c for c in [p.cpv_main, *(p.cpv_additional or [])] if c]
    return ProcurementOut(
        id=p.id, source=p.source, source_id=p.source_id, title=p.title, description=p.description,
        buyer_id=p.buyer_id, buyer_name=p.buyer.name if p.buyer else None, cpv_main=p.cpv_main,
        cpv_additional=list(p.cpv_additional or []),
        cpv_labels={c: vocab.label(c) or "" for c in codes if c in vocab},
        value=p.value, currency=p.currency, date=p.date, place_name=p.place_name, region=p.region,
        procedure=p.procedure,
        awards=[_award_out(a, p, a.supplier) for a in p.awards],
    )  # fmt: skip


def health(session: Session, matcher: Matcher) -> Health:
    """Whether the database answers and the index is built, with counts."""
    url = matcher.settings.database_url
    if not is_migrated(url):
        return Health(status="degraded", database="not migrated", index_built=False,
                      procurements=0, suppliers=0, model=matcher.settings.model_name)  # fmt: skip
    n_proc = session.scalar(select(func.count()).select_from(Procurement)) or 0
    n_sup = session.scalar(select(func.count(func.distinct(Award.supplier_id)))) or 0
    ready = matcher.index_ready()
    return Health(
        status="ok" if ready else "degraded", database="ok", index_built=ready,
        procurements=n_proc, suppliers=n_sup, model=matcher.settings.model_name,
    )  # fmt: skip
