"""Vocabularies shipped with the package (CPV 2008 in Finnish, Swedish and English)."""

from .cpv import CpvVocabulary, cpv_vocabulary

__all__ = ["CpvVocabulary", "cpv_vocabulary"]
