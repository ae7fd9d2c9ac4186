"""Dates as exports write them, payment terms and ageing buckets."""

import datetime as dt

import pytest

from encaisse.core.dates import TermsKind, age_buckets, bucket_for, due_date_for, parse_date


@pytest.mark.parametrize(
    "text",
    [
        "20250131",
        "2025-01-31",
        "2025-01-31 00:00:00",
        "2025-01-31T10:20:00",
        "31/01/2025",
        "31-01-2025",
        "31.01.2025",
        "31/01/25",
        " 31/01/2025 ",
        "31/01/2025 14:02",
    ],
)
def test_it_parses_dates_as_exports_write_them(text):
    assert parse_date(text) == dt.date(2025, 1, 31)


@pytest.mark.parametrize("text", ["", "2025-02-30", "20251301", "31/01/202", "tomorrow", "1/2"])
def test_it_refuses_what_is_not_a_date(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_it_computes_due_dates_from_terms():
    issued = dt.date(2025, 1, 20)
    assert due_date_for(issued, kind=TermsKind.NET, days=30) == dt.date(2025, 2, 19)
    assert due_date_for(issued, kind=TermsKind.END_OF_MONTH, days=45) == dt.date(2025, 3, 31)
    assert due_date_for(issued, kind=TermsKind.END_OF_MONTH_THEN, days=45) == dt.date(2025, 3, 17)


def test_it_sorts_days_past_due_into_buckets():
    buckets = age_buckets((30, 60, 90))
    assert [b.key for b in buckets] == [
        "not_due",
        "days_1_30",
        "days_31_60",
        "days_61_90",
        "days_over_90",
    ]
    assert bucket_for(0, buckets).key == "not_due"
    assert bucket_for(31, buckets).key == "days_31_60"
    assert bucket_for(400, buckets).key == "days_over_90"
