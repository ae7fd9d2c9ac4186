"""Disputes and non-quality for the insights page ``/insights/disputes/``: the management view
of the disputes statistics (``encaisse.disputes.statistics``), whose selectors compute every
grouped figure, percentile and Pareto; this module only maps the insights filters onto them and
adds what they do not group: the disputes still open on the as-of date, and the disputes
resolved per month (the statistics count disputes by the month they were raised). When the
period ends on the as-of date (what the page asks for), both come from the same one-pass read
as the groupings (``every_grouping_with_flow``), plus the disputes raised before the period,
read apart; for any other period, from two aggregates of their own.

Everything is scoped by user through ``disputes_for_statistics`` (a department member: their
department's disputes)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DateField, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from encaisse.customers.models import Segment
from encaisse.disputes.statistics import (
    StatsFilters,
    disputes_for_statistics,
    pareto,
    root_cause_trend,
)
from encaisse.disputes.statistics.groups import (
    YearMonth,
    every_grouping_statistics,
    every_grouping_with_flow,
)
from encaisse.disputes.statistics.local_date import LocalDate
from encaisse.disputes.statistics.trend import TrendRow

from .queries import Scope, cents

TOP_CAUSES = 5  # the causes whose preventive actions the page follows
PAGE_ROWS = 50  # rows of a grouping shown on the page (the export has them all)
MONEY = DecimalField(max_digits=18, decimal_places=2)


def stats_filters(
    *, as_of: dt.date, start: dt.date, scope: Scope, department: str | None
) -> StatsFilters:
    """The insights filters as the statistics' own: disputes raised in the period."""
    segment = None
    if scope.segment_id is not None:
        # The form checked the segment exists; a deleted one matches nothing ("-").
        segment = Segment.objects.filter(pk=scope.segment_id).values_list("code", flat=True)
        segment = segment.first() or "-"
    return StatsFilters(
        raised_from=start,
        raised_to=as_of,
        segment=segment,
        department=department,
        as_of=as_of,
        collector_id=scope.collector_id,
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class OpenDisputes:
    count: int
    amount: Decimal


def _unperiod(filters: StatsFilters, raised_before: dt.date | None) -> StatsFilters:
    """The filters without the period (disputes whenever raised), or raised before a day."""
    return StatsFilters(
        raised_to=None if raised_before is None else raised_before - dt.timedelta(days=1),
        segment=filters.segment,
        department=filters.department,
        as_of=filters.as_of,
        collector_id=filters.collector_id,
    )


def open_on(*, user, filters: StatsFilters, raised_before: dt.date | None = None) -> OpenDisputes:
    """The disputes open at the end of the as-of date, whenever raised (or raised before
    ``raised_before``): raised by then and not resolved by then (their disputed amounts: the
    amount in dispute)."""
    end = _day_start(filters.as_of + dt.timedelta(days=1))
    figures = (
        disputes_for_statistics(user=user, filters=_unperiod(filters, raised_before))
        .filter(raised_on__lte=filters.as_of)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
        .aggregate(
            n=Count("id"),
            amount=Coalesce(Sum("disputed_total"), Value(Decimal(0)), output_field=MONEY),
        )
    )
    return OpenDisputes(count=figures["n"], amount=cents(figures["amount"]))


@dataclass(frozen=True)
class MonthFlow:
    month: str  # "2026-03"
    raised: int
    raised_amount: Decimal
    resolved: int
    resolved_amount: Decimal


def _months(start: dt.date, end: dt.date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return months


def resolved_by_month(
    *, user, filters: StatsFilters, raised_before: dt.date | None = None
) -> dict[str, tuple[int, Decimal]]:
    """Month -> (count, amount) of the disputes resolved (local date) in the period's months,
    whenever raised (or raised before ``raised_before``)."""
    low = _day_start(filters.raised_from)
    high = _day_start(filters.raised_to + dt.timedelta(days=1))
    local = LocalDate("resolved_at", start=low, end=high)
    disputes = disputes_for_statistics(user=user, filters=_unperiod(filters, raised_before))
    if raised_before is None:
        disputes = disputes.filter(resolved_at__gte=low, resolved_at__lt=high)
    else:
        # On the stored local date (converted where missing, as the statistics do), which no
        # index covers: SQLite would otherwise read the period's resolutions on the
        # ``resolved_at`` index, every one, instead of the few disputes raised before.
        local = Coalesce("resolved_on", local, output_field=DateField())
        disputes = disputes.filter(resolved_at__isnull=False).alias(day=local)
        disputes = disputes.filter(day__gte=filters.raised_from, day__lte=filters.raised_to)
    resolved = (
        disputes.annotate(month=YearMonth(local))
        .values("month")
        .annotate(n=Count("id"), amount=Sum("disputed_total"))
        .order_by("month")
    )
    return {row["month"]: (row["n"], row["amount"]) for row in resolved}


def monthly_flow(
    *, user, filters: StatsFilters, raised_by_month: list, resolved: dict | None = None
) -> list[MonthFlow]:
    """Per month of the period: disputes raised (from the statistics' month grouping,
    ``raised_by_month``) and disputes resolved that month (local date), whenever raised
    (``resolved``, month -> (count, amount), when already read)."""
    start, end = filters.raised_from, filters.raised_to
    if resolved is None:
        resolved = resolved_by_month(user=user, filters=filters)
    raised = {row.key: row for row in raised_by_month}
    flows = []
    for month in _months(start, end):
        r, (count, amount) = raised.get(month), resolved.get(month, (0, None))
        flows.append(
            MonthFlow(
                month=month,
                raised=r.count if r else 0,
                raised_amount=r.amount if r else Decimal("0.00"),
                resolved=count,
                resolved_amount=cents(amount),
            )
        )
    return flows


@dataclass(frozen=True)
class TopCause:
    """A top root cause (by amount) and what its preventive actions changed: ``trend`` is the
    statistics' before/after row, None while no action against it is done."""

    rank: int
    key: int
    label: str
    amount: Decimal
    count: int
    cash_days: Decimal
    trend: TrendRow | None = None

    @property
    def change(self) -> float | None:
        """The change of the rate per 30 days since the action, as a fraction (-0.5: halved)."""
        if self.trend is None or not self.trend.before_per_30_days:
            return None
        after = self.trend.after_per_30_days or 0
        return round(after / self.trend.before_per_30_days - 1, 4)


def top_causes(ranked: list, trend: list) -> list[TopCause]:
    by_key = {row.key: row for row in trend}
    return [
        TopCause(
            rank=row.rank,
            key=row.key,
            label=row.label,
            amount=row.amount,
            count=row.count,
            cash_days=row.cash_days,
            trend=by_key.get(row.key),
        )
        for row in ranked[:TOP_CAUSES]
    ]


@dataclass
class DisputesOverview:
    filters: StatsFilters
    total: object  # GroupStats over every dispute raised in the period
    groups: dict  # group_by -> list of GroupStats
    open: OpenDisputes
    flow: list[MonthFlow]
    pareto_amount: list
    pareto_count: list
    top: list[TopCause]

    @property
    def unfounded(self) -> float | None:
        return None if self.total.founded is None else round(1 - self.total.founded, 4)


def _folded(filters: StatsFilters) -> bool:
    """Whether the open disputes and the resolutions per month can be read with the period's
    disputes: a period from a given day to the as-of date (the page's), so that the disputes
    read apart are those raised before it."""
    return (
        filters.as_of is not None
        and filters.raised_from is not None
        and filters.raised_to == filters.as_of
    )


def _plus(a: tuple, b: tuple) -> tuple:
    return a[0] + b[0], None if a[1] is None and b[1] is None else _sum(a[1], b[1])


def _sum(*amounts) -> Decimal:
    return sum((Decimal(str(a)) for a in amounts if a is not None), Decimal(0))


def _open_and_flow(*, user, filters: StatsFilters, limit: int):
    """The groupings, the open disputes and the disputes resolved per month: the period's
    disputes from the one statement of the statistics, those raised before the period (few, on the
    ``raised_on`` index; the old reads scanned every dispute) by two small queries."""
    total, groups, flow = every_grouping_with_flow(
        user=user, filters=filters, limit=limit, flow=(filters.raised_from, filters.raised_to)
    )
    start = filters.raised_from
    earlier = open_on(user=user, filters=filters, raised_before=start)
    count, amount = _plus(flow["open"], (earlier.count, earlier.amount))
    # A count summed by PostgreSQL comes back as a Decimal; the template pluralises on it.
    opened = OpenDisputes(count=int(count), amount=cents(amount))
    resolved = dict(flow["months"])
    for month, figures in resolved_by_month(
        user=user, filters=filters, raised_before=start
    ).items():
        resolved[month] = _plus(resolved.get(month, (0, None)), figures)
    return total, groups, opened, resolved


def disputes_overview(*, user, filters: StatsFilters) -> DisputesOverview:
    """Every figure of the page: the six groupings of the statistics from one statement over the
    period's disputes (the customers: the largest ``PAGE_ROWS``), the open disputes, the
    resolutions per month (the period's disputes from that read too) and the trend of the
    preventive actions."""
    if _folded(filters):
        total, groups, opened, resolved = _open_and_flow(
            user=user, filters=filters, limit=PAGE_ROWS
        )
    else:
        total, groups = every_grouping_statistics(user=user, filters=filters, limit=PAGE_ROWS)
        opened, resolved = open_on(user=user, filters=filters), None
    causes = groups["root_cause"]
    ranked = pareto(causes, by="amount")
    return DisputesOverview(
        filters=filters,
        total=total,
        groups=groups,
        open=opened,
        flow=monthly_flow(
            user=user, filters=filters, raised_by_month=groups["month"], resolved=resolved
        ),
        pareto_amount=ranked,
        pareto_count=pareto(causes, by="count"),
        top=top_causes(ranked, root_cause_trend(user=user, filters=filters)),
    )
