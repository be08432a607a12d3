"""The trained scorer on disk: LightGBM's own text model plus an entry in ``models/manifest.json``."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import lightgbm as lgb

from .features import FEATURES
from .scorers import LambdaMARTScorer
from .train import LearnedRanker

__all__ = ["MANIFEST_FILE", "MODEL_FILE", "load_scorer", "save_scorer"]

log = logging.getLogger(__name__)
#: File names under ``models/``.
MODEL_FILE, MANIFEST_FILE = "ranker.txt", "manifest.json"


def save_scorer(ranker: LearnedRanker, models_dir: Path, model_name: str,
                extra: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """Write the fitted ``ranker``'s model and its manifest entry; returns the manifest."""
    models_dir.mkdir(parents=True, exist_ok=True)
    ranker.model_.booster_.save_model(str(models_dir / MODEL_FILE))
    entry = {
        "file": MODEL_FILE, "kind": "lightgbm LGBMRanker (lambdarank), LightGBM text model",
        "trained_at": datetime.now().isoformat(timespec="seconds"), "model": model_name,
        "features": ranker.feature_names_, "score_scale": ranker.scorer_.scale,
        "training_needs": ranker.n_training_needs_, "cold_start": ranker.cold_start, **extra,
    }  # fmt: skip
    manifest = {"artefacts": [entry]}
    (models_dir / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def load_scorer(models_dir: Path, embedding_model: str) -> LambdaMARTScorer | None:
    """The trained scorer saved under ``models_dir``, or None if there is none that fits.

    A model trained on another embedding model's similarities would read this index's
    similarities on the wrong scale, so it is refused (with a warning), not used.
    """
    manifest_path, model_path = models_dir / MANIFEST_FILE, models_dir / MODEL_FILE
    if not (manifest_path.is_file() and model_path.is_file()):
        return None
    entries = json.loads(manifest_path.read_text(encoding="utf-8")).get("artefacts", [])
    entry = next((a for a in entries if a.get("file") == MODEL_FILE), None)
    if entry is None or entry.get("model") != embedding_model:
        log.warning("trained ranker in %s is for embedding model %s, not %s: not used",
                    models_dir, entry and entry.get("model"), embedding_model)  # fmt: skip
        return None
    unknown = [f for f in entry["features"] if f not in FEATURES]
    if unknown:
        log.warning("trained ranker in %s uses unknown features %s: not used", models_dir, unknown)
        return None
    booster = lgb.Booster(model_file=str(model_path))
    return LambdaMARTScorer(booster, entry["features"], float(entry.get("score_scale", 1.0)))
