"""Amount parsing and formatting as exports write amounts."""

from decimal import Decimal

import pytest

from encaisse.core.money import cents_to_amount, format_amount, parse_amount, parse_cents, to_cents


@pytest.mark.parametrize(
    "text, value",
    [
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("-12,50", "-12.50"),
        ("12,50-", "-12.50"),
        ("(5,00)", "-5.00"),
        ("+3", "3"),
        ("12,50 €", "12.50"),
        ("", "0.00"),
    ],
)
def test_it_parses_amounts_as_exports_write_them(text, value):
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["12a", "1,2,3", "1.2.3", ".", "-", "NaN", "1e5", "1_000"])
def test_it_refuses_what_is_not_an_amount(text):
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize(
    "text, cents",
    [
        ("1234,56", 123456),
        (" 000000000001440,00", 144000),  # PostgreSQL to_char, as Odoo writes FEC amounts
        ("12.5", 1250),
        ("12,", 1200),
        ("12", 1200),
        (",5", 50),
        ("0,00", 0),
        ("", 0),
        ("   ", 0),
        ("-12,50", -1250),
        ("12,50-", -1250),
        ("1 234,56", 123456),
        ("12,3400", 1234),
    ],
)
def test_it_parses_amounts_to_whole_cents(text, cents):
    assert parse_cents(text) == cents


@pytest.mark.parametrize("text", ["1,234", "12,345", "0,001", "12a", ","])
def test_it_refuses_amounts_with_more_than_two_decimals_or_no_digits(text):
    with pytest.raises(ValueError):
        parse_cents(text)


def test_it_turns_cents_back_into_two_decimal_amounts():
    assert str(cents_to_amount(123456)) == "1234.56"
    assert str(cents_to_amount(100)) == "1.00"
    assert str(cents_to_amount(-5)) == "-0.05"


def test_it_rounds_half_up_to_the_cent_and_formats_per_language():
    assert to_cents(Decimal("2.345")) == Decimal("2.35")
    assert to_cents(Decimal("-2.345")) == Decimal("-2.35")
    assert format_amount(Decimal("12345.6"), language="fr") == "12\u202f345,60"
    assert format_amount(Decimal("-12345.6"), language="en") == "-12,345.60"
