"""One organisation's categories with every figure, before stakeholders and order are applied.

The expensive part (the service's ranking once per large category, CPV votes for uncoded notices)
is cached per organisation, store state and index build, so a page reload costs a few queries.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..index.builds import current_build
from ..innovation.schemas import NeedInnovationOut
from ..service import Matcher
from ..store.models import Identifier, Organisation, Procurement, Purchase
from ..vocab import cpv_vocabulary
from ..vocab.messages import MessageOut, Msg
from ..vocab.regions import fi_municipality_region
from . import indicators as ind
from .categories import UNCODED, Item, OrgItems, load_items
from .matrix import growth
from .measures import CategoryFacts, buyers_by_division, measures, partner_names
from .schemas import CategoryOut, SpendCoverage
from .solutions import fitting, fitting_suppliers, match_category

__all__ = ["Analysis", "analyse", "organisation_region"]

#: Categories, largest first, that the service's ranking is asked about (each costs one match).
MAX_MATCHED = 6
_BIDS = Path(__file__).resolve().parent.parent / "vocab" / "data" / "fi_municipality_bids.csv"
_CACHE: dict[tuple[object, ...], Analysis] = {}
_CPV_GUESS: dict[str, str | None] = {}


@dataclass
class Analysis:
    """The organisation's categories and what they rest on."""

    categories: list[CategoryOut]
    coverage: SpendCoverage
    sources: dict[str, int]
    years: list[int]
    total_spend: float
    impact_basis: str
    index_used: bool
    notes: list[str] = field(default_factory=list)


@dataclass
class _Context:
    """What every category of one organisation reads."""

    info: dict[int, ind.SupplierInfo]
    region: str | None
    country: str | None
    ids: set[int]
    by_div: dict[str, dict[int, int]]


@lru_cache(maxsize=1)
def _municipality_names() -> dict[str, str]:
    with _BIDS.open(encoding="utf-8") as fh:
        return {r["bid"].strip(): r["name"].strip() for r in csv.DictReader(fh)}


def organisation_region(session: Session, org: Organisation) -> str | None:
    """The organisation's region: its own, its municipality's, or where it buys most."""
    if org.region:
        return fi_municipality_region(org.region) or org.region
    bids = session.scalars(select(Identifier.value).where(
        Identifier.organisation_id == org.id, Identifier.scheme == "FI-YTUNNUS"))  # fmt: skip
    for bid in bids:
        region = fi_municipality_region(_municipality_names().get(bid))
        if region:
            return region
    region = fi_municipality_region(org.name)
    if region:
        return region
    return session.scalar(
        select(Procurement.region).where(Procurement.buyer_id == org.id,
                                         Procurement.region.is_not(None))
        .group_by(Procurement.region).order_by(func.count().desc()).limit(1))  # fmt: skip


def _infer(matcher: Matcher | None) -> object:
    if matcher is None or not matcher.index_ready():
        return None

    def guess(title: str) -> str | None:
        if title not in _CPV_GUESS:
            votes = matcher.suggest_cpv(title, n=1)
            # A weak vote would file the notice under a random division: leave it uncoded.
            _CPV_GUESS[title] = votes[0][0] if votes and votes[0][1] >= 0.25 else None
        return _CPV_GUESS[title]

    return guess


def _suppliers(session: Session, ids: set[int]) -> dict[int, ind.SupplierInfo]:
    out = {}
    for o in session.scalars(select(Organisation).where(Organisation.id.in_(list(ids)))):
        region = (fi_municipality_region(o.region) or o.region) if o.region else None
        out[o.id] = ind.SupplierInfo(o.name, o.size_class, region)
    return out


def _labels(key: str) -> dict[str, str]:
    vocab = cpv_vocabulary()
    code = key.ljust(8, "0")
    if key == UNCODED or code not in vocab:
        return {"fi": "luokittelematon", "sv": "oklassificerad", "en": "uncoded (no CPV)"}
    return {lang: vocab.label(code, lang) or key for lang in ("fi", "sv", "en")}


