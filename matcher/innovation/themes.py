"""Strategic themes of Finnish innovation procurement, detected in fi, sv, en (and fr) texts.

The national innovation-procurement goals name three cross-cutting themes: carbon neutrality and
low-emission solutions, digitalisation of services and processes, and the use of data. Detection
is by word-initial stems, because Finnish and Swedish build compounds ("vähäpäästöinen",
"molntjänst"): a stem at the start of a word catches the inflected and compound forms, while
refusing matches inside unrelated words ("sisäilmasto", indoor climate, is not a climate goal).
Each hit is shown as evidence, so a wrong detection is visible, not hidden in a number.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Theme -> word-initial stems (lower case). French is there for the EU-wide data.
THEME_TERMS: dict[str, tuple[str, ...]] = {
    "carbon_neutrality": (
        # en
        "carbon neutral", "low-carbon", "low carbon", "low-emission", "low emission", "zero-emission",
        "emission", "co2", "climate", "renewable", "energy efficien", "electric vehicle",
        "circular economy", "biogas", "solar", "heat pump", "charging station",
        # fi
        "hiilineutr", "hiilijalanjä", "vähähiili", "vähäpäästö", "päästö", "ilmasto", "uusiutuv",
        "energiatehok", "sähköaut", "sähköbussi", "kiertotalo", "biokaasu", "aurinkosähkö",
        "aurinkopaneel", "lämpöpump", "latauspist",
        # sv
        "koldioxidneutral", "klimat", "utsläpp", "förnybar", "energieffektiv", "elbil", "cirkulär",
        "solcell", "värmepump",
        # fr
        "bas carbone", "neutralité carbone", "émission", "climat", "renouvelable",
        "performance énergétique", "véhicule électrique", "véhicules électriques", "photovolta",
        "économie circulaire", "pompe à chaleur", "borne de recharge",
    ),
    "digitalisation": (
        "digital", "software", "cloud service", "automation", "robot", "e-service",
        "online service", "mobile app", "artificial intelligence", "saas",
        "digita", "sähköinen asiointi", "sähköisen asioinnin", "ohjelmisto", "pilvipalvel",
        "automaat", "automatisoi", "mobiilisovell", "tekoäly", "verkkopalvel", "etäpalvel",
        "programvar", "molntjänst", "automatiser", "e-tjänst", "artificiell intelligens",
        "numérique", "logiciel", "dématérialis", "plateforme numérique", "automatis",
        "intelligence artificielle", "télémédecine",
    ),
    "data": (
        "data", "analytics", "open data", "sensor", "iot", "internet of things",
        "machine learning", "dashboard", "geospatial",
        "tietoallas", "analytiik", "avoin data", "anturi", "esineiden internet", "tiedolla johta",
        "koneoppi", "paikkatie", "tietovaranto",
        "dataanalys", "sakernas internet", "maskininlärning", "geodata",
        "données", "capteur", "objets connectés", "apprentissage automatique", "géomatique",
        "système d'information géographique",
    ),
}  # fmt: skip

#: Plain-language name of each theme, shown with its evidence.
THEME_LABELS = {
    "carbon_neutrality": "carbon neutrality and low-emission solutions",
    "digitalisation": "digitalisation of services and processes",
    "data": "use of data",
}


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    # Longest stems first so the reported hit is the most specific one.
    return {
        theme: re.compile(
            r"(?<![\w-])("
            + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
            + ")"
        )
        for theme, terms in THEME_TERMS.items()
    }


def detect_themes(*texts: str | None) -> dict[str, list[str]]:
    """Themes found in the texts, each with the distinct words that matched (at most five).

    Args:
        texts: Any texts about one supplier or need (profile, contract titles, the need).

    Returns:
        Theme name -> matched words; themes without a hit are left out.
    """
    joined = " \n ".join(t for t in texts if t).casefold()
    found: dict[str, list[str]] = {}
    if not joined:
        return found
    for theme, pattern in _patterns().items():
        words: list[str] = []
        for m in pattern.finditer(joined):
            # Report the whole word the stem opened, as the reader would see it.
            end = m.end()
            while end < len(joined) and (joined[end].isalnum() or joined[end] in "-'"):
                end += 1
            word = joined[m.start() : end]
            if word not in words:
                words.append(word)
            if len(words) == 5:
                break
        if words:
            found[theme] = words
    return found
