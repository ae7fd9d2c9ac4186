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
gathers the values: one statement groups the open invoices by (customer's days late, due date)
in SQL, rather than by (customer, due date) in Python."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction

from encaisse.core.dates import today
from encaisse.disputes.choices import ACTIVE_STATUSES
from encaisse.dunning.choices import PromiseStatus
from encaisse.dunning.models import PromiseInvoice
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus

from . import queries, snapshots
from .queries import Scope

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


def _promise_lines_postgresql(scope: Scope) -> list[tuple]:
    """The open promises' lines on PostgreSQL, each invoice looked up by its id (a LATERAL
    subquery that ``OFFSET 0`` keeps apart): joined, PostgreSQL hashed the 10k lines against a
    scan of every invoice (0.3-0.4 s instead of 0.05 s measured)."""
    scope_i, scope_params = _scope_sql(scope, "i")
    # Fragments are constants; values are parameters.
    sql = f"""
        SELECT pi.promise_id, p.amount, p.promised_on, i.customer_id, i.due_date, i.open_amount
        FROM dunning_promisetopay p
        JOIN dunning_promiseinvoice pi ON pi.promise_id = p.id
        CROSS JOIN LATERAL (
            SELECT i.customer_id, i.due_date, i.open_amount FROM receivables_invoice i
            WHERE i.id = pi.invoice_id AND i.status = '{InvoiceStatus.OPEN}'
              AND i.kind = '{InvoiceKind.INVOICE}' AND i.open_amount > 0{scope_i}
            OFFSET 0
        ) i
        WHERE p.status = '{PromiseStatus.OPEN}'
        ORDER BY pi.promise_id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, scope_params)
        return cursor.fetchall()


def _promised_items(scope: Scope, *, customers=None) -> tuple[list[OpenItem], dict]:
    """Items of open promises, and what they take from each (customer, due date) group; of the
    invoices of ``customers`` only, when given (a few: their invoices looked up by customer)."""
    if customers is not None:
        lines = _promise_lines(scope).filter(invoice__customer_id__in=customers)
    elif connection.vendor == "postgresql":
        lines = _promise_lines_postgresql(scope)
    else:
        lines = _promise_lines(scope)
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


def _promise_lines(scope: Scope):
    return (
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


def _days_late_sql() -> str:
    if connection.vendor == "sqlite":
        return "CAST(julianday(s.settled_on) - julianday(s.due_date) AS INTEGER)"
    return "(s.settled_on - s.due_date)"


def _scope_sql(scope: Scope, alias: str) -> tuple[str, list]:
    return scope.customer_in_sql(f"{alias}.customer_id")


CENTS = "CAST(ROUND({} * 100) AS BIGINT)"


def delays_sql(as_of: dt.date, scope: Scope) -> tuple[str, list]:
    """A SELECT of ``(customer_id, days, weighted, total)``: each customer's average days late
    on ``as_of`` (``queries.average_days_late``) rounded as ``_whole_days`` does, in integer
    cents: to a tenth half up, then to a day half up; and unrounded, as the amount settled
    times its days late and the amount settled, in cents (the risk view ranks by their ratio).
    Customers with nothing settled are left out (0)."""
    settled, invoice = InvoiceStatus.SETTLED, InvoiceKind.INVOICE
    scope_s, scope_params = _scope_sql(scope, "s")
    days = _days_late_sql()
    # The settled invoices' covering index (customer, settled_on, due_date, amount): read in
    # customer order, no table look-up, no sort for the GROUP BY. SQLite otherwise read the
    # table through invoice_customer_idx (0.83 s of CPU at 1M invoices) or scanned it (0.55 s).
    hint = " INDEXED BY invoice_settled_cover_idx" if connection.vendor == "sqlite" else ""
    sql = f"""
        SELECT customer_id, ((20 * weighted + total) / (2 * total) + 5) / 10 AS days,
               weighted, total FROM (
            SELECT s.customer_id,
                   CAST(SUM({CENTS.format("s.amount")} * (CASE WHEN {days} > 0 THEN {days}
                                                          ELSE 0 END)) AS BIGINT) AS weighted,
                   CAST(SUM({CENTS.format("s.amount")}) AS BIGINT) AS total
            FROM receivables_invoice s{hint}
            WHERE s.status = '{settled}' AND s.kind = '{invoice}' AND s.amount > 0
              AND s.settled_on > %s AND s.settled_on <= %s{scope_s}
            GROUP BY s.customer_id
        ) late WHERE total > 0
    """  # noqa: S608
    window_start = as_of - dt.timedelta(days=queries.LATENESS_WINDOW_DAYS)
    return sql, [_db_date(window_start), _db_date(as_of), *scope_params]


_GROUPED = """grouped AS (
            SELECT i.customer_id, i.due_date, SUM({cents}) AS cents
            FROM receivables_invoice i{{hint}}
            WHERE i.status = '{open_}' AND i.open_amount > 0
              AND i.issue_date <= %s{{scope}}
            GROUP BY i.customer_id, i.due_date
        )""".format(cents=CENTS.format("i.open_amount"), open_=InvoiceStatus.OPEN)  # noqa: S608


def _grouped(as_of: dt.date, scope: Scope, snapshot=None) -> tuple:
    """The open invoices in one statement, grouped by (customer's whole days late, due date):
    ``(customer id or None, days late, due date, amount, amount before disputes)``, and what
    active disputes contest on open invoices (the total shown apart). The
    disputed part of each (customer, due date) group is taken off in SQL; customers with an
    open promise keep their groups apart (customer id set), so that what their promises take
    can be taken off in Python.

    The customers' days late come from ``delays_sql``, or from the snapshots built that day."""
    open_ = InvoiceStatus.OPEN
    statuses = ", ".join(f"'{status}'" for status in ACTIVE_STATUSES)
    scope_i, scope_params = _scope_sql(scope, "i")
    cents = CENTS
    # A positive open amount is an invoice's (a credit note's is negative, a constraint says
    # so): the open invoices are read from the covering index of open documents alone.
    hint = " INDEXED BY invoice_open_cover_idx" if connection.vendor == "sqlite" else ""
    # The open promises' invoices looked up one by one (a scalar subquery per line): joined,
    # PostgreSQL hashed them against a scan of every invoice (0.28 s instead of 0.08 s).
    # The disputed lines from the active disputes' partial index (the statuses are literals so
    # that SQLite can prove it applies; CROSS JOIN keeps SQLite to that order).
    disputes_hint = " INDEXED BY dispute_deadline_idx" if connection.vendor == "sqlite" else ""
    if snapshot is not None and snapshot.delays_on == as_of:
        delays, delay_params = "SELECT customer_id, days FROM insights_snapshotdelay", []
    else:
        delays, delay_params = delays_sql(as_of, scope)
    grouped = _GROUPED.format(hint=hint, scope=scope_i)
    # Fragments are constants; values are parameters.
    sql = f"""
        WITH delays AS ({delays}),
        disputed AS (
            SELECT i.customer_id, i.due_date, SUM({cents.format("di.disputed_amount")}) AS cents
            FROM disputes_dispute d{disputes_hint}
            CROSS JOIN disputes_disputedinvoice di
            CROSS JOIN receivables_invoice i
            WHERE d.status IN ({statuses}) AND di.dispute_id = d.id AND i.id = di.invoice_id
              AND i.status = '{open_}'{scope_i}
            GROUP BY i.customer_id, i.due_date
        ),
        promised AS (
            SELECT DISTINCT customer_id FROM (
                SELECT (SELECT i.customer_id FROM receivables_invoice i
                        WHERE i.id = pi.invoice_id AND i.status = '{open_}'
                          AND i.open_amount > 0{scope_i}) AS customer_id
                FROM dunning_promisetopay p
                JOIN dunning_promiseinvoice pi ON pi.promise_id = p.id
                WHERE p.status = '{PromiseStatus.OPEN}'
            ) lines WHERE customer_id IS NOT NULL
        ),
        {grouped}
        SELECT p.customer_id, COALESCE(y.days, 0), g.due_date,
               SUM(g.cents - CASE WHEN COALESCE(ds.cents, 0) < g.cents
                                  THEN COALESCE(ds.cents, 0) ELSE g.cents END),
               SUM(g.cents)
        FROM grouped g
        LEFT JOIN delays y ON y.customer_id = g.customer_id
        LEFT JOIN disputed ds ON ds.customer_id = g.customer_id AND ds.due_date = g.due_date
        LEFT JOIN promised p ON p.customer_id = g.customer_id
        GROUP BY p.customer_id, COALESCE(y.days, 0), g.due_date
        UNION ALL
        SELECT NULL, NULL, NULL, SUM(cents), NULL FROM disputed
    """  # noqa: S608
    params = [*delay_params, *scope_params, *scope_params, _db_date(as_of), *scope_params]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Compiling this statement costs PostgreSQL more than running it (0.6 s measured).
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # The last row is the disputed total: what the disputed CTE holds (its own statement read
    # the 30k active disputes' lines a second time, 0.13 s of CPU on SQLite).
    *rows, (*_none, disputed, _before) = rows
    return [
        (customer_id, int(days), _as_date(due_date), *(Decimal(v).scaleb(-2) for v in sums))
        for customer_id, days, due_date, *sums in rows
    ], Decimal(disputed or 0).scaleb(-2).quantize(Decimal("0.01"))


def _db_date(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def horizon_day(day: dt.date, *, as_of: dt.date, weeks: int = WEEKS) -> dt.date:
    """``day`` as the stored forecast keeps it: any day before ``as_of`` as the day before it
    (late), any day after the ``weeks`` weeks as the first day after them (later); the weeks
    of ``forecast_weeks`` put every day in the same place as the day it stands for."""
    if day < as_of:
        return as_of - dt.timedelta(days=1)
    after = as_of - dt.timedelta(days=as_of.weekday()) + dt.timedelta(weeks=weeks)
    return min(day, after)


def forecast_snapshot_rows(day: dt.date) -> list[tuple]:
    """``(segment id, collector id, expected date, amount)`` of the open invoices issued by
    ``day``, expected on their due date pushed back by their customer's days late on ``day``
    (read from ``insights_snapshotdelay``, written just before), dates kept as ``horizon_day``
    keeps them. No dispute or promise: the forecast corrects what they touch live. Called by
    ``snapshots_build``."""
    hint = " INDEXED BY invoice_open_cover_idx" if connection.vendor == "sqlite" else ""
    # Fragments are constants; values are parameters.
    sql = f"""
        SELECT c.segment_id, c.collector_id, COALESCE(y.days, 0), i.due_date,
               SUM({CENTS.format("i.open_amount")})
        FROM receivables_invoice i{hint}
        JOIN customers_customer c ON c.id = i.customer_id
        LEFT JOIN insights_snapshotdelay y ON y.customer_id = i.customer_id
        WHERE i.status = '{InvoiceStatus.OPEN}' AND i.open_amount > 0 AND i.issue_date <= %s
        GROUP BY c.segment_id, c.collector_id, COALESCE(y.days, 0), i.due_date
    """  # noqa: S608
    totals: dict = defaultdict(int)
    with connection.cursor() as cursor:
        cursor.execute(sql, [_db_date(day)])
        for segment_id, collector_id, days, due_date, total in cursor.fetchall():
            expected = _as_date(due_date) + dt.timedelta(days=max(int(days), 0))
            totals[(segment_id, collector_id, horizon_day(expected, as_of=day))] += int(total)
    return [(*key, Decimal(total).scaleb(-2)) for key, total in totals.items()]


def cash_forecast(
    *, as_of: dt.date | None = None, scope: Scope | None = None, weeks: int = WEEKS
) -> Forecast:
    """The forecast of the whole ledger or of a scope, as of a date (today by default): one
    grouped statement over the open invoices and the disputed lines (``_grouped``), the open
    promises' lines; the weeks are spread by ``forecast_weeks``.

    On the day the snapshots were built, while they hold, it is read from them instead
    (``forecast_store.stored_forecast``): the stored forecast and the stored corrections for
    disputes and promises, with those of the customers whose disputes or promises changed
    since computed live, so the figures are the live ones."""
    from . import forecast_store

    as_of = as_of or today()
    scope = scope or Scope()
    snapshot = snapshots.fresh_state(dunning=False)
    if snapshot is not None and snapshot.delays_on == as_of and weeks == WEEKS:
        changed = forecast_store.changed_customers()
        return forecast_store.stored_forecast(as_of=as_of, scope=scope, changed=changed)
    promised, taken = _promised_items(scope)
    items, delays = list(promised), {}
    rows, disputed = _grouped(as_of, scope, snapshot)
    for customer_id, days, due_date, total, _before in rows:
        if customer_id is None:
            # Grouped by days late: the expected date is the due date pushed back already.
            items.append(OpenItem(0, due_date + dt.timedelta(days=max(days, 0)), total))
            continue
        delays[customer_id] = days
        rest = total - taken.get((customer_id, due_date), ZERO)
        items.append(OpenItem(customer_id, due_date, max(rest, ZERO)))
    return forecast_weeks(
        items=items,
        delays=delays,
        as_of=as_of,
        weeks=weeks,
        disputed=disputed,
    )
