"""Monthly snapshots of the insights history: what the live computation reconstructs for each
closed month, stored per (segment, collector) of the customers so that the pages read a few
hundred small rows instead of every invoice of the last 24 months.

Three tables (``models.py``): ``SnapshotMonth`` (revenue issued in the month, receivables at its
last day), ``SnapshotDay`` (invoices settled that day, up to the build: amount and amount × days
late, for the 365-day average days late, whose window rarely starts on the 1st) and
``SnapshotState`` (the months covered and the watermark of the ledger they were built from).
For the day of the build, also: each customer's days late (``SnapshotDelay``), the open
documents per (segment, collector) (``SnapshotPosition``: the position of that day), the
open invoices by the date the cash forecast expects them (``SnapshotForecast``) and what
disputes and promises to pay change in it, per customer (``forecast_store.py``). And the
dunning actions done in each closed month per (segment, user) (``SnapshotActivity``, the
collectors' activity). What is
computed live: the current month's revenue (an index range), the open position on another date
(the covering index of open invoices) and the unallocated cash, once per request.

They are built by ``snapshots_build`` (``encaisse insights snapshot [--rebuild]``, the worker's
``insights-snapshots`` job) for the ``MONTHS`` months before the current one, from a handful of
GROUP BY queries over the ledger. They hold as long as the watermark does: the largest invoice,
payment, allocation and import batch ids and a fingerprint of the customers' segment and
collector, and the latest audited change of an invoice, a payment or a customer. A new document
(a back-dated import, an API invoice), a payment, an allocation, an invoice settled or
corrected by hand or a customer moved to another collector changes it: readers then compute
live (``fresh_state`` answers None) until the job, every 10 minutes, rebuilds them. A change
that leaves no trace there (a script writing the tables directly) waits for the nightly
rebuild.

The figures are those of the live computation (``queries.py``) to the cent: the same
definitions, summed by month and group instead of by day and customer."""

import calendar
import datetime as dt
import threading
from collections import defaultdict
from decimal import Decimal

from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.db.models import Case, CharField, ExpressionWrapper, F, Max, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from encaisse.audit.models import AuditEntry
from encaisse.core.dates import today
from encaisse.dunning.models import Action, ActionEvent
from encaisse.imports.models import ImportBatch
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus
from encaisse.receivables.models import Allocation, Invoice, Payment

from .models import (
    SnapshotActivity,
    SnapshotDay,
    SnapshotDelay,
    SnapshotForecast,
    SnapshotMonth,
    SnapshotPosition,
    SnapshotState,
    SnapshotStep,
)

MONTHS = 36  # the 24 months of the count-back method behind each of the 12 month ends
GROUP_COLUMNS = {"segment": "segment_id", "collector": "collector_id"}


