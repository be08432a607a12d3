"""Measures for one category, side by side, each with whether it fits, why, and its evidence.

Rules, not a model: each reads figures the portfolio shows next to it (concentration, SMEs,
competition, themes, the need framework's dimensions, suppliers with innovation signals), so a
reader can check every verdict. Joint procurement names the other buyers that buy the same
division in the data.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..innovation.themes import THEME_LABELS
from ..store.models import Organisation, Procurement, Purchase
from ..vocab.messages import MessageOut, Msg, codes_of
from .accounts import NOT_PURCHASE, map_account
from .schemas import FittingSupplier, Measure

__all__ = ["CategoryFacts", "MEASURES", "buyers_by_division", "measures"]

MEASURES = ("market dialogue", "innovation partnership", "competitive dialogue",
            "pre-commercial procurement", "joint procurement", "lots for SMEs",
            "sustainability criteria")  # fmt: skip
#: CPV divisions for which EU green public procurement (GPP) criteria sets exist: food and
#: catering, cleaning, energy, transport and vehicles, construction, furniture, textiles, IT,
#: paper, electrical equipment, water and sanitation, road lighting and traffic signals.
_GPP = {"15": "food and catering services", "55": "food and catering services",
        "90": "cleaning services", "39": "furniture, cleaning products", "09": "electricity",
        "60": "road transport", "34": "road transport vehicles", "45": "office buildings, roads",
        "44": "construction materials", "18": "textiles", "30": "computers and office IT",
        "72": "data centres and cloud services", "22": "copying and graphic paper",
        "31": "road lighting and traffic signals", "65": "water-based heaters, water services",
        "50": "building maintenance"}  # fmt: skip
_CRITERIA = {
    "carbon_neutrality": "emission limits or life-cycle CO2 as an award criterion",
    "digitalisation": "interoperability, open interfaces and accessibility requirements",
    "data": "data ownership, open data formats and data-sharing clauses",
}
_RD = ("tutkimu", "kehitystyö", "kehittämi", "pilotoi", "prototyyp", "research", "prototype",
       "pilot", "forskning", "utveckling", "recherche", "expérimentation")  # fmt: skip


@dataclass
class CategoryFacts:
    """What the rules read of one category."""

    key: str
    texts: str
    n_items: int
    hhi: float | None
    top3: float | None
    sme_share: float | None
    incumbency: float | None
    mean_tenders: float | None
    single_bid: float | None
    level: str
    score: float
    themes: dict[str, list[str]]
    untapped: list[FittingSupplier]
    n_flagged: int


def buyers_by_division(session: Session) -> dict[str, dict[int, int]]:
    """Division -> buyer id -> records (procurements, or invoices of mapped accounts)."""
    out: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    rows = session.execute(select(Procurement.buyer_id, Procurement.cpv_main, func.count())
                           .where(Procurement.buyer_id.is_not(None), Procurement.cpv_main.is_not(None))
                           .group_by(Procurement.buyer_id, Procurement.cpv_main))  # fmt: skip
    for buyer, cpv, n in rows:
        out[str(cpv)[:2]][int(buyer or 0)] += int(n)
    inv = session.execute(select(Purchase.buyer_id, Purchase.account_name, func.count())
                          .group_by(Purchase.buyer_id, Purchase.account_name))  # fmt: skip
    for buyer, account, n in inv:
        m = map_account(account)
        if m is not None and m.division and m.division != NOT_PURCHASE:
            out[m.division][int(buyer)] += int(n)
    return {k: dict(v) for k, v in out.items()}


def _label(o: Organisation) -> str:
    """A buyer's name, or its first identifier (DECP names buyers by SIRET only)."""
    if o.name:
        return o.name
    return next((f"{i.scheme}:{i.value}" for i in o.identifiers), f"#{o.id}")


def partner_names(session: Session, division: str, own: set[int], region: str | None,
                  by_div: dict[str, dict[int, int]], country: str | None = None,
                  n: int = 5) -> list[tuple[str, int, bool]]:  # fmt: skip
    """Other buyers of the division in the organisation's country: (name, records, same region),
    same region first, then by records."""
    counts = {b: c for b, c in by_div.get(division, {}).items() if b not in own}
    if not counts:
        return []
    stmt = select(Organisation).where(Organisation.id.in_(list(counts)),
                                      Organisation.merged_into_id.is_(None))  # fmt: skip
    if country:
        # A joint procurement is among buyers under one procurement law: the same country.
        stmt = stmt.where(Organisation.country == country)
    ranked = sorted(((_label(o), counts[o.id], bool(region and o.region == region))
                     for o in session.scalars(stmt)), key=lambda t: (not t[2], -t[1], t[0]))  # fmt: skip
    return ranked[:n]


