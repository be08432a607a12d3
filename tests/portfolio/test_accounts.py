"""The reviewed account -> CPV division table against the accounts towns actually use."""

from __future__ import annotations

import csv
from pathlib import Path

from matcher.portfolio.accounts import NOT_PURCHASE, map_account, mapping_rows
from matcher.vocab import cpv_vocabulary


def test_rows_name_real_divisions_and_say_why() -> None:
    vocab = cpv_vocabulary()
    for r in mapping_rows():
        assert r.note, r.stem
        if r.division not in ("", NOT_PURCHASE):
            assert r.division.ljust(8, "0") in vocab, r


def test_names_match_by_their_start_longest_stem_first() -> None:
    assert map_account("Elintarvikkeet").division == "15"  # type: ignore[union-attr]
    # Kemijärvi's and Valkeakoski's numbering differ; the name decides.
    assert map_account("Rakennusten ja huoneistojen vu").division == "70"  # type: ignore[union-attr]
    assert map_account("Lasten kotihoidon tuki").division == NOT_PURCHASE  # type: ignore[union-attr]
    assert map_account("Muu materiaali").division == ""  # type: ignore[union-attr]
    assert map_account("Kon,kal. ja laitt. rak. ja kunn.pitopalv").division == "50"  # type: ignore[union-attr]
    assert map_account("Jotain aivan muuta") is None
    assert map_account(None) is None


def test_every_account_of_the_real_invoices_was_reviewed(shared_data: Path) -> None:
    folder = shared_data / "fi-municipal-invoices"
    names = set()
    for f, col in (("kemijarvi_2022-q4_purchase_invoices.csv", "account_name"),
                   ("valkeakoski_2018-08_purchase_invoices.csv", "Tilin nimi")):  # fmt: skip
        with (folder / f).open(encoding="utf-8") as fh:
            names |= {r[col].strip() for r in csv.DictReader(fh)}
    missing = sorted(n for n in names if map_account(n) is None)
    assert len(names) == 77 and missing == []  # 85 accounts, 8 names shared by the two towns
