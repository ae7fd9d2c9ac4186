"""Deadlines in business days, weekends and French public holidays skipped (no database)."""

import datetime as dt

import pytest

from encaisse.disputes.deadlines import (
    DeadlineState,
    add_business_days,
    at_risk_from,
    business_days_between,
    deadline_state,
    is_business_day,
    target_date,
)

D = dt.date


@pytest.mark.parametrize(
    "raised, days, expected",
    [
        (D(2026, 7, 10), 3, D(2026, 7, 16)),  # Fri; Tue 14 July skipped
        (D(2026, 4, 3), 1, D(2026, 4, 7)),  # Fri; weekend then Easter Monday skipped
        (D(2025, 8, 14), 1, D(2025, 8, 18)),  # Thu; Fri 15 August then the weekend skipped
        (D(2026, 4, 30), 5, D(2026, 5, 11)),  # 1 May and 8 May (Fridays) skipped
        (D(2026, 12, 24), 2, D(2026, 12, 29)),  # Christmas Friday skipped
        (D(2026, 3, 2), 10, D(2026, 3, 16)),  # two plain weeks
    ],
)
def test_it_counts_the_target_date_in_business_days(raised, days, expected):
    assert target_date(raised, days) == expected


def test_it_knows_weekends_and_french_public_holidays():
    assert not is_business_day(D(2026, 7, 14))
    assert not is_business_day(D(2026, 5, 14))  # Ascension
    assert not is_business_day(D(2026, 5, 25))  # Whit Monday
    assert not is_business_day(D(2026, 3, 7))  # Saturday
    assert is_business_day(D(2026, 7, 15))


def test_it_counts_backwards_and_between_dates():
    assert add_business_days(D(2026, 7, 16), -3) == D(2026, 7, 10)
    assert add_business_days(D(2026, 7, 11), 0) == D(2026, 7, 11)
    assert business_days_between(D(2026, 7, 10), D(2026, 7, 16)) == 3
    assert business_days_between(D(2026, 7, 16), D(2026, 7, 10)) == -3
    assert business_days_between(D(2026, 7, 10), D(2026, 7, 10)) == 0


def test_it_puts_the_last_fifth_of_the_time_at_risk():
    # 10 business days from Mon 2 March: target Mon 16 March, at risk 2 business days before.
    assert at_risk_from(D(2026, 3, 2), 10) == D(2026, 3, 12)
    # Short targets still get one business day of warning (over the 14 July here).
    assert at_risk_from(D(2026, 7, 10), 3) == D(2026, 7, 15)


def test_it_tells_on_track_at_risk_and_late():
    target, risk = D(2026, 3, 16), D(2026, 3, 12)

    def state(day):
        return deadline_state(target=target, at_risk_on=risk, as_of=day)

    assert state(D(2026, 3, 11)) == DeadlineState.ON_TRACK
    assert state(D(2026, 3, 12)) == DeadlineState.AT_RISK
    assert state(D(2026, 3, 16)) == DeadlineState.AT_RISK
    assert state(D(2026, 3, 17)) == DeadlineState.LATE
    assert deadline_state(target=None, at_risk_on=None, as_of=target) == DeadlineState.NONE
