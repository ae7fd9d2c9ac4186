"""Penalties against hand-computed examples (no database)."""

import datetime as dt
from decimal import Decimal

import pytest

from encaisse.dunning.penalties import (
    MissingRate,
    contractual_rate_below_floor,
    invoice_penalties,
)

D = Decimal
ECB = {
    dt.date(2024, 1, 1): D("4.50"),
    dt.date(2024, 7, 1): D("4.25"),
    dt.date(2025, 1, 1): D("3.15"),
    dt.date(2025, 7, 1): D("2.15"),
    dt.date(2026, 1, 1): D("2.15"),
}


def test_it_splits_interest_across_a_half_year_boundary():
    # 12,000.00 due 15 May 2025, paid 20 Sep 2025: 128 days late.
    # 16 May-30 Jun: 46 days at 13.15 %: 12000 x 0.1315 x 46 / 365 = 198.8712...
    # 1 Jul-20 Sep: 82 days at 12.15 %: 12000 x 0.1215 x 82 / 365 = 327.5506...
    # Total 526.4219... -> 526.42, plus 40.00.
    result = invoice_penalties(
        amount=D("12000.00"),
        due_date=dt.date(2025, 5, 15),
        until=dt.date(2025, 9, 20),
        ecb_rates=ECB,
    )
    assert [(p.days, p.rate) for p in result.periods] == [(46, D("13.15")), (82, D("12.15"))]
    assert result.days_late == 128
    assert result.interest == D("526.42")
    assert result.indemnity == D("40.00")
    assert result.total == D("566.42")


def test_it_rounds_once_not_per_half_year():
    # 1,000.00 due 31 Dec 2024, until 1 Jul 2025: 181 days at 13.15 % then 1 day at 12.15 %.
    # 1000 x 0.1315 x 181 / 365 = 65.2095...; 1000 x 0.1215 / 365 = 0.3328...
    # Sum 65.5423... -> 65.54.
    result = invoice_penalties(
        amount=D("1000.00"),
        due_date=dt.date(2024, 12, 31),
        until=dt.date(2025, 7, 1),
        ecb_rates=ECB,
    )
    assert [(p.days, p.rate) for p in result.periods] == [(181, D("13.15")), (1, D("12.15"))]
    assert result.interest == D("65.54")


def test_it_rounds_half_up_at_the_end():
    # 36.50 x 10 % x 5 / 365 = 0.05 exactly: no float drift.
    result = invoice_penalties(
        amount=D("36.50"),
        due_date=dt.date(2026, 3, 1),
        until=dt.date(2026, 3, 6),
        ecb_rates={},
        contractual_rate=D("10"),
    )
    assert result.interest == D("0.05")
    # 50.00 x 9.125 % x 2 / 365 = 0.025 exactly: half up gives 0.03.
    result = invoice_penalties(
        amount=D("50.00"),
        due_date=dt.date(2026, 3, 1),
        until=dt.date(2026, 3, 3),
        ecb_rates={},
        contractual_rate=D("9.125"),
    )
    assert result.interest == D("0.03")


def test_it_crosses_three_half_years_at_their_own_rates():
    # 10,000.00 due 30 Apr 2024, until 15 Jan 2025:
    # 1 May-30 Jun 2024: 61 days at 14.50 % = 242.3287...
    # 1 Jul-31 Dec 2024: 184 days at 14.25 % = 718.3561...
    # 1 Jan-15 Jan 2025: 15 days at 13.15 % = 54.0410...  Total 1014.7260 -> 1014.73
    result = invoice_penalties(
        amount=D("10000.00"),
        due_date=dt.date(2024, 4, 30),
        until=dt.date(2025, 1, 15),
        ecb_rates=ECB,
    )
    assert [p.days for p in result.periods] == [61, 184, 15]
    assert result.interest == D("1014.73")


def test_it_owes_nothing_when_paid_on_time():
    result = invoice_penalties(
        amount=D("500.00"), due_date=dt.date(2025, 3, 1), until=dt.date(2025, 3, 1), ecb_rates=ECB
    )
    assert result.periods == [] and result.total == D("0.00")


def test_it_refuses_a_half_year_without_a_rate():
    with pytest.raises(MissingRate) as error:
        invoice_penalties(
            amount=D("500.00"),
            due_date=dt.date(2026, 6, 20),
            until=dt.date(2026, 7, 10),
            ecb_rates=ECB,
        )
    assert error.value.half_year == dt.date(2026, 7, 1)


def test_it_uses_a_contractual_rate_for_every_half_year():
    # 2,000.00 at 15 % from 1 Jun to 31 Jul 2026 (60 days): 2000 x 0.15 x 60 / 365 = 49.3150...
    result = invoice_penalties(
        amount=D("2000.00"),
        due_date=dt.date(2026, 6, 1),
        until=dt.date(2026, 7, 31),
        ecb_rates={},
        contractual_rate=D("15"),
    )
    assert result.interest == D("49.32")


def test_it_warns_when_a_contractual_rate_is_under_three_times_the_legal_rate():
    # 2026-S1 legal rate (professionals) 2.62 %: floor 7.86 %.
    assert contractual_rate_below_floor(rate=D("7.85"), legal_interest_rate=D("2.62"))
    assert not contractual_rate_below_floor(rate=D("7.86"), legal_interest_rate=D("2.62"))
