"""A buyer's invoices tell the ranker whom it already buys from."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from matcher.embed import Embedder
from matcher.index import build_index
from matcher.ingest import ingest_paths
from matcher.schemas import MatchRequest
from matcher.service import Matcher
from matcher.settings import Settings
from matcher.store.db import session_scope
from matcher.store.models import Identifier

pytestmark = pytest.mark.slow


def test_supplier_the_buyer_pays_is_marked(
    shared_data: Path, tmp_path: Path, embedder: Embedder
) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    # Niscayah Oy (1936772-6) is a real supplier in Kemijärvi's invoices; the profile text here
    # describes its line of business so that the need can find it.
    profile = tmp_path / "profiles.csv"
    profile.write_text(
        "id,name,description,industry_codes,region,website\n"
        "1936772-6,Niscayah Oy,Turvallisuusjärjestelmät: kulunvalvonta ja rikosilmoitinjärjestelmät,"
        ",Helsinki,\n",
        encoding="utf-8",
    )
    from matcher.store.db import migrate

    migrate(url)
    ingest_paths(url, [shared_data / "hilma-2014" / "notices_2014_full.json", profile,
                       shared_data / "fi-municipal-invoices" / "kemijarvi_2022-q4_purchase_invoices.csv"])  # fmt: skip
    settings = Settings(database_url=url, index_dir=tmp_path / "index",
                        embedding_cache_dir=tmp_path / "emb")  # fmt: skip
    build_index(settings, embedder=embedder)
    with session_scope(url) as s:
        kemijarvi = s.scalar(
            select(Identifier.organisation_id).where(Identifier.value == "0191717-9")
        )
    need = "kulunvalvontajärjestelmän huolto ja rikosilmoitinjärjestelmät"
    for learned in (True, False):
        matcher = Matcher(settings.model_copy(update={"use_learned_ranker": learned}),
                          embedder=embedder)  # fmt: skip
        with_buyer = matcher.match(MatchRequest(text=need, buyer_id=kemijarvi, k=5))
        without = matcher.match(MatchRequest(text=need, k=5))
        hit = next(r for r in with_buyer.results if r.name == "Niscayah Oy")
        signal = next(s for s in hit.signals if s.name == "same_buyer")
        # Both scorers read and explain the buyer's invoices ...
        assert signal.value == 1.0 and "invoices" in signal.explanation
        other = next(r for r in without.results if r.name == "Niscayah Oy")
        if not learned:
            # ... the linear scorer weighs them; the trained one, fitted on award data where no
            # supplier is known from invoices, gives them next to none (said in the README):
            # same_buyer is also set by a past award, so a few of its trees split on it.
            assert hit.score > other.score
        else:
            assert abs(signal.contribution) < 1e-3
