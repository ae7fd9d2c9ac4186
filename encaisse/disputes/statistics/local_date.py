"""The local date of a stored datetime, without a Python function per row on SQLite.

Django's ``TruncDate`` converts to the company's time zone in SQL on PostgreSQL (``AT TIME
ZONE``) but through a Python function called for every row on SQLite: 270 ms of CPU for 100k
disputes on the benchmark machine, more than the rest of the statistics together. On SQLite,
``LocalDate`` instead adds the zone's UTC offset with SQLite's own ``date()``, choosing the
offset with a ``CASE`` over the zone's transitions (daylight saving time) between two bounds
given by the caller: a handful of branches for the years the disputes cover."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import DateField, Func
from django.db.models.functions import TruncDate
from django.utils import timezone

UTC = dt.UTC


def offset_periods(zone: ZoneInfo, start: dt.datetime, end: dt.datetime) -> list[tuple]:
    """[(until, offset seconds)]: the offset of ``zone`` for UTC instants before ``until``
    (None for the last period), from ``start`` to ``end`` (UTC)."""
    periods = []
    moment = start.replace(hour=0, minute=0, second=0, microsecond=0)
    offset = moment.astimezone(zone).utcoffset()
    while moment <= end:
        following = moment + dt.timedelta(days=1)
        if following.astimezone(zone).utcoffset() != offset:
            low, high = moment, following  # the change is in (low, high]: find its minute
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            change = high.replace(second=0, microsecond=0)
            periods.append((change, int(offset.total_seconds())))
            offset = following.astimezone(zone).utcoffset()
        moment = following
    periods.append((None, int(offset.total_seconds())))
    return periods


class LocalDate(Func):
    """The date, in the current time zone, of a datetime column whose values lie between
    ``start`` and ``end`` (UTC; values outside get the offset of the nearest period)."""

    output_field = DateField()

    def __init__(self, expression, *, start: dt.datetime, end: dt.datetime, **extra):
        super().__init__(expression, **extra)
        self.periods = offset_periods(timezone.get_current_timezone(), start, end)

    def as_sql(self, compiler, connection, **extra):
        return TruncDate(*self.source_expressions).as_sql(compiler, connection, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        branches = []
        for until, seconds in self.periods:
            shifted = f"date({column}, '{seconds:+d} seconds')"
            if until is None:
                branches.append(f"ELSE {shifted}")
            else:
                branches.append(f"WHEN {column} < '{until:%Y-%m-%d %H:%M:%S}' THEN {shifted}")
        if len(branches) == 1:
            return branches[0].removeprefix("ELSE "), params
        sql = "CASE " + " ".join(branches) + " END"
        return sql, params * (2 * len(branches) - 1)
