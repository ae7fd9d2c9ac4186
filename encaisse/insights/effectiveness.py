"""Dunning effectiveness: for each scenario step, the share of the invoices it dunned that were
paid within 7, 15 and 30 days after it; and the rate of promises to pay kept.

An invoice line of a done action counts once for its step. "Paid within N days" means settled
(``settled_on``) between the action's day and N days after it. Only actions at least 30 days
old count, so every window could be observed: those of the period shifted back 30 days
(``since`` − 30 to ``as_of`` − 30 days; without ``since``, a year: ``as_of`` − 395 days on).
One GROUP BY over the action lines; one over the promises."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When

from encaisse.core.dates import today
from encaisse.dunning.choices import ActionStatus, PromiseStatus
from encaisse.dunning.models import ActionInvoice, PromiseToPay

from .dso import share
from .queries import DaysBetween, Scope

WINDOWS = (7, 15, 30)
OBSERVED_FROM_DAYS, OBSERVED_TO_DAYS = 395, 30


@dataclass
class StepEffect:
    scenario: str
    step: str
    offset_days: int
    channel: str
    lines: int
    paid: dict  # window in days -> share in %, to a tenth


def _within(days: int):
    return Sum(
        Case(
            When(Q(days_after__gte=0, days_after__lte=days), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def step_effectiveness(
    *, as_of: dt.date | None = None, scope: Scope | None = None, since: dt.date | None = None
):
    """One row per scenario step, in scenario then day order."""
    as_of = as_of or today()
    scope = scope or Scope()
    observed = dt.timedelta(days=OBSERVED_TO_DAYS)
    first = since - observed if since else as_of - dt.timedelta(days=OBSERVED_FROM_DAYS)
    lines = ActionInvoice.objects.filter(
        action__status=ActionStatus.DONE,
        step__isnull=False,
        action__due_on__gte=first,
        action__due_on__lte=as_of - dt.timedelta(days=OBSERVED_TO_DAYS),
        **scope.customer_lookups("invoice__customer__"),
    ).annotate(days_after=DaysBetween("invoice__settled_on", "action__due_on"))
    rows = (
        lines.values("step__scenario__name", "step__name", "step__offset_days", "step__channel")
        .order_by("step__scenario__name", "step__offset_days")
        .annotate(lines=Count("id"), **{f"w{days}": _within(days) for days in WINDOWS})
    )
    return [
        StepEffect(
            scenario=row["step__scenario__name"],
            step=row["step__name"],
            offset_days=row["step__offset_days"],
            channel=row["step__channel"],
            lines=row["lines"],
            paid={
                days: share(Decimal(row[f"w{days}"] or 0), Decimal(row["lines"]))
                for days in WINDOWS
            },
        )
        for row in rows
    ]


@dataclass
class PromiseRate:
    kept: int
    partly_kept: int
    broken: int

    @property
    def resolved(self) -> int:
        return self.kept + self.partly_kept + self.broken

    @property
    def kept_share(self) -> Decimal | None:
        return share(Decimal(self.kept), Decimal(self.resolved))


def promise_rate(
    *, as_of: dt.date | None = None, scope: Scope | None = None, since: dt.date | None = None
) -> PromiseRate:
    """Promises resolved from ``since`` (by default the 365 days) up to ``as_of``: kept, partly
    kept, broken."""
    as_of = as_of or today()
    scope = scope or Scope()
    counts = PromiseToPay.objects.filter(
        resolved_on__gte=since or as_of - dt.timedelta(days=364),
        resolved_on__lte=as_of,
        **scope.customer_lookups(),
    ).aggregate(
        **{
            status: Count("id", filter=Q(status=status))
            for status in (PromiseStatus.KEPT, PromiseStatus.PARTLY_KEPT, PromiseStatus.BROKEN)
        }
    )
    return PromiseRate(
        kept=counts[PromiseStatus.KEPT],
        partly_kept=counts[PromiseStatus.PARTLY_KEPT],
        broken=counts[PromiseStatus.BROKEN],
    )
