import datetime as dt

import pytest
from django.utils import translation

from encaisse.company.terms import parse_bucket_bounds, terms_examples
from encaisse.core.dates import TermsKind


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("30, 60, 90", [30, 60, 90]),
        ("30;60;90", [30, 60, 90]),
        (" 90 30  60 ", [30, 60, 90]),
        ("45", [45]),
        ("15,30,45,60,90,120", [15, 30, 45, 60, 90, 120]),
    ],
)
def test_it_reads_bucket_bounds_typed_as_text(text, bounds):
    assert parse_bucket_bounds(text) == bounds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one"),
        ("30, 6O, 90", "“6O” is not a whole number"),
        ("30, -60", "“-60” is not a whole number"),
        ("0, 30", "between 1 and"),
        ("30, 30, 60", "only once"),
        ("30.5", "not a whole number"),
        (", ".join(str(n) for n in range(1, 12)), "At most 10"),
    ],
)
def test_it_refuses_bucket_bounds_that_are_not_whole_distinct_positive_days(text, message):
    with translation.override("en"), pytest.raises(ValueError, match=message):
        parse_bucket_bounds(text)


def test_it_shows_the_due_date_of_each_kind_of_terms():
    examples = terms_examples(issue_date=dt.date(2026, 1, 15), days=45)
    assert [(e.kind, e.due_date) for e in examples] == [
        (TermsKind.NET, dt.date(2026, 3, 1)),
        (TermsKind.END_OF_MONTH, dt.date(2026, 3, 31)),
        (TermsKind.END_OF_MONTH_THEN, dt.date(2026, 3, 17)),
    ]
    assert all(e.label and e.explanation for e in examples)
