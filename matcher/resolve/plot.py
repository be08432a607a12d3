"""The reliability curve of the measurement as a PNG: does a confidence mean what it says?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: the plot is written to a file
import matplotlib.pyplot as plt  # noqa: E402


def plot_reliability(result: dict[str, Any], path: Path) -> Path:
    """Observed precision against mean confidence per band, per country, on the test half."""
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfect calibration")
    curves = {**{c: v["reliability"] for c, v in result["countries"].items()},
              "all": result["test"]["reliability"]}  # fmt: skip
    for label, bands in curves.items():
        pts = [(b["mean_confidence"], b["precision"], b["links"]) for b in bands if b["links"]]
        if not pts:
            continue
        xs, ys, ns = zip(*pts, strict=True)
        ax.plot(xs, ys, marker="o", label=f"{label} ({sum(ns)} links)")
    t = result["threshold"]
    ax.axvline(t, color="red", linewidth=1, label=f"threshold {t:.3f}")
    test = result["test"]
    ax.set_title(f"Entity resolution, hidden-identifier test half\nprecision {test['precision']}"
                 f", recall {test['recall']} at the threshold", fontsize=10)  # fmt: skip
    ax.set_xlabel("confidence (mean per band)")
    ax.set_ylabel("share of merges that are right")
    ax.set_xlim(0, 1.01)
    ax.set_ylim(0, 1.01)
    ax.legend(loc="upper left", fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


__all__ = ["plot_reliability"]
