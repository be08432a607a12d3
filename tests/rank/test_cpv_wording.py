"""The wording parts of CPV inference: the n-gram classifier and the votes of contracts near by
wording."""

from __future__ import annotations

import numpy as np
from cpv_helpers import HashEmbedder, make_index

from matcher.index import MatchIndex
from matcher.rank.cpv_infer import CpvInferrer
from matcher.rank.cpv_wording import WordingClassifier, wording_votes

_ROADS = ["réfection de voirie", "travaux de chaussée", "enrobés de voirie communale",
          "voirie et réseaux divers", "chaussée et trottoirs", "entretien de voirie"]  # fmt: skip
_CLEANING = ["nettoyage des locaux", "nettoyage des écoles", "prestations de nettoyage",
             "nettoyage de vitres", "nettoyage des bureaux", "entretien ménager et nettoyage"]  # fmt: skip


def _index() -> MatchIndex:
    rows = [(t, "45233140") for t in _ROADS] + [(t, "90911200") for t in _CLEANING]
    vectors = HashEmbedder().embed_queries([t for t, _ in rows])
    return make_index([(t, c, v) for (t, c), v in zip(rows, vectors, strict=True)])


def test_classifier_reads_inflected_words() -> None:
    clf = WordingClassifier().fit(_ROADS + _CLEANING, ["45233140"] * 6 + ["90911200"] * 6)
    # "nettoyages" and "voiries" never occur as such: their n-grams do.
    assert max(clf.scores("nettoyages annuels")[2].items(), key=lambda kv: kv[1])[0] == "90"
    assert max(clf.scores("voiries rurales")[2].items(), key=lambda kv: kv[1])[0] == "45"
    assert clf.scores("zzzz qqqq") == {}  # no known n-gram: silent, not a guess


def test_votes_favour_the_closest_wording() -> None:
    codes = ["45233140", "90911200", "90911200"]
    rows, scores = np.array([0, 1, 2]), np.array([0.9, 0.5, 0.5], np.float32)
    sharp = wording_votes((rows, scores), codes, temperature=0.02)
    flat = wording_votes((rows, scores), codes, temperature=10.0)
    assert sharp[2]["45"] > 0.99  # the best match outvotes two weak ones
    assert flat[2]["90"] > flat[2]["45"]  # without sharpness, two votes beat one
    assert abs(sum(sharp[2].values()) - 1.0) < 1e-9
    assert wording_votes((rows[:0], scores[:0]), codes, 0.02) == {}


def test_inferrer_reads_the_text_only_when_given() -> None:
    index = _index()
    only_words = {"votes": 0.0, "labels": 0.0, "classifier": 0.0, "wording": 0.5,
                  "wording_votes": 0.5}  # fmt: skip
    inferrer = CpvInferrer(weights=only_words).fit(index, HashEmbedder())
    vector = HashEmbedder().embed_queries(["xyz"])[0]
    levels = inferrer.predict_levels(vector, text="nettoyage des vestiaires")
    assert max(levels[2].items(), key=lambda kv: kv[1])[0] == "90"
    parts = inferrer.part_scores(vector, text="nettoyage des vestiaires")
    assert {"wording", "wording_votes"} <= set(parts)
    assert not {"wording", "wording_votes"} & set(inferrer.part_scores(vector))


def test_wording_foreign_to_the_past_stays_silent() -> None:
    # A Swedish need against French titles: its n-grams match nothing well, so the wording
    # parts do not vote (they would vote at random).
    only_words = {"votes": 0.0, "labels": 0.0, "classifier": 0.0, "wording": 0.5,
                  "wording_votes": 0.5}  # fmt: skip
    inferrer = CpvInferrer(weights=only_words, min_wording=0.0, min_wording_classifier=0.0)
    inferrer.fit(_index(), HashEmbedder())
    vector = HashEmbedder().embed_queries(["xyz"])[0]
    words = {"wording", "wording_votes"}
    assert not words & set(inferrer.part_scores(vector, text="hemtjänst för äldre"))
    assert words <= set(inferrer.part_scores(vector, text="nettoyage des vitres"))  # its own do


def test_each_wording_part_has_its_own_gate() -> None:
    # "lavage auto" shares a little wording with the titles (its best lexical score is 0.15).
    only_words = {"votes": 0.0, "labels": 0.0, "classifier": 0.0, "wording": 0.5,
                  "wording_votes": 0.5}  # fmt: skip
    inferrer = CpvInferrer(weights=only_words, min_wording=0.3, min_wording_classifier=0.1)
    inferrer.fit(_index(), HashEmbedder())
    vector, words = HashEmbedder().embed_queries(["xyz"])[0], {"wording", "wording_votes"}

    def speaking(text: str) -> set[str]:
        return words & set(inferrer.part_scores(vector, text=text))

    assert speaking("lavage auto") == {"wording"}
    inferrer.min_wording, inferrer.min_wording_classifier = 0.1, 0.3
    assert speaking("lavage auto") == {"wording_votes"}
    inferrer.min_wording = inferrer.min_wording_classifier = 0.2
    assert speaking("lavage auto") == set() and speaking("nettoyage des vitres") == words
