"""Company names made comparable: legal forms, case, punctuation, accents, mojibake, and units.

A name is split into its legal form ("oy", "sas"), its words, and, for a public body, the unit
that follows it ("Helsingin kaupunki, rakennusvirasto" is a unit of "Helsingin kaupunki"). A
company name with more words after a comma or slash keeps them: they may name another company.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..vocab.normalize import clean_text, name_key

#: Legal-form words (Finnish, Swedish, French, German, English...), dropped before comparing.
LEGAL_FORMS = frozenset({
    "oy", "oyj", "ab", "abp", "ky", "tmi", "ay", "osk", "ry", "rf", "sr", "kommandiittiyhtio",
    "osakeyhtio", "sas", "sasu", "sarl", "eurl", "sa", "sca", "snc", "sci", "scop", "gie",
    "gmbh", "ag", "kg", "ohg", "ug", "ltd", "limited", "plc", "llp", "inc", "corp", "co", "bv",
    "nv", "as", "asa", "aps", "spa", "srl", "sl", "sro", "oü", "ou", "uab", "sia", "se",
})  # fmt: skip
#: Kind of legal person each legal form makes: an association ("ry") is never the company
#: ("Oy") of the same name, while "Oyj" and "Oy", or "SAS" and "SARL", are both companies.
_FORM_KINDS = {
    **dict.fromkeys(("oy", "oyj", "ab", "abp", "osakeyhtio", "sas", "sasu", "sa", "sarl", "eurl",
                     "sca", "gmbh", "ag", "ltd", "limited", "plc", "inc", "corp", "co", "bv",
                     "nv", "as", "asa", "aps", "spa", "srl", "sl", "sro", "oü", "ou", "uab",
                     "sia", "se", "ug"), "company"),
    **dict.fromkeys(("ry", "rf", "sr"), "association"),
    **dict.fromkeys(("ky", "ay", "kommandiittiyhtio", "snc", "kg", "ohg", "llp"), "partnership"),
    "tmi": "trader", "osk": "cooperative", "scop": "cooperative", "sci": "property", "gie": "gie",
}  # fmt: skip
#: Words that make a name a public body (its units may be named after a comma or slash).
PUBLIC_BODY_WORDS = frozenset({
    "kaupunki", "kunta", "kuntayhtyma", "kuntayhtymae", "sairaanhoitopiiri", "sairaanhoitopiirin",
    "hyvinvointialue", "valtio", "ministerio", "virasto", "yliopisto", "seurakunta", "seurakuntayhtyma",
    "maakuntaliitto", "kaupungin", "kunnan", "stad", "kommun", "ville", "commune", "departement",
    "departemental", "region", "conseil", "metropole", "agglomeration", "communaute", "ministere",
    "universite", "prefecture", "centre", "hospitalier",
})  # fmt: skip
#: Words that name a unit of a public body (a department, office, service).
UNIT_WORDS = re.compile(
    r"(osasto|virasto|kesku|toimisto|yksikk|toimiala|keskus|palvelut|lautakunta|tilakeskus|liikelaitos"
    r"|rakennuttaja|kirjasto|koulu|sektori|vastuualue|tulosalue|service|direction|division"
    r"|laitos|departement|bureau|pole|agence|avdelning|enhet|kontor|hallinto)"
)
#: Words that start the name of a company's agency or establishment ("SNEF Agence de ...").
_AGENCY_WORDS = frozenset({"agence", "etablissement", "succursale", "toimipiste", "mandataire"})
_SEGMENT_RE = re.compile(r"\s*[,/;()]\s*|\s+-\s+")


@dataclass(frozen=True)
class Name:
    """One way of reading a name.

    Attributes:
        raw: The name as the source gave it.
        key: Comparable words (legal form dropped).
        form: The kind of legal person its legal form makes (see :func:`legal_form`).
        unit: True when this is the public body a unit's name starts with.
        qualifier: True when this is the company name a qualifier follows ("Destia Oy
            Etelä-Suomi", "AM Security Oy / Koski-Lukko", "SNEF Agence de Saint Denis").
    """

    raw: str
    key: str
    form: str
    unit: bool = False
    qualifier: bool = False

    @property
    def tokens(self) -> tuple[str, ...]:
        """The words of :attr:`key`."""
        return tuple(self.key.split())


def _readable(name: str) -> str:
    """The name with what sources break in it mended: an underscore stands for a space
    ("EPISAVEURS_LABOURSE"), and a replacement character for a lost accented letter, read as
    "e" (the only one seen behind it in the DECP files: "In\ufffdo R\ufffdseaux" is Inéo Réseaux)."""
    return clean_text(name).replace("_", " ").replace("\ufffd", "e")


def comparable(name: str) -> str:
    """``"DESTIA OY ETELÄ-SUOMI"`` -> ``"destia etela suomi"``: the name without its legal form."""
    words = [w for w in name_key(_readable(name)).split() if w not in LEGAL_FORMS]
    return re.sub(r"\s+", " ", " ".join(words)).strip()


def legal_form(name: str) -> str:
    """The kind of legal person a name's legal form makes (``company``, ``association``...),
    ``""`` when it writes none."""
    forms = [w for w in name_key(_readable(name)).split() if w in LEGAL_FORMS]
    return _FORM_KINDS.get(forms[0], forms[0]) if forms else ""


def parse(name: str) -> list[Name]:
    """The readings of a name: the whole name, then the body or company it starts with, if any.

    A public body followed by unit words ("Helsingin kaupunki, rakennusvirasto") is read as the
    body too; so is a company name closed by its legal form and followed by more words ("Destia
    Oy Etelä-Suomi") or by an agency ("COLAS - Agence de la Garde"). "Martela / HM Profiili Oy"
    has no legal form before its slash: it is read whole, never as "Martela".
    """
    text = _readable(name)
    whole = Name(name, comparable(text), legal_form(text))
    head = _unit_head(text)
    if head is not None:
        return [whole, Name(name, head, legal_form(head), unit=True)]
    head = _qualified_head(text)
    if head is not None and head != whole.key:
        return [whole, Name(name, head, legal_form(text), qualifier=True)]
    return [whole]


def _unit_head(text: str) -> str | None:
    """The public body a unit's name starts with, or None."""
    segments = [s for s in _SEGMENT_RE.split(text) if s.strip()]
    if len(segments) > 1:
        head = comparable(segments[0])
        if _is_public_body(head) and all(
            UNIT_WORDS.search(name_key(s)) or _is_public_body(comparable(s)) for s in segments[1:]
        ):
            return head
        return None
    words = comparable(text).split()
    # "Kuusamon kaupunki terveyskeskus": the body's word, then only unit words.
    for i, w in enumerate(words[:-1]):
        if _is_public_body(w) and all(UNIT_WORDS.search(u) for u in words[i + 1 :]):
            return " ".join(words[: i + 1])
    return None


def _qualified_head(text: str) -> str | None:
    """The company name before a qualifier (after its legal form, or an agency), or None."""
    words = name_key(text).split()
    for i, w in enumerate(words[1:-1], start=1):
        if w in LEGAL_FORMS:
            return " ".join(x for x in words[:i] if x not in LEGAL_FORMS) or None
        if w in _AGENCY_WORDS:
            return " ".join(x for x in words[:i] if x not in LEGAL_FORMS) or None
    return None


def _is_public_body(key: str) -> bool:
    return any(w in PUBLIC_BODY_WORDS or w.endswith(("kaupunki", "kunta")) for w in key.split())


__all__ = ["LEGAL_FORMS", "Name", "comparable", "legal_form", "parse"]
