"""The comparison of one name-only organisation with one register candidate, as numbers.

Names are compared word by word, each word weighted by how rare it is: sharing "Attendo" says
much, sharing "Oy" or "kaupunki" little, and a rare word on one side only ("Juniorit",
"Terveyspalvelut") counts against. The other fields (legal form, region, industry, buyers,
years) count where both sides know them; the candidate's rivals (other register organisations
about as near) make a name that fits several of them less sure.
"""

from __future__ import annotations

import math

import numpy as np
from rapidfuzz import fuzz

from .candidates import TokenWeights
from .entities import Entity, divisions
from .names import Name

#: Feature names, in column order (the model's weights and the merge log use them).
FEATURES = (
    "query_words_matched", "candidate_words_matched", "rarest_extra_query_word",
    "rarest_extra_candidate_word", "extra_query_word_fr", "extra_candidate_word_fr",
    "rare_words_shared", "spelling_similarity", "same_words", "same_letters", "single_word",
    "unit_of_public_body", "qualified_name", "same_legal_form", "same_region", "other_region",
    "same_industry", "other_industry", "shared_buyers", "no_shared_buyer", "years_apart",
    "cosine", "margin_over_rival", "rivals", "same_words_same_region",
    "same_words_other_region", "same_words_no_rival", "same_cpv", "other_cpv",
    "same_words_other_cpv", "large_company", "mid_company", "no_size", "same_words_large",
    "same_words_no_size",
)  # fmt: skip
_FUZZY = 88.0  # a word matches a misspelt one above this rapidfuzz ratio (5+ letters)


def _match(q: tuple[str, ...], r: tuple[str, ...],
           weights: TokenWeights) -> tuple[float, float, float, float, float]:  # fmt: skip
    """(share of q's weight matched, share of r's, rarest unmatched word of q, of r, weight
    matched): a misspelt word (5+ letters) matches at 0.8 of its weight."""
    mq, tq, extra_q = _side(q, r, weights)
    mr, tr, extra_r = _side(r, q, weights)
    return mq / (tq or 1.0), mr / (tr or 1.0), extra_q, extra_r, mq


def _side(a: tuple[str, ...], b: tuple[str, ...], weights: TokenWeights) -> tuple[float, float, float]:  # fmt: skip
    """Weight of a's words found in b, a's total, and a's rarest word not found."""
    bs, cut = set(b), (a[-1] if a else "", b[-1] if b else "")
    matched = total = extra = 0.0
    for t in set(a):
        w = weights.idf(t)
        total += w
        if t in bs:
            matched += w
        elif _near(t, bs - set(a), cut):
            matched += 0.8 * w
        else:
            extra = max(extra, w)
    return matched, total, extra


def _near(t: str, others: set[str], cut: tuple[str, str]) -> bool:
    """A misspelling (5+ letters), or a last word cut short ("KAUPPALEHT" / "Kauppalehti")."""
    for u in others:
        if len(t) >= 5 and len(u) >= 5 and fuzz.ratio(t, u) >= _FUZZY:
            return True
        if len(t) >= 4 and len(u) >= 4 and ((t == cut[0] and u.startswith(t))
                                            or (u == cut[1] and t.startswith(u))):  # fmt: skip
            return True
    return False


def _fields(q: Entity, r: Entity) -> list[float]:
    both_region = bool(q.regions and r.regions)
    qd, rd = divisions(q.industry), divisions(r.industry)
    shared = len(q.buyers & r.buyers)
    gap = min((abs(a - b) for a in q.years for b in r.years), default=None)
    sold = len(q.cpv & r.cpv) / len(q.cpv | r.cpv) if q.cpv and r.cpv else 0.0
    return [
        float(bool(q.regions & r.regions)), float(both_region and not q.regions & r.regions),
        float(bool(qd & rd)), float(bool(qd and rd and not qd & rd)),
        math.log1p(shared), float(bool(q.buyers and r.buyers and not shared)),
        min(gap, 10) / 10 if gap is not None else 0.0,
        sold, float(bool(q.cpv and r.cpv and not q.cpv & r.cpv)),
    ]  # fmt: skip


def pair_features(qn: Name, rn: Name, q: Entity, r: Entity, weights: TokenWeights,
                  cosine: float, margin: float, rivals: int) -> list[float]:  # fmt: skip
    """One row of :data:`FEATURES` for the query name ``qn`` against the register name ``rn``."""
    cov_q, cov_r, extra_q, extra_r, shared_w = _match(qn.tokens, rn.tokens, weights)
    same = float(qn.key.replace(" ", "") == rn.key.replace(" ", ""))
    fields = _fields(q, r)
    top = weights.max_idf
    fr = float((q.country or r.country) == "FR")
    both_forms = bool(qn.form and rn.form)
    return [
        cov_q, cov_r, extra_q / top, extra_r / top, fr * extra_q / top, fr * extra_r / top,
        min(shared_w / top, 3.0), fuzz.ratio(qn.key, rn.key) / 100, float(qn.key == rn.key),
        same, float(len(qn.tokens) == 1),
        float(qn.unit), float(qn.qualifier), float(both_forms and qn.form == rn.form),
        *fields[:7], cosine, margin, math.log1p(rivals),
        # A name is a surer clue where the place agrees and no other organisation bears it,
        # a weaker one where the two sell in other markets (namesakes).
        same * fields[0], same * fields[1], same * float(rivals == 0), *fields[7:],
        same * fields[8], *_size(r, same),
    ]  # fmt: skip


def _size(r: Entity, same: float) -> list[float]:
    """The candidate's size class: an exact name of a large group (GE) may be any of its
    companies; a French candidate the register gives no size is one Sirene did not know."""
    large, unsized = float(r.size == "GE"), float(r.country == "FR" and not r.size)
    return [large, float(r.size == "ETI"), unsized, same * large, same * unsized]


def rival_stats(qi: np.ndarray, ent: np.ndarray, cos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each pair: its cosine minus the best cosine of another organisation for the same query
    name, and how many other organisations come within 0.05 of it."""
    margin = np.zeros(len(qi))
    rivals = np.zeros(len(qi), dtype=np.int64)
    order = np.argsort(qi, kind="stable")
    bounds = np.flatnonzero(np.diff(qi[order])) + 1
    for group in np.split(order, bounds):
        if len(group) == 0:
            continue
        best: dict[int, float] = {}
        for g in group:
            best[int(ent[g])] = max(best.get(int(ent[g]), 0.0), float(cos[g]))
        for g in group:
            others = [c for e, c in best.items() if e != int(ent[g])]
            margin[g] = cos[g] - max(others, default=0.0)
            rivals[g] = sum(1 for c in others if c >= cos[g] - 0.05)
    return margin, rivals


__all__ = ["FEATURES", "pair_features", "rival_stats"]
