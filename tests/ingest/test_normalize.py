from datetime import date

import pytest

from matcher.ingest import normalize as nz


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("50700000-2", "50700000"), ("45314000", "45314000"), (" 30199770-8 ", "30199770"),
     (3000000, "03000000"), ("0", None), ("4543100-7", None), ("abc", None), (None, None)],
)  # fmt: skip
def test_cpv_code(raw: object, expected: str | None) -> None:
    assert nz.cpv_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2018-12-17+01:00", date(2018, 12, 17)), ("2019-01-16", date(2019, 1, 16)),
     ("2017-03-06T21:30:25.327Z", date(2017, 3, 6)), ("13.3.2014", date(2014, 3, 13)),
     ("23.4.2014 9:49", date(2014, 4, 23)), ("", None), ("2018-02-30", None), ("0208-01-01", None)],
)  # fmt: skip
def test_parse_date(raw: str, expected: date | None) -> None:
    assert nz.parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(0, None), (26130, 26130.0), ("1 234,50", 1234.5), ("999820", 999820.0), ("", None),
     (-5, None), ("n/a", None), (37539.0, 37539.0)],
)  # fmt: skip
def test_parse_amount(raw: object, expected: float | None) -> None:
    assert nz.parse_amount(raw) == expected


def test_clean_text_repairs_double_encoding_and_keeps_replacement_chars() -> None:
    assert nz.clean_text("SociÃ©tÃ© GÃ©nÃ©rale") == "Société Générale"
    assert nz.clean_text("Soci\ufffdt\ufffd") == "Soci\ufffdt\ufffd"
    assert nz.clean_text("Assistance <br />  technique&amp;co") == "Assistance technique&co"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0202881-6", "0202881-6"), ("FI02028816", "0202881-6"), ("1600764-5", "1600764-5"),
     ("0202881-5", None), ("1139856-0 /", "1139856-0"), ("27738179", None),
     ("EE100915005", None), ("2004394-8 E", None), ("2859668-6/6", "2859668-6")],
)  # fmt: skip
def test_ytunnus_validates_check_digit(raw: str, expected: str | None) -> None:
    assert nz.ytunnus(raw) == expected


def test_siren_from_siret() -> None:
    assert nz.siren_from_siret("42399908500057") == "423999085"
    assert nz.siren_from_siret("423999085") == "423999085"
    assert nz.siren_from_siret("GB123") is None
    assert nz.siren_from_siret("00000000000000") is None  # a placeholder, not a company
    assert nz.siren_from_siret("123456789") is None  # fails the Luhn check digit


def test_personal_identity_codes_are_recognised() -> None:
    assert nz.is_personal_id("131052-308T")
    assert nz.is_personal_id("010101A123N")
    assert not nz.is_personal_id("0202881-6") and not nz.is_personal_id(None)
