"""A fitted pipeline over the demo index, a helper that ranks a text with it, and a small index
of edge cases as documents and as loaded columns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from matcher.embed import Embedder
from matcher.embed.base import normalise
from matcher.index import (
    Corpus,
    ExactIndex,
    LexicalIndex,
    MatchIndex,
    ProcurementDoc,
    SupplierDoc,
    load_index,
    save_index,
)
from matcher.index.columns import ProcurementRows
from matcher.index.corpus import need_text
from matcher.rank import Need, Ranking, RankingPipeline
from matcher.vocab import cpv_vocabulary

Rank = Callable[..., Ranking]


@pytest.fixture(scope="module")
def pipeline(demo_index: MatchIndex) -> RankingPipeline:
    """The pipeline with the linear scorer over the demo index."""
    return RankingPipeline().fit(demo_index)


@pytest.fixture(scope="module")
def rank(pipeline: RankingPipeline, embedder: Embedder) -> Rank:
    """``rank(text, k=10, **need_fields)`` through ``pipeline``."""

    def _rank(text: str, k: int = 10, pipe: RankingPipeline | None = None, **kw: object) -> Ranking:
        need = Need(text=text, **kw)  # type: ignore[arg-type]
        vector = embedder.embed_query(need_text(text, need.cpv, cpv_vocabulary()))
        return (pipe or pipeline).rank(need, vector, k)

    return _rank


def _edge_corpus() -> Corpus:
    """Awards with every case a fit treats apart: a winner twice in one contract, a contract with
    no winner, no CPV code, a division code (no parent), repeated codes, buyer 0 and None,
    region "" and None, a value of 0, below 0 and None, no date, a winner that is no supplier."""
    def doc(i: int, winners: list[int], cpv: list[str], region: str | None, buyer: int | None,
            value: float | None, day: date | None = date(2021, 1, 1)) -> ProcurementDoc:  # fmt: skip
        return ProcurementDoc(id=100 + i, title=f"contract {i}", text=f"contract {i}",
                              buyer_id=buyer, buyer_name=None, cpv=cpv, date=day, value=value,
                              currency="EUR", region=region, winners=winners)  # fmt: skip

    procs = [
        doc(0, [11, 12], ["45233140", "45233200"], "FI1B1", 3, 1000.0, date(2020, 5, 1)),
        doc(1, [12, 12], ["90911200"], "", 0, 0.0, None),
        doc(2, [], ["45233140"], "FI1B1", 5, 50.0),
        doc(3, [13], [], "FR101", None, -5.0),
        doc(4, [11], ["45000000"], "FI1B1", 4, None),
        doc(5, [14], ["77211400", "77211400"], None, 3, 2.5e6, date(2019, 2, 3)),
        doc(6, [13, 11], ["45233200"], "FR101", 4, 10.0),
        doc(7, [12], ["45233140"], "FI1B1", 4, 1e-3),
    ]
    sups = [SupplierDoc(id=s, name=n, country="FI", region="FI1B1", profile_text=None)
            for s, n in ((11, "Asfaltti Oy"), (12, "Siivous Oy"), (13, "Élagage SA"))]  # fmt: skip
    return Corpus(procs, sups, {3: {12, 13}}, {"Siivouspalvelut": {12: 2, 13: 1}})


@pytest.fixture
def edge_indexes(tmp_path: Path) -> tuple[MatchIndex, MatchIndex]:
    """A small index of edge cases held as documents, and the same saved and loaded again (its
    corpus then read from memory-mapped columns)."""
    corpus = _edge_corpus()
    rng = np.random.default_rng(0)
    vectors = ExactIndex(normalise(rng.normal(size=(len(corpus.procurements), 4)).astype(np.float32)))
    index = MatchIndex(
        corpus=corpus, model_name="test", procurement_vectors=vectors,
        profile_vectors=ExactIndex(normalise(rng.normal(size=(1, 4)).astype(np.float32))),
        profile_rows=np.array([2], np.int64),
        lexical=LexicalIndex().fit([p.text for p in corpus.procurements]),
        built_at="now", sim_floor=0.0, sim_ceiling=1.0,
    )  # fmt: skip
    save_index(index, tmp_path)
    loaded = load_index(tmp_path)
    assert isinstance(loaded.corpus.procurements, ProcurementRows)
    return index, loaded
