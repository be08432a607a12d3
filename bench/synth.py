"""A synthetic national corpus drawn from the real data's distributions (for ``bench/scale.py``).

Every synthetic contract copies one real contract (a *template*: DECP's, or a HILMA 2014
notice's) drawn uniformly, so CPV codes, places, dates and values keep their real joint
frequencies, long tail included; its title is the template's with word-level noise (words
dropped, swapped, or replaced by words drawn from the real titles' word frequencies); its value
and date are jittered. Buyers and winners are *clones* of the real ones: each real winner stands
for several synthetic companies whose popularity is drawn from the real award counts, so the
supplier count is about a fifth of the contracts at every size and popular firms stay popular.
The vector of a synthetic contract is its template's real vector (from the shipped embedding
cache) plus Gaussian noise, written to the embedding cache so ``innomatch build`` embeds nothing.

Records are written as DECP JSON (``{"marches": [...]}``), which ``innomatch ingest`` reads.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from matcher.embed import EmbeddingCache
from matcher.index.corpus import procurement_text
from matcher.ingest.formats import detect
from matcher.ingest.records import ProcurementRecord
from matcher.vocab import cpv_vocabulary

__all__ = ["RealData", "load_real", "noisy_vectors", "write_decp"]

#: Standard deviation of the noise added to a template's vector, relative to its unit norm:
#: 0.3 keeps a synthetic contract at cosine about 0.95 from its template.
_NOISE = 0.3


@dataclass
class RealData:
    """The real templates: records, their vectors, and the frequencies drawn from."""

    records: list[ProcurementRecord]
    vectors: np.ndarray
    #: Each template's title embedded as a query (CPV inference at build time reads these).
    query_vectors: np.ndarray
    words: list[str]
    #: Cumulative frequency of each word (a draw is one ``searchsorted``).
    word_cum: np.ndarray
    #: Per template: index of its first winner in ``winners``, or -1.
    winner_of: np.ndarray
    winners: list[tuple[str, str]]
    #: Awards won per real winner (the popularity drawn from).
    winner_awards: np.ndarray


def load_real(demo_dir: Path, model: str, seed_dirs: list[Path], max_words: int) -> RealData:
    """Read the demo's DECP and HILMA records and their cached vectors (templates without one
    are left out)."""
    vocab = cpv_vocabulary()
    cache = EmbeddingCache(model, Path("/nonexistent"), seed_dirs)
    records, vectors, queries = [], [], []
    for folder in ("decp", "hilma-2014"):
        for path in sorted((demo_dir / folder).iterdir()):
            if path.suffix not in (".json", ".gz") or "LICENSE" in path.name:
                continue
            for rec in detect(path).read(path):
                if not isinstance(rec, ProcurementRecord):
                    continue
                cpv = [c for c in [rec.cpv_main, *rec.cpv_additional] if c]
                text = procurement_text(rec.title, rec.description, cpv, vocab, max_words)
                vec = cache.get("passage", text)
                if vec is not None:
                    records.append(rec)
                    vectors.append(vec)
                    query = cache.get("query", rec.title)
                    queries.append(vec if query is None else query)
    words = Counter(w for r in records for w in r.title.split())
    award_count = Counter((a.supplier.scheme, a.supplier.value) for r in records for a in r.awards)
    winners = list(award_count)
    index = {w: i for i, w in enumerate(winners)}
    winner_of = np.array(
        [index[(r.awards[0].supplier.scheme, r.awards[0].supplier.value)] if r.awards else -1
         for r in records]
    )  # fmt: skip
    counts = np.array(list(words.values()), dtype=np.float64)
    return RealData(records, np.asarray(vectors, np.float32), np.asarray(queries, np.float32),
                    list(words), np.cumsum(counts) / counts.sum(),
                    winner_of, winners, np.array([award_count[w] for w in winners]))  # fmt: skip


def _siret(*parts: object) -> str:
    """A deterministic SIRET whose SIREN passes its Luhn check (the reader verifies it)."""
    digits = [int(c) for c in str(int(hashlib.sha1(repr(parts).encode()).hexdigest(), 16))[:8]]
    digits = [1 + digits[0] % 9, *digits[1:]]
    for check in range(10):
        total = 0
        for i, d in enumerate([*digits, check]):
            total += sum(divmod(d * 2, 10)) if i % 2 else d
        if total % 10 == 0:
            break
    nic = str(int(hashlib.md5(repr(parts).encode()).hexdigest(), 16))[:5]
    return "".join(map(str, digits)) + str(check) + nic


def _word(real: RealData, rng: np.random.Generator) -> str:
    return real.words[min(int(np.searchsorted(real.word_cum, rng.random())), len(real.words) - 1)]


def _perturb(title: str, real: RealData, rng: np.random.Generator) -> str:
    words = title.split()
    out = []
    for w in words:
        roll = rng.random()
        if roll < 0.06 and len(words) > 2:
            continue  # dropped
        out.append(_word(real, rng) if roll < 0.12 else w)
    if len(out) > 2 and rng.random() < 0.3:
        i = int(rng.integers(len(out) - 1))
        out[i], out[i + 1] = out[i + 1], out[i]
    if rng.random() < 0.3:
        out.append(_word(real, rng))
    return " ".join(out) or title


def _templates(real: RealData, n: int, n_suppliers: int, rng: np.random.Generator) -> np.ndarray:
    """Template indices for ``n`` contracts; below the real winner count, only templates won by a
    random subset of ``n_suppliers`` real winners (so suppliers stay about n / 5)."""
    pool = np.arange(len(real.records))
    if n_suppliers < len(real.winners):
        keep = rng.choice(len(real.winners), size=n_suppliers, replace=False)
        pool = pool[np.isin(real.winner_of, keep) | (real.winner_of < 0)]
    return rng.choice(pool, size=n)


def _clone_weights(real: RealData, n_suppliers: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Per real winner, the popularity of each of its clones (drawn from the real award counts)."""
    per = max(1, round(n_suppliers / len(real.winners)))
    out = []
    for _ in real.winners:
        w = rng.choice(real.winner_awards, size=per).astype(np.float64)
        out.append(w / w.sum())
    return out


