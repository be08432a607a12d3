"""The parts of CPV inference: votes of near contracts, zero-shot labels, and how they mix.

Every part gives, per CPV level (prefix length 2, 3, 4, 5, 8), a distribution over code
prefixes; prefixes are taken literally (``45200000`` counts as group ``452``, class ``4520``), so
a truth code is scored at each level by the same string comparison, whatever its depth.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import numpy as np

from ..vocab.cpv import LEVELS, CpvVocabulary

__all__ = [
    "CODE_LEVEL_WEIGHTS", "LEVELS", "LabelTable", "LevelScores", "TextEmbedder", "calibrated", "label_text",
    "level_marginals", "mix", "rank_codes", "vote_shares",
]  # fmt: skip

#: Prefix length -> {prefix: probability}; each level's values sum to 1 (or it is empty).
LevelScores = dict[int, dict[str, float]]


class TextEmbedder(Protocol):
    """What fitting needs: an ``Embedder``, or better a ``CachedEmbedder`` (shipped vectors)."""

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


def label_text(code: str, vocab: CpvVocabulary, langs: Sequence[str]) -> str:
    """The passage embedded for a CPV code's label (the cache key depends on this exact text)."""
    return vocab.text(code, tuple(langs))


def calibrated(sims: np.ndarray, floor: float, ceiling: float) -> np.ndarray:
    """Similarities mapped to 0..1 between the index's "unrelated" and "very similar" marks."""
    return np.clip((sims - floor) / max(ceiling - floor, 1e-6), 0.0, 1.0)


def vote_shares(codes: Iterable[str | None], weights: Iterable[float]) -> dict[str, float]:
    """Each code's share of the weighted votes (a contract without a code abstains)."""
    votes: dict[str, float] = defaultdict(float)
    for code, w in zip(codes, weights, strict=False):
        if code:
            votes[code] += float(w)
    total = sum(votes.values()) or 1.0
    return {c: v / total for c, v in sorted(votes.items(), key=lambda kv: -kv[1])}


def level_marginals(shares: Mapping[str, float]) -> LevelScores:
    """Shares of full codes summed per prefix at every level."""
    out: LevelScores = {n: defaultdict(float) for n in LEVELS}
    for code, share in shares.items():
        for n in LEVELS:
            out[n][code[:n]] += share
    return {n: dict(d) for n, d in out.items()}


#: Label probabilities below this are left out (see ``LabelTable.scores``).
_NEGLIGIBLE = 1e-6


def _softmax(x: np.ndarray, temperature: float) -> np.ndarray:
    z = (x - x.max()) / temperature
    e = np.exp(z)
    return np.asarray(e / e.sum())


class LabelTable:
    """CPV label vectors, sorted by code so that every prefix is one contiguous block of rows.

    A prefix's zero-shot score pools its own and its descendants' labels: the mean of the ``pool``
    best similarities under it (a need for asphalt matches the class "road surfacing" better
    than the division's own label; a mean of a few resists one lucky label).
    """

    def __init__(self, codes: Sequence[str], vectors: np.ndarray, pool: int = 1) -> None:
        order = np.argsort(np.array(codes))
        self.codes = [codes[i] for i in order]
        self.vectors = np.ascontiguousarray(vectors[order], dtype=np.float32)
        self.pool = pool
        self._blocks: dict[int, tuple[list[str], np.ndarray, np.ndarray]] = {}
        for n in LEVELS:
            prefixes: list[str] = []
            block = np.zeros(len(self.codes), np.int64)
            for i, code in enumerate(self.codes):
                if not prefixes or code[:n] != prefixes[-1]:
                    prefixes.append(code[:n])
                block[i] = len(prefixes) - 1
            starts = np.searchsorted(block, np.arange(len(prefixes)))
            self._blocks[n] = (prefixes, block, starts)

    def _pooled(self, sims: np.ndarray, block: np.ndarray, starts: np.ndarray) -> np.ndarray:
        if self.pool <= 1:
            return np.asarray(np.maximum.reduceat(sims, starts))
        order = np.lexsort((-sims, block))  # rows of each block, best first
        rank = np.arange(len(sims)) - starts[block[order]]
        keep = order[rank < self.pool]
        sums = np.bincount(block[keep], weights=sims[keep], minlength=len(starts))
        return np.asarray(sums / np.bincount(block[keep], minlength=len(starts)))

    def scores(self, vector: np.ndarray, temperature: float) -> LevelScores:
        """Softmax over prefixes (per level) of the pooled label similarity under each."""
        sims = self.vectors @ vector.astype(np.float32)
        out: LevelScores = {}
        for n, (prefixes, block, starts) in self._blocks.items():
            probs = _softmax(self._pooled(sims, block, starts), temperature)
            # The softmax leaves all but a few hundred of the 1,319 prefixes near 0. Mixing and
            # ranking thousands of them per need cost more than the rest of the inference, and
            # dropping them moved no code or division in the top five of 500 needs (demo data:
            # the scores moved by under 1e-7).
            keep = np.flatnonzero(probs >= _NEGLIGIBLE)
            out[n] = dict(zip([prefixes[i] for i in keep], probs[keep].tolist(), strict=True))
        return out


def mix(parts: Sequence[tuple[float, LevelScores]]) -> LevelScores:
    """Weighted mean of the parts per level; a part silent at a level gives its weight to the others."""
    out: LevelScores = {}
    for n in LEVELS:
        live = [(weight, dist) for weight, scores in parts if weight > 0 and (dist := scores.get(n))]
        total = sum(weight for weight, _ in live)
        acc: dict[str, float] = {}
        get = acc.get  # bound once: this loop runs over thousands of label prefixes per need
        for weight, dist in live:
            for prefix, p in dist.items():
                acc[prefix] = get(prefix, 0.0) + weight * p
        out[n] = {k: v / total for k, v in acc.items()} if total else {}
    return out


#: Weight of each level in a code's score: the division counts most, as a wrong division is
#: the costliest mistake (a supplier search in the wrong trade).
CODE_LEVEL_WEIGHTS = {2: 0.4, 3: 0.2, 4: 0.15, 5: 0.15, 8: 0.1}


def rank_codes(levels: LevelScores, candidates: Iterable[str], n: int) -> list[tuple[str, float]]:
    """Candidate codes by the weighted geometric mean of their prefixes' probabilities.

    A code ranks high only if its division, group, class and category are all likely; levels no
    part spoke at are left out of the mean, and codes with a prefix no part gave any chance to
    are dropped.
    """
    weights = {k: w for k, w in CODE_LEVEL_WEIGHTS.items() if levels.get(k)}
    total = sum(weights.values()) or 1.0
    scored = []
    for code in set(candidates):
        # math, not numpy: on one float at a time numpy's call overhead was most of the cost.
        log = sum(w * math.log(levels[k].get(code[:k], 0.0) + 1e-9) for k, w in weights.items())
        score = math.exp(log / total)
        if score > 1e-6:
            scored.append((code, score))
    scored.sort(key=lambda cs: (-cs[1], cs[0]))
    return scored[:n]