def _measure(name: str, fit: str, why: str, evidence: Sequence[str],
             **more: list[str]) -> Measure:  # fmt: skip
    """A measure with its sentences' codes beside them (the pages say them in fi and sv)."""
    return Measure(name=name, fit=fit, why=why, why_code=MessageOut.of(why),
                   evidence=list(evidence), evidence_codes=codes_of(list(evidence)), **more)  # fmt: skip


def _potential(f: CategoryFacts) -> str:
    return Msg("pf.potential", f"innovation potential {f.level} ({f.score:.2f})", level=f.level,
               score=round(f.score, 2))  # fmt: skip


def _fit(ok: bool, maybe: bool = False) -> str:
    return "fits" if ok else ("maybe" if maybe else "no")


def _dialogue(f: CategoryFacts) -> Measure:
    stuck = (f.hhi or 0) >= 0.25 or (f.incumbency or 0) >= 0.5
    ev = [Msg("pf.hhi_top3", f"HHI {f.hhi:.2f}, top-3 share {f.top3:.0%}", hhi=round(f.hhi, 2),
              share=f.top3 or 0.0) if f.hhi is not None else Msg("pf.no_shares", "no supplier shares"),
          Msg("pf.incumbency", f"incumbency {f.incumbency:.0%}", share=f.incumbency)
          if f.incumbency is not None else Msg("pf.incumbency_unknown", "incumbency unknown"),
          Msg("pf.untapped", f"{len(f.untapped)} matching firms with innovation signals never "
              "supplied the organisation", n=len(f.untapped))]  # fmt: skip
    ok = stuck or len(f.untapped) >= 2 or f.level != "low"
    why = (Msg("pf.dialogue.yes", "few, recurring suppliers or untapped innovative supply: hear "
               "the market before writing the call") if ok else
           Msg("pf.dialogue.no", "a fragmented market with new suppliers: the tender itself "
               "reaches them"))  # fmt: skip
    return _measure("market dialogue", _fit(ok), why, ev)


def _partnership(f: CategoryFacts) -> Measure:
    funded = [s for s in f.untapped if any(x.startswith("funding") for x in s.signals)]
    ok = f.level == "high" and len(funded) >= 2
    maybe = len(funded) >= 1 or (f.level != "low" and len(f.untapped) >= 2)
    why = (Msg("pf.partnership.yes", "firms with R&D funding match and the category has room "
               "for innovation: develop and then buy with one of them") if ok else
           Msg("pf.partnership.some" if maybe else "pf.partnership.none", "needs both room for "
               "innovation and firms with R&D signals" + ("; some exist" if maybe else
                                                           "; none found")))  # fmt: skip
    ev = [_potential(f)] + [_firm_signal(s) for s in funded[:3] if s.signals]
    return _measure("innovation partnership", _fit(ok, maybe), why, ev)


def _firm_signal(s: FittingSupplier) -> Msg:
    """A fitting supplier's first innovation signal, carrying its component's name and its first
    evidence line's code: the composed English sentence, passed as one parameter, reached the
    Finnish and Swedish pages untranslated."""
    comp = s.signal_components[0] if s.signal_components else None
    code = comp.evidence_codes[0] if comp and comp.evidence and comp.evidence_codes else None
    if comp is None or code is None or code.code == "text":
        # Evidence without a code reads as given, as it does elsewhere on the pages.
        return Msg("pf.firm_signal_text", f"{s.name}: {s.signals[0]}", name=s.name or "",
                   signal=s.signals[0])  # fmt: skip
    params = {k: v for k, v in code.params.items() if k not in ("name", "component", "fact")}
    return Msg("pf.firm_signal", f"{s.name}: {comp.name}: {comp.evidence[0]}", name=s.name or "",
               component=comp.name, fact=code.code, **params)  # fmt: skip


def _competitive(f: CategoryFacts) -> Measure:
    ok = bool(f.themes) and f.level in ("medium", "high")
    why = (Msg("pf.competitive.yes", "strategic goals in a category with room for innovation: "
               "shape the solution with bidders") if ok else
           Msg("pf.competitive.specified", "a specified tender is enough") if not f.themes else
           Msg("pf.competitive.criteria", "strategic goals, but little room for innovation: set "
               "them as criteria instead"))  # fmt: skip
    ev: list[str] = [Msg("theme_words", f"{THEME_LABELS[t]}: {', '.join(w)}", theme=t, words=w)
                     for t, w in f.themes.items()] or [Msg("pf.no_theme", "no strategic theme")]
    return _measure("competitive dialogue", _fit(ok, bool(f.themes)), why,
                    ev + [_potential(f)])  # fmt: skip


