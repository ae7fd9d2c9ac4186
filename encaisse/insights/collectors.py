"""Collectors' activity and cash collected over a period, for ``/insights/dunning/``.

Per collector (a user):

- **actions done** in the period (done on a day of it, the local date of ``done_at``), by channel:
  calls, emails, letters, formal notices. An action counts for whoever did it (``done_by``); one
  done by the system (emails and letters sent by the correspondence feature) counts for the
  user it was assigned to. A call is **reached** when its outcome says someone answered (reached,
  payment confirmed, problem reported, call back later), not when not reached or wrong contact;
- **promises obtained**: promises to pay taken by them in the period; **promises kept**: of their
  promises resolved in the period, the share kept (partly kept and broken are not);
- **cash collected**: payments and credit notes allocated (lettrage) in the period, by their
  allocation date, to invoices of the customers they collect (the customer's collector today).
  Settlements recorded only by an import (an invoice gone from the open items, no allocation)
  carry no date of payment and are not counted.

The segment filter narrows all of it to that segment's customers; the collector filter keeps
that collector's row. Three GROUP BY queries (actions, promises, allocations) and one for the
names, whatever the number of actions. The actions of the closed months are read from their
monthly snapshot (``SnapshotActivity``, built with the others by ``snapshots_build``) while it
holds; the current month's are counted live over the index on (status, done_at). A done
action keeps the month of its ``done_at`` (set when it is done, never back-dated), so a closed
month's counts change only when a customer is deleted or changes segment, which the
snapshots' watermark sees, or when a user is deleted (their actions go to the user assigned or
to no one), which waits for the next day's rebuild."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, DecimalField, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from encaisse.dunning.choices import ActionStatus, CallOutcome, Channel, PromiseStatus
from encaisse.dunning.models import Action, PromiseToPay
from encaisse.receivables.models import Allocation

from .dso import share
from .models import SnapshotActivity
from .queries import Scope, cents

SEGMENT = "customer__segment_id"
MONEY = DecimalField(max_digits=18, decimal_places=2)
REACHED = [
    CallOutcome.REACHED,
    CallOutcome.PAYMENT_CONFIRMED,
    CallOutcome.PROBLEM_REPORTED,
    CallOutcome.CALL_BACK,
]
CHANNELS = {
    "calls": Channel.CALL,
    "emails": Channel.EMAIL,
    "letters": Channel.LETTER,
    "formal_notices": Channel.FORMAL_NOTICE,
}


@dataclass
class CollectorActivity:
    user_id: int | None
    name: str
    calls: int = 0
    calls_reached: int = 0
    emails: int = 0
    letters: int = 0
    formal_notices: int = 0
    promises_obtained: int = 0
    promises_resolved: int = 0
    promises_kept: int = 0
    cash_payments: Decimal = field(default_factory=lambda: Decimal("0.00"))
    cash_credit_notes: Decimal = field(default_factory=lambda: Decimal("0.00"))

    @property
    def actions(self) -> int:
        return self.calls + self.emails + self.letters + self.formal_notices

    @property
    def reached_share(self) -> Decimal | None:
        return share(Decimal(self.calls_reached), Decimal(self.calls))

    @property
    def kept_share(self) -> Decimal | None:
        return share(Decimal(self.promises_kept), Decimal(self.promises_resolved))

    @property
    def cash_collected(self) -> Decimal:
        return self.cash_payments + self.cash_credit_notes


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    low = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    high = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return low, high


def _customer_lookups(scope: Scope, prefix: str) -> dict:
    return Scope(segment_id=scope.segment_id).customer_lookups(prefix)


ACTION_COUNTS = [*CHANNELS, "calls_reached"]


def _action_counts(low: dt.datetime, high: dt.datetime, scope: Scope, *keys: str):
    """The done actions from ``low`` (included) to ``high`` (excluded), counted by channel per
    ``who`` and ``keys``: an index range on (status, done_at)."""
    return (
        Action.objects.filter(
            status=ActionStatus.DONE,
            channel__in=CHANNELS.values(),
            done_at__gte=low,
            done_at__lt=high,
            **_customer_lookups(scope, "customer__"),
        )
        .annotate(who=Coalesce("done_by_id", "assigned_to_id"))
        .values("who", *keys)
        .order_by()
        .annotate(
            **{name: Count("id", filter=Q(channel=channel)) for name, channel in CHANNELS.items()},
            calls_reached=Count("id", filter=Q(channel=Channel.CALL, outcome__in=REACHED)),
        )
    )


def _add(into: dict, who, counts: dict) -> None:
    row = into.setdefault(who, dict.fromkeys(ACTION_COUNTS, 0))
    for name in ACTION_COUNTS:
        row[name] += counts[name]


def _actions(start, end, scope: Scope) -> dict:
    """Per ``who``: the closed months of the period from the snapshots when they hold (a few
    hundred rows), the days before and after them live."""
    from .snapshots import covered_months, fresh_state, month_add

    months = covered_months(fresh_state(), start, end)
    ranges = [(start, end)]
    result: dict = {}
    if months:
        after = month_add(months[-1], 1)
        ranges = [(start, months[0] - dt.timedelta(days=1)), (after, end)]
        stored = SnapshotActivity.objects.filter(month__gte=months[0], month__lt=after)
        if scope.segment_id is not None:
            stored = stored.filter(segment_id=scope.segment_id)
        for row in stored.values("user_id", *ACTION_COUNTS):
            _add(result, row.pop("user_id"), row)
    for low, high in ranges:
        if low <= high:
            for row in _action_counts(*_bounds(low, high), scope):
                _add(result, row.pop("who"), row)
    return result


def activity_snapshot_rows(first: dt.date, last: dt.date) -> list[SnapshotActivity]:
    """The done actions of each month from ``first`` to ``last`` (first days) per (segment,
    who): one GROUP BY per month over its index range."""
    from .snapshots import month_add, month_last_day

    rows = []
    month = first
    while month <= last:
        counts = _action_counts(*_bounds(month, month_last_day(month)), Scope(), SEGMENT)
        rows.extend(
            SnapshotActivity(
                month=month,
                segment_id=row[SEGMENT],
                user_id=row["who"],
                **{name: row[name] for name in ACTION_COUNTS},
            )
            for row in counts
        )
        month = month_add(month, 1)
    return rows


def _promises(start, end, scope: Scope) -> dict:
    low, high = _bounds(start, end)
    resolved = Q(resolved_on__gte=start, resolved_on__lte=end) & ~Q(
        status__in=[PromiseStatus.OPEN, PromiseStatus.CANCELLED]
    )
    rows = (
        PromiseToPay.objects.filter(
            Q(taken_at__gte=low, taken_at__lt=high) | resolved,
            **_customer_lookups(scope, "customer__"),
        )
        .values("taken_by_id")
        .order_by()
        .annotate(
            promises_obtained=Count("id", filter=Q(taken_at__gte=low, taken_at__lt=high)),
            promises_resolved=Count("id", filter=resolved),
            promises_kept=Count("id", filter=resolved & Q(status=PromiseStatus.KEPT)),
        )
    )
    return {row.pop("taken_by_id"): row for row in rows}


def _cash(start, end, scope: Scope) -> dict:
    rows = (
        Allocation.objects.filter(
            allocated_on__gte=start,
            allocated_on__lte=end,
            **_customer_lookups(scope, "invoice__customer__"),
        )
        .values("invoice__customer__collector_id")
        .order_by()
        .annotate(
            cash_payments=Sum("amount", filter=Q(payment__isnull=False), output_field=MONEY),
            cash_credit_notes=Sum(
                "amount", filter=Q(credit_note__isnull=False), output_field=MONEY
            ),
        )
    )
    return {
        row["invoice__customer__collector_id"]: {
            "cash_payments": cents(row["cash_payments"]),
            "cash_credit_notes": cents(row["cash_credit_notes"]),
        }
        for row in rows
    }


def collector_activity(
    *, start: dt.date, end: dt.date, scope: Scope | None = None
) -> list[CollectorActivity]:
    """One row per user with activity or cash in the period (``start`` to ``end``, both
    included), most cash collected first; a row for nobody (``user_id`` None: actions done by
    the system for no one, cash on customers without a collector) comes last."""
    scope = scope or Scope()
    parts = [_actions(start, end, scope), _promises(start, end, scope), _cash(start, end, scope)]
    keys = set().union(*parts)
    if scope.collector_id is not None:
        keys &= {scope.collector_id}
    users = get_user_model().objects.filter(pk__in=[k for k in keys if k is not None])
    names = {u.pk: u.get_full_name() or u.username for u in users}
    rows = []
    for key in keys:
        row = CollectorActivity(user_id=key, name=names.get(key, ""))
        for part in parts:
            for name, value in part.get(key, {}).items():
                setattr(row, name, value)
        rows.append(row)
    rows.sort(key=lambda r: (r.user_id is None, -r.cash_collected, -r.actions, r.name))
    return rows


def collector_total(rows: list[CollectorActivity]) -> CollectorActivity:
    total = CollectorActivity(user_id=None, name="")
    for row in rows:
        for name in (
            "calls",
            "calls_reached",
            "emails",
            "letters",
            "formal_notices",
            "promises_obtained",
            "promises_resolved",
            "promises_kept",
            "cash_payments",
            "cash_credit_notes",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total
