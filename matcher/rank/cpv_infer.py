"""CPV codes inferred from a need's text (and its buyer): near contracts' votes, CPV labels,
classifiers and the buyer's past codes.

Views of the same question, each a distribution over code prefixes per CPV level:

- *votes*: the main codes of the nearest past contracts, weighted by how close each is;
- *labels*: zero-shot similarity of the need to the CPV vocabulary's own labels (fi/sv/en; the
  model is cross-lingual), which reaches codes no past contract used;
- *classifier*: logistic regressions from the need's vector to the division and the group,
  trained on past contract titles embedded as queries *without* CPV labels, as a need is;
- *wording* and *wording_votes*: the need's own words: a character n-gram classifier to the
  division, and the votes of the contracts nearest by wording (``cpv_wording``);
- *buyer* and *region*: the divisions and groups the need's buyer (its region) bought in the
  fitted period, smoothed toward all contracts' (``cpv_prior``); silent without one.

Their weighted mean per level ranks divisions, groups, classes and categories; full codes are
ranked by the geometric mean of their prefixes' probabilities (``cpv_parts.rank_codes``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.pipeline import Pipeline

from ..index.build import MatchIndex
from ..vocab import cpv_vocabulary
from .context import Neighbours
from .cpv_parts import (
    LabelTable,
    LevelScores,
    TextEmbedder,
    label_text,
    level_marginals,
    mix,
    rank_codes,
    vote_shares,
)  # fmt: skip
from .cpv_prior import HistoryPrior
from .cpv_rows import first_codes, fit_wording, labelled_rows, level_classifiers, proba, sample_rows
from .cpv_wording import wording_votes

__all__ = ["DEFAULT_PART_WEIGHTS", "CpvInferrer", "label_codes"]

#: Weight of each part in the mix. This and every default below are the choice of
#: ``evaluate.cpv_tune.tune_cpv_inferrer`` on the demo's validation cut (inside its training period),
#: except the buyer and region priors: the search gave them 0.02 each for a gain of 0.0003 on its
#: objective (group top-1 only, divisions unchanged), which is below the spread between settings,
#: for 2 ms of CPU per need (3.3 -> 5.3 ms on 500 demo needs). Off by default; weight 0 is not fitted.
#: The wording parts' weights were re-chosen with their lexical gates searched (both 0 chosen).
DEFAULT_PART_WEIGHTS: dict[str, float] = {"votes": 0.2, "labels": 0.04, "classifier": 0.16,
                                           "wording": 0.3, "wording_votes": 0.3,
                                           "buyer": 0.0, "region": 0.0}  # fmt: skip


def label_codes(depth: int = 4) -> list[str]:
    """CPV codes down to ``depth`` significant digits (4: divisions, groups and classes, 1,319)."""
    return sorted(c for c in cpv_vocabulary().labels if c[depth:] == "0" * (8 - depth))


class CpvInferrer:
    """Ranks CPV codes for a need's vector; follows the scikit-learn estimator contract.

    Args:
        n_neighbours: Nearest contracts that vote.
        vote_temperature: Votes weigh ``exp((sim - best_sim) / T)``: small T trusts the closest.
        label_temperature: Softmax temperature over label similarities, per level.
        classifier_c: Inverse regularisation strength of the logistic regressions (on
            standardised vectors: unscaled e5 vectors make lbfgs crawl).
        classifier_levels: Prefix lengths with a classifier (2 division, 3 group, 4 class).
        weights: Weight per part (``votes``, ``labels``, ``classifier``, ``wording``,
            ``wording_votes``, ``buyer``, ``region``); missing names take
            ``DEFAULT_PART_WEIGHTS``; a part with weight 0 is not fitted.
        label_langs: Languages of the label passages (English did best on French needs; the
            model is cross-lingual, so Finnish needs match the English labels too).
        label_depth: Labels embedded down to this many significant digits.
        label_pool: A prefix's label score is the mean of its this many best labels (1: the best).
        classifier_labels: Train the classifiers on the label passages too, besides the titles.
        wording_c: Inverse regularisation strength of the n-gram classifier.
        wording_temperature: Wording votes weigh ``exp((score - best) / T)``.
        n_wording: Nearest contracts by wording that vote.
        min_wording: The wording votes speak only if the best contract by wording scores at
            least this (lexical cosine): below it the need shares no more wording with the past
            than unrelated titles do, and its nearest contracts by wording would vote at random.
            The validation cut chose 0 among 0, 0.2 and 0.3 (0.3, the lexical feature's "full
            match" mark, was the hand-set gate before): the parts then stay silent only for a
            need that shares no n-gram with any past contract (a Swedish need against French
            titles): on the 541 of its 1,513 needs under 0.3 these votes still named the true
            division first for 0.56 of them.
        min_wording_classifier: The same gate for the n-gram classifier; the validation cut
            chose 0 among 0, 0.1, 0.2 and 0.3. On those 541 needs the n-gram classifier named the
            true division first more often than the vector classifier (0.63 against 0.59); with
            both gates searched the mix's division top-5 went from 0.905 to 0.912.
        buyer_smoothing: Pseudo-contracts of the global distribution in the buyer prior.
        region_smoothing: The same for the region prior.
        max_fit_rows: At most this many labelled titles train the classifiers and the wording
            classifier; beyond it they train on a seeded random sample (the fits grow with the
            titles: 13 minutes of a build at 100k contracts, out of reach at 1M). The votes
            read every contract whatever the cap.
        random_state: Seed of that sample (the same index and seed give the same sample).
    """

    def __init__(
        self,
        n_neighbours: int = 100,
        vote_temperature: float = 0.01,
        label_temperature: float = 0.005,
        classifier_c: float = 0.01,
        classifier_levels: Sequence[int] = (2, 3),
        weights: Mapping[str, float] | None = None,
        label_langs: Sequence[str] = ("en",),
        label_depth: int = 4,
        label_pool: int = 1,
        classifier_labels: bool = False,
        wording_c: float = 10.0,
        wording_temperature: float = 0.1,
        n_wording: int = 100,
        min_wording: float = 0.0,
        min_wording_classifier: float = 0.0,
        buyer_smoothing: float = 1.0,
        region_smoothing: float = 3.0,
        max_fit_rows: int = 50_000,
        random_state: int = 0,
    ) -> None:
        self.n_neighbours = n_neighbours
        self.vote_temperature = vote_temperature
        self.label_temperature = label_temperature
        self.classifier_c = classifier_c
        self.classifier_levels = classifier_levels
        self.weights = weights
        self.label_langs = label_langs
        self.label_depth = label_depth
        self.label_pool = label_pool
        self.classifier_labels = classifier_labels
        self.wording_c = wording_c
        self.wording_temperature = wording_temperature
        self.n_wording = n_wording
        self.min_wording = min_wording
        self.min_wording_classifier = min_wording_classifier
        self.buyer_smoothing = buyer_smoothing
        self.region_smoothing = region_smoothing
        self.max_fit_rows = max_fit_rows
        self.random_state = random_state

    def fit(self, index: MatchIndex, embedder: TextEmbedder | None = None,
            previous: CpvInferrer | None = None) -> CpvInferrer:  # fmt: skip
        """Learn from the contracts of ``index`` (for evaluation: the training side of a split).

        Without ``embedder`` only the votes are used (labels and titles must be embedded).
        With ``previous`` (an incremental build: the last build's inferrer, same parameters) its
        labels, classifiers and priors are kept and only the codes the votes read by row are
        read from ``index``; ``added_docs_`` counts the contracts indexed since its last fit.
        """
        self.index_ = index
        self.row_codes_: list[str | None] = first_codes(index.corpus.procurements)
        if previous is not None:
            kept = {k: v for k, v in vars(previous).items() if k.endswith("_") and k != "index_"}
            self.__dict__.update({**kept, "index_": index, "row_codes_": self.row_codes_})
            self.added_docs_ = getattr(previous, "added_docs_", 0) + len(self.row_codes_) - index.reused
            return self
        self.fitted_docs_, self.added_docs_ = len(self.row_codes_), 0
        self.weights_ = {**DEFAULT_PART_WEIGHTS, **(self.weights or {})}
        self.fit_rows_ = sample_rows(labelled_rows(index.corpus.procurements), self.max_fit_rows,
                                     self.random_state)  # fmt: skip
        procs = index.corpus.procurements
        titles = [procs[r].title or "" for r in self.fit_rows_.tolist()]
        codes = [self.row_codes_[r] or "" for r in self.fit_rows_.tolist()]
        self.labels_: LabelTable | None = None
        self.classifiers_: dict[int, Pipeline] = {}
        self.wording_ = fit_wording(titles, codes, self.wording_c) if self.weights_["wording"] > 0 else None
        self.priors_ = {
            name: HistoryPrior(field, smoothing).fit(index.corpus.procurements)
            for name, field, smoothing in (("buyer", "buyer_id", self.buyer_smoothing),
                                           ("region", "region", self.region_smoothing))
            if self.weights_[name] > 0
        }  # fmt: skip
        if embedder is None:
            return self
        label_vectors = None
        if self.weights_["labels"] > 0 or self.classifier_labels:
            vocab = cpv_vocabulary()
            texts = [label_text(c, vocab, self.label_langs) for c in label_codes(self.label_depth)]
            label_vectors = embedder.embed_passages(texts)
        if self.weights_["labels"] > 0 and label_vectors is not None:
            self.labels_ = LabelTable(label_codes(self.label_depth), label_vectors, self.label_pool)
        if self.weights_["classifier"] > 0 and titles:
            x, y = embedder.embed_queries(titles), list(codes)
            if self.classifier_labels and label_vectors is not None:
                # The CPV labels join as one example each of their own code, so a division or
                # group that few past contracts used still has examples.
                x, y = np.vstack([x, label_vectors]), y + label_codes(self.label_depth)
            self.classifiers_ = level_classifiers(x, y, self.classifier_levels, self.classifier_c)
        return self

    def part_scores(
        self,
        vector: np.ndarray,
        neighbours: Neighbours | None = None,
        text: str | None = None,
        wording: Neighbours | None = None,
        buyer_id: int | None = None,
        region: str | None = None,
    ) -> dict[str, LevelScores]:
        """Each fitted part's distribution over prefixes per level, before mixing (the wording
        parts only with ``text``; ``wording``: its nearest contracts by wording, if searched; the
        priors only with a ``buyer_id`` or ``region`` that has a history)."""
        out = self._text_parts(text, wording) if text is not None else {}
        # getattr: an inferrer saved before the priors existed has no such state.
        for name, key in (("buyer", buyer_id), ("region", region)):
            if (prior := getattr(self, "priors_", {}).get(name)) and (scores := prior.scores(key)):
                out[name] = scores
        if neighbours is None:
            neighbours = self.index_.procurement_vectors.search(vector, self.n_neighbours)
        rows, sims = neighbours[0][: self.n_neighbours], neighbours[1][: self.n_neighbours]
        if len(rows):
            w = np.exp((sims - sims[0]) / self.vote_temperature)
            shares = vote_shares([self.row_codes_[r] for r in rows], w)
            out["votes"] = level_marginals(shares)
        if self.labels_ is not None:
            out["labels"] = self.labels_.scores(vector, self.label_temperature)
        if self.classifiers_:
            out["classifier"] = {
                n: dict(zip(clf.classes_.tolist(), proba(clf, vector).tolist(), strict=True))
                for n, clf in self.classifiers_.items()
            }
        return out

    def _text_parts(self, text: str, wording: Neighbours | None) -> dict[str, LevelScores]:
        out: dict[str, LevelScores] = {}
        if wording is None:
            wording = self.index_.lexical.search(text, self.n_wording)
        # Wording foreign to the past contracts (best match under a gate): that part is silent.
        best = float(wording[1][0]) if len(wording[1]) else -1.0
        # getattr: an inferrer saved before the wording parts (or the classifier's own gate)
        # existed has no such state; its one gate then held for both parts.
        gate = getattr(self, "min_wording", 0.3)
        clf = getattr(self, "wording_", None)
        if clf is not None and best >= getattr(self, "min_wording_classifier", gate):
            out["wording"] = clf.scores(text)
        if self.weights_.get("wording_votes", 0.0) > 0 and len(wording[1]) and best >= gate:
            top = (wording[0][: self.n_wording], wording[1][: self.n_wording])
            out["wording_votes"] = wording_votes(top, self.row_codes_, self.wording_temperature)
        return {name: scores for name, scores in out.items() if scores}

    def predict_levels(
        self,
        vector: np.ndarray,
        neighbours: Neighbours | None = None,
        text: str | None = None,
        wording: Neighbours | None = None,
        buyer_id: int | None = None,
        region: str | None = None,
    ) -> LevelScores:
        """Prefix length -> {prefix: probability} from the weighted mix of the parts."""
        parts = self.part_scores(vector, neighbours, text, wording, buyer_id, region)
        return mix([(self.weights_.get(name, 0.0), scores) for name, scores in parts.items()])

    def predict(
        self,
        vector: np.ndarray,
        neighbours: Neighbours | None = None,
        n: int = 5,
        text: str | None = None,
        wording: Neighbours | None = None,
        buyer_id: int | None = None,
        region: str | None = None,
    ) -> list[tuple[str, float]]:
        """Ranked CPV codes (8 digits, no check digit) with a score in 0..1 each, best first.

        Args:
            vector: The need's query vector, embedded from its text WITHOUT CPV labels.
            neighbours: ``(rows, similarities)`` of the nearest contracts of the fitted index,
                best first, if the caller has them; otherwise the top ``n_neighbours`` are
                searched in ``index.procurement_vectors``.
            n: How many codes.
            text: The need's text, read by the wording parts (without it they stay silent).
            wording: Its nearest contracts of the fitted index by wording, if searched.
            buyer_id: The need's buyer, read by the buyer prior (None: it stays silent).
            region: The need's place of delivery, read by the region prior.
        """
        levels = self.predict_levels(vector, neighbours, text, wording, buyer_id, region)
        vocab = cpv_vocabulary()
        top_divisions = sorted(levels[2], key=lambda d: -levels[2][d])[:5]
        # The codes named at the deepest level any part spoke at (a group alone names 45200000).
        deepest = max((k for k, dist in levels.items() if dist), default=8)
        named = {p.ljust(8, "0") for p in levels[deepest]}
        candidates = [c for c in named if c[:2] in top_divisions and c in vocab]
        return rank_codes(levels, candidates, n)
