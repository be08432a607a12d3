"""What the resolution procedure would give on unseen names, told by the calibration half alone.

``innomatch resolve --evaluate`` reads the test half each time it runs, so it cannot be the
yardstick for choosing fields or settings. This splits the calibration half once more by
company (all names of one company on one side, as the two halves are split): the procedure
(fields, fit, calibration, threshold for ``--target``) runs on one side and is scored on the
other, both ways, for several splits. The test half is never read.

    python bench/resolve_calibration_check.py                # 3 splits, target 0.99
    python bench/resolve_calibration_check.py --splits 6 --target 0.995
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.resolve.linkage import best_links, subset  # noqa: E402
from matcher.resolve.measure import (  # noqa: E402
    TARGET,
    choose_threshold,
    fit_country,
    half,
    labelled,
    wilson,
)
from matcher.resolve.sources import measured  # noqa: E402

_DATA = ROOT.parent / "shared" / "data"


def _side(split: int, truth: set[str]) -> int:
    return hashlib.sha1(f"{split}:{min(truth)}".encode()).digest()[0] % 2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=_DATA)
    ap.add_argument("--splits", type=int, default=3)
    ap.add_argument("--target", type=float, default=TARGET)
    args = ap.parse_args()
    sets = [m for m in measured(args.data) if m.queries and m.register]
    labelled_sets = [(m, *labelled(m)) for m in sets]
    totals: dict[str, list[int]] = {m.country: [0, 0, 0] for m in sets}
    for split in range(args.splits):
        for fit_side in (0, 1):
            _one(labelled_sets, split, fit_side, args.target, totals)
    merges = right = linkable = 0
    for country, (n, ok, lk) in totals.items():
        _line(country, n, ok, lk)
        merges, right, linkable = merges + n, right + ok, linkable + lk
    _line("all", merges, right, linkable)


def _one(labelled_sets: list, split: int, fit_side: int, target: float,
         totals: dict[str, list[int]]) -> None:  # fmt: skip
    """Fit on one side of the calibration half, choose the threshold, score the other side."""
    models, oof, labels = [], [], []
    for m, pairs, y in labelled_sets:
        cal = np.array([half(m.truth[str(m.queries[q].key)]) == 0 for q in pairs.query])
        side = np.array([_side(split, m.truth[str(m.queries[q].key)]) for q in pairs.query])
        model = fit_country(m, pairs, y, cal & (side == fit_side))
        models.append((m, pairs, y, cal & (side != fit_side), model))
        oof.append(model.oof_best_)
        labels.append(model.oof_label_)
    threshold = choose_threshold(np.concatenate(oof), np.concatenate(labels), target)
    for m, pairs, _y, scored, model in models:
        links = best_links(subset(pairs, scored), m.queries, m.register, model)
        made = [ln for ln in links if ln.probability >= threshold]
        registered = {e.key for e in m.register}
        names = [q for q in m.queries if half(m.truth[str(q.key)]) == 0
                 and _side(split, m.truth[str(q.key)]) != fit_side]  # fmt: skip
        t = totals[m.country]
        t[0] += len(made)
        t[1] += sum(ln.entity_key in m.truth[str(ln.query_key)] for ln in made)
        t[2] += sum(bool(m.truth[str(q.key)] & registered) for q in names)


def _line(name: str, merges: int, right: int, linkable: int) -> None:
    p = f"{right / merges:.3f} {wilson(right, merges)}" if merges else "-"
    r = f"{right / linkable:.3f}" if linkable else "-"
    print(
        f"{name:>3}: {merges} merges, {right} right, {linkable} linkable; precision {p}, recall {r}"
    )


if __name__ == "__main__":
    main()
