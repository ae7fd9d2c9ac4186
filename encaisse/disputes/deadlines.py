"""Resolution deadlines in business days (no weekends, no French public holidays): pure
functions over dates, used when a dispute is qualified, by the daily escalation and the pages.

A dispute's target date is the date the customer raised it plus the reason code's number of
business days. It is *at risk* from ``at_risk_on`` (the last fifth of its time, at least one
business day before the target) and *late* the day after the target date."""

import datetime as dt
import enum
from functools import lru_cache

import holidays

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _french_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.France(years=year))


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _french_holidays(day.year)


def add_business_days(start: dt.date, days: int) -> dt.date:
    """The business day ``days`` business days after ``start`` (before it when negative).
    Zero gives ``start`` itself, business day or not."""
    step = ONE_DAY if days >= 0 else -ONE_DAY
    day, left = start, abs(days)
    while left:
        day += step
        if is_business_day(day):
            left -= 1
    return day


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Business days after ``start`` up to and including ``end`` (negative when ``end`` is
    before ``start``): 0 on the same day."""
    if end < start:
        return -business_days_between(end, start)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += is_business_day(day)
    return count


def target_date(raised_on: dt.date, target_days: int) -> dt.date:
    return add_business_days(raised_on, target_days)


def at_risk_from(raised_on: dt.date, target_days: int) -> dt.date:
    """When the dispute starts standing out as at risk: with a fifth of its business days
    left, at least one."""
    margin = max(1, target_days // 5)
    return add_business_days(target_date(raised_on, target_days), -margin)


class DeadlineState(enum.StrEnum):
    NONE = "none"  # no deadline yet (not qualified) or settled
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    LATE = "late"


def deadline_state(
    *, target: dt.date | None, at_risk_on: dt.date | None, as_of: dt.date
) -> DeadlineState:
    if target is None:
        return DeadlineState.NONE
    if as_of > target:
        return DeadlineState.LATE
    if at_risk_on is not None and as_of >= at_risk_on:
        return DeadlineState.AT_RISK
    return DeadlineState.ON_TRACK