def write_decp(real: RealData, out: Path, n: int, start: int, seed: int,
               per_file: int = 20_000) -> list[Path]:  # fmt: skip
    """Write ``n`` synthetic contracts (numbered from ``start``) as DECP JSON files in ``out``."""
    rng = np.random.default_rng(seed)
    n_suppliers = max(1, (start + n) // 5)
    templates = _templates(real, n, n_suppliers, rng)
    weights = _clone_weights(real, n_suppliers, np.random.default_rng(0))
    buyer_clones = max(1, (start + n) // max(1, len(real.records)))
    out.mkdir(parents=True, exist_ok=True)
    paths, batch = [], []
    for i, t in enumerate(templates):
        batch.append(_contract(real, int(t), start + i, weights, buyer_clones, rng))
        if len(batch) == per_file or i == n - 1:
            path = out / f"synthetic-{start + i + 1 - len(batch):08d}.json"
            path.write_text(json.dumps({"marches": batch}, ensure_ascii=False), encoding="utf-8")
            paths.append(path)
            batch = []
    return paths


def _contract(real: RealData, t: int, number: int, weights: list[np.ndarray], buyer_clones: int,
              rng: np.random.Generator) -> dict[str, Any]:  # fmt: skip
    rec = real.records[t]
    buyer = rec.buyer
    item: dict[str, Any] = {
        "id": f"S{number}-T{t}",
        "objet": _perturb(rec.title, real, rng),
        "acheteur": {"id": _siret("buyer", buyer.scheme if buyer else "", buyer.value if buyer
                                  else rec.source_id, int(rng.integers(buyer_clones))),
                     "nom": buyer.name if buyer else None},
        "codeCPV": rec.cpv_main,
        "montant": round(rec.value * float(rng.lognormal(0, 0.3)), 2) if rec.value else rec.value,
        "dateNotification": (
            (rec.date + timedelta(days=int(rng.integers(-180, 181)))).isoformat()
            if rec.date else None
        ),
        "lieuExecution": {"code": rec.place_code, "typeCode": "Code postal", "nom": rec.place_name},
        "procedure": rec.procedure,
        "titulaires": [],
    }  # fmt: skip
    w = real.winner_of[t]
    if w >= 0:
        clone = int(rng.choice(len(weights[w]), p=weights[w]))
        scheme, value = real.winners[w]
        item["titulaires"].append({"id": _siret("winner", scheme, value, clone),
                                   "typeIdentifiant": "SIRET",
                                   "denominationSociale": rec.awards[0].supplier.name})  # fmt: skip
    return item


def noisy_vectors(real: RealData, source_ids: list[str], kind: str) -> np.ndarray:
    """The ``kind`` ("passage" or "query") vector of each synthetic contract: its template's plus
    noise seeded by its number and kind."""
    base = real.vectors if kind == "passage" else real.query_vectors
    out = np.empty((len(source_ids), base.shape[1]), np.float32)
    for i, sid in enumerate(source_ids):
        number, template = sid.rsplit(":", 1)[1].removeprefix("S").split("-T")
        rng = np.random.default_rng([int(number), kind == "query"])
        v = base[int(template)] + rng.normal(0, _NOISE / np.sqrt(out.shape[1]), out.shape[1])
        out[i] = v / np.linalg.norm(v)
    return out
