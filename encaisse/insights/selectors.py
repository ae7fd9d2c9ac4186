"""The insights figures: KPIs, DSO both ways (now, month by month, per customer, segment and
collector). Called by the dashboard and DSO pages, the API and ``encaisse export kpis``.

Every figure covers the whole ledger or a ``Scope`` (segment, collector): users who may open
these pages (VIEW_LEDGER) see the whole ledger, so nothing is narrowed per user here; the pages
and endpoints check the capability. The arithmetic lives in ``dso.py`` (pure), the aggregates
in ``queries.py``."""

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from encaisse.core.dates import today

from . import queries, snapshots
from .dso import Month, dso_countback, dso_ratio, month_windows, share
from .models import InsightsSettings
from .queries import Scope

COUNTBACK_MONTHS = 24  # how far back the count-back method may exhaust the receivables
SERIES_MONTHS = 12


def insights_settings_get() -> InsightsSettings:
    """The DSO settings (one row, created with the defaults on first read)."""
    settings, _created = InsightsSettings.objects.get_or_create(pk=1)
    return settings


def _month_key(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def _with_revenue(windows: list[Month], revenue: dict, group_key=None) -> list[Month]:
    return [
        Month(m.start, m.end, m.days, revenue.get((group_key, _month_key(m.start)), Decimal(0)))
        for m in windows
    ]


@dataclass
class Dso:
    ratio: Decimal | None
    countback: Decimal | None
    countback_exhausted: bool
    revenue: Decimal  # of the ratio method's window
    window_days: int


def _dso(receivables: Decimal, months: list[Month], ratio_months: int) -> Dso:
    window = months[:ratio_months]
    back = dso_countback(receivables=receivables, months=months)
    return Dso(
        ratio=dso_ratio(receivables=receivables, months=window),
        countback=back.days,
        countback_exhausted=back.exhausted,
        revenue=sum((m.revenue for m in window), Decimal(0)),
        window_days=sum(m.days for m in window),
    )


@dataclass
class Kpis:
    as_of: dt.date
    days_basis: int
    ratio_months: int
    receivables: Decimal
    overdue: Decimal
    disputed: Decimal
    dso: Dso
    average_days_late: Decimal | None
    months: list[Month] = field(default_factory=list)  # newest first, with their revenue

    @property
    def overdue_share(self) -> Decimal | None:
        return share(self.overdue, self.receivables)

    @property
    def disputed_share_of_overdue(self) -> Decimal | None:
        return share(self.disputed, self.overdue)

    def as_json(self) -> dict:
        """The figures as JSON-ready values: amounts and days as strings (exact decimals)."""

        def text(value):
            return None if value is None else str(value)

        return {
            "as_of": self.as_of.isoformat(),
            "receivables": text(self.receivables),
            "overdue": text(self.overdue),
            "overdue_share": text(self.overdue_share),
            "disputed": text(self.disputed),
            "disputed_share_of_overdue": text(self.disputed_share_of_overdue),
            "dso_ratio": text(self.dso.ratio),
            "dso_countback": text(self.dso.countback),
            "dso_countback_complete": self.dso.countback_exhausted,
            "average_days_late": text(self.average_days_late),
            "days_basis": self.days_basis,
            "ratio_months": self.ratio_months,
        }


def kpis(*, as_of: dt.date | None = None, scope: Scope | None = None) -> Kpis:
    """Receivables, overdue, disputed, DSO both ways and average days late on ``as_of``."""
    as_of = as_of or today()
    scope = scope or Scope()
    settings = insights_settings_get()
    snapshot = snapshots.fresh_state(dunning=False)
    position = queries.position(as_of=as_of, scope=scope, snapshot=snapshot)
    windows = month_windows(as_of, COUNTBACK_MONTHS, basis=settings.days_basis)
    revenue = queries.monthly_revenue(
        start=windows[-1].start, end=as_of, scope=scope, snapshot=snapshot
    )
    months = _with_revenue(windows, revenue)
    return Kpis(
        as_of=as_of,
        days_basis=settings.days_basis,
        ratio_months=settings.ratio_months,
        receivables=position.receivables,
        overdue=position.overdue,
        disputed=queries.disputed_amount(as_of=as_of, scope=scope),
        dso=_dso(position.receivables, months, settings.ratio_months),
        average_days_late=queries.average_days_late(
            as_of=as_of, scope=scope, snapshot=snapshot
        ).get(None),
        months=months,
    )


@dataclass
class DsoPoint:
    """One month of the DSO history: its closing day (the as-of date for the current month)."""

    day: dt.date
    receivables: Decimal
    revenue: Decimal  # of that month alone
    dso: Dso


def _month_ends(as_of: dt.date, count: int) -> list[dt.date]:
    ends = [as_of]
    year, month = as_of.year, as_of.month
    for _index in range(count - 1):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        ends.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
    return ends


def dso_series(
    *, as_of: dt.date | None = None, scope: Scope | None = None, months: int = SERIES_MONTHS
) -> list[DsoPoint]:
    """DSO both ways at the end of each of the last ``months`` months, oldest first (the last
    point is ``as_of``). Three queries whatever the number of months."""
    as_of = as_of or today()
    scope = scope or Scope()
    settings = insights_settings_get()
    ends = _month_ends(as_of, months)
    oldest = month_windows(ends[-1], COUNTBACK_MONTHS, basis=settings.days_basis)[-1].start
    snapshot = snapshots.fresh_state(dunning=False)
    revenue = queries.monthly_revenue(start=oldest, end=as_of, scope=scope, snapshot=snapshot)
    owed = queries.receivables_at(ends, scope=scope, snapshot=snapshot)
    points = []
    for day in reversed(ends):
        windows = _with_revenue(
            month_windows(day, COUNTBACK_MONTHS, basis=settings.days_basis), revenue
        )
        receivables = owed.get((None, day), Decimal(0))
        points.append(
            DsoPoint(
                day=day,
                receivables=receivables,
                revenue=windows[0].revenue,
                dso=_dso(receivables, windows, settings.ratio_months),
            )
        )
    return points


@dataclass
class GroupDso:
    key: int | None
    label: str
    receivables: Decimal
    dso: Dso
    average_days_late: Decimal | None = None
    extra: dict = field(default_factory=dict)


def dso_by(
    *,
    group: str,
    as_of: dt.date | None = None,
    scope: Scope | None = None,
    limit: int = 50,
) -> list[GroupDso]:
    """DSO both ways and average days late per customer, segment or collector (``group``),
    largest receivables first, at most ``limit`` rows. Four queries."""
    as_of = as_of or today()
    scope = scope or Scope()
    settings = insights_settings_get()
    windows = month_windows(as_of, COUNTBACK_MONTHS, basis=settings.days_basis)
    snapshot = snapshots.fresh_state(dunning=False)
    customers = None
    if group == "customer" and as_of >= today():
        # The largest receivables first: when enough customers owe something, the ranking needs
        # no revenue, and revenue and lateness are read for the ranked customers alone.
        owed = queries.top_receivables_now(as_of, scope=scope, limit=limit)
        owing = [key for (key, _day), amount in owed.items() if amount > 0]
        if len(owing) >= limit:
            customers = sorted(owing, key=lambda k: (-owed[(k, as_of)], k))[:limit]
    if customers is None:
        owed = queries.receivables_at([as_of], scope=scope, group=group, snapshot=snapshot)
    figures = {"start": windows[-1].start, "end": as_of, "scope": scope, "group": group}
    revenue = queries.monthly_revenue(**figures, snapshot=snapshot, customers=customers)
    late = queries.average_days_late(
        as_of=as_of, scope=scope, group=group, snapshot=snapshot, customers=customers
    )
    if customers is not None:
        ranked = customers
    else:
        keys = {key for key, _day in owed} | {key for key, _month in revenue}
        ranked = sorted(keys, key=lambda k: -owed.get((k, as_of), Decimal(0)))[:limit]
    labels = queries.group_labels(group, ranked)
    rows = []
    for key in ranked:
        receivables = owed.get((key, as_of), Decimal(0))
        months = _with_revenue(windows, revenue, key)
        rows.append(
            GroupDso(
                key=key,
                label=labels.get(key, ""),
                receivables=receivables,
                dso=_dso(receivables, months, settings.ratio_months),
                average_days_late=late.get(key),
            )
        )
    return rows
