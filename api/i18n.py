"""Interface strings in Finnish and English; the language comes from ``?lang=``, a cookie, or the
browser's Accept-Language, in that order."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

LANGS = ("fi", "en")
LANG_COOKIE = "im_lang"

STRINGS: dict[str, dict[str, str]] = {
    "app_tagline": {"en": "Find who could deliver, before you tender",
                    "fi": "Löydä toimittajat ennen kilpailutusta"},
    "skip": {"en": "Skip to content", "fi": "Siirry sisältöön"},
    "nav_describe": {"en": "Describe your need", "fi": "Kuvaa tarpeesi"},
    "nav_board": {"en": "Board", "fi": "Työpöytä"},
    "nav_login": {"en": "Sign in", "fi": "Kirjaudu"},
    "nav_logout": {"en": "Sign out", "fi": "Kirjaudu ulos"},
    "describe_title": {"en": "Describe your need", "fi": "Kuvaa hankintatarpeesi"},
    "describe_help": {"en": "Write in Finnish, Swedish or English. We rank companies that could deliver it, with the evidence, and assess its innovation potential.",
                      "fi": "Kirjoita suomeksi, ruotsiksi tai englanniksi. Näet yritykset, jotka voisivat toimittaa tarpeen, perusteluineen, ja tarpeen innovaatiopotentiaalin."},
    "need_text": {"en": "The need", "fi": "Tarve"},
    "cpv_optional": {"en": "CPV codes (optional, space-separated)", "fi": "CPV-koodit (valinnainen, välilyönnein)"},
    "search": {"en": "Find suppliers", "fi": "Etsi toimittajat"},
    "suppliers": {"en": "Suppliers", "fi": "Toimittajat"},
    "score": {"en": "score", "fi": "pisteet"},
    "base_score": {"en": "the trained model's starting value before the parts below",
                   "fi": "opetetun mallin lähtöarvo ennen alla olevia osia"},
    "innovation": {"en": "innovation potential", "fi": "innovaatiopotentiaali"},
    "awards": {"en": "awards", "fi": "voittoa"},
    "evidence": {"en": "Evidence", "fi": "Näyttö"},
    "need_potential": {"en": "Innovation potential of the need", "fi": "Tarpeen innovaatiopotentiaali"},
    "level": {"en": "level", "fi": "taso"},
    "route": {"en": "Suggested route", "fi": "Ehdotettu hankintatapa"},
    "confidence": {"en": "confidence", "fi": "luotettavuus"},
    "no_results": {"en": "No supplier matches yet.", "fi": "Ei vielä sopivia toimittajia."},
    "email": {"en": "E-mail", "fi": "Sähköposti"},
    "password": {"en": "Password", "fi": "Salasana"},
    "login_failed": {"en": "Wrong e-mail or password.", "fi": "Väärä sähköposti tai salasana."},
    "board_title": {"en": "Needs and clusters", "fi": "Tarpeet ja ryhmät"},
    "new_need": {"en": "Record a need", "fi": "Kirjaa tarve"},
    "needs": {"en": "Needs", "fi": "Tarpeet"},
    "clusters": {"en": "Clusters of similar needs", "fi": "Samankaltaisten tarpeiden ryhmät"},
    "no_needs": {"en": "No needs yet.", "fi": "Ei vielä tarpeita."},
    "no_clusters": {"en": "No clusters: similar needs of two or more buyers form one.", "fi": "Ei ryhmiä: kahden tai useamman hankkijan samankaltaiset tarpeet muodostavat ryhmän."},
    "region": {"en": "Region (NUTS)", "fi": "Alue (NUTS)"},
    "status": {"en": "Status", "fi": "Tila"},
    "all": {"en": "all", "fi": "kaikki"},
    "open": {"en": "open", "fi": "avoin"},
    "closed": {"en": "closed", "fi": "suljettu"},
    "filter": {"en": "Filter", "fi": "Suodata"},
    "title": {"en": "Title", "fi": "Otsikko"},
    "description": {"en": "Description", "fi": "Kuvaus"},
    "buyer": {"en": "Buyer", "fi": "Hankkija"},
    "buyer_id": {"en": "Buyer (organisation id)", "fi": "Hankkija (organisaation tunnus)"},
    "budget": {"en": "Budget, EUR (min - max)", "fi": "Budjetti, EUR (min - max)"},
    "timeline": {"en": "Timeline (start - end)", "fi": "Aikataulu (alku - loppu)"},
    "contact": {"en": "Contact", "fi": "Yhteyshenkilö"},
    "save": {"en": "Save", "fi": "Tallenna"},
    "edit": {"en": "Edit", "fi": "Muokkaa"},
    "close_need": {"en": "Close the need", "fi": "Sulje tarve"},
    "cpv_suggested": {"en": "Suggested CPV codes", "fi": "Ehdotetut CPV-koodit"},
    "shortlist": {"en": "Shortlist", "fi": "Lyhytlista"},
    "ranking": {"en": "Ranked suppliers", "fi": "Toimittajat järjestyksessä"},
    "mark": {"en": "Mark", "fi": "Merkintä"},
    "note": {"en": "Note", "fi": "Muistiinpano"},
    "keep": {"en": "Keep", "fi": "Lisää"},
    "export_csv": {"en": "Export CSV", "fi": "Vie CSV"},
    "empty_shortlist": {"en": "Nothing kept yet.", "fi": "Listalla ei vielä ole toimittajia."},
    "shortlisted": {"en": "shortlisted", "fi": "listalla"},
    "relevant": {"en": "relevant", "fi": "relevantti"},
    "not_relevant": {"en": "not relevant", "fi": "ei relevantti"},
    "contacted": {"en": "contacted", "fi": "yhteyttä otettu"},
    "market": {"en": "Market view", "fi": "Markkinanäkymä"},
    "similar_bought": {"en": "similar past procurements", "fi": "samankaltaista aiempaa hankintaa"},
    "who_bought": {"en": "Who bought similar things", "fi": "Ketkä ostivat samankaltaista"},
    "who_won": {"en": "Who won (share of awards)", "fi": "Ketkä voittivat (osuus)"},
    "tenders": {"en": "Tenders received", "fi": "Saadut tarjoukset"},
    "mean": {"en": "mean", "fi": "keskimäärin"},
    "single_bid": {"en": "single-bid share", "fi": "yhden tarjouksen osuus"},
    "no_tender_counts": {"en": "No tender counts recorded.", "fi": "Tarjousmääriä ei ole kirjattu."},
    "by_year": {"en": "Similar procurements by year (count and value, EUR)", "fi": "Samankaltaiset hankinnat vuosittain (määrä ja arvo, EUR)"},
    "cluster": {"en": "Cluster", "fi": "Ryhmä"},
    "why_together": {"en": "Why together", "fi": "Miksi yhdessä"},
    "members": {"en": "Members", "fi": "Jäsenet"},
    "hidden_members": {"en": "more needs of other buyers or regions", "fi": "muuta tarvetta muilta hankkijoilta tai alueilta"},
    "signed_in_as": {"en": "Signed in as", "fi": "Kirjautunut"},
    "error": {"en": "Something is not right", "fi": "Jokin ei täsmää"},
    "back": {"en": "Back", "fi": "Takaisin"},
    "public_note": {"en": "Public analysis: no sign-in needed. Recording needs and shortlists needs an account.",
                    "fi": "Julkinen analyysi: ei vaadi kirjautumista. Tarpeiden ja lyhytlistojen kirjaaminen vaatii tunnuksen."},
}  # fmt: skip


def pick_lang(request: Request) -> str:
    """The interface language of this request."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGS:
        return asked
    accept = request.headers.get("accept-language", "").lower()
    return "fi" if accept.startswith("fi") else "en"


def translator(lang: str) -> Callable[[str], str]:
    """``t(key)`` for templates: the string in ``lang``, the key itself if there is none."""

    def t(key: str) -> str:
        return STRINGS.get(key, {}).get(lang, key)

    return t
