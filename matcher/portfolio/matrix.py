"""The strategic matrix: each category's impact (its share of spend, and growth) against its room
for innovation (the need framework's level on its own contracts), the most strategic first.

impact = share / largest share (0..1; by spend, or by number of records for a buyer whose data
has no values), moved by growth where two years are known: 0.8 x size + 0.2 x (growth + 1) / 2,
growth clipped to -100%..+100%. room = the category's potential (0..1), read relative to the
roomiest category but never to less than the "medium" threshold (room / max(largest, 0.30)), so
one organisation's low-potential categories are not blown up to look high. The strategic score
is the geometric mean of impact and relative room, so a category must have both (a 300 EUR
category with one supplier is not strategic, however open its market); where the organisation
lets its stakeholders take part, it becomes (1 - w) x score + w x (mean importance - 1) / 4.
"""

from __future__ import annotations

import math
from typing import Any

from ..innovation.themes import THEME_LABELS
from ..vocab.messages import Msg
from .schemas import CategoryOut, RatingSummary

__all__ = ["growth", "impact", "order", "plot_matrix", "reasons", "relative_room",
           "strategic_score"]  # fmt: skip


def growth(values: list[tuple[int | None, float]]) -> float | None:
    """Last dated year against the one before (None with fewer than two, or a zero base)."""
    dated = sorted((y, v) for y, v in values if y is not None)
    if len(dated) < 2 or dated[-2][1] <= 0:
        return None
    return round(dated[-1][1] / dated[-2][1] - 1.0, 4)


def impact(share: float, max_share: float, g: float | None) -> float:
    """Size relative to the largest category, moved by growth when it is known."""
    size = share / max_share if max_share > 0 else 0.0
    if g is None:
        return round(size, 4)
    return round(0.8 * size + 0.2 * (max(-1.0, min(1.0, g)) + 1.0) / 2.0, 4)


def relative_room(room: float, largest: float) -> float:
    """Room relative to the organisation's roomiest category, floored at the medium threshold."""
    return min(1.0, room / max(largest, 0.30))


def strategic_score(impact_v: float, room_rel: float, ratings: RatingSummary | None,
                    weight: float) -> float:  # fmt: skip
    """Geometric mean of impact and relative room, blended with the stakeholders' importance
    when the organisation asks for it."""
    data = math.sqrt(max(0.0, impact_v) * max(0.0, room_rel))
    if weight > 0 and ratings is not None and ratings.mean is not None:
        return round((1.0 - weight) * data + weight * (ratings.mean - 1.0) / 4.0, 4)
    return round(data, 4)


def reasons(c: CategoryOut, basis: str, weight: float) -> list[str]:
    """Why the category stands where it does, in the words of its own figures."""
    spend = basis == "spend"
    out: list[str] = [Msg("pf.r.share_spend" if spend else "pf.r.share_records",
                          f"{c.spend_share:.0%} of the organisation's "
                          f"{'spend' if spend else 'records'}", share=c.spend_share)]  # fmt: skip
    if c.growth is not None:
        grew = c.growth >= 0
        out.append(Msg("pf.r.grew" if grew else "pf.r.fell", f"{'grew' if grew else 'fell'} "
                       f"{abs(c.growth):.0%} on the year before", share=abs(c.growth)))  # fmt: skip
    p = c.potential
    out.append(Msg("pf.r.room", f"room for innovation {p.level} ({p.score:.2f}); suggested "
                   f"route: {p.route}", level=p.level, score=round(p.score, 2), route=p.route))  # fmt: skip
    if c.concentration.hhi is not None and c.concentration.hhi >= 0.25:
        out.append(Msg("pf.r.concentrated", f"concentrated: HHI {c.concentration.hhi:.2f}, top-3 "
                       f"hold {c.concentration.top3_share:.0%}", hhi=round(c.concentration.hhi, 2),
                       share=c.concentration.top3_share or 0.0))  # fmt: skip
    if c.themes:
        out.append(Msg("pf.r.themes", "strategic themes: " + ", ".join(THEME_LABELS[t]
                                                                       for t in c.themes),
                       themes=list(c.themes)))  # fmt: skip
    signalled = [s for s in c.suppliers if s.innovation_signals]
    if signalled:
        never = sum(s.n_public_contracts == 0 for s in signalled)
        out.append(Msg("pf.r.signalled_never" if never else "pf.r.signalled",
                       f"{len(signalled)} fitting suppliers with innovation signals"
                       + (f", {never} without any public contract" if never else ""),
                       n=len(signalled), never=never))  # fmt: skip
    if c.ratings is not None and c.ratings.mean is not None:
        used = " (counted in the order)" if weight > 0 else ""
        out.append(Msg("pf.r.ratings_used" if used else "pf.r.ratings",
                       f"stakeholders rate its importance {c.ratings.mean:.1f}/5 "
                       f"(n={c.ratings.n}){used}", mean=round(c.ratings.mean, 1), n=c.ratings.n))  # fmt: skip
    return out


def order(categories: list[CategoryOut]) -> list[CategoryOut]:
    """Most strategic first; ranks set."""
    ranked = sorted(categories, key=lambda c: (-c.strategic_score, -c.spend, c.key))
    for i, c in enumerate(ranked, start=1):
        c.rank = i
    return ranked


def plot_matrix(categories: list[CategoryOut], path: Any, title: str = "") -> None:
    """Room for innovation (x) against impact (y), bubbles by spend share, top six labelled (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    if categories:
        xs = [c.room for c in categories]
        ys = [c.impact for c in categories]
        sizes = [60 + 900 * c.spend_share for c in categories]
        colours = ["#c0392b" if c.rank <= 5 else "#3b7dd8" for c in categories]
        ax.scatter(xs, ys, s=sizes, c=colours, alpha=0.6, edgecolors="#333")
        for c in categories:
            if c.rank <= 6:
                ax.annotate(f"{c.rank}. {c.key} {c.label[:28]}", (c.room, c.impact), fontsize=7,
                            xytext=(5, 4), textcoords="offset points")  # fmt: skip
    ax.axvline(0.30, color="#999", ls=":", lw=1)
    ax.axvline(0.50, color="#999", ls=":", lw=1)
    ax.axhline(0.50, color="#999", ls=":", lw=1)
    ax.set_xlim(0, max([0.8, *(c.room + 0.05 for c in categories)]))
    ax.set_ylim(0, 1.08)
    ax.set_xlabel("room for innovation (need potential of the category; low < 0.30 <= medium < 0.50 <= high)")
    ax.set_ylabel("impact (spend share relative to the largest, growth)")
    ax.set_title(title or "Strategic matrix", fontsize=10)
    ax.text(0.99, 0.01, "red: the five most strategic", transform=ax.transAxes, ha="right",
            fontsize=7, color="#c0392b")  # fmt: skip
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=100)
    plt.close(fig)
