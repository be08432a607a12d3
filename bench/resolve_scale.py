"""Entity resolution at the size of Finland: name-only records against a synthetic register.

The register is drawn from the real names' distributions (Business Finland's funded companies):
the number of words and the legal form of a real name, its words drawn by their real
frequencies, and rare words made new by recombining real words' syllables (a national register
has many more distinct words than 35,000 funded companies). Queries are register names written
as sources write them (capitals, legal form changed or dropped, a typo, a unit after a comma)
and, as many, names that are in no register. Prints the time of each stage, peak memory, and
the precision and recall of the merges at the shipped threshold on these synthetic records.

    python bench/resolve_scale.py                       # bounded: 60,000 x 20,000
    python bench/resolve_scale.py --register 600000 --queries 200000
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.ingest.funding import read as read_funding  # noqa: E402
from matcher.ingest.records import SignalRecord  # noqa: E402
from matcher.resolve.entities import Entity  # noqa: E402
from matcher.resolve.linkage import best_links, compare, weights_for  # noqa: E402
from matcher.resolve.model import MODEL_PATH, load_models  # noqa: E402
from matcher.settings import get_settings  # noqa: E402

_BF = ROOT.parent / "shared" / "data" / "business-finland" / "BFData.csv"
_FORMS = ("Oy", "Oy", "Oy", "Oy", "Oyj", "Ky", "Ab", "Tmi", "Osk", "ry")


def _real_names() -> list[str]:
    names = {r.org.name for r in read_funding(_BF) if isinstance(r, SignalRecord) and r.org.name}
    return sorted(names)


def _synthesiser(real: list[str], rng: random.Random):  # type: ignore[no-untyped-def]
    """A function drawing one synthetic company name from the real names' distributions."""
    words = [[w for w in n.split() if w.lower().strip(".") not in {f.lower() for f in _FORMS}]
             for n in real]  # fmt: skip
    lengths = [len(w) for w in words if w]
    freq = Counter(w for ws in words for w in ws)
    vocab, weights = zip(*freq.items(), strict=True)
    cum = list(itertools.accumulate(weights))
    pieces = [w[i : i + 3] for w in vocab if len(w) >= 6 for i in range(0, len(w) - 2, 3)]

    def draw() -> str:
        n = rng.choice(lengths)
        out = []
        for _ in range(n):
            if rng.random() < 0.45:  # a new rare word, as a national register has many
                out.append("".join(rng.choice(pieces) for _ in range(rng.randint(2, 4))).title())
            else:
                out.append(rng.choices(vocab, cum_weights=cum)[0])
        return " ".join(out) + " " + rng.choice(_FORMS)

    return draw


def _as_written(name: str, rng: random.Random) -> str:
    """A register name as an invoice or a notice writes it."""
    r = rng.random()
    if r < 0.35:
        return name.upper()
    if r < 0.55:
        return name.rsplit(" ", 1)[0]  # legal form dropped
    if r < 0.7:
        i = rng.randrange(len(name))
        return name[:i] + name[i + 1 :]  # a letter missing
    if r < 0.8:
        return name + ", hankintayksikkö"
    return name


def main() -> None:
    """Build the synthetic register and queries, link them, print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--register", type=int, default=60_000)
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=17)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    draw = _synthesiser(_real_names(), rng)
    seen: dict[str, None] = {}
    while len(seen) < args.register:  # distinct names: a register has each once
        seen.setdefault(draw())
    reg_names = list(seen)
    register = [Entity(f"R{i}", [n], "FI") for i, n in enumerate(reg_names)]
    truth: dict[str, str] = {}
    queries = []
    for i in range(args.queries):
        if i % 2 == 0:
            j = rng.randrange(len(register))
            queries.append(Entity(f"Q{i}", [_as_written(reg_names[j], rng)], "FI"))
            truth[f"Q{i}"] = f"R{j}"
        else:
            queries.append(Entity(f"Q{i}", [draw()], "FI"))
    for e in (*register, *queries):
        _ = e.parsed
    t1 = time.perf_counter()
    models, state = load_models(MODEL_PATH)
    pairs = compare(queries, register, weights_for(queries, register, state))
    t2 = time.perf_counter()
    links = best_links(pairs, queries, register, models["FI"])
    t3 = time.perf_counter()
    threshold = get_settings().resolve_threshold
    made = [ln for ln in links if ln.probability >= threshold]
    right = sum(truth.get(str(ln.query_key)) == ln.entity_key for ln in made)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"register {len(register):,} names, queries {len(queries):,} "
        f"({len(truth):,} of them register names as written)"
    )
    print(
        f"synthesise and parse {t1 - t0:.1f} s; candidates and comparison {t2 - t1:.1f} s "
        f"({len(pairs.query):,} pairs); scoring {t3 - t2:.1f} s; linkage total {t3 - t1:.1f} s"
    )
    print(f"peak memory {peak:,.0f} MiB")
    print(
        f"merges at threshold {threshold}: {len(made):,}, right {right:,} "
        f"(precision {right / max(len(made), 1):.4f}, recall {right / max(len(truth), 1):.4f})"
    )


if __name__ == "__main__":
    main()
