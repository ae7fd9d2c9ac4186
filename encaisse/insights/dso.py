"""DSO (délai moyen de paiement clients) arithmetic: pure functions over plain values.

Both methods read the same months: the month of the as-of date (counted up to that date) and the
whole months before it, newest first, each with its revenue incl. tax (invoices net of credit
notes, by issue date) and its number of days:

- on the **365** basis a month counts its calendar days (the partial month: the as-of day);
- on the **360** basis every whole month counts 30 days (the partial month: the as-of day, at
  most 30), the convention of Banque de France ratios.

**Ratio method** (méthode comptable): receivables / revenue of the last N months × the days of
those months. Worked example (Divalto's): 30,000 / 60,000 × 90 days = 45 days.

**Count-back method** (méthode par épuisement du CA): take the receivables, subtract each month's
revenue going back from the most recent month, add the days of every month used up in full and
the prorated days of the last one. Worked example, as at 31 December: receivables 100,000;
December 40,000 (31 days, 60,000 left), November 35,000 (30 days, 25,000 left), October 50,000
(25,000 / 50,000 × 31 = 15.5 days): 76.5 days. When the history runs out before the receivables
are used up, the result is a floor (``exhausted`` is False)."""

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TENTH = Decimal("0.1")
ZERO = Decimal(0)


@dataclass(frozen=True)
class Month:
    """A month of the DSO window: its first day, the last day counted, its days and revenue."""

    start: dt.date
    end: dt.date
    days: int
    revenue: Decimal = ZERO


def month_windows(as_of: dt.date, count: int, *, basis: int) -> list[Month]:
    """The ``count`` months ending with the as-of date's month, newest first, without revenue.

    The first one runs from the 1st of the as-of month to the as-of date; the others are whole
    calendar months."""
    months = []
    year, month = as_of.year, as_of.month
    for index in range(count):
        last_day = calendar.monthrange(year, month)[1]
        start = dt.date(year, month, 1)
        if index == 0:
            end = as_of
            whole = as_of.day == last_day
            days = (30 if whole else min(as_of.day, 30)) if basis == 360 else as_of.day
        else:
            end = dt.date(year, month, last_day)
            days = 30 if basis == 360 else last_day
        months.append(Month(start=start, end=end, days=days))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def round_days(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def dso_ratio(*, receivables: Decimal, months: list[Month]) -> Decimal | None:
    """Receivables / revenue of ``months`` × their days, to a tenth of a day. None without
    revenue (the ratio means nothing); 0 when nothing is owed."""
    revenue = sum((m.revenue for m in months), ZERO)
    if revenue <= 0:
        return None
    days = sum(m.days for m in months)
    return round_days(max(receivables, ZERO) * days / revenue)


@dataclass(frozen=True)
class CountBack:
    days: Decimal | None
    exhausted: bool  # False: the months ran out first, ``days`` is a floor


@dataclass(frozen=True)
class Step:
    """One month of a count-back: its revenue, the days it adds, what is left to exhaust."""

    month: Month
    days: Decimal
    left: Decimal


def countback_steps(*, receivables: Decimal, months: list[Month]) -> list[Step]:
    """The months a count-back walks through, newest first (the DSO page shows them)."""
    steps, left = [], receivables
    for month in months:
        if left <= 0:
            break
        if month.revenue > 0 and left <= month.revenue:
            steps.append(Step(month, left / month.revenue * month.days, ZERO))
            break
        left -= max(month.revenue, ZERO)
        steps.append(Step(month, Decimal(month.days), left))
    return steps


def dso_countback(*, receivables: Decimal, months: list[Month]) -> CountBack:
    """Exhaust ``receivables`` with the revenue of ``months`` (newest first); see the module
    docstring. A month without revenue counts its days in full (nothing was sold then that
    could still be owed, but the time passed)."""
    if receivables <= 0:
        return CountBack(days=ZERO, exhausted=True)
    steps = countback_steps(receivables=receivables, months=months)
    if not steps:
        return CountBack(days=None, exhausted=False)
    days = sum((step.days for step in steps), ZERO)
    return CountBack(days=round_days(days), exhausted=steps[-1].left <= 0)


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, to a tenth; None when ``whole`` is not positive."""
    if whole is None or whole <= 0:
        return None
    return round_days(part * 100 / whole)