def _query_text(labels: dict[str, str], items: list[Item]) -> str:
    # The service adds the division's labels itself (the need's CPV); three frequent texts say
    # what the organisation buys in it. Short: the query's embedding is most of the cost.
    common = [t for t, _ in Counter(i.text[:100] for i in items if i.text).most_common(3)]
    return ". ".join(common) if common else labels["fi"]


def _category(session: Session, matcher: Matcher | None, key: str, items: list[Item],
              ctx: _Context, matched: bool) -> CategoryOut:  # fmt: skip
    info, region = ctx.info, ctx.region
    labels = _labels(key)
    own = {i.supplier_id for i in items if i.supplier_id}
    response = match_category(matcher, _query_text(labels, items), key) \
        if matcher is not None and matched and key != UNCODED else None  # fmt: skip
    suppliers = fitting_suppliers(session, response, own)
    candidates: list[tuple[str | None, bool, object]] = [
        (r.name, r.supplier_id in own, r.innovation) for r in fitting(response)]
    texts = " ".join(sorted({i.text for i in items}))
    potential = NeedInnovationOut.of(ind.category_potential(texts, items, candidates))
    market_view = getattr(response, "need_innovation", None)
    no_market = not any(i.supplier_id or i.n_tenders for i in items)
    if no_market and market_view is not None:
        # Own records without winners or bids (announced notices): read the room for innovation
        # from the similar procurements of other buyers, as for a new need, and say so.
        note = Msg("pf.read_from_others", "read from similar procurements of other buyers: the "
                   "organisation's own records in this category hold no winners or bids")
        potential = market_view.model_copy(update={
            "route_reasons": [note, *market_view.route_reasons],
            "route_reason_codes": [MessageOut.of(note), *market_view.route_reason_codes]})  # fmt: skip
    conc = ind.concentration(items, info)
    mk = ind.market(items, info, region)
    theme_hits = ind.themes(items)
    spend = round(sum(i.value or 0.0 for i in items if i.kind != "notice"), 2)
    facts = CategoryFacts(
        key=key, texts=texts, n_items=len(items), hhi=conc.hhi, top3=conc.top3_share,
        sme_share=mk["sme_share"], incumbency=mk["incumbency"],  # type: ignore[arg-type]
        mean_tenders=mk["mean_tenders"], single_bid=mk["single_bid_share"],  # type: ignore[arg-type]
        level=potential.level, score=potential.score, themes=theme_hits,
        untapped=[s for s in suppliers if s.innovation_signals and not s.already_supplies],
        n_flagged=mk["n_flagged"])  # type: ignore[arg-type]  # fmt: skip
    partners = partner_names(session, key, ctx.ids, region, ctx.by_div, ctx.country) \
        if key != UNCODED else []  # fmt: skip
    by_year = ind.years(items)
    return CategoryOut(
        key=key, label=labels["en"], labels=labels, spend=spend, spend_share=0.0,
        n_contracts=len({i.procurement_id for i in items if i.kind == "award"}),
        n_invoices=sum(i.kind == "invoice" for i in items),
        n_notices=sum(i.kind == "notice" for i in items), n_suppliers=len(own), by_year=by_year,
        growth=None, concentration=conc, themes=theme_hits,
        potential=potential, impact=0.0, room=potential.score,
        strategic_score=0.0, rank=0, reasons=[], measures=measures(facts, partners),
        suppliers=suppliers,
        examples=[t for t, _ in Counter(i.text[:120] for i in items if i.text).most_common(5)],
        **mk)  # type: ignore[arg-type]  # fmt: skip


def _coverage(data: OrgItems) -> SpendCoverage:
    mapped = sum(i.value or 0.0 for i in data.items if i.kind == "invoice")
    unmapped = sorted(data.unmapped.items(), key=lambda kv: -kv[1])
    return SpendCoverage(invoice_total=round(data.invoice_total, 2), mapped=round(mapped, 2),
                         not_purchases=round(data.not_purchases, 2),
                         unmapped=round(sum(data.unmapped.values()), 2),
                         unmapped_accounts=[(k, round(v, 2)) for k, v in unmapped[:10]])  # fmt: skip


