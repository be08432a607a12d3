"""Strategic themes found in real need and profile texts in four languages."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.innovation.themes import THEME_TERMS, detect_themes


@pytest.mark.parametrize(
    ("text", "themes"),
    [
        ("Vähäpäästöisten sähköbussien hankinta ja latauspisteet", {"carbon_neutrality"}),
        (
            "Digitaalisten palveluiden kehittäminen ja tiedolla johtaminen",
            {"digitalisation", "data"},
        ),
        ("Upphandling av molntjänst för e-tjänster", {"digitalisation"}),
        ("Energy efficient heat pumps for schools", {"carbon_neutrality"}),
        ("Fourniture de logiciels et dématérialisation des données", {"digitalisation", "data"}),
    ],
)
def test_themes_in_each_language(text: str, themes: set[str]) -> None:
    assert set(detect_themes(text)) == themes


def test_stems_only_open_words() -> None:
    # "sisäilmasto" is indoor climate; "klimatanläggning" is air conditioning in Swedish only by
    # compound, so the Swedish climate stem must start the word to count.
    assert detect_themes("Sisäilmaston mittaus ja ilmanvaihdon huolto") == {}
    assert detect_themes("Koulun siivouspalvelut") == {}


def test_evidence_names_whole_words() -> None:
    found = detect_themes("Hiilineutraali kaukolämpö", "uusiutuvan energian käyttö")
    assert found["carbon_neutrality"] == ["hiilineutraali", "uusiutuvan"]


def _by_expression(*texts: str | None) -> dict[str, list[str]]:
    """The detection as first written (one look-behind expression per theme), kept as the
    reference the automaton must agree with."""
    joined = " \n ".join(t for t in texts if t).casefold()
    found: dict[str, list[str]] = {}
    for theme, terms in THEME_TERMS.items():
        stems = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
        words: list[str] = []
        for m in re.finditer(rf"(?<![\w-])({stems})", joined):
            end = m.end()
            while end < len(joined) and (joined[end].isalnum() or joined[end] in "-'"):
                end += 1
            if joined[m.start() : end] not in words:
                words.append(joined[m.start() : end])
            if len(words) == 5:
                break
        if words:
            found[theme] = words
    return found


_STEMS = sorted({t for terms in THEME_TERMS.values() for t in terms})
# Texts made of stems, their pieces, glue that does and does not open a word, and accents, so
# that stems overlap, nest, repeat past five and sit inside words.
_PIECE = st.one_of(
    st.sampled_from(_STEMS),
    st.sampled_from(_STEMS).map(lambda t: t[: len(t) // 2]),
    st.sampled_from([" ", "-", "_", "'", "\n", "x", "é", "ä", "2", "ß", "İ", "s", "ion", "e "]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_PIECE, max_size=12).map("".join), max_size=4))
def test_the_automaton_finds_what_the_expressions_found(texts: list[str]) -> None:
    assert detect_themes(*texts) == _by_expression(*texts)


def test_a_stem_inside_an_earlier_hit_is_not_a_hit() -> None:
    # "carbon neutral" starts inside the hit "low carbon": the search resumes after that hit,
    # so only "low carbon" is reported. Inside "yellow", "low carbon" is no hit (no word starts
    # there), so it hides nothing.
    assert detect_themes("yellow carbon neutral") == {"carbon_neutrality": ["carbon neutral"]}
    assert detect_themes("low carbon neutral plan") == {"carbon_neutrality": ["low carbon"]}
