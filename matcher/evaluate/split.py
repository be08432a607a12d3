"""Temporal splits: queries are what a buyer knows before tendering, training is strictly earlier."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from sqlalchemy import select

from ..exceptions import InvalidInputError
from ..index.build import MatchIndex
from ..index.corpus import ProcurementDoc, procurement_text
from ..index.subsets import index_before
from ..ingest.formats import detect, expand
from ..ingest.records import ProcurementRecord
from ..rank.need import Need
from ..store.db import session_scope
from ..store.models import Identifier
from ..vocab import cpv_vocabulary


@dataclass
class EvalQuery(Need):
    """One held-out contract as a need (what a buyer knows before tendering: title, CPV codes,
    buyer, region, date; never the awarded amount), with its winners as the truth."""

    key: str = ""
    truth: set[int] = field(default_factory=set)
    #: Passage text of the contract (title, CPV labels, description), as stored contracts have.
    passage: str = ""

    @property
    def day(self) -> date:
        """The query's date (every held-out query has one)."""
        assert self.date is not None
        return self.date


@dataclass
class Split:
    """Training index (everything before ``cut``) and the queries (on or after it).

    With ``history`` (rolling mode) each query may also use every award dated before its own
    date, as the running service would: methods learn on ``train`` once, then see
    ``history`` cut just before each query date.
    """

    mode: str
    cut: date
    train: MatchIndex
    queries: list[EvalQuery]
    history: MatchIndex | None = None

    @property
    def train_awards(self) -> int:
        return sum(len(p.winners) for p in self.train.corpus.procurements)


def default_cut(index: MatchIndex, test_share: float = 0.2) -> date:
    """The date that leaves the last ``test_share`` of dated awards as test."""
    dates = sorted(p.date for p in index.corpus.procurements if p.date for _ in p.winners)
    if not dates:
        raise InvalidInputError("no dated awards to split")
    return dates[min(len(dates) - 1, int(len(dates) * (1 - test_share)))]


def train_index(index: MatchIndex, before: date, include_undated: bool = False) -> MatchIndex:
    """The training side of a split: everything dated before the queries (``index_before``)."""
    return index_before(index, before, include_undated)


def _query(p: ProcurementDoc, key: str) -> EvalQuery:
    assert p.date is not None
    # No value: DECP's amount (and most sources') is the awarded one, unknown before tendering.
    return EvalQuery(key=key, text=p.title, cpv=p.cpv[:2], buyer_id=p.buyer_id, region=p.region,
                     date=p.date, truth=set(p.winners), passage=p.text)  # fmt: skip


def internal_split(
    index: MatchIndex, cut: date | None = None, include_undated: bool = False
) -> Split:
    """Queries: stored contracts with winners dated on or after ``cut``; training: before it."""
    cut = cut or default_cut(index)
    queries = [
        _query(p, f"procurement:{p.id}")
        for p in index.corpus.procurements
        if p.date and p.date >= cut and p.winners
    ]
    mode = "internal+undated" if include_undated else "internal"
    return Split(mode, cut, train_index(index, cut, include_undated), queries)


def rolling_split(index: MatchIndex, cut: date | None = None) -> Split:
    """The internal split's queries, each allowed every award dated strictly before itself."""
    split = internal_split(index, cut)
    return Split("rolling", split.cut, split.train, split.queries, history=index)


def external_split(index: MatchIndex, paths: Sequence[Path], database_url: str) -> Split:
    """Queries from held-out files (never written to the store); training: the store before them.

    Winners are matched to stored suppliers by identifier; a winner the store does not know gets
    an id of its own (negative), so it counts in the truth but can never be recommended.
    """
    records = [
        r
        for path in expand(list(paths))
        for r in detect(path).read(path)
        if isinstance(r, ProcurementRecord) and r.awards and r.date
    ]
    if not records:
        raise InvalidInputError("no dated awards in the --test files")
    vocab = cpv_vocabulary()
    with session_scope(database_url) as s:
        known = {(sc, v): o for sc, v, o in s.execute(
            select(Identifier.scheme, Identifier.value, Identifier.organisation_id))}  # fmt: skip
    unknown: dict[tuple[str, str], int] = {}
    queries = []
    for rec in records:
        truth = set()
        for a in rec.awards:
            key = (a.supplier.scheme, a.supplier.value)
            truth.add(known.get(key) or unknown.setdefault(key, -(len(unknown) + 1)))
        cpv = [c for c in [rec.cpv_main, *rec.cpv_additional] if c]
        assert rec.date is not None
        buyer_id = known.get((rec.buyer.scheme, rec.buyer.value)) if rec.buyer else None
        queries.append(EvalQuery(
            key=f"{rec.source}:{rec.source_id}", text=rec.title, cpv=cpv[:2], buyer_id=buyer_id,
            region=rec.region, date=rec.date, truth=truth,
            passage=procurement_text(rec.title, rec.description, cpv, vocab, 96),
        ))  # fmt: skip
    cut = min(q.day for q in queries)
    return Split("external", cut, train_index(index, cut), queries)


def without_cpv(split: Split) -> Split:
    """The same split with no CPV code in any query: the protocol for buyers who do not know
    their codes (most do not); the pipeline infers them from the text."""
    return replace(split, mode=f"{split.mode}, no CPV", queries=[replace(q, cpv=[]) for q in split.queries])


def validation_split(split: Split, share: float = 0.2) -> Split:
    """A split inside ``split``'s training period only (its last ``share`` of dated awards are the
    queries): every choice is made here, so the test queries are read once, for the table."""
    inner = internal_split(split.train, default_cut(split.train, share))
    return replace(inner, mode=f"validation in {split.mode}")
