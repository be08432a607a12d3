"""Interface strings in Finnish, Swedish and English; the
language comes from ``?lang=``, a cookie, or the
browser's Accept-Language, in that order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request

from .company_strings import COMPANY_STRINGS
from .messages import say, say_all

LANGS = ("fi", "sv", "en")
LANG_COOKIE = "im_lang"

STRINGS: dict[str, dict[str, str]] = {
    "app_tagline": {"en": "Find who could deliver, before you tender",
                    "fi": "Löydä toimittajat ennen kilpailutusta", "sv": "Hitta vem som kan leverera, innan du upphandlar"},
    "skip": {"en": "Skip to content", "fi": "Siirry sisältöön", "sv": "Hoppa till innehållet"},
    "nav_describe": {"en": "Describe your need", "fi": "Kuvaa tarpeesi", "sv": "Beskriv ditt behov"},
    "nav_board": {"en": "Board", "fi": "Työpöytä", "sv": "Översikt"},
    "nav_login": {"en": "Sign in", "fi": "Kirjaudu", "sv": "Logga in"},
    "nav_logout": {"en": "Sign out", "fi": "Kirjaudu ulos", "sv": "Logga ut"},
    "describe_title": {"en": "Describe your need", "fi": "Kuvaa hankintatarpeesi", "sv": "Beskriv ditt upphandlingsbehov"},
    "describe_help": {"en": "Write in Finnish, Swedish or English. We rank companies that could deliver it, with the evidence, and assess its innovation potential.",
                      "fi": "Kirjoita suomeksi, ruotsiksi tai englanniksi. Näet yritykset, jotka voisivat toimittaa tarpeen, perusteluineen, ja tarpeen innovaatiopotentiaalin.", "sv": "Skriv på finska, svenska eller engelska. Du ser företag som kunde leverera behovet, med motiveringar, och behovets innovationspotential."},
    "need_text": {"en": "The need", "fi": "Tarve", "sv": "Behovet"},
    "cpv_optional": {"en": "CPV codes (optional, space-separated)", "fi": "CPV-koodit (valinnainen, välilyönnein)", "sv": "CPV-koder (valfritt, åtskilda med mellanslag)"},
    "search": {"en": "Find suppliers", "fi": "Etsi toimittajat", "sv": "Sök leverantörer"},
    "suppliers": {"en": "Suppliers", "fi": "Toimittajat", "sv": "Leverantörer"},
    "score": {"en": "score", "fi": "pisteet", "sv": "poäng"},
    "base_score": {"en": "the trained model's starting value before the parts below",
                   "fi": "opetetun mallin lähtöarvo ennen alla olevia osia", "sv": "den tränade modellens utgångsvärde före delarna nedan"},
    "innovation": {"en": "innovation potential", "fi": "innovaatiopotentiaali", "sv": "innovationspotential"},
    "awards": {"en": "awards", "fi": "voittoa", "sv": "vunna kontrakt"},
    "evidence": {"en": "Evidence", "fi": "Näyttö", "sv": "Underlag"},
    "need_potential": {"en": "Innovation potential of the need", "fi": "Tarpeen innovaatiopotentiaali", "sv": "Behovets innovationspotential"},
    "level": {"en": "level", "fi": "taso", "sv": "nivå"},
    "route": {"en": "Suggested route", "fi": "Ehdotettu hankintatapa", "sv": "Föreslaget upphandlingsförfarande"},
    "confidence": {"en": "confidence", "fi": "luotettavuus", "sv": "tillförlitlighet"},
    "no_results": {"en": "No supplier matches yet.", "fi": "Ei vielä sopivia toimittajia.", "sv": "Inga passande leverantörer ännu."},
    "email": {"en": "E-mail", "fi": "Sähköposti", "sv": "E-post"},
    "password": {"en": "Password", "fi": "Salasana", "sv": "Lösenord"},
    "login_failed": {"en": "Wrong e-mail or password.", "fi": "Väärä sähköposti tai salasana.", "sv": "Fel e-postadress eller lösenord."},
    "board_title": {"en": "Needs and clusters", "fi": "Tarpeet ja ryhmät", "sv": "Behov och grupper"},
    "new_need": {"en": "Record a need", "fi": "Kirjaa tarve", "sv": "Registrera ett behov"},
    "needs": {"en": "Needs", "fi": "Tarpeet", "sv": "Behov"},
    "clusters": {"en": "Clusters of similar needs", "fi": "Samankaltaisten tarpeiden ryhmät", "sv": "Grupper av likartade behov"},
    "no_needs": {"en": "No needs yet.", "fi": "Ei vielä tarpeita.", "sv": "Inga behov ännu."},
    "no_clusters": {"en": "No clusters: similar needs of two or more buyers form one.", "fi": "Ei ryhmiä: kahden tai useamman hankkijan samankaltaiset tarpeet muodostavat ryhmän.", "sv": "Inga grupper: likartade behov hos två eller flera upphandlande enheter bildar en grupp."},
    "region": {"en": "Region (NUTS)", "fi": "Alue (NUTS)", "sv": "Område (NUTS)"},
    "status": {"en": "Status", "fi": "Tila", "sv": "Status"},
    "all": {"en": "all", "fi": "kaikki", "sv": "alla"},
    "open": {"en": "open", "fi": "avoin", "sv": "öppet"},
    "closed": {"en": "closed", "fi": "suljettu", "sv": "avslutat"},
    "filter": {"en": "Filter", "fi": "Suodata", "sv": "Filtrera"},
    "title": {"en": "Title", "fi": "Otsikko", "sv": "Rubrik"},
    "description": {"en": "Description", "fi": "Kuvaus", "sv": "Beskrivning"},
    "buyer": {"en": "Buyer", "fi": "Hankkija", "sv": "Upphandlande enhet"},
    "buyer_id": {"en": "Buyer (organisation id)", "fi": "Hankkija (organisaation tunnus)", "sv": "Upphandlande enhet (organisationens beteckning)"},
    "budget": {"en": "Budget, EUR (min - max)", "fi": "Budjetti, EUR (min - max)", "sv": "Budget, EUR (min - max)"},
    "timeline": {"en": "Timeline (start - end)", "fi": "Aikataulu (alku - loppu)", "sv": "Tidsplan (början - slut)"},
    "contact": {"en": "Contact", "fi": "Yhteyshenkilö", "sv": "Kontaktperson"},
    "save": {"en": "Save", "fi": "Tallenna", "sv": "Spara"},
    "edit": {"en": "Edit", "fi": "Muokkaa", "sv": "Redigera"},
    "close_need": {"en": "Close the need", "fi": "Sulje tarve", "sv": "Avsluta behovet"},
    "cpv_suggested": {"en": "Suggested CPV codes", "fi": "Ehdotetut CPV-koodit", "sv": "Föreslagna CPV-koder"},
    "shortlist": {"en": "Shortlist", "fi": "Lyhytlista", "sv": "Kortlista"},
    "ranking": {"en": "Ranked suppliers", "fi": "Toimittajat järjestyksessä", "sv": "Leverantörer i rangordning"},
    "mark": {"en": "Mark", "fi": "Merkintä", "sv": "Markering"},
    "note": {"en": "Note", "fi": "Muistiinpano", "sv": "Anteckning"},
    "keep": {"en": "Keep", "fi": "Lisää", "sv": "Lägg till"},
    "export_csv": {"en": "Export CSV", "fi": "Vie CSV", "sv": "Exportera CSV"},
    "empty_shortlist": {"en": "Nothing kept yet.", "fi": "Listalla ei vielä ole toimittajia.", "sv": "Inga leverantörer på listan ännu."},
    "shortlisted": {"en": "shortlisted", "fi": "listalla", "sv": "på listan"},
    "relevant": {"en": "relevant", "fi": "relevantti", "sv": "relevant"},
    "not_relevant": {"en": "not relevant", "fi": "ei relevantti", "sv": "inte relevant"},
    "contacted": {"en": "contacted", "fi": "yhteyttä otettu", "sv": "kontaktad"},
    "market": {"en": "Market view", "fi": "Markkinanäkymä", "sv": "Marknadsbild"},
    "similar_bought": {"en": "similar past procurements", "fi": "samankaltaista aiempaa hankintaa", "sv": "likartade tidigare upphandlingar"},
    "who_bought": {"en": "Who bought similar things", "fi": "Ketkä ostivat samankaltaista", "sv": "Vilka köpte liknande"},
    "who_won": {"en": "Who won (share of awards)", "fi": "Ketkä voittivat (osuus)", "sv": "Vilka vann (andel av tilldelningarna)"},
    "tenders": {"en": "Tenders received", "fi": "Saadut tarjoukset", "sv": "Inkomna anbud"},
    "mean": {"en": "mean", "fi": "keskimäärin", "sv": "i medeltal"},
    "single_bid": {"en": "single-bid share", "fi": "yhden tarjouksen osuus", "sv": "andel med ett enda anbud"},
    "no_tender_counts": {"en": "No tender counts recorded.", "fi": "Tarjousmääriä ei ole kirjattu.", "sv": "Antalet anbud har inte registrerats."},
    "by_year": {"en": "Similar procurements by year (count and value, EUR)", "fi": "Samankaltaiset hankinnat vuosittain (määrä ja arvo, EUR)", "sv": "Likartade upphandlingar per år (antal och värde, EUR)"},
    "cluster": {"en": "Cluster", "fi": "Ryhmä", "sv": "Grupp"},
    "why_together": {"en": "Why together", "fi": "Miksi yhdessä", "sv": "Varför tillsammans"},
    "members": {"en": "Members", "fi": "Jäsenet", "sv": "Medlemmar"},
    "hidden_members": {"en": "more needs of other buyers or regions", "fi": "muuta tarvetta muilta hankkijoilta tai alueilta", "sv": "behov till hos andra upphandlande enheter eller i andra områden"},
    "signed_in_as": {"en": "Signed in as", "fi": "Kirjautunut", "sv": "Inloggad som"},
    "error": {"en": "Something is not right", "fi": "Jokin ei täsmää", "sv": "Något stämmer inte"},
    "back": {"en": "Back", "fi": "Takaisin", "sv": "Tillbaka"},
    "public_note": {"en": "Public analysis: no sign-in needed. Recording needs and shortlists needs an account.",
                    "fi": "Julkinen analyysi: ei vaadi kirjautumista. Tarpeiden ja lyhytlistojen kirjaaminen vaatii tunnuksen.", "sv": "Offentlig analys: ingen inloggning behövs. För att registrera behov och kortlistor behövs ett konto."},
}  # fmt: skip

# Procurement portfolio (api/templates/portfolio.html).
STRINGS.update({
    "pf_title": {"en": "Procurement portfolio", "fi": "Hankintasalkku", "sv": "Upphandlingsportfölj"},
    "pf_help": {"en": "What the organisation bought, its most strategic categories and what to do in each, from public data.",
                "fi": "Mitä organisaatio on hankkinut, sen strategisimmat hankintakategoriat ja mitä kussakin kannattaa tehdä, julkisesta datasta.",
                "sv": "Vad organisationen har köpt, dess mest strategiska kategorier och vad som kan göras i var och en, ur öppna data."},
    "pf_csv": {"en": "Download CSV", "fi": "Lataa CSV", "sv": "Ladda ner CSV"},
    "pf_src_award": {"en": "awards", "fi": "sopimusta", "sv": "tilldelningar"},
    "pf_src_notice": {"en": "notices", "fi": "ilmoitusta", "sv": "meddelanden"},
    "pf_src_invoice": {"en": "invoices", "fi": "laskua", "sv": "fakturor"},
    "pf_matrix": {"en": "Strategic matrix", "fi": "Strateginen matriisi", "sv": "Strategisk matris"},
    "pf_matrix_alt": {"en": "Chart: categories by room for innovation (horizontal) and impact (vertical); the five most strategic in red",
                      "fi": "Kaavio: kategoriat innovaatiovaran (vaaka) ja vaikuttavuuden (pysty) mukaan; viisi strategisinta punaisella",
                      "sv": "Diagram: kategorier efter utrymme för innovation (vågrätt) och genomslag (lodrätt); de fem mest strategiska i rött"},
    "pf_categories": {"en": "Categories", "fi": "Kategoriat", "sv": "Kategorier"},
    "pf_division": {"en": "CPV division", "fi": "CPV-pääryhmä", "sv": "CPV-huvudgrupp"},
    "pf_spend": {"en": "Spend, EUR", "fi": "Hankinnat, EUR", "sv": "Inköp, EUR"},
    "pf_share": {"en": "Share", "fi": "Osuus", "sv": "Andel"},
    "pf_records": {"en": "Contracts / invoices / notices", "fi": "Sopimukset / laskut / ilmoitukset", "sv": "Kontrakt / fakturor / meddelanden"},
    "pf_suppliers": {"en": "Suppliers", "fi": "Toimittajat", "sv": "Leverantörer"},
    "pf_top3": {"en": "Top 3", "fi": "Kolme suurinta", "sv": "Tre största"},
    "pf_sme": {"en": "SME share", "fi": "Pk-osuus", "sv": "SMF-andel"},
    "pf_local": {"en": "Local", "fi": "Paikalliset", "sv": "Lokala"},
    "pf_tenders": {"en": "Tenders per contract", "fi": "Tarjouksia / sopimus", "sv": "Anbud per kontrakt"},
    "pf_incumbency": {"en": "Incumbency", "fi": "Vakiintuneisuus", "sv": "Etablerade leverantörer"},
    "pf_flagged": {"en": "Flagged innovative", "fi": "Innovatiiviseksi merkitty", "sv": "Markerad innovativ"},
    "pf_themes": {"en": "Themes", "fi": "Teemat", "sv": "Teman"},
    "pf_room": {"en": "Room for innovation", "fi": "Innovaatiovara", "sv": "Utrymme för innovation"},
    "pf_impact": {"en": "Impact", "fi": "Vaikuttavuus", "sv": "Genomslag"},
    "pf_score": {"en": "Strategic score", "fi": "Strategisuus", "sv": "Strategisk poäng"},
    "pf_stakeholders": {"en": "Stakeholders", "fi": "Sidosryhmät", "sv": "Intressenter"},
    "pf_ratings_hidden": {"en": "Stakeholders' ratings are shown to the organisation's users and to invited stakeholders.",
                          "fi": "Sidosryhmien arviot näkyvät organisaation käyttäjille ja kutsutuille sidosryhmille.",
                          "sv": "Intressenternas bedömningar visas för organisationens användare och inbjudna intressenter."},
    "pf_strategic": {"en": "Most strategic categories first", "fi": "Strategisimmat kategoriat ensin", "sv": "De mest strategiska kategorierna först"},
    "pf_reasons": {"en": "Why", "fi": "Miksi", "sv": "Varför"},
    "pf_measures": {"en": "Measures compared", "fi": "Toimenpiteiden vertailu", "sv": "Åtgärder jämförda"},
    "pf_measure": {"en": "Measure", "fi": "Toimenpide", "sv": "Åtgärd"},
    "pf_fit": {"en": "Fits?", "fi": "Sopiiko?", "sv": "Passar?"},
    "pf_why": {"en": "Why", "fi": "Perustelu", "sv": "Motivering"},
    "pf_fits": {"en": "fits", "fi": "sopii", "sv": "passar"},
    "pf_maybe": {"en": "maybe", "fi": "ehkä", "sv": "kanske"},
    "pf_no": {"en": "no", "fi": "ei", "sv": "nej"},
    "m_market_dialogue": {"en": "Market dialogue", "fi": "Markkinavuoropuhelu", "sv": "Marknadsdialog"},
    "m_innovation_partnership": {"en": "Innovation partnership", "fi": "Innovaatiokumppanuus", "sv": "Innovationspartnerskap"},
    "m_competitive_dialogue": {"en": "Competitive dialogue", "fi": "Neuvottelumenettely / kilpailullinen neuvottelumenettely", "sv": "Konkurrenspräglad dialog"},
    "m_pre-commercial_procurement": {"en": "Pre-commercial procurement", "fi": "Esikaupallinen hankinta", "sv": "Förkommersiell upphandling"},
    "m_joint_procurement": {"en": "Joint procurement", "fi": "Yhteishankinta", "sv": "Samordnad upphandling"},
    "m_lots_for_SMEs": {"en": "Lots for SMEs", "fi": "Osiin jakaminen pk-yrityksille", "sv": "Delkontrakt för SMF"},
    "m_sustainability_criteria": {"en": "Sustainability criteria", "fi": "Kestävyyskriteerit", "sv": "Hållbarhetskriterier"},
    "pf_solutions": {"en": "Fitting suppliers (innovation signals first)", "fi": "Sopivat toimittajat (innovaatiosignaalit ensin)", "sv": "Passande leverantörer (innovationssignaler först)"},
    "pf_signals": {"en": "innovation signals", "fi": "innovaatiosignaaleja", "sv": "innovationssignaler"},
    "pf_never_won": {"en": "never won a public contract", "fi": "ei julkisia sopimuksia", "sv": "har aldrig vunnit ett offentligt kontrakt"},
    "pf_already": {"en": "already supplies the organisation", "fi": "jo organisaation toimittaja", "sv": "levererar redan till organisationen"},
    "pf_no_solutions": {"en": "The ranking finds no fitting supplier for this category (or it was not asked: only the largest categories are).", "fi": "Haku ei löydä kategorialle sopivia toimittajia (tai sitä ei kysytty: vain suurimmista kategorioista kysytään).", "sv": "Rankningen hittar ingen passande leverantör för kategorin (eller frågades inte: bara de största kategorierna)."},
    "pf_by_year": {"en": "By year, and the innovation dimensions", "fi": "Vuosittain ja innovaatiomittarit", "sv": "Per år, och innovationsdimensionerna"},
    "pf_year": {"en": "Year", "fi": "Vuosi", "sv": "År"},
    "pf_share_title": {"en": "Innovative share against the 10% target", "fi": "Innovatiivisten hankintojen osuus ja 10 %:n tavoite", "sv": "Andel innovativa upphandlingar mot målet 10 %"},
    "pf_org": {"en": "organisation", "fi": "organisaatio", "sv": "organisationen"},
    "pf_national": {"en": "national", "fi": "koko aineisto", "sv": "nationellt"},
    "pf_by_count": {"en": "by count", "fi": "määrästä", "sv": "efter antal"},
    "pf_by_value": {"en": "by value", "fi": "arvosta", "sv": "efter värde"},
    "pf_target": {"en": "target", "fi": "tavoite", "sv": "mål"},
    "pf_coverage": {"en": "Invoice accounts mapped to CPV divisions", "fi": "Laskujen tilit CPV-pääryhmiin", "sv": "Fakturakonton mot CPV-huvudgrupper"},
    "pf_mapped": {"en": "mapped", "fi": "kohdistettu", "sv": "kopplade"},
    "pf_not_purchases": {"en": "not purchases (grants, taxes, pensions)", "fi": "eivät hankintoja (avustukset, verot, eläkkeet)", "sv": "inte inköp (bidrag, skatter, pensioner)"},
    "pf_unmapped": {"en": "unmapped", "fi": "kohdistamatta", "sv": "ej kopplade"},
    "pf_notes": {"en": "Notes on the data", "fi": "Huomioita aineistosta", "sv": "Anmärkningar om data"},
    "pf_invite_title": {"en": "Invite stakeholders", "fi": "Kutsu sidosryhmiä", "sv": "Bjud in intressenter"},
    "pf_invite_help": {"en": "A stakeholder who opens the link rates how important each category is and comments; the ratings appear beside the data.",
                       "fi": "Linkin avaava sidosryhmä arvioi kunkin kategorian tärkeyden ja voi kommentoida; arviot näkyvät datan rinnalla.",
                       "sv": "En intressent som öppnar länken bedömer hur viktig varje kategori är och kommenterar; bedömningarna visas bredvid data."},
    "pf_invite_label": {"en": "Who is invited (e.g. youth council)", "fi": "Kuka kutsutaan (esim. nuorisovaltuusto)", "sv": "Vem bjuds in (t.ex. ungdomsfullmäktige)"},
    "pf_invite_button": {"en": "Create invitation link", "fi": "Luo kutsulinkki", "sv": "Skapa inbjudningslänk"},
    "pf_new_link": {"en": "Invitation link: send it now, it is shown only once", "fi": "Kutsulinkki: lähetä se nyt, se näytetään vain kerran", "sv": "Inbjudningslänk: skicka den nu, den visas bara en gång"},
    "pf_expires": {"en": "expires", "fi": "vanhenee", "sv": "upphör"},
    "pf_invitations": {"en": "Invitations (ratings given)", "fi": "Kutsut (annetut arviot)", "sv": "Inbjudningar (givna bedömningar)"},
    "pf_weight": {"en": "How much stakeholders' ratings order the list", "fi": "Kuinka paljon sidosryhmien arviot vaikuttavat järjestykseen", "sv": "Hur mycket intressenternas bedömningar styr ordningen"},
    "pf_weight_help": {"en": "0 = the data alone, 1 = the stakeholders' importance alone.", "fi": "0 = pelkkä data, 1 = pelkkä sidosryhmien arvio tärkeydestä.", "sv": "0 = enbart data, 1 = enbart intressenternas bedömning."},
    "pf_rate_title": {"en": "Rate the categories", "fi": "Arvioi kategoriat", "sv": "Bedöm kategorierna"},
    "pf_rate_help": {"en": "Rate how important each category is for the organisation's goals (1 = not important, 5 = very important) and comment if you wish.",
                     "fi": "Arvioi, kuinka tärkeä kukin kategoria on organisaation tavoitteille (1 = ei tärkeä, 5 = erittäin tärkeä), ja kommentoi halutessasi.",
                     "sv": "Bedöm hur viktig varje kategori är för organisationens mål (1 = inte viktig, 5 = mycket viktig) och kommentera om du vill."},
    "pf_importance": {"en": "Importance (1-5)", "fi": "Tärkeys (1-5)", "sv": "Vikt (1-5)"},
    "pf_comment": {"en": "Comment", "fi": "Kommentti", "sv": "Kommentar"},
    "pf_rate_button": {"en": "Save rating", "fi": "Tallenna arvio", "sv": "Spara bedömning"},
})  # fmt: skip

# What the library says: levels, routes, dimensions and components (api/templates/_macros.html).
STRINGS.update({
    "level_high": {"en": "high", "fi": "korkea", "sv": "hög"},
    "level_medium": {"en": "medium", "fi": "keskitasoinen", "sv": "medelhög"},
    "level_low": {"en": "low", "fi": "matala", "sv": "låg"},
    "route_pre-commercial_procurement": {"en": "pre-commercial procurement", "fi": "esikaupallinen hankinta", "sv": "förkommersiell upphandling"},
    "route_innovation_partnership": {"en": "innovation partnership", "fi": "innovaatiokumppanuus", "sv": "innovationspartnerskap"},
    "route_competitive_dialogue": {"en": "competitive dialogue", "fi": "kilpailullinen neuvottelumenettely", "sv": "konkurrenspräglad dialog"},
    "route_market_dialogue_first": {"en": "market dialogue first", "fi": "ensin markkinavuoropuhelu", "sv": "först marknadsdialog"},
    "route_ordinary_tender": {"en": "ordinary tender", "fi": "tavanomainen kilpailutus", "sv": "sedvanligt anbudsförfarande"},
    "dimensions": {"en": "dimensions", "fi": "ulottuvuutta", "sv": "dimensioner"},
    "dim_concentration": {"en": "concentration", "fi": "markkinoiden keskittyneisyys", "sv": "marknadskoncentration"},
    "dim_competition": {"en": "competition", "fi": "kilpailu", "sv": "konkurrens"},
    "dim_incumbency": {"en": "incumbency", "fi": "vakiintuneet toimittajat", "sv": "etablerade leverantörer"},
    "dim_untapped_supply": {"en": "untapped supply", "fi": "hyödyntämätön tarjonta", "sv": "outnyttjat utbud"},
    "dim_novelty": {"en": "novelty", "fi": "uutuus", "sv": "nyhetsgrad"},
    "dim_themes": {"en": "strategic themes", "fi": "strategiset teemat", "sv": "strategiska teman"},
    "dim_flagged_share": {"en": "flagged innovative", "fi": "innovatiiviseksi merkittyjen osuus", "sv": "andel markerade som innovativa"},
    "comp_funding": {"en": "R&D&I funding", "fi": "TKI-rahoitus", "sv": "FUI-finansiering"},
    "comp_innovative_contracts": {"en": "innovative contracts", "fi": "innovatiiviset sopimukset", "sv": "innovativa kontrakt"},
    "comp_novelty": {"en": "novelty", "fi": "uutuus", "sv": "nyhetsgrad"},
    "comp_newcomer": {"en": "newcomer", "fi": "uusi tulokas", "sv": "nykomling"},
    "comp_youth_growth": {"en": "youth and growth", "fi": "nuoruus ja kasvu", "sv": "ungdom och tillväxt"},
    "comp_themes": {"en": "strategic themes", "fi": "strategiset teemat", "sv": "strategiska teman"},
    "unknown": {"en": "unknown", "fi": "ei tiedossa", "sv": "okänd"},
    "missing": {"en": "missing", "fi": "puuttuu", "sv": "saknas"},
    "tentative": {"en": "tentative", "fi": "alustava", "sv": "preliminär"},
    "unknown_help": {"en": "too little evidence to tell: this is not a low score",
                     "fi": "liian vähän näyttöä arvioon: tämä ei ole matala pistemäärä",
                     "sv": "för lite underlag för en bedömning: detta är inte en låg poäng"},
})  # fmt: skip


def pick_lang(request: Request) -> str:
    """The interface language of this request."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGS:
        return asked
    accept = request.headers.get("accept-language", "").lower()
    return "fi" if accept.startswith("fi") else "sv" if accept.startswith("sv") else "en"


class Translator:
    """``t(key)`` for templates: the string in ``lang``, the key itself if there is none; and
    ``t.say(text, code)``: a sentence of the library in ``lang`` (see :mod:`api.messages`)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, key: str) -> str:
        texts = STRINGS.get(key, {})
        return texts.get(self.lang) or texts.get("en", key)

    def say(self, text: str, code: Any) -> str:
        """The library's English ``text`` in this language, from its ``code``."""
        return say(text, code, self.lang)

    def say_all(self, texts: Sequence[str], codes: Sequence[Any]) -> list[str]:
        """Each of ``texts`` in this language, from ``codes`` (one per text)."""
        return say_all(texts, codes, self.lang)


def translator(lang: str) -> Translator:
    """The templates' ``t`` for ``lang``."""
    return Translator(lang)


# The company pages' strings live in their own module (see api/company_strings.py).
STRINGS.update(COMPANY_STRINGS)
