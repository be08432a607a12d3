"""Innovative share counted from flags and estimated from texts, with its chart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.exceptions import InvalidInputError
from matcher.ingest import ingest_paths
from matcher.innovation.stats import estimate_share, innovation_stats, plot_stats
from matcher.store.db import session_scope


def test_counts_buyer_flags_on_real_eforms_examples(db_url: str, shared_data: Path) -> None:
    sdk = shared_data / "eforms-examples" / "eforms-sdk"
    ingest_paths(
        db_url, [sdk / "can_24_maximal.xml", sdk / "can_24_minimal.xml", sdk / "cn_24_maximal.xml"]
    )
    with session_scope(db_url) as s:
        stats = innovation_stats(s, "year")
        by_cpv = innovation_stats(s, "cpv")
    assert stats.overall.n == 3 and stats.overall.n_flagged_buyer == 2
    assert stats.overall.share == pytest.approx(2 / 3, abs=1e-3)
    assert sum(r.n for r in stats.rows) == 3 and stats.target == 0.10
    assert not stats.estimate.available and "flagged" in stats.estimate.reason
    assert sum(r.n_flagged for r in by_cpv.rows) == 2
    with session_scope(db_url) as s, pytest.raises(InvalidInputError):
        innovation_stats(s, "colour")


def test_estimate_on_real_titles_is_labelled(demo_data: Path) -> None:
    import gzip
    import json

    with gzip.open(
        demo_data / "decp" / "marches-publics.info.json.gz", "rt", encoding="utf-8"
    ) as fh:
        records = json.load(fh)["marches"]
    texts = [str(r.get("objet", "")) for r in records]
    # A label a text can show: titles about studies (études) stand in for flagged notices.
    labels = np.array(["étude" in t.casefold() for t in texts], dtype=int)
    est = estimate_share(texts, labels, n_boot=50)
    assert est.available and est.share is not None and est.low is not None and est.high is not None
    assert est.low <= est.share <= est.high
    assert est.cv_auc is not None and est.cv_auc > 0.8  # the words themselves are learnable
    assert est.share >= labels.mean() - 1e-9  # flags are a subset of the innovative


def test_chart_is_a_png(tmp_path: Path, db_url: str, shared_data: Path) -> None:
    ingest_paths(db_url, [shared_data / "eforms-examples" / "eforms-sdk" / "can_24_maximal.xml"])
    with session_scope(db_url) as s:
        stats = innovation_stats(s, "region")
    plot_stats(stats, tmp_path / "share.png")
    assert (tmp_path / "share.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