def month_add(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_last_day(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def month_key(day: dt.date) -> str:
    return day.strftime("%Y-%m")


AUDITED = ["receivables.invoice", "receivables.payment", "customers.customer"]
DUNNING = (Action, ActionEvent)


def watermark() -> str:
    """What the snapshots depend on beyond the closed months' dates: the ledger's part (the
    largest ids of the documents, payments, allocations and imports, the latest audited change
    of a document, a payment or a customer (an invoice settled by hand), and the customers'
    (segment, collector)), then, after a ``|``, the dunning part (the largest ids of the
    dunning actions and action events: a call done)."""
    parts = [
        model.objects.aggregate(top=Max("pk"))["top"] or 0
        for model in (Invoice, Payment, Allocation, ImportBatch)
    ]
    for object_type in AUDITED:
        latest = AuditEntry.objects.filter(object_type=object_type).order_by("-at", "-id")
        parts.append(latest.values_list("pk", flat=True).first() or 0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), SUM(id * COALESCE(segment_id, 0)), "
            "SUM(id * COALESCE(collector_id, 0)), "
            "SUM((id % 997) * COALESCE(segment_id, 0) * COALESCE(collector_id, 0)) "
            "FROM customers_customer"
        )
        parts.extend(int(value or 0) for value in cursor.fetchone())
    dunning = [model.objects.aggregate(top=Max("pk"))["top"] or 0 for model in DUNNING]
    return ":".join(str(part) for part in parts) + "|" + ":".join(str(part) for part in dunning)


class _RequestMemo(threading.local):
    """``fresh_state``'s answer for the rest of the web request that first asked (a page calls
    several selectors: one check, not one each). Outside a request nothing is kept."""

    active = False
    found = (None, False)
    known = False
    figures: dict = {}

    def start(self, **kwargs):
        self.active, self.known, self.found, self.figures = True, False, (None, False), {}

    def stop(self, **kwargs):
        self.active, self.known, self.found, self.figures = False, False, (None, False), {}


def request_memo(key, compute):
    """``compute()``, kept for the rest of the web request under ``key`` (the live figures of
    the current month that several selectors of a page need, read once per (segment,
    collector)); computed each time outside a request."""
    if not _memo.active:
        return compute()
    if key not in _memo.figures:
        _memo.figures[key] = compute()
    return _memo.figures[key]


_memo = _RequestMemo()
request_started.connect(_memo.start, dispatch_uid="insights-snapshots-start")
request_finished.connect(_memo.stop, dispatch_uid="insights-snapshots-stop")


def fresh_state(*, dunning: bool = True) -> SnapshotState | None:
    """The snapshots' state when they cover up to last month and the ledger has not moved since
    they were built; None otherwise (the caller computes live). Checked once per request.

    ``dunning=False`` is for the figures that read no dunning action (the position, the
    history, the forecast, the risk view's days late): they hold whatever calls, emails or
    letters were done since the build. The dunning effectiveness and the collectors' activity
    need the dunning part of the watermark to hold too."""
    if _memo.active and _memo.known:
        state, actions_held = _memo.found
    else:
        state, actions_held = _fresh_state()
        if _memo.active:
            _memo.known, _memo.found = True, (state, actions_held)
    if state is None or (dunning and not actions_held):
        return None
    return state


def _fresh_state() -> tuple[SnapshotState | None, bool]:
    """The state when the ledger's part of the watermark holds (else None), and whether the
    dunning part holds too."""
    state = SnapshotState.objects.filter(pk=1).first()
    if state is None or state.last_month != month_add(today().replace(day=1), -1):
        return None, False
    ledger, _bar, actions = watermark().partition("|")
    stored_ledger, bar, stored_actions = state.watermark.partition("|")
    if not bar or ledger != stored_ledger:
        return None, False
    return state, actions == stored_actions


def covered_months(state: SnapshotState | None, start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the snapshotted months lying wholly within ``start``..``end``."""
    if state is None:
        return []
    month = max(start if start.day == 1 else month_add(start.replace(day=1), 1), state.first_month)
    months = []
    while month <= state.last_month and month_last_day(month) <= end:
        months.append(month)
        month = month_add(month, 1)
    return months


# Reading ---------------------------------------------------------------------------------------


def _scoped(queryset, scope):
    if scope.segment_id is not None:
        queryset = queryset.filter(segment_id=scope.segment_id)
    if scope.collector_id is not None:
        queryset = queryset.filter(collector_id=scope.collector_id)
    return queryset


def _pair_sums(table: str, where: str, params: list, columns: list[str], extra=()) -> list:
    """``(segment, collector, *extra, *sums)`` of ``columns`` over the rows of a snapshot table
    matching ``where``, summed per (segment, collector[, extra]) in SQL in whole cents (exact on
    SQLite too, whose decimals are floats): a few dozen rows, whatever the days or months."""
    keys = ", ".join(["segment_id", "collector_id", *extra])
    sums = ", ".join(f"SUM(CAST(ROUND({column} * 100) AS BIGINT))" for column in columns)
    # Names are constants of this module; values are parameters.
    sql = f"SELECT {keys}, {sums} FROM {table} WHERE {where} GROUP BY {keys}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        width = 2 + len(extra)
        return [
            (*row[:width], *(Decimal(value or 0).scaleb(-2) for value in row[width:]))
            for row in cursor.fetchall()
        ]


def _by_group(rows, *, scope, group: str | None, width: int = 2) -> dict:
    """``{(group key, *extra keys): [sums]}`` of ``(segment, collector, *extra, *sums)`` rows
    narrowed to ``scope``."""
    result: dict = {}
    for row in rows:
        segment_id, collector_id = row[0], row[1]
        if scope.segment_id is not None and segment_id != scope.segment_id:
            continue
        if scope.collector_id is not None and collector_id != scope.collector_id:
            continue
        key = {None: None, "segment": segment_id, "collector": collector_id}[group]
        index = (key, *row[2:width])
        before = result.get(index) or [Decimal(0)] * (len(row) - width)
        result[index] = [a + b for a, b in zip(before, row[width:], strict=True)]
    return result


def month_figures(months: list[dt.date], *, scope, group: str | None, field: str) -> dict:
    """``{(group key, "YYYY-MM"): amount}`` of ``field`` (revenue or owed) for ``months``. The
    snapshotted months are read once per request (a few hundred rows)."""
    if not months:
        return {}
    rows = request_memo(
        ("months",),
        lambda: _pair_sums(
            SnapshotMonth._meta.db_table, "1 = 1", [], ["revenue", "owed"], extra=["month"]
        ),
    )
    wanted = {month_key(month) for month in months}
    column = {"revenue": 3, "owed": 4}[field]
    picked = [
        (row[0], row[1], month_key(_as_date(row[2])), row[column])
        for row in rows
        if month_key(_as_date(row[2])) in wanted
    ]
    return {
        (key, month): amount
        for (key, month), (amount,) in _by_group(picked, scope=scope, group=group, width=3).items()
    }


def lateness(start: dt.date, end: dt.date, *, scope, group: str | None) -> dict:
    """``{group key: (amount × days late, amount)}`` of the invoices settled from ``start`` to
    ``end`` (days within the snapshots): one GROUP BY per request and range."""
    rows = request_memo(
        ("late-days", start, end),
        lambda: _pair_sums(
            SnapshotDay._meta.db_table,
            "day >= %s AND day <= %s",
            [_db_date(start), _db_date(end)],
            ["late_weighted", "late_amount"],
        ),
    )
    return {
        key: (weighted, amount)
        for (key,), (weighted, amount) in _by_group(rows, scope=scope, group=group).items()
    }


def _db_date(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def position_figures() -> list[tuple]:
    """``(segment, collector, open, overdue)`` of the open documents on the day of the build."""
    return list(
        SnapshotPosition.objects.values_list("segment_id", "collector_id", "open", "overdue")
    )


def forecast_figures(*, scope) -> list[tuple]:
    """``(expected date, amount)`` of the stored forecast of the day's open invoices."""
    return list(_scoped(SnapshotForecast.objects.all(), scope).values_list("expected_on", "amount"))


# Building --------------------------------------------------------------------------------------

SEGMENT, COLLECTOR = "customer__segment_id", "customer__collector_id"


def _owed(first: dt.date, last: dt.date) -> dict:
    """Receivables at each month end, per (segment, collector): one GROUP BY over the documents
    by issue month and settlement month, one over the unallocated cash by month received."""
    from .queries import MONEY, MonthOf, _money, _owed_amount, cents

    end = month_last_day(last)
    invoices = (
        Invoice.objects.filter(
            Q(status=InvoiceStatus.OPEN) | Q(settled_on__gt=month_last_day(first)),
            issue_date__lte=end,
        )
        .annotate(
            issued=MonthOf("issue_date"),
            settled=Case(
                When(status=InvoiceStatus.OPEN, then=Value(None)),
                default=MonthOf("settled_on"),
                output_field=CharField(),
            ),
        )
        .values(SEGMENT, COLLECTOR, "issued", "settled")
        .order_by()
        .annotate(total=_money(_owed_amount()))
    )
    cash = (
        Payment.objects.filter(unallocated_amount__gt=0, received_on__lte=end)
        .annotate(received=MonthOf("received_on"))
        .values(SEGMENT, COLLECTOR, "received")
        .order_by()
        .annotate(total=_money(ExpressionWrapper(F("unallocated_amount"), output_field=MONEY)))
    )
    months = []
    month = first
    while month <= last:
        months.append(month_key(month))
        month = month_add(month, 1)
    owed: dict = defaultdict(Decimal)
    for row in invoices:
        group = (row[SEGMENT], row[COLLECTOR])
        total = cents(row["total"])
        for month in months:
            if row["issued"] <= month and (row["settled"] is None or row["settled"] > month):
                owed[(group, month)] += total
    for row in cash:
        group = (row[SEGMENT], row[COLLECTOR])
        total = cents(row["total"])
        for month in months:
            if row["received"] <= month:
                owed[(group, month)] -= total
    return owed


def _revenue(first: dt.date, last: dt.date) -> dict:
    from .queries import MonthOf, _money, cents

    rows = (
        Invoice.objects.filter(issue_date__gte=first, issue_date__lte=month_last_day(last))
        .annotate(issued=MonthOf("issue_date"))
        .values(SEGMENT, COLLECTOR, "issued")
        .order_by()
        .annotate(total=_money("amount"))
    )
    return {((r[SEGMENT], r[COLLECTOR]), r["issued"]): cents(r["total"]) for r in rows}


def _days(first: dt.date) -> list[SnapshotDay]:
    """Settlements per day from ``first`` on, the current month's too: while the watermark
    holds, nothing has been settled since the build."""
    from .queries import MONEY, DaysBetween, _money, cents

    late = Greatest(DaysBetween("settled_on", "due_date"), Value(0))
    rows = (
        Invoice.objects.filter(
            status=InvoiceStatus.SETTLED,
            kind=InvoiceKind.INVOICE,
            amount__gt=0,
            settled_on__gte=first,
        )
        .values(SEGMENT, COLLECTOR, "settled_on")
        .order_by()
        .annotate(
            weighted=_money(ExpressionWrapper(F("amount") * late, output_field=MONEY)),
            total=_money("amount"),
        )
    )
    return [
        SnapshotDay(
            day=row["settled_on"],
            segment_id=row[SEGMENT],
            collector_id=row[COLLECTOR],
            late_weighted=cents(row["weighted"]),
            late_amount=cents(row["total"]),
        )
        for row in rows
    ]


def _steps(first: dt.date) -> None:
    """The dunning effectiveness per (step, day of the action, segment, collector), for the
    actions due from ``first`` on: one GROUP BY over the action lines."""
    from .effectiveness import COUNTS, _lines

    rows = (
        _lines()
        .filter(action__due_on__gte=first)
        .values("step_id", "action__due_on", "invoice__customer__segment_id")
        .annotate(collector=F("invoice__customer__collector_id"))
        .order_by()
        .annotate(**COUNTS)
    )
    SnapshotStep.objects.all().delete()
    SnapshotStep.objects.bulk_create(
        (
            SnapshotStep(
                day=row["action__due_on"],
                step_id=row["step_id"],
                segment_id=row["invoice__customer__segment_id"],
                collector_id=row["collector"],
                lines=row["lines"],
                paid_7=row["w7"] or 0,
                paid_15=row["w15"] or 0,
                paid_30=row["w30"] or 0,
            )
            for row in rows.iterator()
        ),
        batch_size=2000,
    )


def _activity(first: dt.date, last: dt.date) -> None:
    from .collectors import activity_snapshot_rows

    SnapshotActivity.objects.all().delete()
    SnapshotActivity.objects.bulk_create(activity_snapshot_rows(first, last), batch_size=2000)


def _delays(day: dt.date) -> None:
    """Every customer's days late on ``day``, for that day's cash forecast (whole days) and
    the risk view's ranking (amounts in cents): one INSERT ... SELECT."""
    from .forecast import delays_sql
    from .queries import Scope

    SnapshotDelay.objects.all().delete()
    select, params = delays_sql(day, Scope())
    with connection.cursor() as cursor:
        # The SELECT is built from constants; values are parameters.
        columns = "customer_id, days, late_weighted, late_amount"
        cursor.execute(f"INSERT INTO insights_snapshotdelay ({columns}) {select}", params)  # noqa: S608


def _position(day: dt.date) -> None:
    """The open documents of ``day`` per (segment, collector): the position of that day."""
    from .queries import open_documents

    SnapshotPosition.objects.all().delete()
    SnapshotPosition.objects.bulk_create(
        SnapshotPosition(segment_id=segment, collector_id=collector, open=total, overdue=late)
        for segment, collector, total, late in open_documents(day)
    )


def _forecast(day: dt.date) -> None:
    """The open invoices of ``day`` by the date the cash forecast expects them, per (segment,
    collector): a few thousand rows instead of every open invoice."""
    from .forecast import forecast_snapshot_rows

    SnapshotForecast.objects.all().delete()
    SnapshotForecast.objects.bulk_create(
        (
            SnapshotForecast(
                segment_id=segment_id,
                collector_id=collector_id,
                expected_on=expected_on,
                amount=amount,
            )
            for segment_id, collector_id, expected_on, amount in forecast_snapshot_rows(day)
        ),
        batch_size=2000,
    )


@transaction.atomic
def snapshots_build(*, months: int = MONTHS) -> SnapshotState:
    """Build the snapshots of the ``months`` months before the current one, replacing any
    there are. A few GROUP BY queries over the ledger; the worker's job and ``encaisse
    insights snapshot`` call it."""
    from .forecast_store import corrections_build

    _memo.known = False
    mark = watermark()
    last = month_add(today().replace(day=1), -1)
    first = month_add(last, -(months - 1))
    owed = _owed(first, last)
    revenue = _revenue(first, last)
    groups = {group for group, _month in owed} | {group for group, _month in revenue}
    rows = []
    month = first
    while month <= last:
        key = month_key(month)
        for segment_id, collector_id in groups:
            group = (segment_id, collector_id)
            if (group, key) in owed or (group, key) in revenue:
                rows.append(
                    SnapshotMonth(
                        month=month,
                        segment_id=segment_id,
                        collector_id=collector_id,
                        revenue=revenue.get((group, key), Decimal("0.00")),
                        owed=owed.get((group, key), Decimal("0.00")),
                    )
                )
        month = month_add(month, 1)
    SnapshotMonth.objects.all().delete()
    SnapshotDay.objects.all().delete()
    SnapshotMonth.objects.bulk_create(rows, batch_size=2000)
    SnapshotDay.objects.bulk_create(_days(first), batch_size=2000)
    _delays(today())
    _position(today())
    _forecast(today())
    corrections_build(today())
    _steps(first)
    _activity(first, last)
    state, _created = SnapshotState.objects.update_or_create(
        pk=1,
        defaults={
            "first_month": first,
            "last_month": last,
            "delays_on": today(),
            "built_at": timezone.now(),
            "watermark": mark,
        },
    )
    return state


@transaction.atomic
def dunning_snapshots_build(state: SnapshotState) -> SnapshotState:
    """Build again only the snapshots that read dunning actions (the effectiveness per step,
    the collectors' activity), for the months ``state`` covers: when only actions moved since
    the build (a call logged), the rest still holds."""
    _memo.known = False
    mark = watermark()
    _steps(state.first_month)
    _activity(state.first_month, state.last_month)
    state.watermark, state.built_at = mark, timezone.now()
    state.save(update_fields=["watermark", "built_at"])
    return state


def snapshots_refresh(*, rebuild: bool = False) -> bool:
    """Build the snapshots when a month has closed, the day has changed (the customers' delays
    of the cash forecast) or the ledger moved since they were built (or always, with
    ``rebuild``); only those that read dunning actions when only actions moved. Return whether
    any were built. Then write again the forecast's corrections of the customers whose
    disputes or promises changed since."""
    from .forecast_store import corrections_refresh

    state = None if rebuild else fresh_state(dunning=False)
    if state is None or state.delays_on != today():
        snapshots_build()
        return True
    built = fresh_state() is None
    if built:
        dunning_snapshots_build(state)
    corrections_refresh()
    return built
