"""What the library says, in Finnish and Swedish: one template per sentence code.

The library sends each sentence in English with a stable code and its parameters
(:class:`matcher.vocab.messages.Msg`); the pages render the code here. English is always the
library's own text, so the two cannot drift apart. Parameters named in ``_NAMED`` are codes
themselves (a feature, a theme, a level) and are translated before they fill a template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .portfolio_messages import PORTFOLIO_MESSAGES

__all__ = ["LABELS", "MESSAGES", "say", "say_all"]

#: Names the sentences refer to: features of the ranking, themes, funding kinds, levels.
LABELS: dict[str, dict[str, str]] = {
    "feature:similar_contracts": {"fi": "voitetut aiemmat sopimukset tarvetta eniten muistuttavien 100 joukossa (kalibroitujen samankaltaisuuksien noisy-or, 0-1)",
                                  "sv": "vunna tidigare kontrakt bland de 100 som mest liknar behovet (noisy-or av kalibrerad likhet, 0-1)"},
    "feature:lexical": {"fi": "voitetut aiemmat sopimukset sanastoltaan tarvetta lähimpien 100 joukossa (0-1)",
                        "sv": "vunna tidigare kontrakt bland de 100 som delar mest ordalydelse med behovet (0-1)"},
    "feature:profile": {"fi": "tarpeen samankaltaisuus toimittajan omaan profiiliin (kalibroitu, 0-1)",
                        "sv": "behovets likhet med leverantörens egen profil (kalibrerad, 0-1)"},
    "feature:cpv": {"fi": "syvin CPV-taso, joka sen aiemmilla sopimuksilla on yhteinen tarpeen koodien kanssa (0.2 pääryhmä .. 1 sama koodi)",
                    "sv": "djupaste CPV-nivå som dess tidigare kontrakt delar med behovets koder (0.2 huvudgrupp .. 1 exakt kod)"},
    "feature:place": {"fi": "toimittanut aiemmin tarpeen alueella", "sv": "har tidigare levererat i behovets område"},
    "feature:same_buyer": {"fi": "voittanut aiemmin tämän hankintayksikön sopimuksen tai saa siltä maksuja ostolaskujen mukaan",
                           "sv": "har tidigare vunnit ett kontrakt hos denna upphandlande enhet eller får betalningar av den enligt inköpsfakturor"},
    "feature:purchases": {"fi": "tarpeen ja niiden ostotilien yhteinen sanasto, joilta sille maksetaan (0-1)",
                          "sv": "gemensam ordalydelse mellan behovet och de inköpskonton den betalas från (0-1)"},
    "feature:emb_max": {"fi": "tarpeen samankaltaisuus sen samankaltaisimpaan aiempaan sopimukseen",
                        "sv": "behovets likhet med dess mest likartade tidigare kontrakt"},
    "feature:emb_top3": {"fi": "sen kolmen samankaltaisimman aiemman sopimuksen keskimääräinen samankaltaisuus",
                         "sv": "medellikheten för dess tre mest likartade tidigare kontrakt"},
    "feature:lex_max": {"fi": "yhteinen sanasto sen samankaltaisimman aiemman sopimuksen kanssa",
                        "sv": "gemensam ordalydelse med dess mest likartade tidigare kontrakt"},
    "feature:cpv_exact": {"fi": "sen aiemmat sopimukset täsmälleen tarpeen CPV-koodilla (log)",
                          "sv": "dess tidigare kontrakt med exakt behovets CPV-kod (log)"},
    "feature:cpv_parent": {"fi": "sen aiemmat sopimukset saman ylemmän CPV-koodin alla (log)",
                           "sv": "dess tidigare kontrakt under samma överordnade CPV-kod (log)"},
    "feature:cpv_share": {"fi": "sen sopimusten osuus tarpeen CPV-pääryhmässä",
                          "sv": "andelen av dess kontrakt i behovets CPV-huvudgrupp"},
    "feature:buyer_awards": {"fi": "sen aiemmat sopimukset tämän hankintayksikön kanssa (log)",
                             "sv": "dess tidigare kontrakt med denna upphandlande enhet (log)"},
    "feature:buyer_share": {"fi": "sen osuus tämän hankintayksikön aiemmista sopimuksista",
                            "sv": "dess andel av denna upphandlande enhets tidigare tilldelningar"},
    "feature:same_region": {"fi": "sen aiemmat sopimukset tarpeen alueella (log)",
                            "sv": "dess tidigare kontrakt i behovets område (log)"},
    "feature:home_region": {"fi": "rekisteröity tarpeen alueelle", "sv": "registrerad i behovets område"},
    "feature:n_awards": {"fi": "sen aiemmat sopimukset (log)", "sv": "dess tidigare tilldelningar (log)"},
    "feature:recency": {"fi": "vuosia sen viimeisimmästä sopimuksesta", "sv": "år sedan dess senaste tilldelning"},
    "feature:value_fit": {"fi": "tarpeen arvioidun arvon etäisyys sen tyypillisestä sopimusarvosta (log10)",
                          "sv": "avståndet mellan behovets uppskattade värde och dess typiska kontraktsvärde (log10)"},
    "feature:name_sim": {"fi": "tarpeen ja toimittajan nimen yhteinen sanasto",
                         "sv": "gemensam ordalydelse mellan behovet och leverantörens namn"},
    "feature:region_div": {"fi": "sen aiemmat sopimukset tarpeen CPV-pääryhmässä ja alueella (log)",
                           "sv": "dess tidigare kontrakt i behovets CPV-huvudgrupp och område (log)"},
    "feature:cpv_group": {"fi": "sen aiemmat sopimukset, joiden pää-CPV-koodi on tarpeen CPV-ryhmässä (log)",
                          "sv": "dess tidigare kontrakt vars huvudsakliga CPV-kod är i behovets CPV-grupp (log)"},
    "feature:cpv_class": {"fi": "sen aiemmat sopimukset, joiden pää-CPV-koodi on tarpeen CPV-luokassa (log)",
                          "sv": "dess tidigare kontrakt vars huvudsakliga CPV-kod är i behovets CPV-klass (log)"},
    "feature:recent_awards": {"fi": "sen aiemmat sopimukset iän mukaan painotettuina (puoliintumisaika vuosi, log)",
                              "sv": "dess tidigare tilldelningar viktade efter ålder (halveringstid ett år, log)"},
    "feature:recent_div": {"fi": "sen aiemmat sopimukset tarpeen CPV-pääryhmässä iän mukaan painotettuina (puoliintumisaika vuosi, log)",
                           "sv": "dess tidigare tilldelningar i behovets CPV-huvudgrupp viktade efter ålder (halveringstid ett år, log)"},
    "feature:buyer_div_share": {"fi": "sen osuus tämän hankintayksikön aiemmista sopimuksista tarpeen CPV-pääryhmässä",
                                "sv": "dess andel av denna upphandlande enhets tidigare tilldelningar i behovets CPV-huvudgrupp"},
    "theme:carbon_neutrality": {"fi": "hiilineutraalius ja vähäpäästöiset ratkaisut",
                                "sv": "koldioxidneutralitet och utsläppssnåla lösningar"},
    "theme:digitalisation": {"fi": "palvelujen ja prosessien digitalisaatio", "sv": "digitalisering av tjänster och processer"},
    "theme:data": {"fi": "datan hyödyntäminen", "sv": "användning av data"},
    "kind:bf_grant": {"fi": "Business Finlandin avustus", "sv": "bidrag från Business Finland"},
    "kind:bf_loan": {"fi": "Business Finlandin laina", "sv": "lån från Business Finland"},
    "kind:bf_research": {"fi": "Business Finlandin tutkimusrahoitus", "sv": "forskningsfinansiering från Business Finland"},
    "kind:bf_erdf": {"fi": "EAKR-rahoitus", "sv": "ERUF-finansiering"},
    "criteria:carbon_neutrality": {"fi": "päästörajat tai elinkaaren CO2-päästöt vertailuperusteena",
                                   "sv": "utsläppsgränser eller livscykelns koldioxidutsläpp som tilldelningskriterium"},
    "criteria:digitalisation": {"fi": "yhteentoimivuus-, avoimien rajapintojen ja saavutettavuusvaatimukset",
                                "sv": "krav på interoperabilitet, öppna gränssnitt och tillgänglighet"},
    "criteria:data": {"fi": "datan omistajuus, avoimet tietomuodot ja datan jakamista koskevat ehdot",
                      "sv": "dataägande, öppna dataformat och klausuler om delning av data"},
    "group:15": {"fi": "elintarvikkeet ja ateriapalvelut", "sv": "livsmedel och måltidstjänster"},
    "group:55": {"fi": "elintarvikkeet ja ateriapalvelut", "sv": "livsmedel och måltidstjänster"},
    "group:90": {"fi": "siivouspalvelut", "sv": "städtjänster"},
    "group:39": {"fi": "kalusteet, puhdistusaineet", "sv": "möbler, rengöringsprodukter"},
    "group:09": {"fi": "sähkö", "sv": "el"},
    "group:60": {"fi": "tieliikenne", "sv": "vägtransporter"},
    "group:34": {"fi": "tieliikenteen ajoneuvot", "sv": "vägfordon"},
    "group:45": {"fi": "toimistorakennukset, tiet", "sv": "kontorsbyggnader, vägar"},
    "group:44": {"fi": "rakennusmateriaalit", "sv": "byggmaterial"},
    "group:18": {"fi": "tekstiilit", "sv": "textilier"},
    "group:30": {"fi": "tietokoneet ja toimiston IT", "sv": "datorer och kontors-IT"},
    "group:72": {"fi": "datakeskukset ja pilvipalvelut", "sv": "datacenter och molntjänster"},
    "group:22": {"fi": "kopio- ja graafinen paperi", "sv": "kopieringspapper och grafiskt papper"},
    "group:31": {"fi": "tievalaistus ja liikennevalot", "sv": "vägbelysning och trafiksignaler"},
    "group:65": {"fi": "vesikiertoiset lämmittimet, vesihuolto", "sv": "vattenburna värmare, vattentjänster"},
    "group:50": {"fi": "rakennusten kunnossapito", "sv": "byggnadsunderhåll"},
}  # fmt: skip

#: Sentence code -> template per language (``str.format`` with the sentence's parameters).
MESSAGES: dict[str, dict[str, str]] = {
    # The need's dimensions (matcher/innovation/need.py).
    "need.hhi": {"fi": "HHI {hhi} {winners} voittajan kesken {similar} samankaltaisessa hankinnassa",
                 "sv": "HHI {hhi} bland {winners} vinnare i {similar} likartade upphandlingar"},
    "need.top3": {"fi": "kolme suurinta voittajaa saivat {share:.0%} sopimuksista",
                  "sv": "de tre största vinnarna fick {share:.0%} av tilldelningarna"},
    "need.repeat": {"fi": "{n}/{of} samankaltaisesta hankinnasta meni toistuvalle voittajalle",
                    "sv": "{n} av {of} likartade upphandlingar gick till en återkommande vinnare"},
    "need.no_winners": {"fi": "samankaltaisten hankintojen voittajia ei tunneta",
                        "sv": "inga vinnare kända för likartade upphandlingar"},
    "need.mean_tenders": {"fi": "keskimäärin {mean} tarjousta {n} samankaltaisessa hankinnassa, joiden tarjousmäärä tunnetaan",
                          "sv": "i medeltal {mean} anbud i {n} likartade upphandlingar med känt antal anbud"},
    "need.single_bid": {"fi": "yhden tarjouksen hankintojen osuus {share:.0%}", "sv": "andelen upphandlingar med ett enda anbud {share:.0%}"},
    "need.no_tender_counts": {"fi": "samankaltaisista hankinnoista ei ole kirjattu tarjousmääriä",
                              "sv": "inget antal anbud registrerat för likartade upphandlingar"},
    "need.flagged": {"fi": "{n}/{of} samankaltaisesta hankinnasta on merkitty innovatiiviseksi",
                     "sv": "{n} av {of} likartade upphandlingar är markerade som innovativa"},
    "flagged_contract": {"fi": "{title} ({reason})", "sv": "{title} ({reason})"},
    "need.untapped": {"fi": "{n}/{of} sopivasta toimittajasta tuo innovaatiosignaaleja eikä ole voittanut samankaltaista sopimusta",
                      "sv": "{n} av {of} passande leverantörer har innovationssignaler och har aldrig vunnit ett likartat kontrakt"},
    "need.untapped_firm": {"fi": "{name} (potentiaali {score})", "sv": "{name} (potential {score})"},
    "need.best_match": {"fi": "paras aiempi vastine osuvuudella {relevance}; {similar} samankaltaista aiempaa hankintaa",
                        "sv": "bästa tidigare träff med relevans {relevance}; {similar} likartade tidigare upphandlingar"},
    "theme_words": {"fi": "{theme}: {words}", "sv": "{theme}: {words}"},
    "need.no_theme": {"fi": "tekstissä ei ole strategista teemaa", "sv": "inget strategiskt tema i texten"},
    # The suggested route's reasons.
    "route.nothing_close": {"fi": "vastaavaa ei ole hankittu aiemmin", "sv": "inget liknande har upphandlats tidigare"},
    "route.rd": {"fi": "tarve edellyttää tutkimusta tai kehitystä: hanki tutkimus- ja kehitystyö vaiheittain ennen tuotteen hankintaa",
                 "sv": "behovet kräver forskning eller utveckling: upphandla forskningen och utvecklingen i faser innan en produkt köps"},
    "route.no_ready_solution": {"fi": "vastaavaa ei ole hankittu aiemmin, joten valmista ratkaisua ei tunneta",
                                "sv": "inget liknande har upphandlats tidigare, så ingen färdig lösning är känd"},
    "route.develop_with_one": {"fi": "innovaatiosignaaleja tuovat toimittajat vastaavat tarpeeseen: kehitä ratkaisu yhden kanssa ja hanki se sitten",
                               "sv": "leverantörer med innovationssignaler motsvarar behovet: utveckla lösningen med en av dem och köp den sedan"},
    "route.high_themes": {"fi": "korkea innovaatiopotentiaali ja strategiset tavoitteet ({themes})",
                          "sv": "hög innovationspotential och strategiska mål ({themes})"},
    "route.shape_with_bidders": {"fi": "ratkaisu muotoutuu paremmin yhdessä tarjoajien kanssa kuin etukäteen määriteltynä",
                                 "sv": "lösningen formas bättre tillsammans med anbudsgivarna än genom att specificeras på förhand"},
    "route.recurring_winners": {"fi": "samankaltaiset aiemmat hankinnat menivät harvoille, toistuville voittajille",
                                "sv": "likartade tidigare upphandlingar gick till ett fåtal återkommande vinnare"},
    "route.untapped": {"fi": "innovaatiosignaaleja tuovat yritykset vastaavat tarpeeseen, mutta eivät ole voittaneet samankaltaisia sopimuksia",
                       "sv": "företag med innovationssignaler motsvarar behovet men har aldrig vunnit likartade kontrakt"},
    "route.learn_market": {"fi": "innovaatiopotentiaali {level}: selvitä ensin, mitä markkinoilla on tarjolla",
                           "sv": "innovationspotentialen är {level}: ta först reda på vad marknaden erbjuder"},
    "route.low": {"fi": "matala innovaatiopotentiaali: tarve on tuttu, eikä hyödyntämätöntä innovatiivista tarjontaa löydy",
                  "sv": "låg innovationspotential: behovet är välkänt och inget outnyttjat innovativt utbud motsvarar det"},
    "route.announce_early": {"fi": "mutta samankaltaiset aiemmat hankinnat menivät harvoille, toistuville voittajille: ilmoita hankinnasta ajoissa, jotta uudet tarjoajat ehtivät mukaan",
                             "sv": "men likartade tidigare upphandlingar gick till ett fåtal återkommande vinnare: annonsera upphandlingen i god tid för att nå nya anbudsgivare"},
    # A supplier's components (matcher/innovation/supplier.py, novelty.py).
    "funding_decision": {"fi": "{year} {kind} {amount} EUR (paino {weight})", "sv": "{year} {kind} {amount} EUR (vikt {weight})"},
    "no_funding": {"fi": "ei Business Finlandin rahoitusta", "sv": "ingen finansiering från Business Finland"},
    "no_funding_foreign": {"fi": "ei Business Finlandin rahoitusta (ei suomalainen yritys: aineisto ei kata sitä)",
                           "sv": "ingen finansiering från Business Finland (inte ett finländskt företag: uppgifterna täcker det inte)"},
    "none_flagged": {"fi": "yhtäkään sen tunnetuista sopimuksista ({n}) ei ole merkitty innovatiiviseksi",
                     "sv": "inget av dess kända kontrakt ({n}) är markerat som innovativt"},
    "capability_no_award": {"fi": "osaaminen kirjattu (profiili tai toimiala), ei tunnettuja sopimuksia",
                            "sv": "kompetens registrerad (profil eller bransch) och inga kända kontrakt"},
    "few_awards": {"fi": "tunnettuja sopimuksia vain {n}", "sv": "kända kontrakt: bara {n}"},
    "awards_known": {"fi": "{n} tunnettua sopimusta", "sv": "{n} kända kontrakt"},
    "no_capability": {"fi": "osaamista ei ole kirjattu", "sv": "ingen kompetens registrerad"},
    "registered": {"fi": "rekisteröity {date} ({years} vuotta sitten)", "sv": "registrerat {date} (för {years} år sedan)"},
    "activity": {"fi": "{recent} päivättyä tapahtumaa viimeisten 3 vuoden aikana, {earlier} sitä edeltävien 3 vuoden aikana",
                 "sv": "{recent} daterade aktiviteter de senaste 3 åren, {earlier} under de 3 åren innan"},
    "no_register_facts": {"fi": "ei rekisteröintipäivää ja liian vähän päivättyä toimintaa",
                          "sv": "inget registreringsdatum och för lite daterad aktivitet"},
    "no_theme_found": {"fi": "sen teksteistä ei löytynyt teemaa", "sv": "inget tema hittades i dess texter"},
    "no_embedding": {"fi": "yrityksen teksteistä ei ole vektoriesitystä", "sv": "ingen vektorrepresentation av företagets texter"},
    "novelty_distance": {"fi": "etäisyys {distance} CPV-pääryhmän {division} tyypilliseen sopimukseen; kauempana kuin {share:.0%} pääryhmän {peers} toimittajasta",
                         "sv": "avstånd {distance} till det typiska kontraktet i CPV-huvudgrupp {division}; längre bort än {share:.0%} av huvudgruppens {peers} leverantörer"},
    "novelty_distance_all": {"fi": "etäisyys {distance} CPV-pääryhmän {division} tyypilliseen sopimukseen; kauempana kuin {share:.0%} kaikkien markkinoiden {peers} toimittajasta",
                             "sv": "avstånd {distance} till det typiska kontraktet i CPV-huvudgrupp {division}; längre bort än {share:.0%} av de {peers} leverantörerna på alla marknader"},
    "placed_by": {"fi": "sijoitettu {n} tekstin perusteella", "sv": "placerat utifrån {n} texter"},
    # What a potential resting on little evidence lacks.
    "missing.funding": {"fi": "ei rahoitustietoja (ei suomalainen yritys)", "sv": "inga uppgifter om finansiering (inte ett finländskt företag)"},
    "missing.declarable_none": {"fi": "ei sopimuksia lähteestä, jossa hankintayksikkö voi ilmoittaa innovatiivisuuden",
                                "sv": "inga kontrakt från en källa där den upphandlande enheten kan ange innovation"},
    "missing.declarable_one": {"fi": "vain 1 sopimus lähteestä, jossa hankintayksikkö voi ilmoittaa innovatiivisuuden",
                               "sv": "bara 1 kontrakt från en källa där den upphandlande enheten kan ange innovation"},
    "missing.texts_none": {"fi": "ei tekstiä, jonka perusteella yrityksen voisi sijoittaa markkinaansa",
                           "sv": "ingen text som placerar företaget på dess marknad"},
    "missing.texts_one": {"fi": "vain 1 teksti sijoittaa yrityksen markkinaansa", "sv": "bara 1 text placerar företaget på dess marknad"},
    "missing.register": {"fi": "ei rekisteritietoja ja liian vähän päivättyä toimintaa",
                         "sv": "inga registeruppgifter och för lite daterad aktivitet"},
    "missing.theme_texts": {"fi": "ei tekstiä, josta teemat voisi lukea", "sv": "ingen text att läsa teman ur"},
    # The parts of a ranking score (matcher/rank/explain.py).
    "feature.missing_zero": {"fi": "{feature}: toimittajasta ei ole tällaista tietoa; lasketaan nollaksi",
                             "sv": "{feature}: inga sådana uppgifter om leverantören; räknas som 0"},
    "feature.missing_learned": {"fi": "{feature}: toimittajasta ei ole tällaista tietoa; opetettu malli pisteyttää itse puuttuvan arvon: {contribution:+.3f}",
                                "sv": "{feature}: inga sådana uppgifter om leverantören; den tränade modellen poängsätter själva det saknade värdet: {contribution:+.3f}"},
    "feature.value": {"fi": "{feature}: {value:g}", "sv": "{feature}: {value:g}"},
    "feature.fact": {"fi": "{feature}: {value:g}; {fact}", "sv": "{feature}: {value:g}; {fact}"},
    "won_nearest": {"fi": "voitti {n}/{of} lähimmästä aiemmasta sopimuksesta", "sv": "vann {n} av de {of} närmaste tidigare kontrakten"},
    "cpv_shared": {"fi": "taso {level}/5 yhteinen koodien {codes} kautta", "sv": "nivå {level} av 5 gemensam via {codes}"},
    "cpv_inferred": {"fi": "taso {level}/5 yhteinen koodien {codes} kautta (koodit päätelty tekstistä)",
                     "sv": "nivå {level} av 5 gemensam via {codes} (koderna härledda ur texten)"},
    "paid_under": {"fi": "maksettu tileiltä {accounts}", "sv": "betald från kontona {accounts}"},
    "won_buyer": {"fi": "voitti tämän hankintayksikön sopimuksen", "sv": "har vunnit ett kontrakt hos denna upphandlande enhet"},
    "buyer_pays": {"fi": "hankintayksikkö maksaa sille ostolaskujen mukaan", "sv": "den upphandlande enheten betalar den enligt inköpsfakturor"},
}  # fmt: skip

MESSAGES.update(PORTFOLIO_MESSAGES)
# A company's business id refused at sign-up (matcher/broker/companies.py).
MESSAGES.update({
    "ytunnus.invalid": {"fi": "virheellinen Y-tunnus '{value}': {fact}",
                        "sv": "ogiltigt FO-nummer '{value}': {fact}"},
    "ytunnus.form": {"fi": "Y-tunnus on seitsemän numeroa, väliviiva ja tarkistusmerkki (1234567-8)",
                     "sv": "ett FO-nummer är sju siffror, ett bindestreck och en kontrollsiffra (1234567-8)"},
    "ytunnus.remainder": {"fi": "millään Y-tunnuksella ei ole näitä seitsemää numeroa (tarkistusjakojäännös on 1)",
                          "sv": "inget FO-nummer har dessa sju siffror (kontrollresten är 1)"},
    "ytunnus.check_digit": {"fi": "numeroiden {digits} tarkistusmerkki on {expected}, ei {given}",
                            "sv": "kontrollsiffran för {digits} är {expected}, inte {given}"},
})  # fmt: skip

#: Parameters that are codes, translated through ``LABELS`` under this prefix (level and route
#: through the interface strings, which name them already).
_NAMED = {"feature": "feature", "theme": "theme", "themes": "theme", "kind": "kind",
          "level": "level_", "route": "route_", "criteria": "criteria", "group": "group",
          "component": "comp_"}  # fmt: skip


def _label(prefix: str, value: object, lang: str) -> str:
    if prefix.endswith("_"):
        from .i18n import STRINGS  # the interface strings import this module

        return STRINGS.get(prefix + str(value).replace(" ", "_"), {}).get(lang, str(value))
    return LABELS.get(f"{prefix}:{value}", {}).get(lang, str(value))


def _values(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        items = value if isinstance(value, list) else None
        if key == "fact":
            # A fact shares the sentence's parameters; rendered once, without itself.
            rest = {k: v for k, v in params.items() if k != "fact"}
            out[key] = _template(str(value), rest, lang) or ""
        elif key in _NAMED:
            out[key] = ", ".join(_label(_NAMED[key], v, lang) for v in (items or [value]))
        else:
            out[key] = ", ".join(map(str, items)) if items is not None else value
    return out


def _template(code: str, params: Mapping[str, Any], lang: str) -> str | None:
    template = MESSAGES.get(code, {}).get(lang)
    if template is None:
        return None
    try:
        return template.format(**_values(params, lang))
    except (KeyError, ValueError, IndexError, TypeError):
        return None  # a parameter the template does not expect: the English text is shown


def say(text: str, code: Any, lang: str) -> str:
    """``text`` (the library's English) in ``lang``, from its ``code`` (a ``MessageOut``).

    English, an unknown code or a template that does not fit the parameters give ``text``.
    """
    if lang == "en" or code is None:
        return str(text)
    return _template(code.code, code.params, lang) or str(text)


def say_all(texts: Sequence[str], codes: Sequence[Any], lang: str) -> list[str]:
    """Each text in ``lang``; codes that do not line up with the texts are not used."""
    if len(codes) != len(texts):
        return [str(t) for t in texts]
    return [say(t, c, lang) for t, c in zip(texts, codes, strict=True)]
