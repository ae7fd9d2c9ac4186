"""The cash forecast: receipts expected per week over the next 13 weeks.

Each open invoice is expected on its due date pushed back by its customer's observed delay (the
average days late of the last 365 days, rounded to whole days; none known: on the due date),
unless a promise to pay covers it: then on the promised date (a promise already past, still
within its grace days, is expected this week). A promise for less than its invoices' open
amount covers each of them in that proportion; the rest follows the due date.

Disputed amounts of active disputes are not forecast: they are shown apart. Invoices whose
expected date has already passed (later than the customer's usual delay) are shown apart too,
as "late, date unknown", rather than piled onto this week. Credit notes and unallocated cash are
left out. Weeks run Monday to Sunday; week 1 holds the as-of date.

``forecast_weeks`` is the pure rule (plain values in, plain values out); ``cash_forecast``
gathers the values with four aggregate queries."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Sum

from encaisse.core.dates import today
from encaisse.disputes.choices import ACTIVE_STATUSES
from encaisse.disputes.models import DisputedInvoice
from encaisse.dunning.choices import PromiseStatus
from encaisse.dunning.models import PromiseInvoice
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus
from encaisse.receivables.models import Invoice

from . import queries
from .queries import Scope, cents

WEEKS = 13
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class OpenItem:
    """An amount expected from a customer: by due date, or on a promised date."""

    customer_id: int
    due_date: dt.date
    amount: Decimal
    promised_on: dt.date | None = None


@dataclass
class Week:
    start: dt.date
    end: dt.date
    amount: Decimal = ZERO
    promised: Decimal = ZERO  # the part expected from promises to pay


@dataclass
class Forecast:
    as_of: dt.date
    weeks: list[Week]
    late: Decimal = ZERO  # expected before the as-of date and still unpaid
    later: Decimal = ZERO  # expected after the last week
    disputed: Decimal = ZERO  # shown apart, not forecast

    @property
    def total(self) -> Decimal:
        return sum((w.amount for w in self.weeks), ZERO)

    def next_weeks(self, count: int) -> Decimal:
        return sum((w.amount for w in self.weeks[:count]), ZERO)


def expected_date(item: OpenItem, *, delay_days: int, as_of: dt.date) -> dt.date:
    if item.promised_on is not None:
        return max(item.promised_on, as_of)
    return item.due_date + dt.timedelta(days=max(delay_days, 0))


def forecast_weeks(
    *,
    items,
    delays: dict,
    as_of: dt.date,
    weeks: int = WEEKS,
    disputed: Decimal = ZERO,
) -> Forecast:
    """Spread ``items`` over ``weeks`` weeks from the Monday of ``as_of``'s week; ``delays``
    maps a customer id to its whole days late."""
    monday = as_of - dt.timedelta(days=as_of.weekday())
    result = Forecast(
        as_of=as_of,
        weeks=[
            Week(monday + dt.timedelta(weeks=i), monday + dt.timedelta(weeks=i, days=6))
            for i in range(weeks)
        ],
        disputed=disputed,
    )
    for item in items:
        if item.amount <= 0:
            continue
        day = expected_date(item, delay_days=delays.get(item.customer_id, 0), as_of=as_of)
        if day < as_of:
            result.late += item.amount
            continue
        index = (day - monday).days // 7
        if index >= weeks:
            result.later += item.amount
            continue
        result.weeks[index].amount += item.amount
        if item.promised_on is not None:
            result.weeks[index].promised += item.amount
    return result


def _whole_days(value: Decimal | None) -> int:
    if value is None:
        return 0
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _promised_items(scope: Scope) -> tuple[list[OpenItem], dict]:
    """Items of open promises, and what they take from each (customer, due date) group."""
    lines = (
        PromiseInvoice.objects.filter(
            promise__status=PromiseStatus.OPEN,
            invoice__status=InvoiceStatus.OPEN,
            invoice__kind=InvoiceKind.INVOICE,
            invoice__open_amount__gt=0,
            **scope.customer_lookups("invoice__customer__"),
        )
        .values_list(
            "promise_id",
            "promise__amount",
            "promise__promised_on",
            "invoice__customer_id",
            "invoice__due_date",
            "invoice__open_amount",
        )
        .order_by("promise_id")
    )
    promises: dict = defaultdict(list)
    for promise_id, amount, promised_on, customer_id, due_date, open_amount in lines:
        promises[(promise_id, amount, promised_on)].append((customer_id, due_date, open_amount))
    items, taken = [], defaultdict(lambda: ZERO)
    for (_pk, amount, promised_on), invoices in promises.items():
        total = sum((open_amount for *_rest, open_amount in invoices), ZERO)
        ratio = min(Decimal(1), amount / total) if total > 0 else Decimal(0)
        for customer_id, due_date, open_amount in invoices:
            covered = (open_amount * ratio).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            items.append(OpenItem(customer_id, due_date, covered, promised_on))
            taken[(customer_id, due_date)] += covered
    return items, taken


def cash_forecast(
    *, as_of: dt.date | None = None, scope: Scope | None = None, weeks: int = WEEKS
) -> Forecast:
    """The forecast of the whole ledger or of a scope, as of a date (today by default)."""
    as_of = as_of or today()
    scope = scope or Scope()
    lookups = scope.customer_lookups()
    groups = (
        Invoice.objects.filter(
            status=InvoiceStatus.OPEN,
            kind=InvoiceKind.INVOICE,
            open_amount__gt=0,
            issue_date__lte=as_of,
            **lookups,
        )
        .values_list("customer_id", "due_date")
        .order_by()
        .annotate(total=Sum("open_amount"))
    )
    disputed_lines = (
        DisputedInvoice.objects.filter(
            dispute__status__in=ACTIVE_STATUSES,
            invoice__status=InvoiceStatus.OPEN,
            **scope.customer_lookups("invoice__customer__"),
        )
        .annotate(customer_id=F("invoice__customer_id"), due_date=F("invoice__due_date"))
        .values_list("customer_id", "due_date")
        .order_by()
        .annotate(total=Sum("disputed_amount"))
    )
    disputed = {(c, d): cents(total) for c, d, total in disputed_lines}
    promised, taken = _promised_items(scope)
    items = list(promised)
    for customer_id, due_date, total in groups:
        key = (customer_id, due_date)
        total = cents(total)
        rest = total - min(disputed.get(key, ZERO), total) - taken.get(key, ZERO)
        items.append(OpenItem(customer_id, due_date, max(rest, ZERO)))
    delays = {
        customer_id: _whole_days(days)
        for customer_id, days in queries.average_days_late(
            as_of=as_of, scope=scope, group="customer"
        ).items()
    }
    return forecast_weeks(
        items=items,
        delays=delays,
        as_of=as_of,
        weeks=weeks,
        disputed=sum(disputed.values(), ZERO),
    )
