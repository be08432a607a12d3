"""A fitted pipeline over the demo index and a helper that ranks a text with it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from matcher.embed import Embedder
from matcher.index import MatchIndex
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
