"""Did the preventive actions work? Per root cause that has a done action: the disputes of that
cause raised before the day its first action was done and those raised since, with a rate per
30 days over each window (the windows differ in length), within the filters' period.

A dispute gets its root cause when it is resolved, so the last weeks are undercounted until
their disputes are resolved: read the "after" rate with that in mind."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, DateField, F, Min, Q, Value, When

from encaisse.core.dates import today

from ..models_preventive import ActionStatus, PreventiveAction
from .filters import StatsFilters, disputes_for_statistics


@dataclass(frozen=True)
class TrendRow:
    key: int
    label: str
    action_done_on: dt.date
    actions_done: int
    before: int
    after: int
    before_days: int
    after_days: int
    before_per_30_days: float | None
    after_per_30_days: float | None


def _rate(count: int, days: int) -> float | None:
    return round(count * 30 / days, 2) if days > 0 else None


def _first_done() -> dict[int, dt.date]:
    """Root cause id -> the day its first preventive action was done (a few rows)."""
    return dict(
        PreventiveAction.objects.filter(status=ActionStatus.DONE)
        .order_by()
        .values_list("root_cause_id")
        .annotate(first=Min("done_on"))
    )


def root_cause_trend(*, user, filters: StatsFilters) -> list[TrendRow]:
    # The first done day of each cause is read first and written into the statement as a
    # CASE over the causes (a handful), so the disputes are read once, by their cause, with
    # no subquery per dispute.
    first_done = _first_done()
    if not first_done:
        return []
    action_on = Case(
        *(When(root_cause_id=cause, then=Value(day)) for cause, day in first_done.items()),
        output_field=DateField(),
    )
    rows = (
        disputes_for_statistics(user=user, filters=filters)
        .filter(root_cause_id__in=list(first_done))
        .annotate(action_on=action_on)
        .values("root_cause_id", "root_cause__name")
        .annotate(
            before=Count("id", filter=Q(raised_on__lt=F("action_on"))),
            after=Count("id", filter=Q(raised_on__gte=F("action_on"))),
            first_raised=Min("raised_on"),
        )
        .order_by("root_cause__name")
    )
    counts = dict(
        PreventiveAction.objects.filter(status=ActionStatus.DONE)
        .values_list("root_cause_id")
        .annotate(n=Count("id"))
    )
    end = min(filters.raised_to or filters.as_of or today(), filters.as_of or today())
    result = []
    for row in rows:
        start = filters.raised_from or row["first_raised"]
        action_on = first_done[row["root_cause_id"]]
        before_days = max((action_on - start).days, 0)
        after_days = max((end - action_on).days + 1, 0)
        result.append(
            TrendRow(
                key=row["root_cause_id"],
                label=row["root_cause__name"],
                action_done_on=action_on,
                actions_done=counts.get(row["root_cause_id"], 0),
                before=row["before"],
                after=row["after"],
                before_days=before_days,
                after_days=after_days,
                before_per_30_days=_rate(row["before"], before_days),
                after_per_30_days=_rate(row["after"], after_days),
            )
        )
    return result
