"""Disputes and non-quality for the insights page ``/insights/disputes/``: the management view
of the disputes statistics (``encaisse.disputes.statistics``), whose selectors compute every
grouped figure, percentile and Pareto; this module only maps the insights filters onto them and
adds two small aggregates they do not have: the disputes still open on the as-of date, and the
disputes resolved per month (the statistics count disputes by the month they were raised).

Everything is scoped by user through ``disputes_for_statistics`` (a department member: their
department's disputes)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from encaisse.customers.models import Segment
from encaisse.disputes.statistics import (
    StatsFilters,
    disputes_for_statistics,
    pareto,
    root_cause_trend,
)
from encaisse.disputes.statistics.groups import YearMonth, every_grouping_statistics
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


def open_on(*, user, filters: StatsFilters) -> OpenDisputes:
    """The disputes open at the end of the as-of date, whenever raised: raised by then and not
    resolved by then (their disputed amounts: the amount in dispute)."""
    unperiod = StatsFilters(
        segment=filters.segment,
        department=filters.department,
        as_of=filters.as_of,
        collector_id=filters.collector_id,
    )
    end = _day_start(filters.as_of + dt.timedelta(days=1))
    figures = (
        disputes_for_statistics(user=user, filters=unperiod)
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


def monthly_flow(*, user, filters: StatsFilters, raised_by_month: list) -> list[MonthFlow]:
    """Per month of the period: disputes raised (from the statistics' month grouping,
    ``raised_by_month``) and disputes resolved that month (local date), whenever raised."""
    start, end = filters.raised_from, filters.raised_to
    unperiod = StatsFilters(
        segment=filters.segment,
        department=filters.department,
        as_of=filters.as_of,
        collector_id=filters.collector_id,
    )
    low, high = _day_start(start), _day_start(end + dt.timedelta(days=1))
    resolved = (
        disputes_for_statistics(user=user, filters=unperiod)
        .filter(resolved_at__gte=low, resolved_at__lt=high)
        .annotate(month=YearMonth(LocalDate("resolved_at", start=low, end=high)))
        .values("month")
        .annotate(n=Count("id"), amount=Sum("disputed_total"))
        .order_by("month")
    )
    done = {row["month"]: row for row in resolved}
    raised = {row.key: row for row in raised_by_month}
    flows = []
    for month in _months(start, end):
        r, d = raised.get(month), done.get(month, {})
        flows.append(
            MonthFlow(
                month=month,
                raised=r.count if r else 0,
                raised_amount=r.amount if r else Decimal("0.00"),
                resolved=d.get("n", 0),
                resolved_amount=cents(d.get("amount")),
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


def disputes_overview(*, user, filters: StatsFilters) -> DisputesOverview:
    """Every figure of the page: the six groupings of the statistics from one read of the
    period's disputes (the customers: the largest ``PAGE_ROWS``), the open disputes, the
    resolutions per month and the trend of the preventive actions."""
    total, groups = every_grouping_statistics(user=user, filters=filters, limit=PAGE_ROWS)
    causes = groups["root_cause"]
    ranked = pareto(causes, by="amount")
    return DisputesOverview(
        filters=filters,
        total=total,
        groups=groups,
        open=open_on(user=user, filters=filters),
        flow=monthly_flow(user=user, filters=filters, raised_by_month=groups["month"]),
        pareto_amount=ranked,
        pareto_count=pareto(causes, by="count"),
        top=top_causes(ranked, root_cause_trend(user=user, filters=filters)),
    )
