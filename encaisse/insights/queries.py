"""The aggregates behind the insights figures: a few GROUP BY queries over the ledger, each read
from an index of ``receivables_invoice``; nothing is computed row by row in Python.

``Scope`` narrows every figure to a segment's or a collector's customers. Past dates are
reconstructed from what the ledger keeps: a document counts as owed on a date when it was issued
by then and was still open (its open amount today) or was settled after it (its whole amount);
unallocated cash received by then is deducted, as in the aged balance. Partial payments recorded
only by an import (no allocation) therefore count at today's open amount."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from encaisse.core.dates import today
from encaisse.customers.models import Customer
from encaisse.disputes.choices import ACTIVE_STATUSES
from encaisse.receivables.choices import InvoiceKind, InvoiceStatus
from encaisse.receivables.models import Invoice, Payment

from . import snapshots
from .dso import round_days

MONEY = DecimalField(max_digits=18, decimal_places=2)
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
LATENESS_WINDOW_DAYS = 365  # as the customer page's average days late


@dataclass(frozen=True)
class Scope:
    """Which customers a figure covers: all, a segment's, a collector's (or both)."""

    segment_id: int | None = None
    collector_id: int | None = None

    def customer_lookups(self, prefix: str = "customer__") -> dict:
        lookups = {}
        if self.segment_id is not None:
            lookups[f"{prefix}segment_id"] = self.segment_id
        if self.collector_id is not None:
            lookups[f"{prefix}collector_id"] = self.collector_id
        return lookups

    def customer_in_sql(self, column: str = "customer_id") -> tuple[str, list]:
        """`` AND <column> IN (the scope's customer ids)`` and its params; nothing for all."""
        lookups = self.customer_lookups(prefix="")
        if not lookups:
            return "", []
        customers = Customer.objects.filter(**lookups).values("pk")
        subquery, params = customers.query.sql_with_params()
        return f" AND {column} IN ({subquery})", list(params)


# Group keys: which customer column a per-group figure is keyed by.
GROUPS = {
    "customer": "customer_id",
    "segment": "customer__segment_id",
    "collector": "customer__collector_id",
}


class MonthOf(Func):
    """``YYYY-MM`` of a date column, in plain SQL on both databases (an index-friendly string,
    no per-row Python function as Django's ``TruncMonth`` is on SQLite)."""

    output_field = CharField()

    def as_sqlite(self, compiler, conn, **extra):
        return self.as_sql(compiler, conn, template="substr(%(expressions)s, 1, 7)", **extra)

    def as_postgresql(self, compiler, conn, **extra):
        return self.as_sql(compiler, conn, template="to_char(%(expressions)s, 'YYYY-MM')", **extra)


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (two date columns), in SQL on both databases."""

    output_field = IntegerField()
    arity = 2

    def as_sqlite(self, compiler, conn, **extra):
        return self.as_sql(
            compiler,
            conn,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, conn, **extra):
        return self.as_sql(compiler, conn, template="(%(expressions)s)", arg_joiner=" - ", **extra)


def cents(value) -> Decimal:
    """An aggregate's value to the cent (SQLite's sums lose the scale: 100000 for 100000.00)."""
    return Decimal(value or 0).quantize(CENT)


def _money(expression) -> Coalesce:
    return Coalesce(Sum(expression, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _owed_on(day: dt.date) -> Q:
    """Documents owed on ``day``: issued by then, and open now or settled after it."""
    return Q(issue_date__lte=day) & (Q(status=InvoiceStatus.OPEN) | Q(settled_on__gt=day))


def _owed_amount():
    return Case(
        When(status=InvoiceStatus.OPEN, then=F("open_amount")),
        default=F("amount"),
        output_field=MONEY,
    )


@dataclass(frozen=True)
class Position:
    receivables: Decimal
    overdue: Decimal


def _open_position(as_of: dt.date, scope: Scope) -> tuple[Decimal, Decimal]:
    """(open amount, overdue open amount) of the open documents issued by ``as_of``, read from
    the covering partial index ``invoice_open_cover_idx`` alone (customer, due date, open amount,
    issue date). The status is a literal so that SQLite can prove the partial index applies and
    is named with ``INDEXED BY`` (its planner, without statistics, prefers the status index), as
    the aged balance does."""
    hint = " INDEXED BY invoice_open_cover_idx" if connection.vendor == "sqlite" else ""
    where, where_params = scope.customer_in_sql()
    params = [_db_date(as_of), _db_date(as_of), *where_params]
    # Fragments are constants; values are parameters.
    sql = f"""
        SELECT CAST(ROUND(SUM(open_amount) * 100) AS BIGINT),
               CAST(ROUND(SUM(CASE WHEN due_date < %s THEN open_amount ELSE 0 END) * 100)
                    AS BIGINT)
        FROM receivables_invoice{hint}
        WHERE status = '{InvoiceStatus.OPEN}' AND issue_date <= %s{where}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        total, overdue = cursor.fetchone()
    return Decimal(total or 0).scaleb(-2), Decimal(overdue or 0).scaleb(-2)


