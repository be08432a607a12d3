"""The CPV inference report: hand-computed accuracies, the old method kept faithful, the sample."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from cpv_helpers import tiny_index

from matcher.embed import CachedEmbedder, Embedder, EmbeddingCache
from matcher.evaluate.cpv import cpv_inference_report, format_cpv_table, sample_queries
from matcher.evaluate.cpv_tune import tune_cpv_inferrer
from matcher.evaluate.split import EvalQuery, internal_split
from matcher.index import MatchIndex
from matcher.rank.cpv_infer import CpvInferrer
from matcher.settings import Settings


def _query(cpv: list[str]) -> EvalQuery:
    return EvalQuery(key="q", text="t", cpv=cpv, buyer_id=None, region=None,
                     date=date(2021, 1, 1), value=None, truth=set())  # fmt: skip


def test_report_on_a_hand_computed_case() -> None:
    index = tiny_index()  # road works (4523...) near (1, 0), cleaning (90911200) near (0, 1)
    inferrer = CpvInferrer(n_neighbours=1, weights={"votes": 1.0, "labels": 0.0, "classifier": 0.0})
    inferrer.fit(index)
    queries = [
        _query(["45233140"]),  # nearest: asphalt A (45233140): right at every level
        _query(["45233200"]),  # nearest: asphalt A again: division, group, class right; code wrong
        _query(["90920000"]),  # nearest: cleaning (90911200): division, group right, class wrong
        _query([]),  # no code: left out
    ]
    vectors = np.array([[1.0, 0.0], [1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], np.float32)
    report = cpv_inference_report(index, queries, vectors, inferrer)
    assert report["queries"] == 3
    levels = report["methods"]["inferred"]["levels"]
    assert levels["division"] == {"top1": 1.0, "top5": 1.0}
    assert levels["group"]["top1"] == 1.0
    assert levels["class"] == {"top1": 0.6667, "top5": 0.6667}  # 9091 is not 9092
    assert levels["category"]["top1"] == 0.6667  # 45233 twice right, 90911 for 90920
    assert levels["code"]["top1"] == 0.3333
    # The old method lets all four contracts vote (its 20 nearest), by calibrated similarity:
    # for the third need the three road works (0.60 + 0.64 + 0.69) outvote cleaning (0.80).
    for reading in ("levels", "codes"):
        old = report["methods"]["votes_only"][reading]
        assert old["division"] == {"top1": 0.6667, "top5": 1.0}
        assert old["class"]["top5"] == 0.6667
    old_codes = report["methods"]["votes_only"]["codes"]
    assert old_codes["code"] == {"top1": 0.3333, "top5": 0.6667}  # 45233200 is second for need 2
    table = format_cpv_table(report)
    assert "votes_only" in table and "division @1" in table


def test_sample_is_seeded_and_keeps_order() -> None:
    queries = [_query([f"{i:02d}000000"]) for i in range(10)] + [_query([])]
    vectors = np.arange(11, dtype=np.float32)[:, None]
    a, va = sample_queries(queries, vectors, n=4, seed=1)
    b, _ = sample_queries(queries, vectors, n=4, seed=1)
    assert [q.cpv for q in a] == [q.cpv for q in b] and len(a) == 4
    assert all(q.cpv for q in a) and list(va[:, 0]) == sorted(va[:, 0])
    assert [int(v) for v in va[:, 0]] == [int(q.cpv[0][:2]) for q in a]


@pytest.mark.slow
def test_choices_are_made_inside_the_training_period(demo_index: MatchIndex, embedder: Embedder,
                                                     demo_settings: Settings) -> None:  # fmt: skip
    split = internal_split(demo_index)
    cache = EmbeddingCache(embedder.name, demo_settings.embedding_cache_dir,
                           demo_settings.embedding_seed_dirs)  # fmt: skip
    grid = {"n_neighbours": (20,), "vote_temperature": (0.02,), "label_temperature": (0.01,),
            "label_langs": (("en",),), "label_pool": (1, 3), "classifier_c": (0.01,),
            "weight_step": (0.5,), "wording_c": (10.0,), "wording_temperature": (0.05,),
            "wording_weight": (0.0, 0.3), "wording_votes_weight": (0.0, 0.1),
            "min_wording_classifier": (0.0, 0.3), "min_wording": (0.3,),
            "buyer_smoothing": (10.0,), "region_smoothing": (10.0,), "buyer_weight": (0.0, 0.1),
            "region_weight": (0.0, 0.1)}  # fmt: skip
    params, record = tune_cpv_inferrer(split.train, CachedEmbedder(embedder, cache), grid)
    assert date.fromisoformat(record["cut"]) < split.cut  # the validation cut is in training
    assert record["train_contracts"] < len(split.train.corpus.procurements)
    assert params["label_pool"] in (1, 3) and sum(params["weights"].values()) == pytest.approx(1.0)
    assert params["min_wording_classifier"] in (0.0, 0.3) and params["min_wording"] == 0.3
    mixed, alone = record["scores"]["objective"], record["each_part_alone"]
    assert mixed >= max(a["objective"] for a in alone.values())  # a part alone is one of the mixes
    assert alone["classifier"]["division@1"] > 0.5  # titles say their trade
    # Each stage keeps or improves on the one before (no new part at all is one of its trials).
    stages = [s["objective"] for s in record["stages"].values()]
    assert len(stages) == 3 and stages == sorted(stages) and stages[-1] == mixed
    assert alone["buyer"]["division@5"] > 0.3  # a buyer's past trades say something of the next
