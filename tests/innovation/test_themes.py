"""Strategic themes found in real need and profile texts in four languages."""

from __future__ import annotations

import pytest

from matcher.innovation.themes import detect_themes


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
