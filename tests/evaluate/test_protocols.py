"""Evaluation that cannot flatter itself: what a query holds, the no-CPV and validation protocols,
and the innovation-weight trade-off."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from matcher.embed import CachedEmbedder, Embedder, EmbeddingCache
from matcher.evaluate.harness import evaluate, query_vectors
from matcher.evaluate.methods import Innomatch
from matcher.evaluate.split import internal_split, validation_split, without_cpv
from matcher.evaluate.tradeoff import shares
from matcher.index import MatchIndex
from matcher.innovation.supplier import Component, SupplierPotential


def test_a_query_holds_no_awarded_amount(demo_index: MatchIndex) -> None:
    split = internal_split(demo_index)
    valued = [p for p in demo_index.corpus.procurements if p.value and p.date and p.date >= split.cut]
    assert valued, "the demo's held-out contracts carry awarded amounts"
    assert all(q.value is None for q in split.queries)


def test_validation_split_stays_inside_the_training_period(demo_index: MatchIndex) -> None:
    split = internal_split(demo_index)
    val = validation_split(split)
    assert val.queries and val.cut < split.cut
    assert all(q.day < split.cut for q in val.queries)
    assert not {q.key for q in val.queries} & {q.key for q in split.queries}
    latest = max(p.date for p in val.train.corpus.procurements if p.date)
    assert latest < val.cut


def test_no_cpv_protocol_drops_every_code(demo_index: MatchIndex) -> None:
    split = internal_split(demo_index)
    bare = without_cpv(split)
    assert [q.key for q in bare.queries] == [q.key for q in split.queries]
    assert all(not q.cpv for q in bare.queries) and any(q.cpv for q in split.queries)
    assert "no CPV" in bare.mode


@pytest.mark.slow
def test_pipeline_infers_codes_when_the_query_has_none(demo_index: MatchIndex, embedder: Embedder,
                                                       tmp_path: Path) -> None:  # fmt: skip
    split = without_cpv(internal_split(demo_index))
    split.queries = split.queries[:40]
    vectors = query_vectors(split, CachedEmbedder(embedder, EmbeddingCache(embedder.name, tmp_path)))
    method = Innomatch(name="case_based").fit(split.train)
    inferred = [method.pipeline_.context(q, v).cpv for q, v in zip(split.queries, vectors, strict=True)]  # type: ignore[attr-defined]
    assert sum(bool(c) for c in inferred) > 30
    result = evaluate(split, [method], vectors)
    assert result["split"]["mode"].endswith("no CPV") and result["methods"][0]["metrics"]["HR@10"] > 0


def _potential(score: float, **values: float) -> SupplierPotential:
    comps = [Component(name, v, 0.1, 1.0, []) for name, v in values.items()]
    return SupplierPotential(score=score, confidence=1.0, components=comps)


def test_tradeoff_shares_are_counted_by_hand() -> None:
    ranked = [[1, 2, 3], [3, 4]]
    pots = {1: _potential(40, funding=0.5), 2: _potential(10, newcomer=1.0),
            3: _potential(20, themes=0.2), 4: _potential(0)}  # fmt: skip
    awards = Counter({1: 5, 2: 1, 3: 2, 4: 0})
    out = shares(ranked, pots, awards, {1: True, 2: False, 3: True})
    # Top-10 entries: 1, 2, 3, 3, 4. Signals: 1 (funding), 3 twice (themes); newcomer is not one.
    assert out["innovation_signals@10"] == pytest.approx(3 / 5)
    assert out["few_awards@10"] == pytest.approx(4 / 5)  # all but supplier 1
    assert out["SME@10"] == pytest.approx(3 / 4)  # of the four entries whose size is known
    assert shares([], {}, Counter(), {})["SME@10"] is None
