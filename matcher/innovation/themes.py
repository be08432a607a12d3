"""Strategic themes of Finnish innovation procurement, detected in fi, sv, en (and fr) texts.

The national innovation-procurement goals name three cross-cutting themes: carbon neutrality and
low-emission solutions, digitalisation of services and processes, and the use of data. Detection
is by word-initial stems, because Finnish and Swedish build compounds ("vähäpäästöinen",
"molntjänst"): a stem at the start of a word catches the inflected and compound forms, while
refusing matches inside unrelated words ("sisäilmasto", indoor climate, is not a climate goal).
Each hit is shown as evidence, so a wrong detection is visible, not hidden in a number.
"""

from __future__ import annotations

from functools import lru_cache

import ahocorasick

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
def _automaton() -> ahocorasick.Automaton:
    """Every stem of every theme in one Aho-Corasick automaton: stem -> (length, its themes).

    One pass over a text finds every occurrence of every stem. The regular expression this
    replaced (one per theme, each an alternation after a look-behind) scanned each text three
    times: on the 28,623 organisations of a 100k-procurement build, 1.27 s against 0.28 s, with
    the same answers (tested against that expression).
    """
    themes_of: dict[str, list[str]] = {}
    for theme, terms in THEME_TERMS.items():
        for term in terms:
            themes_of.setdefault(term, []).append(theme)
    automaton = ahocorasick.Automaton()
    for term, themes in themes_of.items():
        automaton.add_word(term, (len(term), tuple(themes)))
    automaton.make_automaton()
    return automaton


def _word_start(text: str, at: int) -> bool:
    """No word character (``\\w``: alphanumeric or ``_``) and no hyphen just before ``at``."""
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_-")


def _longest_at(text: str) -> dict[str, dict[int, int]]:
    """Theme -> word-initial start -> length of the longest of its stems starting there."""
    best: dict[str, dict[int, int]] = {}
    for end, (length, themes) in _automaton().iter(text):
        start = end - length + 1
        if not _word_start(text, start):
            continue
        for theme in themes:
            at = best.setdefault(theme, {})
            if at.get(start, 0) < length:
                at[start] = length
    return best


def _words(text: str, starts: dict[int, int]) -> list[str]:
    """The distinct words (at most five) opened by the stems found, scanned left to right as a
    search would: a stem found inside an earlier hit is not a hit of its own."""
    words: list[str] = []
    resume = 0
    for start in sorted(starts):
        if start < resume:
            continue
        end = resume = start + starts[start]
        # Report the whole word the stem opened, as the reader would see it.
        while end < len(text) and (text[end].isalnum() or text[end] in "-'"):
            end += 1
        word = text[start:end]
        if word not in words:
            words.append(word)
            if len(words) == 5:
                break
    return words


def detect_themes(*texts: str | None) -> dict[str, list[str]]:
    """Themes found in the texts, each with the distinct words that matched (at most five).

    A stem counts where a word starts (after neither a word character nor a hyphen); where
    several stems of a theme start at one place, the longest (the most specific) is reported.

    Args:
        texts: Any texts about one supplier or need (profile, contract titles, the need).

    Returns:
        Theme name -> matched words, in the order of ``THEME_TERMS``; themes without a hit are
        left out.
    """
    joined = " \n ".join(t for t in texts if t).casefold()
    if not joined:
        return {}
    best = _longest_at(joined)
    return {theme: _words(joined, best[theme]) for theme in THEME_TERMS if theme in best}
