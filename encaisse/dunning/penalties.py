"""French late-payment penalties (pure functions over plain values, no database).

- Interest (Code de commerce L441-10 II): unless the contract sets a rate, the ECB main
  refinancing rate in force on 1 January (for January-June) or 1 July (for July-December),
  plus 10 points. A contractual rate may not be below 3 times the legal interest rate.
  Interest runs from the day after the due date through the payment date (or the date of
  the computation), split by half-year, each half-year at its own rate.
- Day count: actual days late over a 365-day year, leap years included (the law fixes no
  basis; an annual rate prorated per calendar day over 365 is the common reading, and the
  third-party calculators we compared with use it).
- Rounding: the exact amounts of every half-year are added, then rounded once, half up, to
  the cent.
- Fixed recovery indemnity (L441-10 II, D441-5): 40 euros per invoice paid late.

Rates come in as ``{half-year start: percent}`` (see ``selectors.reference_rates``). A missing
half-year raises MissingRate rather than being extrapolated."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from encaisse.core.money import ZERO, to_cents

FIXED_INDEMNITY = Decimal("40.00")
LEGAL_MARGIN_POINTS = Decimal("10")
FLOOR_MULTIPLE = Decimal("3")
DAYS_IN_YEAR = Decimal("365")


class MissingRate(LookupError):
    """No rate is known for a half-year the computation needs."""

    def __init__(self, half_year: dt.date):
        super().__init__(f"no reference rate for the half-year starting {half_year.isoformat()}")
        self.half_year = half_year


@dataclass(frozen=True)
class Period:
    """Days late within one half-year and the annual rate (percent) applied to them."""

    first_day: dt.date
    last_day: dt.date
    days: int
    rate: Decimal
    interest: Decimal  # exact, not rounded


@dataclass(frozen=True)
class Penalties:
    days_late: int
    periods: list[Period]
    interest: Decimal  # rounded to the cent
    indemnity: Decimal
    total: Decimal


def half_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year(start: dt.date) -> dt.date:
    return dt.date(start.year, 7, 1) if start.month == 1 else dt.date(start.year + 1, 1, 1)


def legal_penalty_rate(ecb_rates: Mapping[dt.date, Decimal], half_year: dt.date) -> Decimal:
    """The L441-10 default rate of a half-year: the ECB rate on its first day + 10 points."""
    try:
        return Decimal(ecb_rates[half_year]) + LEGAL_MARGIN_POINTS
    except KeyError:
        raise MissingRate(half_year) from None


def late_periods(
    *,
    amount: Decimal,
    due_date: dt.date,
    until: dt.date,
    ecb_rates: Mapping[dt.date, Decimal],
    contractual_rate: Decimal | None = None,
) -> list[Period]:
    """The half-year slices of the delay from ``due_date`` (excluded) to ``until``
    (included), each with its rate and exact interest on ``amount``."""
    periods = []
    first = due_date + dt.timedelta(days=1)
    while first <= until:
        start = half_year_start(first)
        last = min(until, next_half_year(start) - dt.timedelta(days=1))
        days = (last - first).days + 1
        rate = (
            Decimal(contractual_rate)
            if contractual_rate is not None
            else legal_penalty_rate(ecb_rates, start)
        )
        interest = Decimal(amount) * rate / 100 * days / DAYS_IN_YEAR
        periods.append(Period(first, last, days, rate, interest))
        first = last + dt.timedelta(days=1)
    return periods


def invoice_penalties(
    *,
    amount: Decimal,
    due_date: dt.date,
    until: dt.date,
    ecb_rates: Mapping[dt.date, Decimal],
    contractual_rate: Decimal | None = None,
) -> Penalties:
    """Late-payment interest on ``amount`` (the unpaid amount incl. tax) from ``due_date`` to
    ``until``, plus the 40 euro indemnity when the invoice is late at all."""
    periods = late_periods(
        amount=amount,
        due_date=due_date,
        until=until,
        ecb_rates=ecb_rates,
        contractual_rate=contractual_rate,
    )
    days = sum(period.days for period in periods)
    interest = to_cents(sum((period.interest for period in periods), ZERO))
    indemnity = FIXED_INDEMNITY if days > 0 else ZERO
    return Penalties(days, periods, interest, indemnity, interest + indemnity)


def contractual_rate_below_floor(*, rate: Decimal, legal_interest_rate: Decimal) -> bool:
    """True when a contractual penalty rate is below 3 times the legal interest rate
    (professionals), which L441-10 forbids: show a warning where the rate is set or used."""
    return Decimal(rate) < FLOOR_MULTIPLE * Decimal(legal_interest_rate)
