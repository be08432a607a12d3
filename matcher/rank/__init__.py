"""Rank: one pipeline of named stages for every caller (service, CLI, pages, broker, evaluation).

``need`` describes a need; ``context`` holds what one request computes once; ``retrieve`` finds
candidates (top k from each index); ``history`` and ``features`` describe each (need, supplier)
pair; ``scorers`` score (linear with documented weights, or the trained LambdaMART); ``explain``
splits each score into its parts; ``pipeline`` runs the stages; ``train`` and ``models`` fit,
save and load the trained scorer.
"""

from .explain import Contribution, Ranked
from .features import FEATURES
from .need import Need
from .pipeline import POOL, Ranking, RankingPipeline
from .scorers import DEFAULT_WEIGHTS, LambdaMARTScorer, LinearScorer, Scorer

__all__ = [
    "DEFAULT_WEIGHTS", "FEATURES", "POOL", "Contribution", "LambdaMARTScorer", "LinearScorer",
    "Need", "Ranked", "Ranking", "RankingPipeline", "Scorer",
]  # fmt: skip
