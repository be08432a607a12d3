"""A hand-checked audit of real merges: the Finnish invoices, HILMA 2014, the YTJ sample and
Business Finland ingested together, as the issue's user did, then ``resolve``."""

from __future__ import annotations

import pytest

from matcher.resolve import link, resolve
from matcher.store.db import session_scope

#: Wrong at confidence 1.00 before: a junior team is not the club's company, a subsidiary is
#: its own legal person, and "Martela / HM Profiili Oy" is not Martela Oy.
WRONG = [("FC HAKA JUNIORIT P10", "FC HAKA OY"), ("Attendo Terveyspalvelut Oy", "ATTENDO OY"),
         ("Attendo Terveyspalvelut Oy", "Attendo Oy"), ("Martela / HM Profiili Oy", "MARTELA OY"),
         ("Martela / HM Profiili Oy", "Martela Oy")]  # fmt: skip
#: Checked by hand: case and legal-form variants, and units of a public body into the body.
RIGHT = [
    ("Helsingin kaupunki, rakennusvirasto, katu- ja puisto-osasto", "HELSINGIN KAUPUNKI"),
    ("Kemin kaupunki, kehittämis- ja talousosasto", "Kemin kaupunki"),
    ("Tornion kaupunki / Tekniset palvelut", "TORNION KAUPUNKI"),
    ("Utajärven kunta, tekniset palvelut", "UTAJÄRVEN KUNTA"),
    ("Vestek Oy Ab", "Oy Vestek Ab"), ("Espoon kaupunki", "ESPOON KAUPUNKI"),
    ("Lekolar-Printel Oy", "LEKOLAR-PRINTEL OY"), ("NORDPEL OY AB", "Nordpel Oy"),
    ("VERKKOKAUPPA.COM", "VERKKOKAUPPA.COM OY"), ("KANSANELÄKELAITOS", "Kansaneläkelaitos"),
    # The subsidiary joins itself (its invoices carry its own Y-tunnus), not its parent.
    ("Attendo Terveyspalvelut Oy", "ATTENDO TERVEYSPALVELUT OY"),
]  # fmt: skip


@pytest.fixture
def merges(fi_url: str) -> set[tuple[str, str]]:
    with session_scope(fi_url) as s:
        return {(m["merged_name"], m["kept_name"]) for m in resolve(s)}


def test_the_wrong_merges_of_the_issue_are_not_made(merges: set[tuple[str, str]]) -> None:
    assert not merges & set(WRONG)


def test_right_merges_are_made(merges: set[tuple[str, str]]) -> None:
    assert set(RIGHT) <= merges


def test_an_extra_distinctive_word_counts_against(fi_url: str) -> None:
    with session_scope(fi_url) as s:
        by_name = {ln.query_name: ln for ln in link(s)}
    # The best candidates of the issue's wrong merges are far below the threshold now, and
    # the rare extra word ("juniorit", "profiili") is what holds them back.
    for name in ("FC HAKA JUNIORIT P10", "Martela / HM Profiili Oy"):
        ln = by_name[name]
        assert ln.probability < 0.8
        assert ln.fields["rarest_extra_query_word"]["weight"] < 0
        assert all(set(v) == {"value", "weight"} for v in ln.fields.values())