def _db_date(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


def _by_pair(rows, scope: Scope, group: str | None) -> dict:
    """Rows ``(segment id, collector id, *values)`` of the whole ledger narrowed to ``scope``
    and summed per group key: ``{key: [values]}``."""
    column = {None: None, "segment": 0, "collector": 1}[group]
    result: dict = {}
    for row in rows:
        if scope.segment_id is not None and row[0] != scope.segment_id:
            continue
        if scope.collector_id is not None and row[1] != scope.collector_id:
            continue
        key = None if column is None else row[column]
        before = result.get(key) or [ZERO] * (len(row) - 2)
        result[key] = [a + b for a, b in zip(before, row[2:], strict=True)]
    return result


def open_documents(day: dt.date) -> list[tuple]:
    """``(segment, collector, open, overdue open)`` of the open documents issued by ``day``,
    from the covering index of open documents: the live position of ``_open_pairs``, and what
    ``snapshots_build`` stores for its day."""
    hint = " INDEXED BY invoice_open_cover_idx" if connection.vendor == "sqlite" else ""
    sql = f"""
        SELECT c.segment_id, c.collector_id,
               CAST(ROUND(SUM(i.open_amount) * 100) AS BIGINT),
               CAST(ROUND(SUM(CASE WHEN i.due_date < %s THEN i.open_amount ELSE 0 END) * 100)
                    AS BIGINT)
        FROM receivables_invoice i{hint}
        JOIN customers_customer c ON c.id = i.customer_id
        WHERE i.status = '{InvoiceStatus.OPEN}' AND i.issue_date <= %s
        GROUP BY c.segment_id, c.collector_id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [_db_date(day), _db_date(day)])
        rows = cursor.fetchall()
    return [(s, c, Decimal(t or 0).scaleb(-2), Decimal(o or 0).scaleb(-2)) for s, c, t, o in rows]


def _open_pairs(day: dt.date) -> list[tuple]:
    """``(segment, collector, open, overdue open, cash, cash before)`` on ``day`` from today on,
    per (segment, collector) of the whole ledger: the open documents from the covering index
    (or, on the day the snapshots were built and while they hold, from them), the unallocated
    cash. Once per request (``request_memo``)."""

    def compute():
        snapshot = snapshots.fresh_state(dunning=False)
        if snapshot is not None and snapshot.delays_on == day:
            documents = snapshots.position_figures()
        else:
            documents = open_documents(day)
        pairs: dict = defaultdict(lambda: [ZERO] * 4)
        for segment_id, collector_id, total, overdue in documents:
            pairs[(segment_id, collector_id)][0] = total
            pairs[(segment_id, collector_id)][1] = overdue
        cash = (
            Payment.objects.filter(unallocated_amount__gt=0, received_on__lte=day)
            .values_list("customer__segment_id", "customer__collector_id")
            .order_by()
            .annotate(
                total=_money("unallocated_amount"),
                before=_money(
                    Case(
                        When(received_on__lt=day, then=F("unallocated_amount")),
                        default=Value(ZERO),
                    )
                ),
            )
        )
        for segment_id, collector_id, total, before in cash:
            pairs[(segment_id, collector_id)][2] = cents(total)
            pairs[(segment_id, collector_id)][3] = cents(before)
        return [(*pair, *values) for pair, values in pairs.items()]

    return snapshots.request_memo(("open", day), compute)


def position(*, as_of: dt.date, scope: Scope, snapshot=None) -> Position:
    """Receivables (encours) and overdue on ``as_of``: documents owed that day, overdue when
    their due date has passed; unallocated cash is deducted from both (from overdue when
    received before that day, as the aged balance does). Documents settled after ``as_of`` are
    read only for a past date. With a fresh ``snapshot`` (today or later), from the figures per
    (segment, collector) a page reads once."""
    if snapshot is not None and as_of >= today():
        values = _by_pair(_open_pairs(as_of), scope, None).get(None) or [ZERO] * 4
        total, overdue, cash, before = values
        return Position(receivables=cents(total - cash), overdue=cents(overdue - before))
    lookups = scope.customer_lookups()
    receivables, overdue = _open_position(as_of, scope)
    if as_of < today():
        later = Invoice.objects.filter(
            status=InvoiceStatus.SETTLED, settled_on__gt=as_of, issue_date__lte=as_of, **lookups
        ).aggregate(
            receivables=_money("amount"),
            overdue=_money(Case(When(due_date__lt=as_of, then=F("amount")), default=Value(ZERO))),
        )
        receivables += later["receivables"]
        overdue += later["overdue"]
    cash = Payment.objects.filter(
        unallocated_amount__gt=0, received_on__lte=as_of, **lookups
    ).aggregate(
        total=_money("unallocated_amount"),
        before=_money(
            Case(When(received_on__lt=as_of, then=F("unallocated_amount")), default=Value(ZERO))
        ),
    )
    return Position(
        receivables=cents(receivables - cash["total"]), overdue=cents(overdue - cash["before"])
    )


def _open_owed(day: dt.date, scope: Scope, group: str | None) -> dict:
    """Open amount of the open documents issued by ``day`` per group key, from the covering
    index alone (see ``_open_position``)."""
    hint = " INDEXED BY invoice_open_cover_idx" if connection.vendor == "sqlite" else ""
    columns = {None: "NULL", "customer": "i.customer_id"}
    column = columns.get(group, f"c.{GROUPS[group].split('__')[-1]}")
    lookups = scope.customer_lookups(prefix="")
    join = " JOIN customers_customer c ON c.id = i.customer_id" if group in GROUPS else ""
    where, params = "", [_db_date(day)]
    if lookups:
        if join and group != "customer":
            for field, value in lookups.items():
                where += f" AND c.{field} = %s"
                params.append(value)
        else:
            where, where_params = scope.customer_in_sql("i.customer_id")
            params.extend(where_params)
    if group == "customer":
        join = ""
    # Fragments are constants; values are parameters.
    sql = f"""
        SELECT {column}, CAST(ROUND(SUM(i.open_amount) * 100) AS BIGINT)
        FROM receivables_invoice i{hint}{join}
        WHERE i.status = '{InvoiceStatus.OPEN}' AND i.issue_date <= %s{where}
        GROUP BY {column}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {key: Decimal(total or 0).scaleb(-2) for key, total in cursor.fetchall()}


def _receivables_now(days: list[dt.date], scope: Scope, key: str | None, group) -> dict:
    """Receivables on days from today on: nothing can have been settled after them (as
    ``position`` assumes), so the open documents and the unallocated cash make them."""
    result: dict = defaultdict(lambda: ZERO)
    lookups = scope.customer_lookups()
    for day in days:
        for group_key, amount in _open_owed(day, scope, group).items():
            result[(group_key, day)] += cents(amount)
        payments = Payment.objects.filter(unallocated_amount__gt=0, received_on__lte=day, **lookups)
        if key:
            rows = payments.values(key).order_by().annotate(total=_money("unallocated_amount"))
        else:
            rows = [payments.aggregate(total=_money("unallocated_amount"))]
        for row in rows:
            result[(row.get(key) if key else None, day)] -= cents(row["total"])
    return result


def top_receivables_now(day: dt.date, *, scope: Scope, limit: int) -> dict:
    """``{(customer id, day): receivables}`` of a set of customers that holds the ``limit``
    largest receivables on ``day`` (today or later): the ``limit + k`` largest open amounts,
    ``k`` the number of customers with unallocated cash (a customer without cash owes its open
    amount, so no one outside the set can owe more than ``limit`` customers of it). One query
    over the covering index, sorted and cut in SQL."""
    lookups = scope.customer_lookups()
    cash = dict(
        Payment.objects.filter(unallocated_amount__gt=0, received_on__lte=day, **lookups)
        .values_list("customer_id")
        .order_by()
        .annotate(total=_money("unallocated_amount"))
    )
    hint = " INDEXED BY invoice_open_cover_idx" if connection.vendor == "sqlite" else ""
    where, where_params = scope.customer_in_sql()
    params = [_db_date(day), *where_params, limit + len(cash)]
    # Fragments are constants; values are parameters.
    sql = f"""
        SELECT customer_id, CAST(ROUND(SUM(open_amount) * 100) AS BIGINT) AS total
        FROM receivables_invoice{hint}
        WHERE status = '{InvoiceStatus.OPEN}' AND issue_date <= %s{where}
        GROUP BY customer_id ORDER BY total DESC LIMIT %s
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        (customer_id, day): cents(Decimal(total or 0).scaleb(-2)) - cents(cash.get(customer_id))
        for customer_id, total in rows
    }


def receivables_at(
    days: list[dt.date], *, scope: Scope, group: str | None = None, snapshot=None
) -> dict:
    """Receivables on each of ``days`` in one pass over the ledger: ``{(group key, day):
    amount}`` (group key None without ``group``). With a fresh ``snapshot`` (a
    ``SnapshotState``), the ends of snapshotted months are read from it (not per customer)."""
    if not days:
        return {}
    result: dict = defaultdict(lambda: ZERO)
    if snapshot is not None and group != "customer":
        ends = {
            snapshots.month_last_day(month): month
            for month in snapshots.covered_months(snapshot, min(days).replace(day=1), max(days))
        }
        stored = [day for day in days if day in ends]
        owed = snapshots.month_figures(
            [ends[day] for day in stored], scope=scope, group=group, field="owed"
        )
        for (group_key, month), amount in owed.items():
            result[(group_key, snapshots.month_last_day(dt.date.fromisoformat(month + "-01")))] += (
                amount
            )
        days = [day for day in days if day not in ends]
        if not days:
            return dict(result)
    lookups = scope.customer_lookups()
    key = GROUPS[group] if group else None
    if snapshot is not None and min(days) >= today() and group != "customer":
        for day in days:
            for group_key, values in _by_pair(_open_pairs(day), scope, group).items():
                result[(group_key, day)] += cents(values[0] - values[2])
        return dict(result)
    if min(days) >= today():
        result.update(_receivables_now(days, scope, key, group))
        return dict(result)
    earliest, latest = min(days), max(days)
    invoices = Invoice.objects.filter(
        Q(status=InvoiceStatus.OPEN) | Q(settled_on__gt=earliest), issue_date__lte=latest, **lookups
    )
    sums = {
        f"d{i}": _money(Case(When(_owed_on(day), then=_owed_amount()), default=Value(ZERO)))
        for i, day in enumerate(days)
    }
    payments = Payment.objects.filter(unallocated_amount__gt=0, received_on__lte=latest, **lookups)
    cash_sums = {
        f"d{i}": _money(
            Case(When(received_on__lte=day, then=F("unallocated_amount")), default=Value(ZERO))
        )
        for i, day in enumerate(days)
    }
    for queryset, sign, aggregates in ((invoices, 1, sums), (payments, -1, cash_sums)):
        if key:
            rows = queryset.values(key).order_by().annotate(**aggregates)
        else:
            rows = [queryset.aggregate(**aggregates)]
        for row in rows:
            group_key = row.get(key) if key else None
            for i, day in enumerate(days):
                result[(group_key, day)] += sign * cents(row[f"d{i}"])
    return dict(result)


def _outside(start: dt.date, end: dt.date, covered: list[dt.date]) -> list[tuple]:
    """The date ranges of ``start``..``end`` that the (contiguous) ``covered`` months leave."""
    if not covered:
        return [(start, end)]
    ranges = []
    if start < covered[0]:
        ranges.append((start, covered[0] - dt.timedelta(days=1)))
    after = snapshots.month_last_day(covered[-1]) + dt.timedelta(days=1)
    if after <= end:
        ranges.append((after, end))
    return ranges


def monthly_revenue(
    *,
    start: dt.date,
    end: dt.date,
    scope: Scope,
    group: str | None = None,
    snapshot=None,
    customers=None,
) -> dict:
    """Revenue incl. tax per month, from the imported invoices net of credit notes, by issue
    date between ``start`` and ``end``: ``{(group key, "YYYY-MM"): amount}``. With a fresh
    ``snapshot`` the snapshotted months are read from it (not per customer); ``customers``
    narrows the customer grouping to those ids."""
    key = GROUPS[group] if group else None
    covered = [] if group == "customer" else snapshots.covered_months(snapshot, start, end)
    result = snapshots.month_figures(covered, scope=scope, group=group, field="revenue")
    for low, high in _outside(start, end, covered):
        invoices = Invoice.objects.filter(
            issue_date__gte=low, issue_date__lte=high, **scope.customer_lookups()
        )
        if customers is not None:
            invoices = invoices.filter(customer_id__in=customers)
        fields = [key] if key else []
        rows = (
            invoices.annotate(month=MonthOf("issue_date"))
            .values(*fields, "month")
            .order_by()
            .annotate(revenue=_money("amount"))
        )
        for row in rows:
            index = (row.get(key) if key else None, row["month"])
            result[index] = result.get(index, ZERO) + cents(row["revenue"])
    return result


def _lateness_live(start, end, scope: Scope, key: str | None, customers=None) -> dict:
    """``{group key: (amount × days late, amount)}`` of the invoices settled from ``start`` to
    ``end``."""
    invoices = Invoice.objects.filter(
        status=InvoiceStatus.SETTLED,
        kind=InvoiceKind.INVOICE,
        amount__gt=0,
        settled_on__gte=start,
        settled_on__lte=end,
        **scope.customer_lookups(),
    )
    if customers is not None:
        invoices = invoices.filter(customer_id__in=customers)
    late = Greatest(DaysBetween("settled_on", "due_date"), Value(0))
    weighted = ExpressionWrapper(F("amount") * late, output_field=MONEY)
    aggregates = {"weighted": _money(weighted), "total": _money("amount")}
    fields = key.split("|") if key else []
    if key:
        rows = invoices.values(*fields).order_by().annotate(**aggregates)
    else:
        rows = [invoices.aggregate(**aggregates)]
    return {
        (tuple(row[f] for f in fields) if len(fields) > 1 else row.get(key) if key else None): (
            Decimal(row["weighted"]),
            Decimal(row["total"]),
        )
        for row in rows
    }


def average_days_late(
    *, as_of: dt.date, scope: Scope, group: str | None = None, snapshot=None, customers=None
) -> dict:
    """Amount-weighted average days late of the invoices (not credit notes) settled in the 365
    days up to ``as_of``, paying early counting 0 days (the customer page's definition):
    ``{group key: Decimal days to a tenth, or None}``. With a fresh ``snapshot`` the settled
    days it covers are read from it (not per customer)."""
    key = GROUPS[group] if group else None
    start = as_of - dt.timedelta(days=LATENESS_WINDOW_DAYS - 1)
    parts = []
    ranges = [(start, as_of)]
    if snapshot is not None and group != "customer":
        # The settlements of every day from the first month on, this month's included.
        low, high = max(start, snapshot.first_month), as_of
        if low <= high:
            parts.append(snapshots.lateness(low, high, scope=scope, group=group))
            ranges = [
                (a, b)
                for a, b in (
                    (start, low - dt.timedelta(days=1)),
                    (high + dt.timedelta(days=1), as_of),
                )
                if a <= b
            ]
    if snapshot is not None and group != "customer":
        # Once per request per range, per (segment, collector), whatever the scope and grouping.
        for low, high in ranges:
            pairs = snapshots.request_memo(
                ("late", low, high),
                lambda low=low, high=high: [
                    (pair[0], pair[1], *values)
                    for pair, values in _lateness_live(
                        low, high, Scope(), "customer__segment_id|customer__collector_id"
                    ).items()
                ],
            )
            parts.append({k: tuple(v) for k, v in _by_pair(pairs, scope, group).items()})
    else:
        parts.extend(_lateness_live(a, b, scope, key, customers) for a, b in ranges)
    totals: dict = {}
    for part in parts:
        for group_key, (weighted, total) in part.items():
            before = totals.get(group_key, (ZERO, ZERO))
            totals[group_key] = (before[0] + weighted, before[1] + total)
    return {
        group_key: (round_days(weighted / total) if total else None)
        for group_key, (weighted, total) in totals.items()
    }


def disputed_amount(*, as_of: dt.date, scope: Scope) -> Decimal:
    """What active disputes raised by ``as_of`` contest (their ``disputed_total``), read through
    the partial index of active disputes: the statuses are literals so that SQLite can prove it
    applies (as the disputes worklist does)."""
    hint = " INDEXED BY dispute_deadline_idx" if connection.vendor == "sqlite" else ""
    statuses = ", ".join(f"'{status}'" for status in ACTIVE_STATUSES)
    where, where_params = scope.customer_in_sql()
    params = [_db_date(as_of), *where_params]
    # Fragments are constants; values are parameters.
    sql = f"""
        SELECT CAST(ROUND(SUM(disputed_total) * 100) AS BIGINT)
        FROM disputes_dispute{hint}
        WHERE status IN ({statuses}) AND raised_on <= %s{where}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cents(Decimal(cursor.fetchone()[0] or 0).scaleb(-2))


def group_labels(group: str, keys) -> dict:
    """Display names of group keys: customers' "name (code)", segments' names, collectors'
    usernames."""
    keys = [k for k in keys if k is not None]
    if group == "customer":
        return {
            pk: f"{name} ({code})"
            for pk, code, name in Customer.objects.filter(pk__in=keys).values_list(
                "pk", "code", "name"
            )
        }
    if group == "segment":
        from encaisse.customers.models import Segment

        return dict(Segment.objects.filter(pk__in=keys).values_list("pk", "name"))
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=keys)
    return {user.pk: user.get_full_name() or user.username for user in users}
