"""Rank: candidate retrieval and scoring of suppliers for a need."""

from .ranker import DEFAULT_WEIGHTS, Candidate, CaseBasedRanker, Query

__all__ = ["DEFAULT_WEIGHTS", "Candidate", "CaseBasedRanker", "Query"]
