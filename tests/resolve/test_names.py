"""Names read as sources write them: legal forms, units of public bodies, qualifiers."""

from __future__ import annotations

import pytest

from matcher.resolve.names import comparable, legal_form, parse


@pytest.mark.parametrize(
    ("name", "expected"),
    [("DESTIA OY ETELÄ-SUOMI", "destia etela suomi"), ("Oy Vestek Ab", "vestek"),
     ("Soci\u00c3\u00a9t\u00c3\u00a9 G\u00c3\u00a9n\u00c3\u00a9rale SAS", "societe generale"),
     ("Martela / HM Profiili Oy", "martela hm profiili"),
     # Breakage seen in DECP: underscores for spaces, a replacement character for "é".
     ("EPISAVEURS_LABOURSE", "episaveurs labourse"),
     ("In\ufffdo R\ufffdseaux Centre", "ineo reseaux centre")],
)  # fmt: skip
def test_comparable_names(name: str, expected: str) -> None:
    assert comparable(name) == expected


def test_legal_forms_are_kinds_of_legal_person() -> None:
    assert legal_form("Heeros Oyj") == legal_form("Heeros Systems Oy") == "company"
    assert legal_form("Sopimusvuori ry") == "association"
    assert legal_form("GIRAUD SARL") == legal_form("GIRAUD SAS") == "company"
    assert legal_form("FC HAKA JUNIORIT P10") == ""


@pytest.mark.parametrize(
    ("name", "body"),
    [("Helsingin kaupunki, rakennusvirasto, katu- ja puisto-osasto", "helsingin kaupunki"),
     ("KUUSAMON KAUPUNKI TERVEYSKESKU", "kuusamon kaupunki"),
     ("Turun yliopisto (Opettajankoulutuslaitos, Rauman yksikkö)", "turun yliopisto"),
     ("Tornion kaupunki / Tekniset palvelut", "tornion kaupunki")],
)  # fmt: skip
def test_a_public_bodys_unit_is_also_read_as_the_body(name: str, body: str) -> None:
    whole, head = parse(name)
    assert head.unit and head.key == body and whole.key != body


@pytest.mark.parametrize(
    ("name", "company"),
    [("DESTIA OY ETELÄ-SUOMI", "destia"), ("AM SECURITY OY/KOSKI-LUKKO", "am security"),
     ("SNEF Agence de Saint Denis", "snef")],
)  # fmt: skip
def test_a_name_closed_by_its_legal_form_or_an_agency_is_also_read_as_the_company(
    name: str, company: str
) -> None:
    whole, head = parse(name)
    assert head.qualifier and not head.unit and head.key == company


@pytest.mark.parametrize(
    "name", ["Martela / HM Profiili Oy", "FC HAKA JUNIORIT P10", "Attendo Terveyspalvelut Oy",
             "Oy Vestek Ab", "Kemijärven kaupunki"],
)  # fmt: skip
def test_other_names_are_read_whole(name: str) -> None:
    assert [n.key for n in parse(name)] == [comparable(name)]
