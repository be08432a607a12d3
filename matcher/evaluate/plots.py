"""The evaluation's picture: HR@k curves per method, and the innovation-weight trade-off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .harness import K_CURVE

__all__ = ["plot"]


def _hr_curves(ax: Any, result: dict[str, Any]) -> None:
    for meth in result["methods"]:
        ks = [int(k) for k in meth["hr_curve"]]
        ax.plot(ks, list(meth["hr_curve"].values()), marker="o", label=meth["name"])
    ax.axhline(result["split"]["ceiling"], color="grey", linestyle="--", label="ceiling")
    ax.set_xlabel("k")
    ax.set_ylabel("HR@k (share of queries with a winner in the top k)")
    sp = result["split"]
    ax.set_title(f"{sp['mode']} split at {sp['cut']}, {sp['queries']} queries", fontsize=9)
    ax.set_xscale("log")
    ax.set_xticks(list(K_CURVE), [str(k) for k in K_CURVE])
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)


def _tradeoff(ax: Any, curve: list[dict[str, Any]]) -> None:
    ws = [row["innovation_weight"] for row in curve]
    for key, style in (("HR@10", "o-"), ("MRR@10", "s-"), ("innovation_signals@10", "^--"),
                       ("few_awards@10", "v--"), ("SME@10", "d--")):  # fmt: skip
        values = [row[key] for row in curve]
        if all(v is not None for v in values):
            ax.plot(ws, values, style, label=key)
    ax.set_xlabel("innovation weight W")
    ax.set_ylabel("share")
    ax.set_title("accuracy against market opening (top 10)", fontsize=9)
    ax.set_xticks(ws)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)


def plot(result: dict[str, Any], path: Path) -> Path:
    """HR@k curves per method (one panel per protocol) and the curve over W if measured, as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [result, *result.get("protocols", {}).values()]
    curve = result.get("innovation_curve")
    n = len(panels) + bool(curve)
    fig, axes = plt.subplots(1, n, figsize=(6 * n, 4.5), squeeze=False)
    for ax, res in zip(axes[0], panels, strict=False):
        _hr_curves(ax, res)
    if curve:
        _tradeoff(axes[0][-1], curve)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
