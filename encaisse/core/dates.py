"""Business dates: parsing the dates exports write, payment terms and ageing."""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone


def today() -> dt.date:
    """The business date now, in the company's time zone."""
    return timezone.localdate()


def parse_date(text: str) -> dt.date:
    """Parse a date as exports write it: AAAAMMJJ, ISO (with or without time), dd/mm/yyyy,
    dd-mm-yyyy, dd.mm.yyyy or dd/mm/yy. Raises ValueError naming the text otherwise."""
    s = text.strip()
    if not s:
        raise ValueError("empty date")
    try:
        if len(s) == 8 and s.isdigit():
            return dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))
        if len(s) >= 10 and s[4] == "-" and s[7] == "-":
            return dt.date(int(s[:4]), int(s[5:7]), int(s[8:10]))
        for sep in ("/", "-", "."):
            parts = s.split(" ")[0].split(sep)
            if len(parts) == 3 and all(p.isdigit() for p in parts):
                day, month, year = (int(p) for p in parts)
                if len(parts[2]) == 2:
                    year += 2000
                elif len(parts[2]) != 4:
                    break
                return dt.date(year, month, day)
    except ValueError:
        pass
    raise ValueError(f"not a date: {text!r}")


def end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


class TermsKind:
    """How a payment term turns an invoice date into a due date.

    NET: invoice date + N days. END_OF_MONTH: invoice date + N days, then the end of that month
    ("45 jours fin de mois", CEPC method a). END_OF_MONTH_THEN: end of the invoice month, then
    + N days (CEPC method b). Both readings of "fin de mois" are accepted in France.
    """

    NET = "net"
    END_OF_MONTH = "eom"
    END_OF_MONTH_THEN = "eom_then"


def due_date_for(issue_date: dt.date, *, kind: str, days: int) -> dt.date:
    if kind == TermsKind.NET:
        return issue_date + dt.timedelta(days=days)
    if kind == TermsKind.END_OF_MONTH:
        return end_of_month(issue_date + dt.timedelta(days=days))
    if kind == TermsKind.END_OF_MONTH_THEN:
        return end_of_month(issue_date) + dt.timedelta(days=days)
    raise ValueError(f"unknown payment terms kind: {kind!r}")


@dataclass(frozen=True)
class AgeBucket:
    """One column of the aged balance: days past due from ``low`` to ``high`` (inclusive).

    ``key`` is the stable machine name (``not_due``, ``days_1_30``, ``days_over_90``)."""

    key: str
    low: int | None
    high: int | None


DEFAULT_BUCKET_BOUNDS = (30, 60, 90)


def age_buckets(bounds=DEFAULT_BUCKET_BOUNDS) -> list[AgeBucket]:
    """Buckets from upper bounds: (30, 60, 90) gives not due, 1-30, 31-60, 61-90, over 90."""
    bounds = sorted({int(b) for b in bounds if int(b) > 0})
    buckets = [AgeBucket("not_due", None, 0)]
    low = 1
    for high in bounds:
        buckets.append(AgeBucket(f"days_{low}_{high}", low, high))
        low = high + 1
    buckets.append(AgeBucket(f"days_over_{low - 1}", low, None))
    return buckets


def bucket_for(days_past_due: int, buckets: list[AgeBucket]) -> AgeBucket:
    for bucket in buckets:
        if (bucket.low is None or days_past_due >= bucket.low) and (
            bucket.high is None or days_past_due <= bucket.high
        ):
            return bucket
    raise AssertionError("buckets must cover every day count")