def _url(session: Session) -> str:
    bind = session.get_bind()
    return str(bind.engine.url)


def _state(session: Session, matcher: Matcher | None, org: Organisation) -> tuple[object, ...]:
    n_p, last_p = session.execute(select(func.count(), func.max(Procurement.id))).one()
    n_i, last_i = session.execute(select(func.count(), func.max(Purchase.id))).one()
    built = None
    if matcher is not None and matcher.index_ready():
        built = str(current_build(matcher.settings.index_dir))  # a new build: a new analysis
    return (_url(session), org.id, n_p, last_p, n_i, last_i, built)


def analyse(session: Session, org: Organisation, matcher: Matcher | None) -> Analysis:
    """Every category of the organisation with its figures, measures and fitting suppliers."""
    key = _state(session, matcher, org)
    if key in _CACHE:
        return _CACHE[key]
    data = load_items(session, org, _infer(matcher))  # type: ignore[arg-type]
    groups: dict[str, list[Item]] = defaultdict(list)
    for it in data.items:
        groups[it.category].append(it)
    total = sum(i.value or 0.0 for i in data.items if i.kind != "notice")
    basis = "spend" if total > 0 else "count"
    size = {k: (sum(i.value or 0.0 for i in v if i.kind != "notice") if basis == "spend"
                else float(len(v))) for k, v in groups.items()}  # fmt: skip
    largest = sorted(size, key=lambda k: -size[k])
    ids = {org.id, *session.scalars(select(Organisation.id)
                                    .where(Organisation.merged_into_id == org.id))}  # fmt: skip
    ctx = _Context(_suppliers(session, {i.supplier_id for i in data.items if i.supplier_id}),
                   organisation_region(session, org), org.country, ids,
                   buyers_by_division(session))
    matched = set([k for k in largest if k != UNCODED][:MAX_MATCHED])
    cats = [_category(session, matcher, k, v, ctx, k in matched) for k, v in groups.items()]
    whole = sum(size.values()) or 1.0
    for c in cats:
        c.spend_share = round(size[c.key] / whole, 4)
        c.growth = _growth(c, basis)
    sources = Counter(i.kind for i in data.items)
    notes = _notes(data, matcher, basis, len(matched))
    years = sorted({i.year for i in data.items if i.year})
    result = Analysis(cats, _coverage(data), dict(sources), years, round(total, 2), basis,
                      matcher is not None and matcher.index_ready(), notes)  # fmt: skip
    _CACHE.clear()  # one organisation at a time is enough for a page and its chart
    _CACHE[key] = result
    return result


def _growth(c: CategoryOut, basis: str) -> float | None:
    """Growth of the category's spend (or record count) over its last two dated years."""
    if basis == "spend":
        return growth([(y.year, y.spend) for y in c.by_year])
    return growth([(y.year, float(y.n_contracts + y.n_invoices + y.n_notices)) for y in c.by_year])


def _notes(data: OrgItems, matcher: Matcher | None, basis: str, n_matched: int) -> list[str]:
    notes = []
    inferred = sum(i.inferred for i in data.items)
    if inferred:
        notes.append(f"{inferred} notices without CPV codes were placed in the division their "
                     "nearest past contracts vote for")  # fmt: skip
    uncoded = sum(i.category == UNCODED for i in data.items)
    if uncoded:
        notes.append(f"{uncoded} notices without CPV codes could not be placed (uncoded)")
    if data.n_duplicates:
        notes.append(f"{data.n_duplicates} listing entries repeat a notice already counted")
    if basis == "count":
        notes.append("no values in this organisation's data: impact is its share of records")
    if matcher is None or not matcher.index_ready():
        notes.append("no index built: no fitting suppliers and no untapped-supply dimension")
    else:
        notes.append(f"the service's ranking was asked for the {n_matched} largest categories")
    return notes
