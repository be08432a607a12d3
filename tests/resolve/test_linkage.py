"""A hand-checked audit of real merges: the Finnish invoices, HILMA 2014, the YTJ sample and
Business Finland ingested together, as the issue's user did, then ``resolve``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from matcher.resolve import link, resolve
from matcher.store.db import session_scope
from matcher.store.models import Identifier, Organisation

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
    # UTAJÄRVEN KUNTA in Business Finland's data; the listing names the unit by this id too.
    ("Utajärven kunta, tekniset palvelut", "0190224-1"),
    ("Turun Kaupunki", "TURUN KAUPUNKI"),
    ("Vestek Oy Ab", "Oy Vestek Ab"), ("Espoon kaupunki", "ESPOON KAUPUNKI"),
    ("Lekolar-Printel Oy", "LEKOLAR-PRINTEL OY"), ("NORDPEL OY AB", "Nordpel Oy"),
    ("VERKKOKAUPPA.COM", "VERKKOKAUPPA.COM OY"), ("KANSANELÄKELAITOS", "Kansaneläkelaitos"),
    # The subsidiary joins itself (its invoices carry its own Y-tunnus), not its parent.
    ("Attendo Terveyspalvelut Oy", "ATTENDO TERVEYSPALVELUT OY"),
]  # fmt: skip


@pytest.fixture
def merges(fi_url: str) -> set[tuple[str, str]]:
    """(merged name, kept name) of every resolution merge."""
    with session_scope(fi_url) as s:
        return {(m["merged_name"], m["kept_name"]) for m in resolve(s)}


@pytest.fixture
def together(fi_url: str, merges: set[tuple[str, str]]) -> Callable[[str, str], bool]:
    """Whether, after ingest and ``resolve``, the organisation named exactly ``a`` is one with a
    Y-tunnus holder named ``b`` (any case), or holding the Y-tunnus ``b``: a city the listing names by its business id joins
    its invoices' organisation at ingest already, without a resolution merge."""
    with session_scope(fi_url) as s:
        into = dict(s.execute(select(Organisation.id, Organisation.merged_into_id)).all())
        strong = set(s.scalars(select(Identifier.organisation_id)
                               .where(Identifier.scheme == "FI-YTUNNUS")))  # fmt: skip
        exact: dict[str, set[int]] = {}
        registered: dict[str, set[int]] = {}
        for oid, value in s.execute(select(Identifier.organisation_id, Identifier.value)
                                    .where(Identifier.scheme == "FI-YTUNNUS")):  # fmt: skip
            registered.setdefault(value, set()).add(oid)
        for oid, name, names in s.execute(
            select(Organisation.id, Organisation.name, Organisation.names)
        ):
            for n in {name, *(x.get("name") for x in names or [])} - {None}:
                exact.setdefault(n, set()).add(oid)
                if oid in strong:
                    registered.setdefault(n.casefold(), set()).add(oid)

    def root(oid: int) -> int:
        while into.get(oid):
            oid = into[oid]
        return oid

    def joined(a: str, b: str) -> bool:
        assert a in exact and b.casefold() in registered, (a, b)
        return bool({root(o) for o in exact[a]} & {root(o) for o in registered[b.casefold()]})

    return joined


def test_the_wrong_merges_of_the_issue_are_not_made(
    merges: set[tuple[str, str]], together: Callable[[str, str], bool]
) -> None:
    assert not merges & set(WRONG)
    assert not any(together(a, b) for a, b in WRONG)


def test_right_merges_are_made(together: Callable[[str, str], bool]) -> None:
    assert [pair for pair in RIGHT if not together(*pair)] == []


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


def test_the_listing_keeps_each_city_one_organisation(fi_url: str) -> None:
    # The listing names cities by the shipped municipality list; Helsinki's row there once held
    # Heinävesi's id, which made the listing's Helsinki a second organisation beside the one
    # its invoices name, and its units were then split between two bodies and merged into none.
    with session_scope(fi_url) as s:
        holders = dict(s.execute(select(Identifier.value, Identifier.organisation_id)
                                 .where(Identifier.scheme == "FI-YTUNNUS")).all())  # fmt: skip
        names = {v: o for o, v in s.execute(select(Identifier.organisation_id, Identifier.value)
                                            .where(Identifier.scheme == "NAME-FI"))}  # fmt: skip
    assert "0164308-3" not in holders
    assert names["helsingin kaupunki"] == holders["0201256-6"]
    assert names["helsingin kaupunki opetusvirasto"] == holders["0201256-6"]