def _pcp(f: CategoryFacts) -> Measure:
    words = sorted({w for w in _RD if w in f.texts.casefold()})
    ok = bool(words) or f.key == "73"
    maybe = f.n_flagged > 0
    why = (Msg("pf.pcp.yes", "research or development is being bought: buy the R&D in phases "
               "before a product") if ok else
           Msg("pf.pcp.no", "the category buys ready products or services"))  # fmt: skip
    ev: Sequence[str] = ([Msg("pf.rd_words", f"R&D words in its texts: {', '.join(words)}",
                          words=words)] if words else []) + (
        [Msg("pf.flagged", f"{f.n_flagged} records flagged innovative", n=f.n_flagged)]
        if f.n_flagged else []) or [
        Msg("pf.no_rd", "no R&D words and no innovation flags in its records")]  # fmt: skip
    return _measure("pre-commercial procurement", _fit(ok, maybe), why, ev)


def _joint(partners: list[tuple[str, int, bool]]) -> Measure:
    names = [p[0] for p in partners]
    ev: list[str] = [Msg("pf.partner_local" if local else "pf.partner",
                         f"{name}: {n} records{' (same region)' if local else ''}", name=name, n=n)
                     for name, n, local in partners]  # fmt: skip
    ok = any(local for *_, local in partners) or len(partners) >= 3
    why = (Msg("pf.joint.yes", "other buyers in the data buy the same category: a joint "
               "procurement gains volume and shares the preparation") if partners else
           Msg("pf.joint.no", "no other buyer of this category in the data"))  # fmt: skip
    return _measure("joint procurement", _fit(ok, bool(partners)), why,
                    ev or [Msg("pf.none", "none")], partners=names)  # fmt: skip


def _lots(f: CategoryFacts) -> Measure:
    if f.sme_share is not None:
        ok = f.sme_share < 0.5
        why = (Msg("pf.lots.yes", "large firms hold most of the category: lots by area or "
                   "service let SMEs bid") if ok else
               Msg("pf.lots.no", "SMEs already win most of it"))  # fmt: skip
        return _measure("lots for SMEs", _fit(ok), why, [Msg(
            "pf.sme_share", f"SME share of suppliers {f.sme_share:.0%} (register size class)",
            share=f.sme_share)])  # fmt: skip
    concentrated = (f.top3 or 0) >= 0.7 and f.n_items >= 5
    return _measure("lots for SMEs", _fit(False, concentrated), Msg(
        "pf.lots.no_size_concentrated" if concentrated else "pf.lots.no_size",
        "the register gives no size class for these suppliers" + (
            "; top-3 suppliers hold most of it, so lots may open it" if concentrated else "")),
        [Msg("pf.top3", f"top-3 share {f.top3:.0%}", share=f.top3) if f.top3 is not None
         else Msg("pf.no_shares_short", "no shares")])  # fmt: skip


def _sustainability(f: CategoryFacts) -> Measure:
    crit: list[str] = [Msg("pf.criteria", f"{THEME_LABELS[t]}: {_CRITERIA[t]}", theme=t,
                           criteria=t)
                       for t in f.themes]  # fmt: skip
    gpp = _GPP.get(f.key)
    ev = crit + ([Msg("pf.gpp", f"EU GPP criteria exist for {gpp}", group=f.key)] if gpp else [])
    ok = bool(ev)
    parts = (["criteria for the category's themes"] if crit else []) + (
        ["the EU GPP criteria set for the division"] if gpp else [])
    code = "pf.sust." + ("both" if crit and gpp else "themes" if crit else "gpp" if gpp else "no")
    why = Msg(code, " and ".join(parts) if ok else
              "no theme in its texts and no EU GPP criteria set for the division")  # fmt: skip
    return _measure("sustainability criteria", _fit(ok), why, ev or [Msg("pf.none", "none")])


def measures(f: CategoryFacts, partners: list[tuple[str, int, bool]]) -> list[Measure]:
    """The seven measures for the category, in the order of ``MEASURES``."""
    return [_dialogue(f), _partnership(f), _competitive(f), _pcp(f), _joint(partners), _lots(f),
            _sustainability(f)]  # fmt: skip
